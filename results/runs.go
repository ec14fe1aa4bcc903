package results

import "slices"

// RunReason is one distinct finding among the runs of a repeated case.
type RunReason struct {
	Verdict Verdict `json:"verdict"`
	Reason  string  `json:"reason"`
	Runs    int     `json:"runs"` // how many runs gave this verdict with this reason
}

// RunReasonsOf groups the runs of a case, verdicts[i] with reasons[i], into its distinct
// findings: one per verdict and reason text, counted, worst verdict first and, within a verdict,
// in the order the runs gave them.
func RunReasonsOf(verdicts []Verdict, reasons []string) []RunReason {
	var out []RunReason
	at := map[RunReason]int{} // by verdict and reason (Runs 0): index in out
	for i, v := range verdicts {
		k := RunReason{Verdict: v, Reason: reasons[i]}
		if j, ok := at[k]; ok {
			out[j].Runs++
			continue
		}
		at[k] = len(out)
		k.Runs = 1
		out = append(out, k)
	}
	slices.SortStableFunc(out, func(a, b RunReason) int { return a.Verdict.rank() - b.Verdict.rank() })
	return out
}
