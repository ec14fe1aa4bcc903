package suite

import "github.com/expectspec/expectspec/cases"

// Witnesses of scenarios T06-T13 (but T11): no content, chunked content, content
// sent at once (T06-T08), HTTP/1.0 (T09), early final responses and the connection after them
// (T10), and the sequence of responses (T12, T13).
var witnessesConnection = []witness{
	// T06: Expect without content.
	{Case: "origin/expect-without-content-answered", Mutant: "mut-wait-without-framing", Verdict: cases.Fail, Requirement: "EXP-ORIGIN-IMMEDIATE"},
	{Case: "origin/expect-without-content-answered", Mutant: "mut-wait-without-framing", Verdict: cases.Fail, Requirement: "H1-NO-FRAMING-NO-CONTENT"},
	{Case: "origin/expect-zero-length-answered", Mutant: "mut-zero-length-wait", Verdict: cases.Fail, Requirement: "H1-NO-FRAMING-NO-CONTENT"},

	// T07: chunked content.
	{Case: "origin/chunked-immediate-100", Mutant: "mut-chunked-no-continue", Verdict: cases.Fail, Requirement: "EXP-ORIGIN-IMMEDIATE"},
	{Case: "origin/chunked-early-final-read-or-close", Mutant: "mut-early-no-discard", Verdict: cases.Fail, Requirement: "H1-READ-OR-CLOSE"},
	{Case: "origin/chunked-early-final-read-or-close", Mutant: "mut-close-but-continue", Verdict: cases.Fail, Requirement: "H1-CLOSE-THEN-NO-MORE"},
	{Case: "origin/chunked-early-final-read-or-close", Mutant: "mut-early-close-silently", Verdict: cases.Warn, Requirement: "EXP-INDICATE-CLOSE"},

	// T08: content sent with the head, or right after it.
	{Case: "origin/content-with-head-one-final", Mutant: "mut-skip-unread-content", Verdict: cases.Fail, Requirement: "H1-READ-OR-CLOSE"},
	{Case: "origin/content-with-head-one-final", Mutant: "mut-no-final-after-continue", Verdict: cases.Fail, Requirement: "EXP-FINAL-AFTER-100"},
	{Case: "origin/content-after-head-one-final", Mutant: "mut-no-final-after-continue", Verdict: cases.Fail, Requirement: "EXP-FINAL-AFTER-100"},

	// T09: HTTP/1.0.
	{Case: "origin/http10-expect-ignored", Mutant: "mut-http10-continue", Verdict: cases.Fail, Requirement: "IR-NOT-TO-HTTP10"},
	{Case: "origin/http10-expect-ignored", Mutant: "mut-http10-continue", Verdict: cases.Fail, Requirement: "EXP-HTTP10-IGNORE"},
	{Case: "origin/http10-expect-ignored", Mutant: "mut-http10-reject-417", Verdict: cases.Fail, Requirement: "EXP-HTTP10-IGNORE"},
	{Case: "origin/http10-expect-ignored", Mutant: "mut-http10-chunked", Verdict: cases.Fail, Requirement: "H1-NO-TE-TO-HTTP10"},
	{Case: "origin/http10-unknown-expectation", Mutant: "mut-http10-chunked", Verdict: cases.Fail, Requirement: "H1-NO-TE-TO-HTTP10"},
	{Case: "origin/http10-chunked-then-close", Mutant: "mut-http10-te-keep-open", Verdict: cases.Fail, Requirement: "H1-HTTP10-TE-FAULTY"},
	{Case: "origin/http10-chunked-then-close", Mutant: "mut-http10-continue", Verdict: cases.Fail, Requirement: "IR-NOT-TO-HTTP10"},

	// T10: early final responses.
	{Case: "origin/early-final-read-or-close", Mutant: "mut-early-no-discard", Verdict: cases.Fail, Requirement: "H1-READ-OR-CLOSE"},
	{Case: "origin/early-final-read-or-close", Mutant: "mut-close-but-continue", Verdict: cases.Fail, Requirement: "H1-CLOSE-THEN-NO-MORE"},
	{Case: "origin/early-final-read-or-close", Mutant: "mut-early-close-silently", Verdict: cases.Warn, Requirement: "EXP-INDICATE-CLOSE"},
	{Case: "origin/early-final-read-or-close", Mutant: "mut-early-close-silently", Verdict: cases.Warn, Requirement: "H1-SEND-CLOSE-OPTION"},
	{Case: "origin/early-final-content-not-a-request", Mutant: "mut-early-no-discard", Verdict: cases.Fail, Requirement: "H1-READ-OR-CLOSE"},
	{Case: "origin/early-final-survives-unread-content", Mutant: "mut-abrupt-close", Verdict: cases.Warn, Requirement: "H1-RST-RISK"},

	// T12, T13: the sequence of responses.
	{Case: "origin/no-interim-after-early-final", Mutant: "mut-late-continue", Verdict: cases.Fail, Requirement: "IR-SEQUENCE-ONE-FINAL"},
	{Case: "origin/one-final-after-continue", Mutant: "mut-continue-after-final", Verdict: cases.Fail, Requirement: "IR-SEQUENCE-ONE-FINAL"},
	{Case: "origin/one-final-after-continue", Mutant: "mut-no-final-after-continue", Verdict: cases.Fail, Requirement: "EXP-FINAL-AFTER-100"},
	{Case: "origin/continue-before-switching-protocols", Mutant: "mut-upgrade-before-continue", Verdict: cases.Fail, Requirement: "IR-100-BEFORE-101"},
}
