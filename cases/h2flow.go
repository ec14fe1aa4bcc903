package cases

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/expectspec/expectspec/harness/conv"
)

// T41, the rest of the stream after an early final: DATA the client had in flight when the
// server answered (and maybe reset the stream) keeps arriving. RFC 9113 §5.1 has an endpoint
// that reset a stream discard what still arrives on it, not treat it as a connection error;
// §6.9 has every DATA frame count against the connection's window, discarded or not, so a
// server must give that credit back or the connection's window shrinks until uploads stall;
// §8.7 keeps REFUSED_STREAM for requests that were never processed, which an answered one was.
//
// The script spends the server's connection window on streams it answered early: one round
// per stream (the early head, its answer, the content in flight as far as the windows allow
// at once, the client's own RST_STREAM(CANCEL), which a client that learned its upload is
// unwanted sends), as many rounds as the budget allows, then a small upload on a new stream,
// which needs connection credit when the rounds spent the window. The in-flight DATA goes out
// when the answer is complete, whether or not the server's RST_STREAM was read yet, so nothing
// is judged from their order.

// The budget of DATA the rounds may spend: flowRounds streams of up to flowRoundContent
// octets each (4 MiB). A server whose connection window is larger than what the rounds can
// send (nginx opens 2^31-1) cannot be shown to stall, and is reported so.
const (
	flowRounds       = 16
	flowRoundContent = 256 << 10
	// initialWindow is the flow-control window every HTTP/2 connection starts with (RFC 9113
	// §6.9.2).
	initialWindow = 65535
	// uploadStream is the stream of the upload after the rounds: past every round's.
	uploadStream = 2*flowRounds + 1
)

// h2EarlyFinalDiscardedData is T41's in-flight DATA and flow-control accounting.
var h2EarlyFinalDiscardedData = Case{
	ID:       "origin/h2-early-final-discarded-data",
	Scenario: "T41",
	Title:    "Over HTTP/2, DATA still in flight on a stream the server answered early (and may have reset) is discarded without a connection error, and its connection credit comes back: a later upload on the connection does not stall; an answered stream is never reset with REFUSED_STREAM",
	Requirements: []string{"H2-AFTER-RST-DISCARD", "H2-FLOW-ACCOUNT", "H2-NO-REFUSED-AFTER-PROCESSING", "H2-EARLY-FINAL",
		"H2-EARLY-RST-NO-ERROR"},
	Witnesses: []Witness{
		informs("ref-h2-continue"), passes("ref-h2-early-reset"),
		fails("mut-h2-early-no-credit", "H2-FLOW-ACCOUNT"),
		fails("mut-h2-goaway-after-reset", "H2-AFTER-RST-DISCARD"),
		fails("mut-h2-early-refused", "H2-NO-REFUSED-AFTER-PROCESSING"),
	},
	Roles:     []Role{Origin},
	Protocols: h2Protocols,
	Client: func(env Env) conv.Script {
		round := []conv.Step{
			withLength(h2Head(env, "early-head", env.EarlyPath, false, expectContinue), flowRoundContent),
			onStream(awaitClose("early-end", env.Timing.Max), 1),
			{Kind: conv.SendData, Label: "in-flight", Size: flowRoundContent, Within: writeWithin, H2: conv.H2Frame{NoWait: true}},
			conv.Reset("cancel", conv.CodeCancel),
		}
		upload := onStream(h2Head(env, "upload-head", env.Path, false), uploadStream)
		return script(
			conv.Step{Kind: conv.Rounds, Label: "rounds", Count: flowRounds, Within: env.Timing.Max, H2: conv.H2Frame{Round: round}},
			upload,
			onStream(conv.Data("upload-body", []byte(body), true, env.Timing.Response), uploadStream),
			onStream(awaitClose("upload-end", env.Timing.Response), uploadStream),
			h2Quiet(env),
		)
	},
	Judge: onClient(judgeH2DiscardedData),
}

// withLength sets the content-length of a header block step.
func withLength(st conv.Step, n int64) conv.Step {
	st.H2.Fields = slices.Clone(st.H2.Fields)
	for i, f := range st.H2.Fields {
		if f.Name == "content-length" {
			st.H2.Fields[i].Value = strconv.FormatInt(n, 10)
		}
	}
	return st
}

// onStream puts an h2 step on a stream.
func onStream(st conv.Step, id uint32) conv.Step {
	st.H2.Stream = id
	return st
}

func judgeH2DiscardedData(env Env, tl *conv.Timeline) Outcome {
	var j Judgement
	rounds := earlyRounds(tl)
	if len(rounds) == 0 || rounds[0].status == 0 {
		j.NA("no final response on stream 1 to the request for %s (content withheld) ended its stream within %s, so there was no early answer for DATA to follow (origin/h2-early-final-stream-end judges how it answered)", env.EarlyPath, ms(env.Timing.Max))
		return j.Outcome()
	}
	if first := rounds[0]; first.complete {
		j.Pass("H2-EARLY-FINAL", "the early %d on stream 1 was complete (END_STREAM) before any content", first.status)
	} else {
		j.Info("H2-EARLY-FINAL", "the early %d on stream 1 was cut short by RST_STREAM (origin/h2-early-final-stream-end judges that)", first.status)
	}
	judgeEarlyResets(&j, rounds)
	f := tallyInFlight(tl)
	if f.sent == 0 {
		j.Info("H2-AFTER-RST-DISCARD", "no DATA could be sent after the early answers (the server's stream windows were shut), so neither discarding nor its credit was exercised")
		return j.Outcome()
	}
	if !judgeConnectionKept(&j, tl, rounds, f) {
		return j.Outcome()
	}
	judgeCredit(&j, env, tl, rounds, f)
	return j.Outcome()
}

// earlyRound is what a round's stream saw: the final's status (0: none), whether its stream
// ended with END_STREAM, the codes of the RST_STREAM frames received on it, and the DATA the
// client sent on it after the answer.
type earlyRound struct {
	stream   uint32
	status   int
	complete bool
	resets   []uint32
	sent     int64
}

// earlyRounds reads the rounds from the frames: one per early head sent, in order.
func earlyRounds(tl *conv.Timeline) []earlyRound {
	var out []earlyRound
	for _, e := range tl.Events {
		if e.Kind == conv.EvSent && e.Frame != nil && e.Step == "early-head" {
			out = append(out, streamRound(tl, e.Frame.Stream))
		}
	}
	return out
}

func streamRound(tl *conv.Timeline, id uint32) earlyRound {
	r := earlyRound{stream: id}
	for _, e := range tl.Frames(id) {
		f := e.Frame
		switch {
		case f.Type == "HEADERS" && r.status == 0:
			if code, _ := strconv.Atoi(statusField(f.Fields)); code >= 200 {
				r.status = code
			}
			r.complete = r.status != 0 && f.EndStream()
		case f.Type == "DATA" && r.status != 0 && f.EndStream():
			r.complete = true
		case f.Type == "RST_STREAM":
			r.resets = append(r.resets, f.Code)
		}
	}
	for _, e := range tl.Events {
		if e.Step == "in-flight" && (e.Kind == conv.EvSent || e.Kind == conv.EvWriteError) && e.Frame != nil && e.Frame.Stream == id {
			r.sent += e.N
		}
	}
	return r
}

// judgeEarlyResets: REFUSED_STREAM says a request was not processed, so a client may retry it
// anywhere (RFC 9113 §8.7); after a final response it is false. A first reset with NO_ERROR is
// what RFC 9113 §8.1 names for stopping the upload, and STREAM_CLOSED after it is the stream
// error §6.1 names for DATA on a closed stream (Go answers each DATA frame so); any other code is
// reported: which code should stop an upload is origin/h2-early-final-stream-end's question.
func judgeEarlyResets(j *Judgement, rounds []earlyRound) {
	answered, reset := 0, 0
	codes := map[string]bool{}
	var names []string
	for _, r := range rounds {
		if r.status == 0 {
			continue
		}
		answered++
		if slices.Contains(r.resets, conv.CodeRefusedStream) {
			j.Fail("H2-NO-REFUSED-AFTER-PROCESSING", "reset stream %d with REFUSED_STREAM after answering it %d: REFUSED_STREAM tells the client the request was never processed and may be retried, and a request that got a final response was processed (RFC 9113 §8.7)", r.stream, r.status)
			return
		}
		if len(r.resets) > 0 {
			reset++
		}
		for i, c := range r.resets {
			if i == 0 && c == conv.CodeNoError || i > 0 && c == conv.CodeStreamClosed {
				continue
			}
			if n := codeName(c); !codes[n] {
				codes[n] = true
				names = append(names, n)
			}
		}
	}
	j.Pass("H2-NO-REFUSED-AFTER-PROCESSING", "none of the %s it answered early was reset with REFUSED_STREAM", streamCount(answered))
	if len(names) > 0 {
		j.Info("H2-EARLY-RST-NO-ERROR", "reset %d of the %s it answered early, with %s among the codes (origin/h2-early-final-stream-end judges the code that follows an early final)", reset, streamCount(answered), strings.Join(names, ", "))
	}
}

// streamCount counts streams in words: "1 stream", "16 streams".
func streamCount(n int) string {
	if n == 1 {
		return "1 stream"
	}
	return strconv.Itoa(n) + " streams"
}

// inFlightData is the DATA the rounds sent, and the client's connection window just before the
// first of it: the initial window plus the credit the server gave on stream 0 before then.
type inFlightData struct {
	sent    int64
	window0 int64
	first   int // the index of the first in-flight DATA event with octets
	streams int // the streams that carried some
}

func tallyInFlight(tl *conv.Timeline) inFlightData {
	f := inFlightData{window0: initialWindow, first: -1}
	for i, e := range tl.Events {
		switch {
		case e.Kind == conv.EvFrame && f.first < 0 && isConnectionCredit(e):
			f.window0 += int64(e.Frame.Increment)
		case e.Step == "in-flight" && (e.Kind == conv.EvSent || e.Kind == conv.EvWriteError) && e.N > 0:
			if f.first < 0 {
				f.first = i
			}
			f.sent += e.N
			f.streams++
		}
	}
	return f
}

// isConnectionCredit reports whether an event is a WINDOW_UPDATE the server sent on stream 0.
func isConnectionCredit(e conv.Event) bool {
	return e.Frame != nil && !e.Frame.Sent && e.Frame.Type == "WINDOW_UPDATE" && e.Frame.Stream == 0
}

// judgeConnectionKept judges the end of the connection after the in-flight DATA (RFC 9113
// §5.1); false when it ended, so that the credit cannot be judged.
func judgeConnectionKept(j *Judgement, tl *conv.Timeline, rounds []earlyRound, f inFlightData) bool {
	resetStreams := 0
	for _, r := range rounds {
		if len(r.resets) > 0 && r.sent > 0 {
			resetStreams++
		}
	}
	what := fmt.Sprintf("%d octets of DATA in flight on %s it had answered early", f.sent, streamCount(f.streams))
	for i, e := range tl.Events {
		if e.Kind != conv.EvFrame || e.Frame.Sent || e.Frame.Type != "GOAWAY" {
			continue
		}
		switch code := e.Frame.Code; {
		case i < f.first:
			j.Info("H2-AFTER-RST-DISCARD", "sent GOAWAY with %s before any DATA followed an early answer, so the case could not be carried out", codeName(code))
		case code == conv.CodeNoError || code == conv.CodeEnhanceYourCalm:
			j.Info("H2-AFTER-RST-DISCARD", "after %s, closed the connection with GOAWAY %s: a graceful close or a limit on the pattern of answered and cancelled streams, not a verdict on the DATA, so the discarding and its credit were not judged", what, codeName(code))
		default:
			j.Fail("H2-AFTER-RST-DISCARD", "after %s (%d of them reset by it), sent GOAWAY with %s: a connection error for DATA that was in flight when it answered the stream; RFC 9113 §5.1 has it discard what arrives on a stream it reset, and take DATA on one it has only half-closed", what, resetStreams, codeName(code))
		}
		return false
	}
	if e, ok := tl.Closed(); ok && e.Kind == conv.EvRST {
		// A server that closes with the client's DATA unread in its buffers resets the
		// connection, and the reset can destroy a GOAWAY it sent just before (jetty9 sends
		// ENHANCE_YOUR_CALM here, lost in one run of three): what it said cannot be known.
		j.Info("H2-AFTER-RST-DISCARD", "after %s, the connection was reset before any GOAWAY was read: a GOAWAY sent just before a reset can be lost with it, so whether the server closed for the DATA, or for another reason, could not be seen", what)
		return false
	}
	if e, ok := tl.Closed(); ok {
		j.Warn("H2-AFTER-RST-DISCARD", "after %s, the connection ended (%s) without GOAWAY: a connection error handled without saying so (RFC 9113 §5.4.1), or a crash", what, e.Kind)
		return false
	}
	if resetStreams > 0 {
		// The client cannot see whether each reset reached it before or after the DATA reached
		// the server; either way a connection error for the DATA would have broken a rule
		// (§5.1: discard after a reset; DATA is allowed on a stream the server half-closed).
		j.Pass("H2-AFTER-RST-DISCARD", "took %s without a connection error, on %d stream(s) it reset (before or after the DATA reached it) and on any it only half-closed", what, resetStreams)
	} else {
		j.Info("H2-AFTER-RST-DISCARD", "took %s without a connection error; it reset none of them, so the DATA arrived on half-closed streams and the rule for a stream it reset was not exercised", what)
	}
	return true
}

// judgeCredit judges whether the connection credit of the discarded DATA came back (RFC 9113
// §6.9). The rounds sent more than the window the server had opened before the first of them
// only if credit for that DATA came back; the upload after them stalls on the connection's
// window only if it did not.
func judgeCredit(j *Judgement, env Env, tl *conv.Timeline, rounds []earlyRound, f inFlightData) {
	if e, ok := tl.WriteError("upload-body"); ok && e.Cause == conv.CauseConnectionWindow {
		j.Fail("H2-FLOW-ACCOUNT", "after %d octets of DATA on %s it had answered early, the connection's window stayed shut: no WINDOW_UPDATE on stream 0 in %s gave back their credit, so the %d-octet upload on stream %d could not be sent; DATA a server discards still counts against the connection's window, and its credit must come back (RFC 9113 §6.9)", f.sent, streamCount(f.streams), ms(env.Timing.Response), len(body), uploadStream)
		return
	}
	upload := streamRound(tl, uploadStream)
	answer := "the upload after them got no answer it could read"
	if upload.status != 0 {
		answer = fmt.Sprintf("the upload on stream %d after them was answered %d", uploadStream, upload.status)
	}
	_, ran := tl.StepAt("upload-body")
	bodySent := ran && !tl.WriteFailed("upload-body")
	switch {
	case f.sent > f.window0:
		j.Pass("H2-FLOW-ACCOUNT", "sent %d octets of DATA on %s it had answered early, more than the %d-octet connection window it had opened before the first: it gave back their credit; %s", f.sent, streamCount(f.streams), f.window0, answer)
	case f.sent == f.window0 && bodySent:
		// The rounds used the window up exactly (the credit came after the next round's
		// answer, so that round sent nothing); the upload's DATA could only go out on credit
		// given back for theirs.
		j.Pass("H2-FLOW-ACCOUNT", "sent %d octets of DATA on %s it had answered early, all of the connection window it had opened before the first, and the upload on stream %d still went out: it gave back their credit; %s", f.sent, streamCount(f.streams), uploadStream, answer)
	default:
		j.Info("H2-FLOW-ACCOUNT", "the %d octets of DATA the %d rounds could send on streams it answered early did not go past its connection window (%d octets), so whether it gives their credit back was not put to the test; %s", f.sent, len(rounds), f.window0, answer)
	}
}

var h2FlowCases = []Case{h2EarlyFinalDiscardedData, h2OverLimitLength}
