package conv

import (
	"fmt"
	"strings"
	"time"
)

// The HTTP/2 part of the vocabulary. An h2 script is the same Script of Steps as an HTTP/1.1
// one: the frames a case sends are steps of their own kinds (below), and the awaits are the same
// Until conditions, read with h2 meaning:
//
//   - a message is a complete header block (HEADERS plus any CONTINUATION) carrying :status on
//     a stream. An interim one (1xx) counts when its block is complete; a final one when its
//     stream ends (END_STREAM, on DATA or trailers), with the DATA as its body, so that
//     UntilMessage and UntilFinals wait for what they wait for over HTTP/1.1. UntilFinalHead
//     ends on a final's header block. A final is recorded where its header block arrived
//     (Truncated when RST_STREAM or the end of the connection cut it short), so Messages()
//     lists a stream's responses in the order their blocks arrived: a 1xx sent between a
//     final's HEADERS and its END_STREAM follows the final, as over HTTP/1.1;
//   - close is the end of the awaited stream (Step.H2.Stream, 1 when zero) by the peer's
//     END_STREAM or RST_STREAM, or the end of the connection (GOAWAY, FIN, reset). As over
//     HTTP/1.1 it holds at once when that already happened;
//   - HTTP/2 has no 101 (RFC 9113 §8.6), so UntilFinalOrSwitch is UntilFinals.
//
// The messages are conv.Responses (Proto "HTTP/2", Status from :status, Header the regular
// fields in the order received, Framing "stream"), so a judge that reads Messages() reads an h2
// timeline unchanged. What only h2 has — which frame, which flags, which error code — is an
// EvFrame event per frame received, and the Frame of the EvSent event of every frame a step
// sent. The frames the driver sends on its own (SETTINGS and their ACKs, PING ACKs,
// WINDOW_UPDATE) are EvFrame events with Sent set: they are no step's writes, so StepAt and
// NextSendAfter do not see them.

// The step kinds of h2 scripts. Each writes one frame (a header block may take CONTINUATION
// frames after its HEADERS) with a write deadline of Within; a write that fails is recorded as
// EvWriteError and the script goes on, as a Send does. Send writes its Data verbatim after the
// connection preface: garbage a peer must reject.
const (
	// SendHeaders sends a header block on stream H2.Stream: H2.Fields exactly as given (in
	// order, names and values as spelled, pseudo-fields included, never added or lowercased),
	// with END_STREAM when H2.EndStream.
	SendHeaders StepKind = iota + 100
	// SendData sends Data on stream H2.Stream in DATA frames as large as the peer allows, with
	// END_STREAM on the last when H2.EndStream. It honours the peer's flow-control windows:
	// while they are shut it reads (and answers) what the peer sends, and what it could not
	// send within Within is an EvWriteError with CauseFlowControl; it never waits longer.
	// With Size > 0 and no Data it sends Size filler octets.
	SendData
	// SendReset sends RST_STREAM with error code H2.Code on stream H2.Stream.
	SendReset
	// SendFrame sends one frame as given, unchecked: type H2.Type, flags H2.Flags, stream
	// H2.Stream (taken as is, 0 included) and payload Data. It is the escape for malformed
	// input the other kinds cannot produce.
	SendFrame
	// Rounds plays the steps of H2.Round up to Count times, all within Within. Round r (from
	// 0) plays each step on its stream plus 2r (stream 1, 3, 5, … for a round on stream 1),
	// and an UntilFinals await in it counts the finals of its round: Count more than when the
	// round began. The rounds stop early when the conversation stalls: a step of the round ran
	// to its deadline (an await, a write, a SendData that could not send all), the peer sent
	// GOAWAY, or reading ended. It is how a script repeats an exchange on fresh streams as
	// often as the peer's windows need, within one deadline.
	Rounds
)

// H2Frame is what an h2 step sends; its zero value is ignored by HTTP/1.1 steps.
type H2Frame struct {
	Stream    uint32  // the stream; 0 means 1, except for SendFrame
	Fields    []Field // SendHeaders: the header block, pseudo-fields first as a request needs them
	EndStream bool    // SendHeaders, SendData: set END_STREAM
	Code      uint32  // SendReset: the error code (RFC 9113 §7)
	Type      uint8   // SendFrame: the frame type
	Flags     uint8   // SendFrame: the flags
	// NoWait makes a SendData send only what the peer's windows allow once the frames already
	// read are handled, never waiting for credit: its EvSent's N says how much went (0 and
	// more), and the rest is not sent. It is the client whose content was in flight: what it
	// could send before it learned that the server no longer wants it.
	NoWait bool
	// Round is the steps a Rounds step repeats.
	Round []Step
}

// StreamOr1 is the stream a step acts on: Stream, or 1 when it is zero.
func (f H2Frame) StreamOr1() uint32 {
	if f.Stream == 0 {
		return 1
	}
	return f.Stream
}

// EvFrame is an HTTP/2 frame received (or, with Frame.Sent, one the driver sent on its own).
const EvFrame EventKind = "frame"

// FrameInfo is one frame as the timeline keeps it.
type FrameInfo struct {
	Sent   bool   // we sent it
	Stream uint32 // its stream id
	Type   string // "HEADERS", "DATA", "RST_STREAM", ... as RFC 9113 §6 names them
	Flags  uint8  // the flags octet as on the wire
	Length uint32 // the payload length
	// Code is the error code of a RST_STREAM or GOAWAY (RFC 9113 §7).
	Code uint32
	// Increment is the credit a WINDOW_UPDATE gives (RFC 9113 §6.9), on Stream (0: the
	// connection).
	Increment uint32
	// Fields is the decoded header block of a HEADERS frame, pseudo-fields included, in order,
	// set once the block is complete (after its CONTINUATION frames, on the HEADERS frame's
	// event). A block that could not be decoded has none.
	Fields []Field
}

// The frame flags judges test (RFC 9113 §6).
const (
	FlagEndStream  uint8 = 0x1
	FlagEndHeaders uint8 = 0x4
)

// EndStream reports whether the frame carried END_STREAM (a HEADERS or DATA frame).
func (f *FrameInfo) EndStream() bool {
	return f.Flags&FlagEndStream != 0 && (f.Type == "HEADERS" || f.Type == "DATA")
}

// The h2 error codes judges name (RFC 9113 §7).
const (
	CodeNoError         uint32 = 0x0
	CodeProtocolError   uint32 = 0x1
	CodeStreamClosed    uint32 = 0x5
	CodeRefusedStream   uint32 = 0x7
	CodeCancel          uint32 = 0x8
	CodeEnhanceYourCalm uint32 = 0xb
)

// codeNames are the names RFC 9113 §7 gives the error codes.
var codeNames = map[uint32]string{0x0: "NO_ERROR", 0x1: "PROTOCOL_ERROR", 0x2: "INTERNAL_ERROR", 0x3: "FLOW_CONTROL_ERROR",
	0x4: "SETTINGS_TIMEOUT", 0x5: "STREAM_CLOSED", 0x6: "FRAME_SIZE_ERROR", 0x7: "REFUSED_STREAM", 0x8: "CANCEL",
	0x9: "COMPRESSION_ERROR", 0xa: "CONNECT_ERROR", 0xb: "ENHANCE_YOUR_CALM", 0xc: "INADEQUATE_SECURITY", 0xd: "HTTP_1_1_REQUIRED"}

// CodeName names an HTTP/2 error code as RFC 9113 §7 does ("CANCEL"), or "error code 0x…" for
// one it does not define.
func CodeName(code uint32) string {
	if n, ok := codeNames[code]; ok {
		return n
	}
	return fmt.Sprintf("error code %#x", code)
}

// The causes only h2 has.
const (
	// CauseFrame: the octets are not a valid sequence of HTTP/2 frames (a frame the framer
	// rejects, a connection preface the peer did not answer in frames); reading stops.
	CauseFrame Cause = "frame"
	// CauseFieldBlock: a header block could not be decoded (HPACK), or a response's block has
	// no :status; the event's Error says which.
	CauseFieldBlock Cause = "field-block"
	// CauseFlowControl: a SendData step could not send all its content within its deadline
	// because the peer's flow-control window stayed shut.
	CauseFlowControl Cause = "flow-control"
	// CauseConnectionWindow: like CauseFlowControl, but the window that stayed shut is the
	// connection's (stream 0), whatever the stream's own window was (RFC 9113 §6.9.1).
	CauseConnectionWindow Cause = "connection-window"
)

// Frames returns the frames received on a stream (all streams when stream is 0), with their
// events, in order.
func (t *Timeline) Frames(stream uint32) []Event {
	var out []Event
	for _, e := range t.Events {
		if e.Kind == EvFrame && e.Frame != nil && !e.Frame.Sent && (stream == 0 || e.Frame.Stream == stream) {
			out = append(out, e)
		}
	}
	return out
}

// Headers is a SendHeaders step on stream 1.
func Headers(label string, endStream bool, within time.Duration, fields ...Field) Step {
	return Step{Kind: SendHeaders, Label: label, Within: within, H2: H2Frame{Fields: fields, EndStream: endStream}}
}

// Data is a SendData step on stream 1.
func Data(label string, data []byte, endStream bool, within time.Duration) Step {
	return Step{Kind: SendData, Label: label, Data: data, Within: within, H2: H2Frame{EndStream: endStream}}
}

// Reset is a SendReset step on stream 1.
func Reset(label string, code uint32) Step {
	return Step{Kind: SendReset, Label: label, H2: H2Frame{Code: code}}
}

// String renders a frame for a transcript: "HEADERS stream=1 flags=END_STREAM|END_HEADERS
// len=12 {:status: 100}".
func (f *FrameInfo) String() string {
	if f == nil {
		return "(no frame)"
	}
	s := fmt.Sprintf("%s stream=%d", f.Type, f.Stream)
	if fl := f.flagNames(); fl != "" {
		s += " flags=" + fl
	}
	s += fmt.Sprintf(" len=%d", f.Length)
	if f.Type == "RST_STREAM" || f.Type == "GOAWAY" {
		s += fmt.Sprintf(" code=%#x", f.Code)
		if n, ok := codeNames[f.Code]; ok {
			s += " " + n
		}
	}
	if f.Type == "WINDOW_UPDATE" && f.Increment > 0 {
		s += fmt.Sprintf(" +%d", f.Increment)
	}
	if len(f.Fields) > 0 {
		parts := make([]string, len(f.Fields))
		for i, fl := range f.Fields {
			parts[i] = fl.Name + ": " + escape([]byte(fl.Value), int64(len(fl.Value)), 60)
		}
		s += " {" + strings.Join(parts, ", ") + "}"
	}
	return s
}

// flagNames names the flags a frame type defines (RFC 9113 §6); others show in hex.
func (f *FrameInfo) flagNames() string {
	var names []string
	rest := f.Flags
	take := func(bit uint8, name string) {
		if rest&bit != 0 {
			names = append(names, name)
			rest &^= bit
		}
	}
	switch f.Type {
	case "HEADERS":
		take(FlagEndStream, "END_STREAM")
		take(FlagEndHeaders, "END_HEADERS")
		take(0x8, "PADDED")
		take(0x20, "PRIORITY")
	case "DATA":
		take(FlagEndStream, "END_STREAM")
		take(0x8, "PADDED")
	case "CONTINUATION":
		take(FlagEndHeaders, "END_HEADERS")
	case "SETTINGS", "PING":
		take(0x1, "ACK")
	}
	if rest != 0 {
		names = append(names, fmt.Sprintf("%#x", rest))
	}
	return strings.Join(names, "|")
}
