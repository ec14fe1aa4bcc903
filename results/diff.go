package results

import (
	"bufio"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"

	"github.com/google/go-cmp/cmp"
)

// Change is one cell that differs between two runs.
type Change struct {
	Target string
	Case   string
	Old    *Result // nil when the cell was added
	New    *Result // nil when the cell was removed
	// Detail is a go-cmp diff of the two results without trace and duration (changed cells only).
	Detail string
}

// Report is the cell-by-cell comparison of two results files. Cells are keyed by
// (target name, case ID).
type Report struct {
	// Regressions: a cell that became fail (from anything else), became error (from pass, info,
	// warn or na), or became warn (from pass or info).
	Regressions []Change
	// Fixes: a cell that was fail or error and is now pass, info or warn, or was warn and is now
	// pass or info.
	Fixes []Change
	// Changed: every other verdict change (for example fail → error, fail → na, na → pass).
	Changed []Change
	// Reworded: the same verdict with a different reason, requirements or fix.
	Reworded []Change
	// Added and Removed: cells only in the new file, or only in the old one.
	Added   []Change
	Removed []Change
	// Unchanged counts the cells present in both with the same finding. Retimed counts those of
	// them whose reasons differ only in their numbers (times, octet counts, ports).
	Unchanged int
	Retimed   int
	// Targets notes targets whose details (role, address, software, version) changed.
	Targets []string
}

// Regressed reports whether some cell present in both files became fail or error where it was
// not (pass → fail, pass → error, warn → fail, …). A pass → warn regression is listed but does not
// count here. The CLI exits 1 when Regressed is true; that decision stays with the caller.
func (r Report) Regressed() bool {
	for _, c := range r.Regressions {
		if c.New.Verdict == Fail || c.New.Verdict == Error {
			return true
		}
	}
	return false
}

// Diff compares old and new cell by cell. Lists are in new's target and case order (old's for
// removed cells).
func Diff(old, new *File) Report {
	if old == nil {
		old = &File{}
	}
	if new == nil {
		new = &File{}
	}
	var rep Report
	for _, t := range new.Targets {
		// Where a target listened is not what it is: the matrix picks new ports every run.
		if o, ok := old.target(t.Name); ok && !sameTarget(withoutAddress(o), withoutAddress(t)) {
			rep.Targets = append(rep.Targets, t.Name+": "+targetChange(o, t))
		}
	}
	oldCells := old.cells()
	newCells := new.cells()
	for _, n := range orderedResults(new) {
		k := cellKey{n.Target, n.Case}
		o, ok := oldCells[k]
		if !ok {
			rep.Added = append(rep.Added, Change{Target: n.Target, Case: n.Case, New: n})
			continue
		}
		ch := Change{Target: n.Target, Case: n.Case, Old: o, New: n}
		if o.Verdict == n.Verdict && sameFinding(*o, *n) {
			rep.Unchanged++
			continue
		}
		if o.Verdict == n.Verdict && sameFinding(untimed(*o), untimed(*n)) {
			// The same finding with other measurements ("arrived 3.5 ms after" → "19 ms"):
			// every run of a real server words its reasons so, and listing them hides the rest.
			rep.Unchanged++
			rep.Retimed++
			continue
		}
		ch.Detail = cmp.Diff(finding(*o), finding(*n))
		switch {
		case o.Verdict == n.Verdict:
			rep.Reworded = append(rep.Reworded, ch)
		case isRegression(o.Verdict, n.Verdict):
			rep.Regressions = append(rep.Regressions, ch)
		case isFix(o.Verdict, n.Verdict):
			rep.Fixes = append(rep.Fixes, ch)
		default:
			rep.Changed = append(rep.Changed, ch)
		}
	}
	for _, o := range orderedResults(old) {
		if _, ok := newCells[cellKey{o.Target, o.Case}]; !ok {
			rep.Removed = append(rep.Removed, Change{Target: o.Target, Case: o.Case, Old: o})
		}
	}
	return rep
}

func isRegression(from, to Verdict) bool {
	switch to {
	case Fail:
		return true
	case Error:
		return from != Fail
	case Warn:
		return from == Pass || from == Info
	}
	return false
}

func isFix(from, to Verdict) bool {
	switch from {
	case Fail, Error:
		return to == Pass || to == Info || to == Warn
	case Warn:
		return to == Pass || to == Info
	}
	return false
}

var number = regexp.MustCompile(`[0-9]+(\.[0-9]+)?`)

// untimed is r with every number in its reason replaced by "#".
func untimed(r Result) Result {
	r.Reason = number.ReplaceAllString(r.Reason, "#")
	return r
}

func withoutAddress(t Target) Target {
	t.Address = ""
	return t
}

// finding is a result without what legitimately varies between runs.
func finding(r Result) Result {
	r.Trace = nil
	r.DurationMS = 0
	return r
}

// orderedResults lists f's results by target order, then case order, without changing f.
func orderedResults(f *File) []*Result {
	ti := map[string]int{}
	for i, t := range f.Targets {
		ti[t.Name] = i
	}
	ci := map[string]int{}
	for i, c := range f.Cases {
		ci[c.ID] = i
	}
	out := make([]*Result, len(f.Results))
	for i := range f.Results {
		out[i] = &f.Results[i]
	}
	slices.SortStableFunc(out, func(a, b *Result) int {
		if d := ti[a.Target] - ti[b.Target]; d != 0 {
			return d
		}
		return ci[a.Case] - ci[b.Case]
	})
	return out
}

// Write prints the report: a counts line, then each non-empty group with one line per cell
// ("target  case  old → new" and the new reason), and the go-cmp detail under changed cells.
func (r Report) Write(w io.Writer) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "%d regressed, %d fixed, %d changed, %d reworded, %d added, %d removed, %d unchanged",
		len(r.Regressions), len(r.Fixes), len(r.Changed), len(r.Reworded), len(r.Added), len(r.Removed), r.Unchanged)
	if r.Retimed > 0 {
		fmt.Fprintf(bw, " (%d with other timings)", r.Retimed)
	}
	bw.WriteString("\n")
	if len(r.Targets) > 0 {
		bw.WriteString("\nTargets that changed:\n")
		for _, t := range r.Targets {
			bw.WriteString("  " + visible(t) + "\n")
		}
	}
	groups := []struct {
		title  string
		cs     []Change
		detail bool
	}{
		{"Regressions", r.Regressions, true},
		{"Fixes", r.Fixes, true},
		{"Changed", r.Changed, true},
		{"Reworded", r.Reworded, true},
		{"Added", r.Added, false},
		{"Removed", r.Removed, false},
	}
	for _, g := range groups {
		if len(g.cs) == 0 {
			continue
		}
		fmt.Fprintf(bw, "\n%s (%d):\n", g.title, len(g.cs))
		for _, c := range g.cs {
			fmt.Fprintf(bw, "  %s  %s  %s\n", visible(c.Target), visible(c.Case), transition(c))
			switch {
			case c.New != nil:
				bw.WriteString("      " + oneLine(c.New.Reason, summaryWidth) + "\n")
			case c.Old != nil:
				bw.WriteString("      was: " + oneLine(c.Old.Reason, summaryWidth) + "\n")
			}
			if g.detail && c.Detail != "" {
				for _, l := range strings.Split(strings.TrimRight(c.Detail, "\n"), "\n") {
					// go-cmp varies its spaces on purpose (U+00A0); print plain ones
					l = strings.NewReplacer("\u00a0", " ", "\t", "  ").Replace(l)
					bw.WriteString("      " + visible(l) + "\n")
				}
			}
		}
	}
	return bw.Flush()
}

func transition(c Change) string {
	switch {
	case c.Old == nil:
		return "(new) " + c.New.Verdict.Label()
	case c.New == nil:
		return c.Old.Verdict.Label() + " (gone)"
	}
	return c.Old.Verdict.Label() + " → " + c.New.Verdict.Label()
}

// targetChange lists the details of a target that differ: `version "1.24" → "1.26"`.
func targetChange(o, n Target) string {
	var parts []string
	for _, f := range []struct{ name, old, new string }{
		{"role", o.Role, n.Role}, {"address", o.Address, n.Address},
		{"software", o.Software, n.Software}, {"version", o.Version, n.Version},
		{"protocol", o.HTTPProtocol(), n.HTTPProtocol()}, {"TLS", o.TLS, n.TLS},
	} {
		if f.old != f.new {
			parts = append(parts, fmt.Sprintf("%s %q → %q", f.name, f.old, f.new))
		}
	}
	return strings.Join(parts, ", ")
}
