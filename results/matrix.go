package results

import (
	"fmt"
	"io"
	"text/tabwriter"
)

// Matrix prints the conformance matrix for a terminal: one row per case, one column per target
// (numbered, with a legend above), the verdict in each cell, "-" where the case did not run,
// FLAKY(worst verdict) where repeated runs disagreed, "not run" where an interrupted run did not
// finish the case.
func Matrix(w io.Writer, f *File) error {
	if f == nil || len(f.Targets) == 0 {
		return nil
	}
	for i, t := range f.Targets {
		fmt.Fprintf(w, "  [%d] %s\n", i+1, visible(t.heading()))
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprint(tw, "case")
	for i := range f.Targets {
		fmt.Fprintf(tw, "\t[%d]", i+1)
	}
	fmt.Fprintln(tw)
	cells := f.cells()
	for _, c := range f.Cases {
		fmt.Fprint(tw, visible(c.ID))
		for _, t := range f.Targets {
			cell := "-"
			if r, ok := cells[cellKey{t.Name, c.ID}]; ok {
				cell = cellLabel(r)
				if r.Flaky && !r.NotRun {
					cell = "FLAKY(" + r.Verdict.Label() + ")"
				}
			}
			fmt.Fprint(tw, "\t"+cell)
		}
		fmt.Fprintln(tw)
	}
	return tw.Flush()
}
