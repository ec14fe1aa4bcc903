// Package refclient is the suite's reference HTTP/1.1 client and its mutants: the clients the
// client cases (T60-T65) are proven against. The reference is a raw-socket client that does
// what RFC 9110 §10.1.1 and RFC 9112 ask: Expect: 100-continue only on large content, a
// bounded wait for the 100, a retry without Expect after a 417, any number of 1xx skipped and
// never framed, an early final answered by finishing the content or closing, a connection
// closed when the server said close or sent data nobody asked for. Each mutant breaks one of
// those with one knob. `expectspec ref-client` runs them as commands.
//
// RunH2 (h2.go) is the same client over HTTP/2, on golang.org/x/net/http2's Framer and hpack.
//
// It may import the standard library and golang.org/x/net/http2 only: it is a client under
// test, and shares nothing with the origin that judges it.
package refclient

import "time"

// Knob names a mutant; the zero value is the conforming reference.
type Knob string

// ExpectThreshold is the content size from which the client sends Expect: 100-continue, as
// curl does (1 MiB): smaller content goes at once.
const ExpectThreshold = 1 << 20

// ContinueWait is how long the client waits for a 100 before it sends the content anyway.
const ContinueWait = time.Second

// Mutant is one knob with the requirements it breaks (catalogue IDs).
type Mutant struct {
	Knob   Knob
	What   string
	Breaks []string
}

// The mutants, one knob each.
const (
	ExpectAlways        Knob = "expect-always"
	WithholdsSilently   Knob = "withholds-silently"
	WaitsForever        Knob = "waits-forever"
	NoRetry417          Knob = "no-417-retry"
	InterimIsFinal      Knob = "1xx-is-final"
	NeedsReason         Knob = "needs-reason"
	Frames1xx           Knob = "frames-1xx"
	ReusesAfterEarly    Knob = "reuses-after-early-final"
	HangsAfterEarly     Knob = "hangs-after-early-final"
	KeepsOrphanedConn   Knob = "keeps-orphaned-conn"
	mutantPrefix             = "mut-client-"
	referenceName            = "ref-client"
	withholdWithoutNote      = 2 * time.Second
	maxResponseHead          = 64 << 10
	maxResponseBody          = 16 << 20
	ioDeadline               = 30 * time.Second
	writeChunk               = 64 << 10
	writePace                = 5 * time.Millisecond
)

// Mutants lists every mutant with what it breaks.
func Mutants() []Mutant {
	return []Mutant{
		{ExpectAlways, "sends Expect: 100-continue on every request, with empty content too", []string{"CLI-NO-EXPECT-WITHOUT-CONTENT"}},
		{WithholdsSilently, "never sends Expect, and holds the content back for 2 s after the head", []string{"CLI-EXPECT-IF-WAITING"}},
		{WaitsForever, "after Expect: 100-continue, never sends the content until a 100 comes", []string{"CLI-NO-INDEFINITE-WAIT"}},
		{NoRetry417, "gives up on a 417 instead of repeating the request without Expect", []string{"CLI-417-RETRY-WITHOUT"}},
		{InterimIsFinal, "takes the first response of any status, a 1xx too, for the final one", []string{"CLI-PARSE-1XX"}},
		{NeedsReason, "rejects a status line without reason phrase", []string{"CLI-PARSE-1XX"}},
		{Frames1xx, "reads the Content-Length octets a 1xx declares as its content", []string{"CLI-PARSE-1XX"}},
		{ReusesAfterEarly, "after an early final, sends its next request on the same connection without finishing the content, whatever the response said", []string{"INT-NO-FORWARD-WRONG-CL", "CLI-HONOR-CLOSE"}},
		{HangsAfterEarly, "after an early final, neither sends the content nor closes: it waits", []string{"CLI-CONTINUE-ON-EARLY-RESPONSE", "CLI-STOP-ON-CLOSE"}},
		{KeepsOrphanedConn, "reuses a connection on which data arrived that answers no request", []string{"CLI-NO-ORPHAN-RESPONSE"}},
		{H2DiscardsOnReset, "over HTTP/2 (--h2), takes RST_STREAM(NO_ERROR) after a complete final response for a failure and discards the response", []string{"H2-CLIENT-KEEP-RESPONSE"}},
	}
}

// Name is the witness name of a knob: "ref-client" or "mut-client-<knob>".
func Name(k Knob) string {
	if k == "" {
		return referenceName
	}
	return mutantPrefix + string(k)
}

// Known reports whether k is the reference or one of the mutants.
func Known(k Knob) bool {
	if k == "" {
		return true
	}
	for _, m := range Mutants() {
		if m.Knob == k {
			return true
		}
	}
	return false
}
