package conv

import (
	"strings"
	"time"
)

// This file is the vocabulary of the scripted origin that the suite puts behind a gateway or a
// forward proxy (scenarios T20-T31 in cases/CATALOGUE.md). A case tells the origin in
// advance what to do with the requests it will send through the intermediary (an OriginScript),
// and afterwards reads what arrived, octet for octet and with arrival times (an OriginRecord).
// Like the rest of conv it is pure data: cases name scripts and judge records without I/O.

// OriginPathPrefix starts every request-target the suite sends through an intermediary:
// /__expectspec/<token>/... names the case (the token) the request belongs to. Proxies keep
// paths, so the origin can tell which case's script to follow.
const OriginPathPrefix = "/__expectspec/"

// OriginCaseField is the fallback that names the case when the path does not: a field
// `X-Expectspec-Case: <token>`. Desync detection (OriginRequest.NextRequestOnConn) relies on the
// path alone.
const OriginCaseField = "X-Expectspec-Case"

// OriginPath returns the request-target for a case token and a resource under it, e.g.
// OriginPath("t31", "echo") is "/__expectspec/t31/echo". Tokens are made of letters, digits
// and "-._~" (anything else cannot be recognised in a path).
func OriginPath(token, resource string) string {
	return OriginPathPrefix + token + "/" + strings.TrimPrefix(resource, "/")
}

// RawMessage is one or more response messages exactly as the origin writes them, octet for
// octet. Raw bytes rather than a struct let a case send what no well-behaved library would: a
// 100 with Content-Length, whitespace before a colon, an unknown 1xx.
type RawMessage string

// Messages the scripts use when a case leaves a field empty.
const (
	Continue100          RawMessage = "HTTP/1.1 100 Continue\r\n\r\n"
	OK200                RawMessage = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\n"
	OK200HTTP10          RawMessage = "HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\nok\n"
	ExpectationFailed417 RawMessage = "HTTP/1.1 417 Expectation Failed\r\nContent-Length: 0\r\n\r\n"
	Unauthorized401      RawMessage = "HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n"
)

// HeadAction is what the origin does once a request's header section has arrived, before it
// reads any content.
type HeadAction int

const (
	// HeadContinue (the zero value) is a conforming HTTP/1.1 origin: it sends the 100 (Continue)
	// when the request is HTTP/1.1 or later, carries a 100-continue expectation and declares
	// content; otherwise it sends nothing and reads the content.
	HeadContinue HeadAction = iota
	// HeadContinueAlways sends the 100 on every request head, with or without Expect (a 100 a
	// client did not ask for is allowed: RFC 9110 §15.2.1; cases/CATALOGUE.md, interpretation
	// unsolicited-100). Useful when the
	// intermediary strips Expect.
	HeadContinueAlways
	// HeadWait sends nothing and waits for the content, as an HTTP/1.0 server or one that ignores
	// expectations would (T30 mode ii).
	HeadWait
	// HeadFinal sends Early on the head, without a 100 and without reading the content first
	// (T30 mode iii, T31), then does what AfterEarly says.
	HeadFinal
	// HeadFinalIfExpect is HeadFinal for requests that carry any Expect field, and HeadWait for
	// the others: the 417 mock of T25, which accepts the retry without Expect.
	HeadFinalIfExpect
	// HeadContinueThenFinal sends the 100 on every head, with or without Expect, and then Early
	// as soon as the first content octets have arrived, while the rest is still coming: the
	// early final response to a client in the middle of its upload (T64). AfterEarly then
	// applies.
	HeadContinueThenFinal
)

// A client under test follows what the script tells it: a redirect in an early final (T64) or
// in a final with a stray 100 behind it (T65) makes it send a next request, without content,
// whose fate the case judges. FollowUp answers that request, so the script's other behaviours
// apply to the upload alone.

func (a HeadAction) String() string {
	switch a {
	case HeadContinue:
		return "continue"
	case HeadContinueAlways:
		return "continue-always"
	case HeadWait:
		return "wait"
	case HeadFinal:
		return "final"
	case HeadFinalIfExpect:
		return "final-if-expect"
	case HeadContinueThenFinal:
		return "continue-then-final"
	}
	return "unknown"
}

// AfterEarly is what the origin does after an early final response.
type AfterEarly int

const (
	// EarlyKeepReading (the zero value) keeps the connection and reads the declared content, logging
	// every octet (OriginRequest.AfterResponse): the read-and-discard branch of RFC 9112 §9.3.
	EarlyKeepReading AfterEarly = iota
	// EarlyClose closes the connection in stages right after the early final (half-close, then a
	// short drain that still logs what arrives): the close branch of RFC 9112 §9.3.
	EarlyClose
	// EarlyResetNoError, over HTTP/2, follows the early final (which ends the stream) with
	// RST_STREAM(NO_ERROR) to stop the upload (RFC 9113 §8.1), then reads on: DATA still in
	// flight is logged in AfterResponse. Over HTTP/1.1 it reads on as EarlyKeepReading does.
	EarlyResetNoError
)

// OriginScript is what the origin does with every request of one case.
//
// The intermediary scenarios of cases/CATALOGUE.md read as follows:
//
//	T20, T23          OriginScript{}                                   (100 on Expect, 200 after the content)
//	T21               OriginScript{Interims: []RawMessage{102, 103, 103, 199}}
//	T21b              ScriptContinueWithContentLength()
//	T21c              OriginScript{OnHead: HeadContinueAlways, Continue: "HTTP/1.1 100 Continue\r\nX-A : b\r\n\r\n"}
//	T22, T26, T27     OriginScript{} and read the record's fields
//	T24               ScriptHTTP10()
//	T25               Script417IfExpect()
//	T30 i / ii / iii  OriginScript{} / {OnHead: HeadWait} / ScriptEarly(Unauthorized401, EarlyKeepReading)
//	T31               OriginScript{OnHead: HeadFinalIfExpect, Early: Unauthorized401}
type OriginScript struct {
	OnHead HeadAction
	// Continue is the 100 that HeadContinue and HeadContinueAlways send; empty means Continue100.
	Continue RawMessage
	// Early is what HeadFinal and HeadFinalIfExpect send on the head; empty means
	// ExpectationFailed417. It may hold more than one message (a 100 followed by a final).
	// Whether it says `Connection: close` is up to the case; the origin honours it.
	Early      RawMessage
	AfterEarly AfterEarly
	// Interims are sent in order once the content has arrived, before Final: 102, 103 with Link,
	// an unknown 199. Not sent after an early final.
	Interims []RawMessage
	// Final is the final response once the content has arrived; empty means OK200 (OK200HTTP10
	// with HTTP10).
	Final RawMessage
	// HTTP10 makes the origin an HTTP/1.0 server: no 1xx at all, the HTTP/1.0 default final, and
	// a close after every response (T24).
	HTTP10 bool
	// FollowUp, when set, is the whole answer to a request that declares no content (the GET of
	// a client that follows the script's redirect): sent once its head has arrived, whatever
	// OnHead says, with no 1xx before it.
	FollowUp RawMessage
	// ContentIsContent makes the origin read every declared content octet as content, even where
	// the octets form a request for a case: a conforming origin, as RFC 9112 §6.3 frames it. The
	// origin-role cases run through an intermediary use it, since their content may itself be a
	// request (T10b sends one) and a tunnel relays it unchanged: an origin that served it would
	// make its own parsing the intermediary's verdict. Without it, such a request is served as
	// the next one and recorded as NextRequestOnConn (the desync detection of T31).
	ContentIsContent bool
}

// Whatever the script says, the origin never sends a 1xx to an HTTP/1.0 request (RFC 9110 §15.2),
// and it closes after a response whose raw bytes say `Connection: close` or end without framing.

// ScriptEarly answers every request on its head with final, then keeps reading or closes.
func ScriptEarly(final RawMessage, after AfterEarly) OriginScript {
	return OriginScript{OnHead: HeadFinal, Early: final, AfterEarly: after}
}

// Script417IfExpect answers 417 to any request with Expect and serves the others (T25).
func Script417IfExpect() OriginScript {
	return OriginScript{OnHead: HeadFinalIfExpect, Early: ExpectationFailed417}
}

// ScriptHTTP10 is an HTTP/1.0 origin: it waits for the content, never sends a 1xx, answers
// `HTTP/1.0 200 OK` and closes (T24).
func ScriptHTTP10() OriginScript {
	return OriginScript{OnHead: HeadWait, HTTP10: true}
}

// ScriptContinueWithContentLength sends, on the head, a 100 carrying `Content-Length: 10`
// immediately followed by the final 200, then reads and logs the content (T21b). A recipient that
// frames the 100 by its Content-Length eats the first 10 octets of the 200.
func ScriptContinueWithContentLength() OriginScript {
	return ScriptEarly("HTTP/1.1 100 Continue\r\nContent-Length: 10\r\n\r\n"+OK200, EarlyKeepReading)
}

// Arrival is one read of octets from the connection.
type Arrival struct {
	At time.Duration // offset from the case's registration
	N  int           // octets in this read
}

// Sent is one write of the origin.
type Sent struct {
	At  time.Duration
	Msg RawMessage
}

// CloseCause says who ended a connection, and why.
type CloseCause string

const (
	ClosedByPeer     CloseCause = "peer"     // the intermediary closed (FIN)
	ClosedByReset    CloseCause = "reset"    // the intermediary reset the connection (RST)
	ClosedByOrigin   CloseCause = "origin"   // the origin closed: its script, its final, or broken framing
	ClosedByIdle     CloseCause = "idle"     // nothing arrived for the origin's idle timeout
	ClosedByLimit    CloseCause = "limit"    // a bound on what the origin reads was hit
	ClosedByShutdown CloseCause = "shutdown" // the origin was closed by the suite
)

// OriginRequest is what arrived for one request, and what the origin did about it. Times are
// offsets from the Register call of the case, so they compare with nothing but each other and
// the case's own timeline of when it registered (the suite registers just before it dials).
type OriginRequest struct {
	// Conn identifies the connection (1, 2, ... per origin). The same Conn on two requests means
	// the intermediary reused its upstream connection; Seq is the request's position on it.
	Conn int
	Seq  int

	// StartAt is when the first octet of the request-line arrived, HeadAt when the empty line
	// ending the header section did. HeadAt against the client's send times shows whether the
	// intermediary forwarded the head before the content (EXP-PROXY-IMMEDIATE, T20).
	StartAt time.Duration
	HeadAt  time.Duration

	// The request-line as received, and its parts (INT-OWN-HTTP-VERSION: Proto is the version
	// the intermediary sends).
	RequestLine string
	Method      string
	Target      string
	Proto       string

	// Fields are the field lines in order of arrival, as received: Name is every octet before the
	// first colon (so `Expect : x` gives Name "Expect "), Value what follows with the surrounding
	// SP and HTAB removed; NUL and other octets are kept. A line that is an obs-fold continuation
	// or has no colon has Name "" and the whole line as Value. T26 and T27 read these.
	Fields []Field
	// Head is the raw request-line and header section, empty line included, as received.
	Head []byte

	// ExpectSeen: a field named exactly Expect (any case) arrived; ExpectValues are its values.
	// ExpectsContinue: one of them lists 100-continue; the origin's own decision rests on it.
	ExpectSeen      bool
	ExpectValues    []string
	ExpectsContinue bool

	// Framing is how the request declared its content: "none", "content-length", "chunked", or
	// "invalid" (FramingError says why; the origin then answered 400 and closed).
	// DeclaredLength is the Content-Length, or -1.
	Framing        string
	DeclaredLength int64
	FramingError   string

	// ContentAt lists every read that carried content octets (for chunked content, the octets
	// on the wire, chunk framing included); ContentLen counts the decoded content octets and
	// Content keeps the first 64 KiB of them. Complete: the whole declared content arrived.
	ContentAt  []Arrival
	ContentLen int64
	Content    []byte
	Complete   bool
	// HeadBeforeContent: content was declared and the read that completed the header section
	// carried none of it, so the intermediary sent the head on its own (cases/CATALOGUE.md, interpretation gateway-own-100: info only).
	HeadBeforeContent bool

	// Sent lists what the origin wrote for this request, in order, with times: the 100, the
	// interims, the final. EarlyFinal: the final went out on the head, before the content.
	Sent       []Sent
	EarlyFinal bool

	// AfterResponse and AfterBytes (the first 1 MiB) are the octets that arrived after the origin
	// had sent its final response while the request was not complete: the rest of the content
	// after an early final, and whatever a staged close drained. They show whether the
	// intermediary relayed the abandoned body (T31 PASS) and what exactly it relayed.
	AfterResponse []Arrival
	AfterBytes    []byte

	// NextRequestOnConn: a request for a case (a target under OriginPathPrefix) began on this
	// connection while this request's declared content was still outstanding: the intermediary
	// abandoned the body and reused the connection, so a server that reads the declared length
	// would swallow the next request (T31 FAIL, INT-NO-FORWARD-WRONG-CL). NextRequestAt and
	// NextRequestLine say when and what. The origin then served that request as the next one,
	// marked StartedInsideContent. (When its request-line began in an earlier read than the one
	// that revealed it, its first octets were already counted as content.)
	NextRequestOnConn    bool
	NextRequestAt        time.Duration
	NextRequestLine      string
	StartedInsideContent bool

	// Closed: the connection ended while this was its latest request (no request followed).
	// For a close by the origin, ClosedAt is when its staged close began (the half-close).
	Closed   bool
	ClosedAt time.Duration
	ClosedBy CloseCause

	// Truncated: a bound on what is recorded (arrivals, octets) was hit; totals stay exact.
	Truncated bool

	// Over HTTP/2 (Proto "HTTP/2", from a client under test): the request is a stream, and its
	// RequestLine is made up as "METHOD :path HTTP/2". Fields then hold the decoded header list,
	// pseudo-header fields first, and Head is empty; Framing is "content-length" as in
	// HTTP/1.1, "data" for a stream left open without content-length, "none" for a header
	// block that ended the stream. Stream is the stream id; EndStream says the client ended its
	// stream (END_STREAM on its HEADERS or last DATA), at EndStreamAt; ClientReset is the code
	// of an RST_STREAM the client sent on it ("" for none, "NO_ERROR", "CANCEL", ...), at
	// ClientResetAt; ServerReset is the code of the origin's own RST_STREAM. DATA counts in
	// ContentAt and ContentLen wherever it arrives; what arrives after the final also in
	// AfterResponse and AfterBytes.
	Stream        uint32
	EndStream     bool
	EndStreamAt   time.Duration
	ClientReset   string
	ClientResetAt time.Duration
	ServerReset   string
}

// Get returns the values of the fields named exactly name (case-insensitive), in order.
func (r *OriginRequest) Get(name string) []string {
	var out []string
	for _, f := range r.Fields {
		if strings.EqualFold(f.Name, name) {
			out = append(out, f.Value)
		}
	}
	return out
}

// Has reports whether a field named exactly name (case-insensitive) arrived.
func (r *OriginRequest) Has(name string) bool { return len(r.Get(name)) > 0 }

// OriginConn is one connection that carried requests of the case.
type OriginConn struct {
	ID     int
	Remote string // the intermediary's address
	// OpenedAt is negative when the connection was opened before the case registered: an
	// intermediary reused a pooled connection.
	OpenedAt time.Duration
	Requests int // requests read on it so far, of any case
	Closed   bool
	ClosedAt time.Duration
	ClosedBy CloseCause
}

// OriginRecord is everything the origin saw for one case token.
type OriginRecord struct {
	Token    string
	Requests []OriginRequest
	Conns    []OriginConn
	// Dropped counts requests beyond the origin's bound per token that were served but not kept.
	Dropped int
	// Sending counts messages whose write has begun but not returned: the origin records a
	// message once written, so the client can have it before the record does. A record with
	// Sending > 0 is about to change.
	Sending int
}

// Clone returns a deep copy, so a record handed to a judge never changes under it.
func (r OriginRecord) Clone() OriginRecord {
	out := r
	out.Requests = make([]OriginRequest, len(r.Requests))
	for i, q := range r.Requests {
		q.Fields = append([]Field(nil), q.Fields...)
		q.Head = append([]byte(nil), q.Head...)
		q.ExpectValues = append([]string(nil), q.ExpectValues...)
		q.ContentAt = append([]Arrival(nil), q.ContentAt...)
		q.Content = append([]byte(nil), q.Content...)
		q.Sent = append([]Sent(nil), q.Sent...)
		q.AfterResponse = append([]Arrival(nil), q.AfterResponse...)
		q.AfterBytes = append([]byte(nil), q.AfterBytes...)
		out.Requests[i] = q
	}
	out.Conns = append([]OriginConn(nil), r.Conns...)
	return out
}
