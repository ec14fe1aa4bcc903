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

// HTML writes the compatibility table of f as one self-contained page, the one people cite:
// inline CSS and an inline filter script, no fetches of any kind, and without JavaScript the
// whole table shows.
//
// The page answers "does my proxy break 100-continue?" first: an overview per role (origin
// servers, gateways, forward proxies) with one line per implementation and the cases it fails.
// Then one table per role: cases (linked to their RFC section) × implementations (name and
// version in the column head), each cell a verdict whose reason shows on hover (title) and on
// click, tap or Enter (a <details> element, with requirements, fix and, for fail, warn and
// error, the trace), and a summary row. Flaky cells read FLAKY with the verdicts of their runs,
// cases the run did not finish read "not run", and a target that is not installed says so in its
// column head instead of filling its column with n/a. All text from f is escaped by html/template.
func HTML(w io.Writer, f *File) error {
	if f == nil {
		f = &File{}
	}
	return htmlTemplate.Execute(w, buildPage(f))
}

type htmlPage struct {
	RunLine     string
	Schema      string
	Interrupted bool
	Groups      []htmlGroup
	Verdicts    []htmlVerdict
	Keywords    []string
}

type htmlVerdict struct {
	Value, Label string
}

type htmlGroup struct {
	Role, Title, Blurb, Anchor string
	Targets                    []htmlTarget
	Rows                       []htmlRow
}

type htmlTarget struct {
	Target
	FootSummary  string // its counts, one a line
	NotInstalled bool
	Install      string // the reason of its cells: "not installed: … (install with: …)"
	InstallHow   string // the same without "not installed:", under the overview's "not installed"
	Class        string // verdict class of the overview line
	Answer       string // the overview's phrase
	Fails, Warns []htmlCaseLink
}

type htmlCaseLink struct{ ID, Anchor string }

type htmlRow struct {
	Case
	Anchor string
	URL    string
	Reqs   []htmlReq
	KwList string // "|"-separated (keywords contain spaces), for the filter
	Text   string // lower-case ID, title and requirement IDs, for the text filter
	Cells  []htmlCell
}

type htmlReq struct {
	Requirement
	URL string
}

type htmlCell struct {
	Target       string
	Kind         string // "result", "absent" (no result) or "not-installed"
	Verdict      Verdict
	Label        string
	Runs         string   // a flaky cell's verdicts, "pass×19 fail×1"
	RunReasons   []string // a flaky cell's distinct findings, "fail×1: no 100 …"
	Flaky        bool
	NotRun       bool
	Title        string // one-line reason, for the title attribute
	Reason       string
	Reqs         string
	Fix          string
	Trace        string
	DurationMS   int64
	AbsentReason string
}

func buildPage(f *File) htmlPage {
	p := htmlPage{RunLine: runLine(f), Schema: Schema, Interrupted: f.Suite.Interrupted}
	for _, v := range Verdicts {
		p.Verdicts = append(p.Verdicts, htmlVerdict{Value: string(v), Label: v.Label()})
	}
	cells := f.cells()
	for _, c := range f.Cases {
		for _, r := range c.Requirements {
			if r.Keyword != "" && !slices.Contains(p.Keywords, r.Keyword) {
				p.Keywords = append(p.Keywords, r.Keyword)
			}
		}
	}
	slices.SortStableFunc(p.Keywords, func(a, b string) int { return keywordRank(a) - keywordRank(b) })
	for _, g := range buildTable(f).Groups {
		hg := htmlGroup{Role: g.Role, Title: g.Title, Blurb: g.Blurb, Anchor: anchor("role", g.Role)}
		for _, t := range g.Targets {
			ht := htmlTarget{Target: t.Target, NotInstalled: t.NotInstalled, Install: oneLine(t.Install, 300)}
			ht.InstallHow = installHow(ht.Install)
			ht.FootSummary = strings.NewReplacer(", ", "\n", "; ", "\n").Replace(columnSummary(t))
			ht.Class, ht.Answer = verdictOf(t)
			for _, c := range t.Fails {
				ht.Fails = append(ht.Fails, htmlCaseLink{ID: c.ID, Anchor: anchor(g.Role, c.ID)})
			}
			for _, c := range t.Warns {
				ht.Warns = append(ht.Warns, htmlCaseLink{ID: c.ID, Anchor: anchor(g.Role, c.ID)})
			}
			hg.Targets = append(hg.Targets, ht)
		}
		for _, c := range g.Cases {
			hg.Rows = append(hg.Rows, buildRow(c, g, cells))
		}
		p.Groups = append(p.Groups, hg)
	}
	return p
}

func buildRow(c Case, g roleGroup, cells map[cellKey]*Result) htmlRow {
	row := htmlRow{Case: c, Anchor: anchor(g.Role, c.ID), URL: c.firstURL()}
	var kws []string
	text := []string{c.ID, c.Title, c.Scenario}
	for _, r := range c.Requirements {
		row.Reqs = append(row.Reqs, htmlReq{Requirement: r, URL: r.URL()})
		text = append(text, r.ID)
		if r.Keyword != "" && !slices.Contains(kws, r.Keyword) {
			kws = append(kws, r.Keyword)
		}
	}
	row.KwList = strings.Join(kws, "|")
	row.Text = strings.ToLower(strings.Join(text, " "))
	for _, t := range g.Targets {
		row.Cells = append(row.Cells, buildCell(c, t, cells))
	}
	return row
}

func buildCell(c Case, t tableTarget, cells map[cellKey]*Result) htmlCell {
	cell := htmlCell{Target: t.Name}
	r, ok := cells[cellKey{t.Name, c.ID}]
	switch {
	case !ok:
		cell.Kind = "absent"
		cell.AbsentReason = "no result for " + c.ID + " on " + t.Name
		if !slices.Contains(c.Roles, t.Role) {
			cell.AbsentReason = c.ID + " does not apply to a " + t.Role
		}
		return cell
	case t.NotInstalled:
		cell.Kind = "not-installed"
		cell.Verdict = r.Verdict
		cell.Title = oneLine(r.Reason, 1000)
		return cell
	}
	cell.Kind = "result"
	cell.Verdict = r.Verdict
	cell.Label = cellLabel(r)
	cell.Flaky = r.Flaky
	cell.NotRun = r.NotRun
	if r.Flaky {
		cell.Runs = runsText(r.Runs)
	}
	for _, rr := range r.RunReasons {
		cell.RunReasons = append(cell.RunReasons, rr.label()+": "+printableText(rr.Reason))
	}
	cell.Title = oneLine(r.Reason, 1000)
	cell.Reason = printableText(r.Reason)
	cell.Reqs = strings.Join(r.Requirements, " ")
	cell.Fix = printableText(r.Fix)
	cell.DurationMS = r.DurationMS
	if r.Verdict == Fail || r.Verdict == Warn || (r.Verdict == Error && !r.NotRun) {
		cell.Trace = TraceText(r.Trace)
	}
	return cell
}

// installHow is a "not installed: X is missing (install with: Y)" reason without its first words.
func installHow(reason string) string {
	r := strings.TrimSpace(reason)
	if isNotInstalled(r) {
		r = strings.TrimSpace(strings.TrimPrefix(r[len("not installed"):], ":"))
	}
	return r
}

// anchor is an element ID made of letters, digits and dashes: "proxy-chain-http10-client".
func anchor(parts ...string) string {
	var b strings.Builder
	for i, p := range parts {
		if i > 0 {
			b.WriteByte('-')
		}
		for _, r := range p {
			switch {
			case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
				b.WriteRune(r)
			default:
				b.WriteByte('-')
			}
		}
	}
	return b.String()
}

func keywordRank(k string) int {
	order := []string{"MUST", "MUST NOT", "REQUIRED", "SHALL", "SHALL NOT", "SHOULD", "SHOULD NOT", "RECOMMENDED", "NOT RECOMMENDED", "MAY", "OPTIONAL"}
	if i := slices.Index(order, strings.ToUpper(k)); i >= 0 {
		return i
	}
	return len(order)
}
