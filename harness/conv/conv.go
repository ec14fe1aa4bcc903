// Package conv is the conversation vocabulary shared by the wire driver and the cases: a script of
// steps to play against a peer, and the timeline of what happened. It holds types and pure helpers
// only; nothing here touches a socket, so cases can import it and stay free of I/O.
//
// It imports nothing of the module.
package conv

import (
	"strings"
	"time"
)

// Role is the part a target plays: the one spelling of it that cases, targets, recipes and the
// suite share (the results file keeps the same words as strings).
type Role string

const (
	RoleOrigin  Role = "origin"  // answers requests itself
	RoleGateway Role = "gateway" // a reverse proxy, judged as an origin towards its client (RFC 9110 §3.7)
	RoleProxy   Role = "proxy"   // a forward proxy the client chose
	RoleClient  Role = "client"  // a client under test, the suite its server (not yet run)
)

// StepKind says what a step does.
type StepKind int

const (
	// Send writes Data to the connection with a write deadline of Within. A write error (the peer
	// closed or reset) is recorded on the timeline and the script goes on: later awaits still read
	// whatever the peer sent before it went away.
	Send StepKind = iota
	// SendStream writes Size filler octets in chunks of 64 KiB without reading, with a write
	// deadline of Within for the whole stream. It stops at the first write error or the deadline.
	SendStream
	// Await reads until the Until condition holds, the peer closes, or Within elapses, whichever
	// is first. Reaching the deadline is not an error: it is an event the judge reads.
	Await
	// HalfClose shuts down the write side (FIN) and keeps reading possible.
	HalfClose
)

// Until is the condition that ends an Await step early.
type Until int

const (
	// UntilMessage: one more response message (interim or final) than when the step began.
	UntilMessage Until = iota
	// UntilFinals: the connection has carried at least Count final responses in total.
	UntilFinals
	// UntilClose: the peer closed (FIN or RST). Used as a negative wait with a short deadline:
	// "nothing may arrive in the next Within".
	UntilClose
	// UntilFinalOrSwitch: the connection has carried at least Count messages that are final
	// responses or a 101 (Switching Protocols) in total. Any other 1xx does not end the wait:
	// several may precede a final response (a gateway's own 100, then the origin's), and after
	// a 101 the octets are the new protocol's, so nothing more is parsed as HTTP/1.1 then.
	UntilFinalOrSwitch
	// UntilFinalHead: like UntilFinalOrSwitch, but the Count-th final response ends the wait as
	// soon as its header section has arrived; its body is not awaited. When the body is still
	// arriving then, an EvHead event records the head. The checks before a run use it: they
	// judge a status, and a resource that answers with a long or endless body must not cost
	// them their deadline.
	UntilFinalHead
)

// Step is one action of a script. Label names it so a judge can find when it happened
// ("head", "body", "follow-up").
type Step struct {
	Kind   StepKind
	Label  string
	Data   []byte
	Size   int64
	Until  Until
	Count  int
	Within time.Duration
	// IfReusable plays this step, and the rest of the script, only while the connection can
	// still carry a request: the peer has not closed it, and no final response so far announced
	// its closing (Response.AnnouncesClose). Otherwise the script ends here with an EvSkipped
	// event: a client must not send further requests on a connection announced closed (RFC 9112
	// §9.6), so a case that needs a second request on it cannot be carried out.
	IfReusable bool
	// H2 is what an HTTP/2 step sends (SendHeaders, SendData, SendReset, SendFrame; see h2.go).
	H2 H2Frame
}

// Script is a conversation on one fresh connection.
type Script struct {
	Steps []Step
}

// EventKind classifies a timeline event.
type EventKind string

const (
	EvConnect    EventKind = "connect"     // connection established
	EvSent       EventKind = "sent"        // Data written (complete write)
	EvWriteError EventKind = "write-error" // a write failed; Data holds what was written of it
	EvRecv       EventKind = "recv"        // raw octets read
	EvMessage    EventKind = "message"     // a response message was parsed (complete, or Msg.Truncated)
	EvParseError EventKind = "parse-error" // the octets could not be parsed as HTTP/1.x; reading stops
	EvFIN        EventKind = "fin"         // the peer closed its side cleanly (EOF)
	EvRST        EventKind = "rst"         // the connection was reset
	EvDeadline   EventKind = "deadline"    // an await step's deadline passed without its condition
	EvHalfClose  EventKind = "half-close"  // we sent FIN
	EvLimit      EventKind = "limit"       // a safety bound was hit (bytes, messages); reading stops
	EvSkipped    EventKind = "skipped"     // the rest of the script was not played (Error says why; see Step.IfReusable)
	EvHead       EventKind = "head"        // a final's header section, its body still arriving, when an UntilFinalHead await ended on it
)

// Event is one thing that happened, at an offset from the start of the conversation.
type Event struct {
	At   time.Duration
	Kind EventKind
	Step string // the label of the step during which it happened
	Data []byte // bounded copy of the octets sent or received
	N    int64  // octets written or read (may exceed len(Data))
	Msg  *Response
	// Frame is the HTTP/2 frame of an EvFrame event, and of an EvSent event of an h2 step.
	Frame *FrameInfo
	// Cause says why, as a fact a judge may test (see Cause); Error is the same in words, for
	// reasons and traces only.
	Cause Cause
	Error string
}

// ConnState is the state of the connection at the end of the script.
type ConnState string

const (
	StateOpen ConnState = "open" // still open when the script ended
	StateFIN  ConnState = "fin"  // the peer closed cleanly
	StateRST  ConnState = "rst"  // the connection was reset
)

// Field is one header field line as received: the name keeps its spelling.
type Field struct {
	Name  string
	Value string
}

// Response is one parsed response message.
type Response struct {
	Proto  string // "HTTP/1.1"
	Status int
	Reason string
	Header []Field
	// Framing says how the body was delimited: "none" (1xx, 204, 304), "content-length",
	// "chunked" or "close".
	Framing string
	Body    []byte // the first octets of the body, bounded
	BodyLen int64  // the body's full length
	Head    []byte // the raw status line and header section, bounded
	// Truncated: the header section arrived complete but the body was cut short by a close or
	// reset; the status was sent. Body and BodyLen hold what arrived. A close-delimited body
	// ended by a reset is Truncated too, since nothing says it was complete.
	Truncated bool
}

// Interim reports whether the response is a 1xx.
func (r *Response) Interim() bool { return r.Status >= 100 && r.Status < 200 }

// Get returns the values of the fields with the given name (case-insensitive), in order.
func (r *Response) Get(name string) []string {
	var out []string
	for _, f := range r.Header {
		if strings.EqualFold(f.Name, name) {
			out = append(out, f.Value)
		}
	}
	return out
}

// AnnouncesClose reports whether the response says the connection closes after it: a "close"
// connection option, or an HTTP/1.0 response without "keep-alive" (RFC 9112 §9.3, §9.6).
func (r *Response) AnnouncesClose() bool {
	return r.HasConnectionOption("close") || (r.Proto == "HTTP/1.0" && !r.HasConnectionOption("keep-alive"))
}

// Has reports whether a field with this name is present.
func (r *Response) Has(name string) bool { return len(r.Get(name)) > 0 }

// HasConnectionOption reports whether the Connection field lists opt (case-insensitive).
func (r *Response) HasConnectionOption(opt string) bool {
	for _, v := range r.Get("Connection") {
		for _, o := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(o), opt) {
				return true
			}
		}
	}
	return false
}

// Timeline is everything that happened on one conversation.
type Timeline struct {
	Events []Event
	State  ConnState
	// Err is set when the conversation could not be carried out at all (the connection was
	// refused): the judge does not run and the outcome is "error".
	Err string
	// ErrCause is the typed fact behind Err when there is one: CauseConnect when no TCP
	// connection could be made, so that a caller can tell that from a failed TLS handshake
	// without reading Err's words.
	ErrCause Cause
	// Asked, when set, is called with every step label a query looks up (StepAt and the queries
	// built on it): the catalogue's tests use it to check that a judge asks only for labels its
	// script has, since a misspelt label silently reads as "that step never ran".
	Asked func(label string)
}

// Messages returns the parsed responses in order of arrival, Truncated ones included.
func (t *Timeline) Messages() []Timed {
	var out []Timed
	for _, e := range t.Events {
		if e.Kind == EvMessage && e.Msg != nil {
			out = append(out, Timed{At: e.At, Step: e.Step, Msg: e.Msg})
		}
	}
	return out
}

// Finals returns the final (non-1xx) responses in order.
func (t *Timeline) Finals() []Timed {
	var out []Timed
	for _, m := range t.Messages() {
		if !m.Msg.Interim() {
			out = append(out, m)
		}
	}
	return out
}

// Timed is a response with its arrival offset and the step during which it arrived. A complete
// HTTP/1 message arrived when its last octet did (an HTTP/2 final when its header block did,
// h2.go); a Truncated one when its header section did, since that is when its status arrived
// (its event sits there in the timeline, before the RST, FIN or parse error that cut it short).
type Timed struct {
	At   time.Duration
	Step string
	Msg  *Response
}

// StepAt returns when the step with this label began sending or waiting, and whether it ran.
// For a Send step this is the offset of its sent (or write-error) event.
func (t *Timeline) StepAt(label string) (time.Duration, bool) {
	if t.Asked != nil {
		t.Asked(label)
	}
	for _, e := range t.Events {
		if e.Step == label && (e.Kind == EvSent || e.Kind == EvWriteError) {
			return e.At, true
		}
	}
	return 0, false
}

// Closed returns when the peer closed (FIN or RST), if it did.
func (t *Timeline) Closed() (Event, bool) {
	for _, e := range t.Events {
		if e.Kind == EvFIN || e.Kind == EvRST {
			return e, true
		}
	}
	return Event{}, false
}

// First returns the first event of a kind, if any.
func (t *Timeline) First(kind EventKind) (Event, bool) {
	for _, e := range t.Events {
		if e.Kind == kind {
			return e, true
		}
	}
	return Event{}, false
}

// WriteFailed reports whether the step with this label failed to write (the peer was gone).
func (t *Timeline) WriteFailed(label string) bool {
	_, ok := t.WriteError(label)
	return ok
}

// WriteError returns the failed write of the step label, if one failed.
func (t *Timeline) WriteError(label string) (Event, bool) {
	if t.Asked != nil {
		t.Asked(label)
	}
	for _, e := range t.Events {
		if e.Step == label && e.Kind == EvWriteError {
			return e, true
		}
	}
	return Event{}, false
}
