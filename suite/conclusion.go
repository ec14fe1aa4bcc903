package suite

import (
	"fmt"
	"sort"
	"strings"

	"github.com/expectspec/expectspec/results"
)

// The last line a run prints is its conclusion: what a user needs to know when reading only the
// end of a CI log. Ginkgo's own last words ("SUCCESS!", "FAIL!", "N Passed") count specs, and a
// warn or info passes its spec, so a run where every upload stalls would otherwise end with
// "SUCCESS!". The conclusion counts verdicts instead, names the requirement most of the fails
// (or, without fails, the warns) rest on with what it means for uploads, and says where the
// files are.

// consequence says, for the requirements whose breach users notice first, what they see.
var consequence = map[string]string{
	"EXP-ORIGIN-IMMEDIATE":        "a client that sends Expect: 100-continue and withholds the content gets neither a 100 nor a final status, so uploads with Expect stall here until the client stops waiting (or fail, where the server closes)",
	"EXP-ORIGIN-NO-WAIT":          "the 100 (Continue) comes only after the content, so uploads with Expect stall here until the client stops waiting",
	"EXP-NO-417-FOR-100-CONTINUE": "a request with Expect: 100-continue gets 417 (Expectation Failed), so uploads with Expect fail here unless the client repeats them without it (only curl does)",
	"EXP-PROXY-IMMEDIATE":         "the proxy neither answers nor forwards the request head while the content is withheld, so uploads with Expect stall through it until the client stops waiting",
}

// conclusion is the last line of a run: the verdict counts, what they mean, which targets were
// not tested (failed, prepare.go), where the files are.
func conclusion(f *results.File, failed []checkFailure, out string, files []string) string {
	var all results.Counts
	for _, r := range f.Results {
		all.Add(r.Verdict)
	}
	scope := fmt.Sprintf("%d targets", len(f.Targets))
	if len(f.Targets) == 1 {
		scope = f.Targets[0].Name
	}
	var sentence string
	switch {
	case f.Suite.Interrupted:
		sentence = fmt.Sprintf("interrupted, %s of what finished", all.Short())
	case len(f.Results) == 0:
		sentence = "no case was selected, nothing was judged"
	case all.Error == len(f.Results):
		sentence = fmt.Sprintf("nothing was judged: all %d case(s) are error (%s)", all.Error, firstReason(f, results.Error))
	case all.Fail > 0:
		sentence = fmt.Sprintf("%d fail (%s)%s", all.Fail, all.Short(), mostCited(f, results.Fail, all.Fail))
	case all.Warn > 0:
		sentence = fmt.Sprintf("%d warn and no fail (%s)%s", all.Warn, all.Short(), mostCited(f, results.Warn, all.Warn))
	default:
		sentence = fmt.Sprintf("no fail and no warn, %s", all.Short())
	}
	if names := breakingUploads(f); len(names) > 0 {
		// Counted whatever the verdicts: a 417 to 100-continue is a warn by the RFC's letter.
		sentence += "; uploads with Expect: 100-continue get 417 and fail at " + strings.Join(names, ", ")
	}
	if len(failed) > 0 && len(failed) < len(f.Targets) {
		var names []string
		for _, c := range failed {
			names = append(names, c.target+" ("+string(c.check)+")")
		}
		sentence += fmt.Sprintf("; not tested, having failed a check before its cases: %s", strings.Join(names, ", "))
	}
	return fmt.Sprintf("expectspec: %s: %s; results in %s (%s)", scope, sentence, out, strings.Join(files, ", "))
}

// mostCited is " — 36 of them rest on EXP-ORIGIN-IMMEDIATE: what it means", for
// the requirement the most of the total results of verdict v rest on, or "" when no requirement
// is shared by several of them (the summary above lists each).
func mostCited(f *results.File, v results.Verdict, total int) string {
	n := map[string]int{}
	for _, r := range f.Results {
		if r.Verdict == v {
			for _, id := range r.Requirements {
				n[id]++
			}
		}
	}
	if len(n) == 0 {
		return ""
	}
	ids := make([]string, 0, len(n))
	for id := range n {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(a, b int) bool {
		if n[ids[a]] != n[ids[b]] {
			return n[ids[a]] > n[ids[b]]
		}
		return ids[a] < ids[b]
	})
	top := ids[0]
	if n[top] < 2 && total > 1 {
		return ""
	}
	s := fmt.Sprintf(" — %d of them rest on %s", n[top], top)
	if total == 1 {
		s = " — it rests on " + top
	}
	if c, ok := consequence[top]; ok {
		s += ": " + c
	}
	return s
}

// firstReason is the reason of the first result of verdict v, cut to a readable length.
func firstReason(f *results.File, v results.Verdict) string {
	for _, r := range f.Results {
		if r.Verdict == v {
			return results.OneLine(r.Reason, 200)
		}
	}
	return ""
}

// breakingUploads names the targets with a result that says uploads with Expect fail there
// (Result.BreaksUploads), in the order of the file.
func breakingUploads(f *results.File) []string {
	var names []string
	for _, t := range f.Targets {
		if n, _ := results.BreaksUploads(f, t.Name); n > 0 {
			names = append(names, t.Name)
		}
	}
	return names
}
