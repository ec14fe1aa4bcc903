package cases

import (
	"fmt"
	"strings"
)

// Finding is one observation a judge makes, tied to the requirement it bears on.
type Finding struct {
	Verdict     Verdict
	Requirement string
	Text        string
}

// Judgement collects findings; the worst one decides the outcome. A judge reads the timeline,
// records what it saw for each requirement it checks, and returns j.Outcome().
type Judgement struct {
	findings []Finding
	na       string
}

func (j *Judgement) add(v Verdict, req, format string, args []any) {
	j.findings = append(j.findings, Finding{Verdict: v, Requirement: req, Text: fmt.Sprintf(format, args...)})
}

// Pass records that the requirement was checked and held.
func (j *Judgement) Pass(req, format string, args ...any) { j.add(Pass, req, format, args) }

// Fail records an observable MUST violation.
func (j *Judgement) Fail(req, format string, args ...any) { j.add(Fail, req, format, args) }

// Warn records a SHOULD violation or an interop hazard that breaks no MUST.
func (j *Judgement) Warn(req, format string, args ...any) { j.add(Warn, req, format, args) }

// Info records which choice the RFC left open the target made.
func (j *Judgement) Info(req, format string, args ...any) { j.add(Info, req, format, args) }

// NA marks the case as not applicable to this target; it overrides every finding.
func (j *Judgement) NA(format string, args ...any) { j.na = fmt.Sprintf(format, args...) }

// Worst returns the worst verdict recorded so far (pass when nothing was recorded).
func (j *Judgement) Worst() Verdict {
	w := Pass
	for _, f := range j.findings {
		if f.Verdict.severity() > w.severity() {
			w = f.Verdict
		}
	}
	return w
}

// Outcome folds the findings: the verdict is the worst one; the reason lists the findings of that
// verdict first, then the others; the requirements are those of the worst findings; the fix comes
// from the catalogue entries of the requirements broken.
func (j *Judgement) Outcome() Outcome {
	if j.na != "" {
		return Outcome{Verdict: NA, Reason: j.na}
	}
	if len(j.findings) == 0 {
		return Outcome{Verdict: Error, Reason: "the judge recorded no finding (a defect of the case)"}
	}
	w := j.Worst()
	var first, rest []string
	var reqs []string
	seen := map[string]bool{}
	for _, f := range j.findings {
		line := f.Text
		if f.Requirement != "" {
			line = f.Requirement + ": " + f.Text
		}
		if f.Verdict == w {
			first = append(first, line)
			if f.Requirement != "" && !seen[f.Requirement] {
				seen[f.Requirement] = true
				reqs = append(reqs, f.Requirement)
			}
		} else if f.Verdict != Pass || w != Pass {
			rest = append(rest, string(f.Verdict)+" "+line)
		}
	}
	reason := strings.Join(first, "; ")
	if len(rest) > 0 {
		reason += " (also: " + strings.Join(rest, "; ") + ")"
	}
	o := Outcome{Verdict: w, Reason: reason, Requirements: reqs}
	if w == Fail || w == Warn {
		var fixes []string
		for _, id := range reqs {
			if r, ok := Lookup(id); ok && r.Fix != "" {
				fixes = append(fixes, r.Fix)
			}
		}
		o.Fix = strings.Join(fixes, " ")
	}
	return o
}
