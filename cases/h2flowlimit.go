package cases

import (
	"github.com/expectspec/expectspec/harness/conv"
)

// T41's declared length over the server's limit, over HTTP/2: the HTTP/1.1 case
// (origin/content-length-1tib) with the content withheld, minus what only HTTP/1.1 has (the
// octets after the head are no request in h2: a stream carries one). The server must answer at
// once (RFC 9110 §10.1.1): a 413 from the header section, or a 100. RFC 9110 §15.5.14 lets a
// server that refuses terminate the request where the protocol allows it; in HTTP/2 that is a
// complete 413 followed by RST_STREAM(NO_ERROR) (RFC 9113 §8.1).

// tebibyte is the declared length: 1 TiB, over any server's limit.
const tebibyte = 1 << 40

var h2OverLimitLength = Case{
	ID:           "origin/h2-over-limit-length",
	Scenario:     "T41",
	Title:        "Over HTTP/2, a declared 1 TiB upload with the content withheld gets an immediate answer: a final status (413) decided from the header block, or a 100 (Continue); a reset after the final carries NO_ERROR, never REFUSED_STREAM",
	Requirements: []string{"EXP-ORIGIN-IMMEDIATE", "SRV-413", "H2-EARLY-RST-NO-ERROR", "H2-NO-REFUSED-AFTER-PROCESSING"},
	Witnesses: []Witness{
		informs("ref-h2-continue"), informs("ref-h2-early-reset"),
		fails("mut-h2-early-refused", "H2-NO-REFUSED-AFTER-PROCESSING"),
		warns("mut-h2-early-cancel", "H2-EARLY-RST-NO-ERROR"),
	},
	Roles:     []Role{Origin},
	Protocols: h2Protocols,
	Client: func(env Env) conv.Script {
		return script(
			withLength(h2Head(env, "head", env.Path, false, expectContinue), tebibyte),
			awaitMessage("first", env.Timing.Max),
			h2Quiet(env),
		)
	},
	Judge: onClient(func(env Env, tl *conv.Timeline) Outcome {
		var j Judgement
		first, ok := firstResponse(&j, env, tl, "head")
		if !ok {
			return j.Outcome()
		}
		tebibyteAnswer(&j, first.Msg)
		if first.Msg.Interim() {
			return j.Outcome()
		}
		if first.Msg.Status != 413 {
			j.Info("SRV-413", "answered %s to the declared 1 TiB from the header block", status(first.Msg))
		}
		judgeEndOfRefusal(&j, env, first.Msg, tl)
		return j.Outcome()
	}),
}

// judgeEndOfRefusal judges how the stream of a final decided from the header block ended.
func judgeEndOfRefusal(j *Judgement, env Env, final *conv.Response, tl *conv.Timeline) {
	rst, reset := firstReset(tl, 1)
	switch {
	case reset && rst.Code == conv.CodeRefusedStream:
		j.Fail("H2-NO-REFUSED-AFTER-PROCESSING", "answered %s, then reset the stream with REFUSED_STREAM, which tells the client the request was never processed and may be retried; a request that got a final response was processed (RFC 9113 §8.7)", status(final))
		return
	case final.Truncated && reset:
		j.Warn("H2-EARLY-RST-NO-ERROR", "reset the stream with %s before the %s was complete (no END_STREAM): the client gets an incomplete response; RFC 9113 §8.1 allows the reset only after a complete response", codeName(rst.Code), status(final))
	case final.Truncated:
		j.Info("SRV-413", "the %s never ended its stream (no END_STREAM) before the connection ended", status(final))
	case !reset:
		j.Info("SRV-413", "the %s was complete (END_STREAM) and the stream was not reset within %s: the request stays half-closed until the client ends or resets it", status(final), ms(env.Timing.Quiet))
	case rst.Code == conv.CodeNoError:
		j.Info("SRV-413", "the %s was complete (END_STREAM), then the stream was reset with NO_ERROR: the request terminated as RFC 9110 §15.5.14 allows, the way HTTP/2 has for it (RFC 9113 §8.1)", status(final))
	default:
		j.Warn("H2-EARLY-RST-NO-ERROR", "the %s was complete, then the stream was reset with %s: RFC 9113 §8.1 names NO_ERROR for stopping an upload after a complete response, and only for NO_ERROR must a client keep the response", status(final), codeName(rst.Code))
	}
	j.Pass("H2-NO-REFUSED-AFTER-PROCESSING", "the stream of the %s was not reset with REFUSED_STREAM", status(final))
}
