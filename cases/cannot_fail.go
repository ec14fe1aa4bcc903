package cases

import "strings"

// The cases' reviewed answers to "can this requirement come out fail or warn here?", for the
// requirements a case cites that no mutant breaks in that case's own conversation.
// suite/witness_crosscheck_test.go holds every other cited requirement to a mutant that gets
// fail or warn on it from the case, and checks each entry's witnessedIn: the case in which a
// mutant does break the requirement, through the same judge code or the same breach.

// OnlyInforms says why a requirement no case can find broken by what it is: a MAY row (the RFC
// leaves the choice, and the case reports which one was made) or a descriptive one (a definition
// or a scoping rule that a case cites for context). Such a row may still carry a finding where a
// case reads it as a duty (EXP-VALUE-CASE, S417-MEANING); it just need not.
func OnlyInforms(req string) (string, bool) {
	r, ok := Lookup(req)
	switch {
	case !ok:
		return "", false
	case r.Keyword == "MAY":
		return "a MAY: the RFC leaves the choice, so the case reports which one the target made (info)", true
	case strings.HasPrefix(r.Keyword, "descriptive"):
		return "descriptive: a definition or a scoping rule the case cites for context, not a duty of its own", true
	}
	return "", false
}

// unbroken is why a case cannot find a requirement it cites broken with any mutant.
type unbroken struct {
	why string
	// witnessedIn is a case in which a mutant does break the requirement ("" when none can,
	// as for a client's rule that the suite itself breaks on purpose).
	witnessedIn string
}

// The reasons shared by the checks that several cases run through one observation (observe.go).
const (
	sameHygiene       = "interimHygiene, the same code as in origin/immediate-100, where mut-continue-content-length and mut-continue-transfer-encoding break it; no mutant here sends a 1xx with framing fields in this conversation"
	sameFinalAfter100 = "finalAfterContinue, the same code as in origin/immediate-100, where mut-no-final-after-continue breaks it; this conversation's request is one that mutant answers without a 100"
	sameFirstResponse = "firstResponse, the same code as in origin/immediate-100, where mut-no-continue and mut-slow-continue break it; no mutant delays or withholds its answer to this conversation (an early final, a refused length)"
)

// finalAfter100 is the entry of a case whose final response after a 100 goes through
// finalAfterContinue.
var finalAfter100 = unbroken{why: sameFinalAfter100, witnessedIn: "origin/immediate-100"}

// firstResponseChecked is the entry of a case whose first response goes through firstResponse.
var firstResponseChecked = unbroken{why: sameFirstResponse, witnessedIn: "origin/immediate-100"}

// withHygiene is a case's entries plus the two of interimHygiene (sameHygiene), which every case
// whose 1xx it checks cites without a mutant of its own.
func withHygiene(others map[string]unbroken) map[string]unbroken {
	m := map[string]unbroken{
		"IR-NO-CONTENT-LENGTH":    {why: sameHygiene, witnessedIn: "origin/immediate-100"},
		"IR-NO-TRANSFER-ENCODING": {why: sameHygiene, witnessedIn: "origin/immediate-100"},
	}
	for req, e := range others {
		m[req] = e
	}
	return m
}

// unknownExpectationAnswered are the entries of an unknown-expectation case whose content goes
// with the head: the hygiene of its 1xx, and content answered as a request, which no mutant
// does for an expectation other than 100-continue.
func unknownExpectationAnswered() map[string]unbroken {
	return withHygiene(map[string]unbroken{
		"H1-READ-OR-CLOSE": {why: "content sent with the head and answered as a request: no mutant does it only for an expectation other than 100-continue; mut-skip-unread-content does it for 100-continue in origin/content-with-head-one-final", witnessedIn: "origin/content-with-head-one-final"},
	})
}

// cannotFailIn are the entries, by case ID, then requirement.
var cannotFailIn = map[string]map[string]unbroken{
	"client/h2-keeps-response-after-reset": {
		"CLI-PARSE-1XX":                  {why: "the 1xx of this conversation are 100 and 103 as HEADERS frames, which every HTTP/2 client library parses; the one mutant client over HTTP/2 breaks the reset alone, and a client failing on the 1xx fails here under H2-CLIENT-KEEP-RESPONSE's exit check (the reason names both); mut-client-1xx-is-final breaks it over HTTP/1.1", witnessedIn: "client/two-100s"},
		"CLI-CONTINUE-ON-EARLY-RESPONSE": {why: "the server's RST_STREAM is the explicit indication to stop that the SHOULD allows for (RFC 9110 §7.5, RFC 9113 §8.1), so what the client does with the rest of its upload is reported as info", witnessedIn: "client/early-final-keep-alive"},
	},
	"client/orphan-100-after-final": {
		"CLI-ASSOCIATE-RESPONSES": {why: "the breach needs two faults at once: a client that keeps the connection after the stray 100 (mut-client-keeps-orphaned-conn, warned for CLI-NO-ORPHAN-RESPONSE) and then takes that 100 for the final response of its next request; each mutant client has one knob, and the one that keeps the connection skips 1xx as it should", witnessedIn: ""},
	},
	"origin/content-after-head-one-final": {
		"H1-READ-OR-CLOSE": {why: "judgeContentSent, the same judge as origin/content-with-head-one-final, where mut-skip-unread-content breaks it; that mutant skips only content that arrived with the head, and here the content is a separate write, so whether it does is a race (a derived pair would flip from run to run)", witnessedIn: "origin/content-with-head-one-final"},
	},
	"chain/interim-responses-relayed": withHygiene(nil),
	"chain/upstream-417-relayed": {
		"CLI-417-RETRY-WITHOUT": {why: "a client's SHOULD that a proxy must weigh against PRX-NO-AUTO-RETRY (no automatic retry of a non-idempotent request): repeating the request without Expect is reported as info, and not repeating it is no finding", witnessedIn: ""},
	},
	"gateway/early-final-upstream-in-step": {
		"CLI-CONTINUE-ON-EARLY-RESPONSE": {why: "cited for the gateway's side as a client: keep relaying the content or close the upstream connection, both allowed (H1-READ-OR-CLOSE); the breach that matters, reusing the connection with the content owed, is judged under INT-NO-FORWARD-WRONG-CL", witnessedIn: ""},
	},
	"gateway/immediate-100-backend-continues": withHygiene(map[string]unbroken{"EXP-FINAL-AFTER-100": finalAfter100}),
	"gateway/immediate-100-backend-rejects":   withHygiene(map[string]unbroken{"EXP-FINAL-AFTER-100": finalAfter100}),
	"gateway/immediate-100-backend-waits":     withHygiene(map[string]unbroken{"EXP-FINAL-AFTER-100": finalAfter100}),
	"gateway/immediate-100-mixed-case-value":  withHygiene(map[string]unbroken{"EXP-FINAL-AFTER-100": finalAfter100}),
	"origin/chunked-early-final-read-or-close": {
		"EXP-ORIGIN-IMMEDIATE": firstResponseChecked,
	},
	"origin/content-length-1tib": {
		"EXP-ORIGIN-IMMEDIATE": firstResponseChecked,
	},
	"origin/content-length-and-chunked": {
		"H1-CLOSE-THEN-NO-MORE": {why: "a further answer after `Connection: close`: no mutant announces close on this request and keeps serving; mut-close-but-continue does in origin/content-length-1tib", witnessedIn: "origin/content-length-1tib"},
	},
	"origin/content-length-overflow": {
		"EXP-ORIGIN-IMMEDIATE": firstResponseChecked,
		"H1-INVALID-CL-400":    {why: "a 400 to the overflowing length that keeps the connection open is a warning here; no mutant does it (mut-cl-wrap reads the length wrapped, SRV-CL-LARGE-NUMBERS); mut-cl-list-first breaks the rule in origin/content-length-list", witnessedIn: "origin/content-length-list"},
	},
	"origin/continue-before-switching-protocols": withHygiene(nil),
	"origin/early-final-content-not-a-request": {
		"EXP-ORIGIN-IMMEDIATE": firstResponseChecked,
	},
	"origin/early-final-read-or-close": {
		"EXP-ORIGIN-IMMEDIATE": firstResponseChecked,
	},
	"origin/expect-without-content-answered": {
		"EXP-FINAL-AFTER-100":           finalAfter100,
		"CLI-NO-EXPECT-WITHOUT-CONTENT": {why: "a client's MUST NOT that the suite breaks on purpose as the client; the server's handling of it is reported as info", witnessedIn: ""},
	},
	"origin/expect-zero-length-answered": {
		"EXP-FINAL-AFTER-100": finalAfter100,
	},
	"origin/http10-unknown-expectation": {
		"IR-NOT-TO-HTTP10": {why: "http10NoInterim, the same code as in origin/http10-expect-ignored, where mut-http10-continue breaks it; no mutant sends a 1xx to an HTTP/1.0 request with an unknown expectation", witnessedIn: "origin/http10-expect-ignored"},
	},
	"origin/no-interim-after-early-final": {
		"EXP-ORIGIN-IMMEDIATE": firstResponseChecked,
	},
	"origin/nul-in-value": {
		"EXP-FINAL-AFTER-100":  finalAfter100,
		"EXP-ORIGIN-IMMEDIATE": firstResponseChecked,
	},
	"origin/obs-fold": {
		"EXP-FINAL-AFTER-100": finalAfter100,
	},
	"origin/oversize-expect": {
		"EXP-FINAL-AFTER-100": finalAfter100,
	},
	"origin/unknown-200-ok":     unknownExpectationAnswered(),
	"origin/unknown-foo":        unknownExpectationAnswered(),
	"origin/unknown-no-hyphen":  unknownExpectationAnswered(),
	"origin/unknown-quoted":     unknownExpectationAnswered(),
	"origin/unknown-with-param": unknownExpectationAnswered(),
	"origin/h2-continue-as-headers": { // mut-h2-100-content-length breaks IR-NO-CONTENT-LENGTH here
		"IR-NO-TRANSFER-ENCODING": {why: sameHygiene, witnessedIn: "origin/immediate-100"},
		"EXP-FINAL-AFTER-100":     {why: "finalAfterContinue, the same code as in origin/immediate-100, where mut-no-final-after-continue breaks it; every HTTP/2 mutant sends its final response after the content", witnessedIn: "origin/immediate-100"},
	},
	"origin/h2-early-final-stream-end": {
		"EXP-ORIGIN-IMMEDIATE": firstResponseChecked,
		"EXP-FINAL-AFTER-100":  finalAfter100,
	},
	"origin/h2-over-limit-length": {
		"EXP-ORIGIN-IMMEDIATE": firstResponseChecked,
	},
	"origin/unknown-with-param-withheld": withHygiene(nil),
	"origin/unknown-with-value":          unknownExpectationAnswered(),
	"origin/h2-te-trailers-with-expect": {
		"EXP-FINAL-AFTER-100": {why: "finalAfterContinue, the same code as in origin/immediate-100, where mut-no-final-after-continue breaks it; every HTTP/2 mutant sends its final response after the content", witnessedIn: "origin/immediate-100"},
	},
}

// CannotFailOrWarn says whether requirement req, cited by case caseID, has an entry saying why no
// mutant breaks it in that case, the reason, and the case in which a mutant does ("" if none).
func CannotFailOrWarn(caseID, req string) (why, witnessedIn string, ok bool) {
	e, ok := cannotFailIn[caseID][req]
	return e.why, e.witnessedIn, ok
}
