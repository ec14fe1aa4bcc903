package results

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strings"
)

// Markdown writes the compatibility table of f as GitHub-flavoured Markdown: one row per case
// (its ID linked to the RFC section of its first requirement, then its title), one column per
// target ("name version"), PASS/FAIL/WARN/INFO/n/a/ERROR in each cell ("-" where the case was not
// run on that target), a summary row of counts, and below the table, per target, every cell
// that is not a pass with its reason, requirements and fix.
func Markdown(w io.Writer, f *File) error {
	if f == nil {
		f = &File{}
	}
	bw := bufio.NewWriter(w)
	cells := f.cells()
	counts := CountAll(f)

	fmt.Fprintln(bw, "# expectspec compatibility table")
	fmt.Fprintln(bw)
	fmt.Fprintln(bw, mdText(runLine(f)))
	fmt.Fprintln(bw)
	fmt.Fprintln(bw, "PASS: the requirement held. FAIL: a MUST or MUST NOT was broken. WARN: a SHOULD was broken, or interoperability suffers. "+
		"INFO: the RFC leaves a choice; the reason says which. n/a: does not apply. ERROR: the suite could not carry the case out.")
	fmt.Fprintln(bw)

	bw.WriteString("| case | claim |")
	for _, t := range f.Targets {
		bw.WriteString(" " + mdText(t.heading()) + " |")
	}
	bw.WriteString("\n|---|---|")
	for range f.Targets {
		bw.WriteString(":---:|")
	}
	bw.WriteString("\n")
	for _, c := range f.Cases {
		fmt.Fprintf(bw, "| %s | %s |", mdCaseLink(c), mdText(c.Title))
		for _, t := range f.Targets {
			cell := "-"
			if r, ok := cells[cellKey{t.Name, c.ID}]; ok {
				cell = r.Verdict.Label()
			}
			bw.WriteString(" " + cell + " |")
		}
		bw.WriteString("\n")
	}
	bw.WriteString("| **summary** | |")
	for _, t := range f.Targets {
		bw.WriteString(" " + shortCounts(counts[t.Name]) + " |")
	}
	bw.WriteString("\n")

	caseByID := map[string]Case{}
	for _, c := range f.Cases {
		caseByID[c.ID] = c
	}
	header := false
	for _, t := range f.Targets {
		findings := nonPass(f, t.Name)
		if len(findings) == 0 {
			continue
		}
		if !header {
			fmt.Fprintln(bw, "\n## Findings")
			header = true
		}
		fmt.Fprintf(bw, "\n### %s\n\n", mdText(targetLine(t)))
		for _, r := range findings {
			fmt.Fprintf(bw, "- **%s** %s: %s", r.Verdict.Label(), mdCaseLink(caseByID[r.Case]), mdText(oneLine(r.Reason, 4000)))
			if len(r.Requirements) > 0 {
				fmt.Fprintf(bw, " (%s)", mdText(strings.Join(r.Requirements, ", ")))
			}
			if r.Fix != "" {
				fmt.Fprintf(bw, " Fix: %s", mdText(oneLine(r.Fix, 4000)))
			}
			bw.WriteString("\n")
		}
	}
	return bw.Flush()
}

// runLine describes the run in one sentence.
func runLine(f *File) string {
	s := fmt.Sprintf("%d cases on %d targets", len(f.Cases), len(f.Targets))
	if f.Suite.Version != "" {
		s = "expectspec " + f.Suite.Version + ": " + s
	}
	if !f.Suite.Started.IsZero() {
		s += ", started " + f.Suite.Started.UTC().Format("2006-01-02 15:04:05 UTC")
	}
	if f.Suite.DurationMS > 0 {
		s += fmt.Sprintf(", took %.1f s", float64(f.Suite.DurationMS)/1000)
	}
	return s + "."
}

// targetLine is "name version (role, software, address)".
func targetLine(t Target) string {
	var extra []string
	for _, s := range []string{t.Role, t.Software, t.Address} {
		if s != "" {
			extra = append(extra, s)
		}
	}
	if len(extra) == 0 {
		return t.heading()
	}
	return t.heading() + " (" + strings.Join(extra, ", ") + ")"
}

// shortCounts is "31 pass, 2 fail, 1 warn", leaving out verdicts that did not occur.
func shortCounts(c Counts) string {
	if c.Total() == 0 {
		return "no results"
	}
	var parts []string
	for _, v := range Verdicts {
		if n := c.Get(v); n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, v.Label()))
		}
	}
	return strings.ToLower(strings.Join(parts, ", "))
}

// nonPass lists a target's results that are not pass, worst first, then in case order.
func nonPass(f *File, target string) []Result {
	order := map[string]int{}
	for i, c := range f.Cases {
		order[c.ID] = i
	}
	var out []Result
	for _, r := range f.Results {
		if r.Target == target && r.Verdict != Pass {
			out = append(out, r)
		}
	}
	sortFindings(out, order)
	return out
}

func sortFindings(rs []Result, order map[string]int) {
	slices.SortStableFunc(rs, func(a, b Result) int {
		if d := a.Verdict.rank() - b.Verdict.rank(); d != 0 {
			return d
		}
		return order[a.Case] - order[b.Case]
	})
}

func mdCaseLink(c Case) string {
	if u := c.firstURL(); u != "" {
		return "[" + mdText(c.ID) + "](" + u + ")"
	}
	return mdText(c.ID)
}

// mdText makes s safe inside a table cell or list item: one line, with the characters that
// Markdown or HTML would interpret escaped by a backslash.
func mdText(s string) string {
	s = oneLine(s, 1<<20)
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune("\\`*_[]<>|~&#!", r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}
