package gateways

import "github.com/expectspec/expectspec/harness/conv"

// Named is an embedded intermediary the suite can put in front of its scripted origin: Start
// runs it in front of the origin at originAddr and returns where it listens and how to stop it.
type Named struct {
	Name  string
	Start func(originAddr string) (addr string, stop func(), err error)
	// Breaks are the catalogue's requirement IDs a mutant breaks (none for a conforming one);
	// the suite checks them against the cases that name the mutant as a witness.
	Breaks []string
	// Protocol is what the suite speaks to it: HTTP/1.1 when "", h2c for the HTTP/2 front ends
	// (h2mutants.go).
	Protocol conv.Protocol
}

// Conforming returns the reference gateways that conform, each in one of the two ways
// the catalogue allows: the streaming one (forwards the header section at once and relays the
// origin's 1xx) and the buffering one (answers 100 itself and buffers: cases/CATALOGUE.md, interpretation gateway-own-100). No
// intermediary case may fail or warn either of them.
func Conforming() []Named {
	return []Named{
		{Name: "gw-streaming", Start: StartStreaming},
		{Name: "gw-buffering", Start: StartBuffering},
	}
}

// mutant is a streaming reference gateway with one knob turned, and the requirements that breaks.
func mutant(name string, k knobs, breaks ...string) Named {
	return Named{Name: name, Breaks: breaks, Start: func(originAddr string) (string, func(), error) {
		return startKnobbed(originAddr, "1.1 expectspec-"+name, k, false, nil)
	}}
}

// Mutants returns the mutant intermediaries: each is the streaming reference gateway broken in
// exactly one way, named mut-gw-…, with the requirements it breaks (the comment says how). They
// are witnesses of the intermediary cases (cases.Case.Witnesses).
func Mutants() []Named {
	return []Named{
		// Answers 100 itself, forwards Expect, and relays none of the origin's 1xx: conforming
		// for a gateway (cases/CATALOGUE.md, interpretations gateway-own-100 and proxy-wording), but
		// a forward proxy breaks
		// IR-PROXY-FORWARD-1XX.
		mutant("mut-gw-swallow-1xx", knobs{ownContinue: true, swallow1xx: true}, "IR-PROXY-FORWARD-1XX"),
		// Reads the whole content before it forwards the head, and answers no 100 meanwhile: the
		// client stalls (EXP-ORIGIN-NO-WAIT, EXP-ORIGIN-IMMEDIATE; EXP-PROXY-IMMEDIATE as a proxy).
		mutant("mut-gw-wait-for-content", knobs{holdHead: true}, "EXP-ORIGIN-NO-WAIT", "EXP-ORIGIN-IMMEDIATE", "EXP-PROXY-IMMEDIATE"),
		// Relays the origin's 1xx to an HTTP/1.0 client (IR-NOT-TO-HTTP10).
		mutant("mut-gw-1xx-to-http10", knobs{interimsToHTTP10: true}, "IR-NOT-TO-HTTP10"),
		// Answers 417 and closes on every 100-continue expectation, the one it could meet, and
		// forwards nothing (EXP-NO-417-FOR-100-CONTINUE: a warning, no MUST is broken, but
		// uploads fail). As a forward proxy too.
		mutant("mut-gw-reject-continue", knobs{reject100: true}, "EXP-NO-417-FOR-100-CONTINUE"),
		// After an early final response, keeps the client connection without reading the rest of
		// the content, which it then reads as a request (H1-READ-OR-CLOSE, client side).
		mutant("mut-gw-early-no-discard", knobs{noDiscard: true}, "H1-READ-OR-CLOSE"),
		// After an early final response, discards the rest of the content instead of relaying it
		// and reuses the upstream connection with that content owed (INT-NO-FORWARD-WRONG-CL).
		mutant("mut-gw-reuse-abandoned-upstream", knobs{reuseAbandoned: true}, "INT-NO-FORWARD-WRONG-CL"),
		// Reads the 100-continue token case-sensitively: drops `Expect: 100-Continue` as unknown
		// and answers nothing itself, so the client stalls (EXP-VALUE-CASE via
		// EXP-ORIGIN-IMMEDIATE).
		mutant("mut-gw-expect-case-sensitive", knobs{expectCaseSensitive: true}, "EXP-VALUE-CASE", "EXP-ORIGIN-IMMEDIATE"),
		// Forwards Expect although Connection names it (INT-CONNECTION-HOP-BY-HOP).
		mutant("mut-gw-keep-connection-expect", knobs{keepConnectionExpect: true}, "INT-CONNECTION-HOP-BY-HOP"),
		// Forwards `Expect : 100-continue` as received instead of rejecting it (H1-WS-BEFORE-COLON).
		mutant("mut-gw-forward-ws-colon", knobs{laxWSColon: true}, "H1-WS-BEFORE-COLON"),
		// Forwards an obs-folded field line as received (H1-OBS-FOLD).
		mutant("mut-gw-forward-obs-fold", knobs{laxObsFold: true}, "H1-OBS-FOLD"),
		// Forwards a NUL in a field value as received (FLD-CR-LF-NUL).
		mutant("mut-gw-forward-nul", knobs{laxNUL: true}, "FLD-CR-LF-NUL"),
		// Frames an upstream 1xx by its Content-Length, eating the start of the final response
		// (IR-FRAMING-ENDS-AT-HEADERS).
		mutant("mut-gw-1xx-by-content-length", knobs{frame1xxByLength: true}, "IR-FRAMING-ENDS-AT-HEADERS"),
		// Relays an upstream 1xx as received, whitespace before a colon and Content-Length
		// included (PRX-STRIP-WS-COLON-RESPONSE: fail for a proxy, warn for a gateway;
		// IR-NO-CONTENT-LENGTH: a warning, the field should have been removed).
		mutant("mut-gw-relay-1xx-verbatim", knobs{raw1xx: true}, "PRX-STRIP-WS-COLON-RESPONSE", "IR-NO-CONTENT-LENGTH"),
		// Cannot parse an unknown 1xx (199) from upstream and answers 502 (CLI-PARSE-1XX).
		mutant("mut-gw-unknown-1xx-502", knobs{unknown1xxFails: true}, "CLI-PARSE-1XX"),
		// Sends chunked content to an origin that answered in HTTP/1.0 (CLI-NO-CHUNKED-TO-HTTP10).
		mutant("mut-gw-chunked-to-http10", knobs{chunkedToHTTP10: true}, "CLI-NO-CHUNKED-TO-HTTP10"),
		// Turns the origin's 417 into a 502 (S417-MEANING: a warning).
		mutant("mut-gw-417-to-502", knobs{convert417: true}, "S417-MEANING"),
		// Adds Expect: 100-continue to requests with content and holds the content until the
		// origin answers, indefinitely (CLI-NO-INDEFINITE-WAIT: a warning).
		mutant("mut-gw-add-expect-wait", knobs{addExpectWait: true}, "CLI-NO-INDEFINITE-WAIT"),
		// Keeps an HTTP/1.0 client's connection when it asks for keep-alive and answers its next
		// request, as an origin may (PRX-NO-PERSIST-HTTP10-CLIENT: a fail for a forward proxy).
		mutant("mut-gw-keep-http10-client", knobs{keepHTTP10: true}, "PRX-NO-PERSIST-HTTP10-CLIENT"),
		// Answers 417 to an HTTP/1.0 request with Expect: 100-continue instead of ignoring the
		// expectation (EXP-HTTP10-IGNORE).
		mutant("mut-gw-417-to-http10-expect", knobs{refuseHTTP10Expect: true}, "EXP-HTTP10-IGNORE"),
		// After the origin's 417, re-sends the POST upstream without Expect on its own
		// (PRX-NO-AUTO-RETRY: a warning for a forward proxy, cases/CATALOGUE.md, interpretation retry-after-417).
		mutant("mut-gw-retry-after-417", knobs{retry417: true}, "PRX-NO-AUTO-RETRY"),
		// Relays an early final response with `Connection: close` and then answers the next
		// request on the same connection (H1-CLOSE-THEN-NO-MORE).
		mutant("mut-gw-close-then-serve", knobs{closeButKeep: true}, "H1-CLOSE-THEN-NO-MORE"),
		// Once the origin has answered in HTTP/1.0, waits for the whole content before forwarding
		// the header section and answers no 100 meanwhile (EXP-PROXY-IMMEDIATE as a proxy,
		// EXP-ORIGIN-NO-WAIT as a gateway; T24).
		mutant("mut-gw-hold-for-http10", knobs{holdFor10: true}, "EXP-PROXY-IMMEDIATE", "EXP-ORIGIN-NO-WAIT"),
		// Forwards an HTTP/1.0 client's request upstream as HTTP/1.0, the client's version, while
		// answering the client as HTTP/1.1 (INT-OWN-HTTP-VERSION: a warning, since a purposeful
		// downgrade is allowed).
		mutant("mut-gw-copy-client-version", knobs{copyVersion: true}, "INT-OWN-HTTP-VERSION"),
		// Forwards every request upstream as HTTP/1.0 while answering as HTTP/1.1
		// (INT-OWN-HTTP-VERSION: a warning).
		mutant("mut-gw-downgrade-upstream", knobs{downgrade: true}, "INT-OWN-HTTP-VERSION"),
		// Relays none of the origin's 1xx and answers no 100 itself: with the content withheld
		// the client gets nothing until it sends the content (EXP-ORIGIN-IMMEDIATE as a gateway;
		// IR-PROXY-FORWARD-1XX as a proxy).
		mutant("mut-gw-swallow-1xx-silent", knobs{swallow1xx: true}, "EXP-ORIGIN-IMMEDIATE", "IR-PROXY-FORWARD-1XX"),
		// Answers 502 when the origin closes after an early final response instead of relaying
		// that response, as node-http-proxy 1.18 mostly does (CLI-STOP-ON-CLOSE: a warning).
		mutant("mut-gw-502-on-early-close", knobs{closed502: true}, "CLI-STOP-ON-CLOSE"),
		// Holds an early final response until the client's content has been relayed, as
		// ziproxy 3.3 does (EXP-ORIGIN-IMMEDIATE for a gateway; EXP-PROXY-IMMEDIATE, a warning,
		// for a proxy).
		mutant("mut-gw-hold-early-final", knobs{holdEarlyFinal: true}, "EXP-ORIGIN-IMMEDIATE", "EXP-PROXY-IMMEDIATE"),
	}
}
