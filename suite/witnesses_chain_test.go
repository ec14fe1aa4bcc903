package suite

import "github.com/expectspec/expectspec/cases"

// The witness rows of the intermediary cases (cases/gateway.go, cases/proxy_*.go): each names a
// mutant intermediary of harness/gateways (gateways.Mutants) that the case must fail (or
// warn, for a SHOULD) for the requirement it names. Owned by the author of the intermediary
// cases; see chainWitness in witness_test.go. A row runs its case as a gateway when the case
// applies to gateways; Role: cases.Proxy runs it as a forward proxy, where the rules worded "a
// proxy" bind (the reference gateways accept absolute-form requests and forward them to the
// origin, as a forward proxy would).
var witnessesChain = []chainWitness{
	// T30: immediacy through a gateway, for each backend mode and a mixed-case value.
	{Case: "gateway/immediate-100-backend-continues", Gateway: "mut-gw-wait-for-content", Verdict: cases.Fail, Requirement: "EXP-ORIGIN-NO-WAIT"},
	{Case: "gateway/immediate-100-backend-continues", Gateway: "mut-gw-wait-for-content", Verdict: cases.Fail, Requirement: "EXP-ORIGIN-IMMEDIATE"},
	{Case: "gateway/immediate-100-backend-continues", Gateway: "mut-gw-reject-continue", Verdict: cases.Warn, Requirement: "EXP-NO-417-FOR-100-CONTINUE"},
	{Case: "proxy/head-forwarded-before-content", Gateway: "mut-gw-reject-continue", Verdict: cases.Warn, Requirement: "EXP-NO-417-FOR-100-CONTINUE", Role: cases.Proxy},
	{Case: "gateway/immediate-100-backend-waits", Gateway: "mut-gw-wait-for-content", Verdict: cases.Fail, Requirement: "EXP-ORIGIN-NO-WAIT"},
	{Case: "gateway/immediate-100-backend-rejects", Gateway: "mut-gw-wait-for-content", Verdict: cases.Fail, Requirement: "EXP-ORIGIN-NO-WAIT"},
	{Case: "gateway/immediate-100-backend-rejects", Gateway: "mut-gw-hold-early-final", Verdict: cases.Fail, Requirement: "EXP-ORIGIN-IMMEDIATE"},
	{Case: "gateway/immediate-100-mixed-case-value", Gateway: "mut-gw-expect-case-sensitive", Verdict: cases.Fail, Requirement: "EXP-VALUE-CASE"},
	{Case: "gateway/immediate-100-mixed-case-value", Gateway: "mut-gw-expect-case-sensitive", Verdict: cases.Fail, Requirement: "EXP-ORIGIN-IMMEDIATE"},
	{Case: "gateway/immediate-100-mixed-case-value", Gateway: "mut-gw-reject-continue", Verdict: cases.Warn, Requirement: "EXP-VALUE-CASE"},
	{Case: "gateway/immediate-100-backend-continues", Gateway: "mut-gw-swallow-1xx-silent", Verdict: cases.Fail, Requirement: "EXP-ORIGIN-IMMEDIATE"},

	// T31: after an early final from upstream.
	{Case: "gateway/early-final-upstream-in-step", Gateway: "mut-gw-reuse-abandoned-upstream", Verdict: cases.Fail, Requirement: "INT-NO-FORWARD-WRONG-CL"},
	{Case: "gateway/early-final-upstream-in-step", Gateway: "mut-gw-early-no-discard", Verdict: cases.Fail, Requirement: "H1-READ-OR-CLOSE"},
	{Case: "gateway/early-final-upstream-in-step", Gateway: "mut-gw-reuse-abandoned-upstream", Verdict: cases.Fail, Requirement: "INT-NO-FORWARD-WRONG-CL", Role: cases.Proxy},
	{Case: "gateway/early-final-upstream-in-step", Gateway: "mut-gw-close-then-serve", Verdict: cases.Fail, Requirement: "H1-CLOSE-THEN-NO-MORE"},

	// T31b, T31c: the origin's early final on its way back.
	{Case: "gateway/early-final-then-close-relayed", Gateway: "mut-gw-502-on-early-close", Verdict: cases.Warn, Requirement: "CLI-STOP-ON-CLOSE"},
	{Case: "gateway/early-final-then-close-relayed", Gateway: "mut-gw-502-on-early-close", Verdict: cases.Warn, Requirement: "CLI-STOP-ON-CLOSE", Role: cases.Proxy},
	{Case: "chain/early-final-relayed-promptly", Gateway: "mut-gw-hold-early-final", Verdict: cases.Fail, Requirement: "EXP-ORIGIN-IMMEDIATE"},
	{Case: "chain/early-final-relayed-promptly", Gateway: "mut-gw-hold-early-final", Verdict: cases.Warn, Requirement: "EXP-PROXY-IMMEDIATE", Role: cases.Proxy},

	// T20: the header section forwarded before the content (forward proxies).
	{Case: "proxy/head-forwarded-before-content", Gateway: "mut-gw-wait-for-content", Verdict: cases.Fail, Requirement: "EXP-PROXY-IMMEDIATE"},
	{Case: "proxy/head-forwarded-before-content", Gateway: "mut-gw-swallow-1xx-silent", Verdict: cases.Fail, Requirement: "IR-PROXY-FORWARD-1XX"},
	{Case: "proxy/head-forwarded-before-content", Gateway: "mut-gw-downgrade-upstream", Verdict: cases.Warn, Requirement: "INT-OWN-HTTP-VERSION"},

	// T21: relaying 1xx.
	{Case: "chain/interim-responses-relayed", Gateway: "mut-gw-unknown-1xx-502", Verdict: cases.Fail, Requirement: "CLI-PARSE-1XX"},
	{Case: "chain/interim-responses-relayed", Gateway: "mut-gw-swallow-1xx", Verdict: cases.Fail, Requirement: "IR-PROXY-FORWARD-1XX", Role: cases.Proxy},
	{Case: "chain/interim-with-content-length-framed-by-headers", Gateway: "mut-gw-1xx-by-content-length", Verdict: cases.Fail, Requirement: "IR-FRAMING-ENDS-AT-HEADERS"},
	{Case: "chain/interim-with-content-length-framed-by-headers", Gateway: "mut-gw-relay-1xx-verbatim", Verdict: cases.Warn, Requirement: "IR-NO-CONTENT-LENGTH"},
	{Case: "chain/interim-ws-before-colon-removed", Gateway: "mut-gw-relay-1xx-verbatim", Verdict: cases.Warn, Requirement: "PRX-STRIP-WS-COLON-RESPONSE"},
	{Case: "chain/interim-ws-before-colon-removed", Gateway: "mut-gw-relay-1xx-verbatim", Verdict: cases.Fail, Requirement: "PRX-STRIP-WS-COLON-RESPONSE", Role: cases.Proxy},

	// T22: an expectation the intermediary adds.
	{Case: "chain/added-expect-no-indefinite-wait", Gateway: "mut-gw-add-expect-wait", Verdict: cases.Warn, Requirement: "CLI-NO-INDEFINITE-WAIT"},

	// T23: an HTTP/1.0 client.
	{Case: "chain/http10-client-no-interim", Gateway: "mut-gw-1xx-to-http10", Verdict: cases.Fail, Requirement: "IR-NOT-TO-HTTP10"},
	{Case: "chain/http10-client-no-interim", Gateway: "mut-gw-1xx-to-http10", Verdict: cases.Fail, Requirement: "IR-NOT-TO-HTTP10", Role: cases.Proxy},
	{Case: "chain/http10-client-no-interim", Gateway: "mut-gw-keep-http10-client", Verdict: cases.Fail, Requirement: "PRX-NO-PERSIST-HTTP10-CLIENT", Role: cases.Proxy},
	{Case: "chain/http10-client-no-interim", Gateway: "mut-gw-417-to-http10-expect", Verdict: cases.Fail, Requirement: "EXP-HTTP10-IGNORE"},
	{Case: "chain/http10-client-no-interim", Gateway: "mut-gw-copy-client-version", Verdict: cases.Warn, Requirement: "INT-OWN-HTTP-VERSION"},

	// T24: an HTTP/1.0 next hop.
	{Case: "chain/http10-next-hop-head-forwarded", Gateway: "mut-gw-hold-for-http10", Verdict: cases.Fail, Requirement: "EXP-ORIGIN-NO-WAIT"},
	{Case: "chain/http10-next-hop-head-forwarded", Gateway: "mut-gw-hold-for-http10", Verdict: cases.Fail, Requirement: "EXP-PROXY-IMMEDIATE", Role: cases.Proxy},
	{Case: "chain/http10-next-hop-no-chunked", Gateway: "mut-gw-chunked-to-http10", Verdict: cases.Fail, Requirement: "CLI-NO-CHUNKED-TO-HTTP10"},

	// T25: 417 from upstream.
	{Case: "chain/upstream-417-relayed", Gateway: "mut-gw-417-to-502", Verdict: cases.Warn, Requirement: "S417-MEANING"},
	{Case: "chain/upstream-417-relayed", Gateway: "mut-gw-retry-after-417", Verdict: cases.Warn, Requirement: "PRX-NO-AUTO-RETRY", Role: cases.Proxy},

	// T26: Connection: Expect.
	{Case: "chain/connection-named-expect-removed", Gateway: "mut-gw-keep-connection-expect", Verdict: cases.Fail, Requirement: "INT-CONNECTION-HOP-BY-HOP"},

	// T27: front-end strictness.
	{Case: "chain/ws-before-colon-not-forwarded", Gateway: "mut-gw-forward-ws-colon", Verdict: cases.Fail, Requirement: "H1-WS-BEFORE-COLON"},
	{Case: "chain/obs-fold-not-forwarded", Gateway: "mut-gw-forward-obs-fold", Verdict: cases.Fail, Requirement: "H1-OBS-FOLD"},
	{Case: "chain/nul-not-forwarded", Gateway: "mut-gw-forward-nul", Verdict: cases.Fail, Requirement: "FLD-CR-LF-NUL"},
}
