package results

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// summaryWidth bounds a reason on the console.
const summaryWidth = 160

// Summary prints a compact console report: per target a counts line, then one line per result
// that is not a pass (worst first), with a fix line under fails and warns:
//
//	origin: 31 pass, 2 fail, 1 warn, 5 info, 0 na, 0 error
//	  FAIL  origin/immediate-100  [EXP-ORIGIN-IMMEDIATE] no 100 within 1.2 s of the head
//	         fix: send 100 Continue as soon as the request head is accepted
//
// A cell whose repeated runs disagreed (run --repeat) is listed as FLAKY, whatever its worst
// verdict, with the distinct reasons its runs gave under it; the cases an interrupted run did
// not finish are counted on one NOT RUN line, and error results that share a reason (a target
// that failed a check before its cases) on one ERROR line.
// Reasons are cut to one line of about 160 characters. Info results are only counted unless
// withInfo is set: they are the choices the RFC leaves open, not something to act on. Write
// errors are ignored (it is console output).
func Summary(w io.Writer, f *File, withInfo bool) {
	if f == nil {
		f = &File{}
	}
	bw := bufio.NewWriter(w)
	defer bw.Flush()
	counts := CountAll(f)
	for i, t := range f.Targets {
		if i > 0 {
			bw.WriteString("\n")
		}
		c := counts[t.Name]
		if c.Total() == 0 {
			fmt.Fprintf(bw, "%s: no results\n", visible(t.Name))
			continue
		}
		fmt.Fprintf(bw, "%s: %s%s\n", visible(t.Name), c, extraCounts(f, t.Name))
		if n, how := BreaksUploads(f, t.Name); n > 0 {
			// Counted as breaking 100-continue whatever the verdicts (warn by the RFC's letter).
			fmt.Fprintf(bw, "  BREAKS UPLOADS  %s in %s: uploads that send it fail here unless the client repeats them without Expect (only curl does)\n", visible(how), plural(n, "case"))
		}
		notRun := 0
		notRunReason := ""
		findings := nonPass(f, t.Name)
		shared := sharedErrors(findings)
		for _, r := range findings {
			if n, ok := shared[r.Reason]; ok && r.Verdict == Error && !r.NotRun && !r.Flaky {
				// one line for all of them: a target that failed a check before its cases
				// has every case error with the same reason
				if n > 0 {
					fmt.Fprintf(bw, "  ERROR  %d case(s): %s\n", n, oneLine(r.Reason, 2*summaryWidth))
					shared[r.Reason] = 0
				}
				continue
			}
			if r.NotRun {
				// one line for all of them: an early interrupt leaves most of the catalogue
				notRun++
				notRunReason = r.Reason
				continue
			}
			if r.Verdict == Info && !withInfo && !r.Flaky {
				continue
			}
			label := r.Verdict.Label()
			if r.Flaky {
				label = "FLAKY"
			}
			line := fmt.Sprintf("  %-5s  %s  ", label, visible(r.Case))
			if len(r.Requirements) > 0 {
				line += "[" + visible(strings.Join(r.Requirements, " ")) + "] "
			}
			bw.WriteString(line + oneLine(r.Reason, summaryWidth) + "\n")
			if r.Fix != "" && (r.Verdict == Fail || r.Verdict == Warn) {
				bw.WriteString("         fix: " + oneLine(r.Fix, summaryWidth) + "\n")
			}
			writeRunReasons(bw, r)
		}
		if notRun > 0 {
			fmt.Fprintf(bw, "  NOT RUN  %d case(s): %s\n", notRun, oneLine(notRunReason, summaryWidth))
		}
	}
	if len(f.Targets) > 1 {
		var all Counts
		for _, r := range f.Results {
			all.Add(r.Verdict)
		}
		fmt.Fprintf(bw, "\nall targets: %s\n", all)
	}
}

// extraCounts is ", 2 flaky, 40 not run" for a target's results, or "" when there are none.
func extraCounts(f *File, target string) string {
	flaky, notRun := 0, 0
	for _, r := range f.Results {
		if r.Target != target {
			continue
		}
		if r.Flaky {
			flaky++
		}
		if r.NotRun {
			notRun++
		}
	}
	s := ""
	if flaky > 0 {
		s += fmt.Sprintf(", %d flaky", flaky)
	}
	if notRun > 0 {
		s += fmt.Sprintf(", %d not run", notRun)
	}
	return s
}

// sharedErrors counts the error results (not flaky, not "not run") by reason, keeping the
// reasons more than one of them share.
func sharedErrors(rs []Result) map[string]int {
	n := map[string]int{}
	for _, r := range rs {
		if r.Verdict == Error && !r.NotRun && !r.Flaky {
			n[r.Reason]++
		}
	}
	for reason, c := range n {
		if c < 2 {
			delete(n, reason)
		}
	}
	return n
}

// maxRunReasons bounds the run reasons the console lists under a flaky cell; results.json and
// junit.xml keep them all.
const maxRunReasons = 6

// writeRunReasons lists, under a flaky cell, what its runs gave: "fail×1: no 100 within 1.2 s".
func writeRunReasons(bw *bufio.Writer, r Result) {
	for i, rr := range r.RunReasons {
		if i == maxRunReasons {
			fmt.Fprintf(bw, "         … and %d more distinct reason(s) in results.json\n", len(r.RunReasons)-maxRunReasons)
			break
		}
		bw.WriteString("         " + rr.label() + ": " + oneLine(rr.Reason, summaryWidth) + "\n")
	}
}
