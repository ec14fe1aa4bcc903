package suite

import "github.com/expectspec/expectspec/cases"

// The witness rows of the verdict races: mutants whose defect used to reach a verdict
// only when the segments or the timers fell one way.
var witnessesRaces = []witness{
	// A 100 written right behind the final response (the 417 to an unknown expectation): read
	// with the final or after it, before or after the content, it is out of sequence.
	{Case: "origin/unknown-with-param-withheld", Mutant: "mut-early-final-then-continue", Verdict: cases.Fail, Requirement: "IR-SEQUENCE-ONE-FINAL"},
	{Case: "origin/unknown-foo", Mutant: "mut-early-final-then-continue", Verdict: cases.Fail, Requirement: "IR-SEQUENCE-ONE-FINAL"},
	// A 100 written behind the final 200 in a write of its own: T01 listens after the final.
	{Case: "origin/immediate-100", Mutant: "mut-continue-after-final", Verdict: cases.Fail, Requirement: "IR-SEQUENCE-ONE-FINAL"},
	// No answer at all, and a close by the server's 4 s idle timeout: the same failure as
	// silence, not a warning about a close.
	{Case: "origin/immediate-100", Mutant: "mut-silent-idle-close", Verdict: cases.Fail, Requirement: "EXP-ORIGIN-IMMEDIATE"},
	{Case: "origin/immediate-100", Mutant: "mut-silent-idle-close", Verdict: cases.Fail, Requirement: "EXP-ORIGIN-NO-WAIT"},
	{Case: "origin/chunked-immediate-100", Mutant: "mut-silent-idle-close", Verdict: cases.Fail, Requirement: "EXP-ORIGIN-IMMEDIATE"},
}
