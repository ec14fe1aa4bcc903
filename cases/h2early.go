package cases

import (
	"fmt"
	"strings"

	"github.com/expectspec/expectspec/harness/conv"
)

// T41a: an early final response over HTTP/2. A server may answer before the whole request has
// arrived (RFC 9113 §8.1.1). Once its response is complete (END_STREAM) it may leave the stream
// half-closed, or ask the client to stop sending with RST_STREAM; RFC 9113 §8.1 names NO_ERROR
// for that, and only for NO_ERROR does it oblige clients to keep the response. nginx, for one,
// treats RST_STREAM(CANCEL) there as a failed request (hyperium/h2 #634), so another code is a
// warning: an interoperability hazard, not a broken MUST.

// h2EarlyFinalReset is T41a.
var h2EarlyFinalReset = Case{
	ID:           "origin/h2-early-final-stream-end",
	Scenario:     "T41",
	Title:        "Over HTTP/2, a final response decided from the header block is complete (END_STREAM); a reset that follows it carries NO_ERROR",
	Requirements: []string{"EXP-ORIGIN-IMMEDIATE", "H2-EARLY-FINAL", "H2-EARLY-RST-NO-ERROR", "EXP-FINAL-AFTER-100"},
	Witnesses: []Witness{
		passes("ref-h2-continue"), passes("ref-h2-early-reset"), passes("ref-h2-gateway"),
		warns("mut-h2-early-cancel", "H2-EARLY-RST-NO-ERROR"),
	},
	Roles:     []Role{Origin, Gateway}, // a gateway is the origin towards its client (RFC 9110 §3.7)
	Protocols: h2Protocols,
	Client: func(env Env) conv.Script {
		// The content follows the answer, as a client that sent it "in flight" would: a server
		// that sent a 100 for this resource gets it and can answer then. Before it, the client
		// listens a while: a server that resets the stream of an early final does so while the
		// upload is still unfinished, and a content that ended the stream first would race the
		// reset (seen: Jetty's RST_STREAM 8 ms behind the client's END_STREAM, one run in two).
		settle := h2Quiet(env)
		settle.Label = "settle"
		return script(
			h2Head(env, "head", env.EarlyPath, false, expectContinue),
			awaitMessage("first", env.Timing.Max),
			settle,
			h2Content("body"),
			awaitFinals("final", 1, env.Timing.Response),
			h2Quiet(env),
		)
	},
	Judge: onClient(judgeH2EarlyFinal),
}

func judgeH2EarlyFinal(env Env, tl *conv.Timeline) Outcome {
	var j Judgement
	first, ok := firstResponse(&j, env, tl, "head")
	if ok && first.Msg.Interim() || continueBeforeFinal(tl) {
		finalAfterContinue(&j, env, tl)
	}
	finals := tl.Finals()
	if len(finals) == 0 {
		return j.Outcome()
	}
	final := finals[0]
	if bodyAt, sent := tl.StepAt("body"); sent && final.At >= bodyAt {
		j.Info("H2-EARLY-FINAL", "answered %s only after the content, so no early final response was sent and the end of its stream is not judged", status(final.Msg))
		return j.Outcome()
	}
	rst, reset := firstReset(tl, 1)
	switch {
	case final.Msg.Truncated && reset:
		j.Warn("H2-EARLY-RST-NO-ERROR", "reset the stream with %s before the early %s was complete (no END_STREAM): the client gets an incomplete response; RFC 9113 §8.1 allows the reset only after a complete response", codeName(rst.Code), status(final.Msg))
	case final.Msg.Truncated:
		j.Warn("H2-EARLY-FINAL", "the early %s never ended its stream (no END_STREAM) before the connection ended", status(final.Msg))
	case !reset:
		j.Pass("H2-EARLY-FINAL", "the early %s was complete (END_STREAM) and the stream was not reset within %s", status(final.Msg), ms(env.Timing.Quiet))
	case rst.Code == conv.CodeNoError:
		j.Pass("H2-EARLY-RST-NO-ERROR", "the early %s was complete (END_STREAM), then the stream was reset with NO_ERROR to stop the upload", status(final.Msg))
	default:
		j.Warn("H2-EARLY-RST-NO-ERROR", "the early %s was complete, then the stream was reset with %s: RFC 9113 §8.1 names NO_ERROR for stopping an upload after a complete response, and only for NO_ERROR must a client keep the response (some, like nginx, drop it)", status(final.Msg), codeName(rst.Code))
	}
	return j.Outcome()
}

// firstReset is the first RST_STREAM received on a stream.
func firstReset(tl *conv.Timeline, stream uint32) (*conv.FrameInfo, bool) {
	for _, e := range tl.Frames(stream) {
		if e.Frame.Type == "RST_STREAM" {
			return e.Frame, true
		}
	}
	return nil, false
}

// codeName names an HTTP/2 error code as RFC 9113 §7 does, with its number: "CANCEL (0x8)".
func codeName(code uint32) string {
	if n := conv.CodeName(code); !strings.HasPrefix(n, "error code") {
		return fmt.Sprintf("%s (%#x)", n, code)
	}
	return conv.CodeName(code)
}

var h2Cases = []Case{h2ContinueAsHeaders, h2EarlyFinalReset, h2NoInterimAfterFinal, h2UppercaseExpect, h2PaddedExpect, h2ConnectionField}
