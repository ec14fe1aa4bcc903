package results

import (
	_ "embed"
	"html/template"
	"io"
	"slices"
	"strings"
)

//go:embed html.tmpl
var htmlSource string

var htmlTemplate = template.Must(template.New("page").Parse(htmlSource))

// HTML writes the compatibility table of f as one self-contained page: inline CSS, an optional
// inline filter script (by verdict, role and keyword; without JavaScript the whole table shows),
// no fetches of any kind. Rows are cases linked to their RFC section, columns are targets, each
// cell shows its verdict, with the reason in a title attribute and in a <details> element
// together with requirements, fix and, for fail, warn and error, the trace. The last row counts
// each target's verdicts. All text from f is escaped by html/template.
func HTML(w io.Writer, f *File) error {
	if f == nil {
		f = &File{}
	}
	return htmlTemplate.Execute(w, buildPage(f))
}

type htmlPage struct {
	RunLine  string
	Schema   string
	Targets  []htmlTarget
	Rows     []htmlRow
	Verdicts []htmlVerdict
	Roles    []string
	Keywords []string
}

type htmlTarget struct {
	Target
	Heading string
	Counts  Counts
	Short   string
}

type htmlVerdict struct {
	Value, Label string
}

type htmlRow struct {
	Case
	URL      string
	Reqs     []htmlReq
	RoleList string // space-separated, for the filter
	KwList   string // "|"-separated (keywords contain spaces)
	VList    string // space-separated verdicts present in the row
	Cells    []htmlCell
}

type htmlReq struct {
	Requirement
	URL string
}

type htmlCell struct {
	Target     string
	Present    bool
	Verdict    Verdict
	Label      string
	Title      string // one-line reason, for the title attribute
	Reason     string
	Reqs       string
	Fix        string
	Trace      string
	DurationMS int64
}

func buildPage(f *File) htmlPage {
	p := htmlPage{RunLine: runLine(f), Schema: Schema}
	counts := CountAll(f)
	for _, t := range f.Targets {
		c := counts[t.Name]
		p.Targets = append(p.Targets, htmlTarget{Target: t, Heading: t.heading(), Counts: c, Short: shortCounts(c)})
	}
	for _, v := range Verdicts {
		p.Verdicts = append(p.Verdicts, htmlVerdict{Value: string(v), Label: v.Label()})
	}
	cells := f.cells()
	for _, c := range f.Cases {
		row := htmlRow{Case: c, URL: c.firstURL(), RoleList: strings.Join(c.Roles, " ")}
		var kws, vs []string
		for _, r := range c.Requirements {
			row.Reqs = append(row.Reqs, htmlReq{Requirement: r, URL: r.URL()})
			if r.Keyword != "" && !slices.Contains(kws, r.Keyword) {
				kws = append(kws, r.Keyword)
			}
			if r.Keyword != "" && !slices.Contains(p.Keywords, r.Keyword) {
				p.Keywords = append(p.Keywords, r.Keyword)
			}
		}
		for _, role := range c.Roles {
			if !slices.Contains(p.Roles, role) {
				p.Roles = append(p.Roles, role)
			}
		}
		row.KwList = strings.Join(kws, "|")
		for _, t := range f.Targets {
			cell := htmlCell{Target: t.Name}
			if r, ok := cells[cellKey{t.Name, c.ID}]; ok {
				cell.Present = true
				cell.Verdict = r.Verdict
				cell.Label = r.Verdict.Label()
				cell.Title = oneLine(r.Reason, 1000)
				cell.Reason = printableText(r.Reason)
				cell.Reqs = strings.Join(r.Requirements, " ")
				cell.Fix = printableText(r.Fix)
				cell.DurationMS = r.DurationMS
				if r.Verdict == Fail || r.Verdict == Warn || r.Verdict == Error {
					cell.Trace = TraceText(r.Trace)
				}
				if !slices.Contains(vs, string(r.Verdict)) {
					vs = append(vs, string(r.Verdict))
				}
			}
			row.Cells = append(row.Cells, cell)
		}
		row.VList = strings.Join(vs, " ")
		p.Rows = append(p.Rows, row)
	}
	slices.Sort(p.Roles)
	slices.SortStableFunc(p.Keywords, func(a, b string) int { return keywordRank(a) - keywordRank(b) })
	return p
}

func keywordRank(k string) int {
	order := []string{"MUST", "MUST NOT", "REQUIRED", "SHALL", "SHALL NOT", "SHOULD", "SHOULD NOT", "RECOMMENDED", "NOT RECOMMENDED", "MAY", "OPTIONAL"}
	if i := slices.Index(order, strings.ToUpper(k)); i >= 0 {
		return i
	}
	return len(order)
}
