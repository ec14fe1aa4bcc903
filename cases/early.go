package cases

import (
	"bytes"
	"strconv"
	"time"

	"github.com/expectspec/expectspec/harness/conv"
)

// Early final responses and the fate of the connection: scenarios T10, T10b and T10c (CATALOGUE.md).
// Each sends its request to env.EarlyPath, which the target answers from the header section. A
// target that answers 100 there instead gets na: allowed, but the case needs the other branch.

// earlyReadOrClose is T10: after an early final response the declared content still comes (a
// client may send it anyway, and should keep sending). The server reads and discards it, or
// closes; a server that does neither parses it as a request: the desync. The content here is
// itself a complete request, so the desync is visible as an answer to it.
var earlyReadOrClose = Case{
	ID:       "origin/early-final-read-or-close",
	Scenario: "T10",
	Title:    "After a final response decided from the header section, the server reads the declared content or closes the connection; it never answers the content as a request",
	Requirements: []string{"H1-READ-OR-CLOSE", "H1-CLOSE-THEN-NO-MORE", "EXP-INDICATE-CLOSE", "H1-SEND-CLOSE-OPTION",
		"EXP-ORIGIN-IMMEDIATE", "SRV-RESPOND-ANYTIME", "H1-MAY-CLOSE-ANYTIME"},
	Witnesses: []Witness{
		passes("ref-continue"), passes("ref-close-early"), passes("ref-gateway-streaming"),
		fails("mut-early-no-discard", "H1-READ-OR-CLOSE"),
		fails("mut-close-but-continue", "H1-CLOSE-THEN-NO-MORE"),
		warns("mut-early-close-silently", "EXP-INDICATE-CLOSE"),
		warns("mut-early-close-silently", "H1-SEND-CLOSE-OPTION"),
	},
	Roles: []Role{Origin, Gateway},
	Client: func(env Env) conv.Script {
		content := smuggled(env)
		return script(
			send("head", post(env, env.EarlyPath, len(content), "Expect: 100-continue")),
			awaitMessage("early", env.Timing.Max),
			settleEarly(env),
			sendString("content", content),
			sendString("follow-up", followUp(env)),
			awaitClose("after", env.Timing.Response),
		)
	},
	Judge: onClient(func(env Env, tl *conv.Timeline) Outcome {
		var j Judgement
		if ea, ok := earlyFinal(&j, env, tl, "head", "content"); ok {
			connectionAfterEarly(&j, env, tl, ea, "follow-up")
		}
		return j.Outcome()
	}),
}

// abandonedShort is the request T10b sends as content: complete on its own, and shorter than
// the declared length by abandonedGap octets.
func abandonedShort(env Env) string {
	return "POST " + env.Path + " HTTP/1.1\r\nHost: " + env.Host + "\r\nContent-Length: 5\r\n\r\n" + body
}

const abandonedGap = 8

// earlyAbandoned is T10b, the 0.CL shape: after an early final response without close, the
// client sends fewer octets than it declared, and they form a complete request. A server that
// reads the content takes them as content and waits for the rest (to time out and close, maybe
// with a 408: H1-INCOMPLETE-CLOSE, H1-INCOMPLETE-MAY-ERROR, which this case does not wait for);
// a server that assumed no content would come answers them as a request.
var earlyAbandoned = Case{
	ID:           "origin/early-final-content-not-a-request",
	Scenario:     "T10b",
	Title:        "After a final response decided from the header section, octets inside the declared content are never answered as a request, even when they form one",
	Requirements: []string{"H1-READ-OR-CLOSE", "H1-CLOSE-THEN-NO-MORE", "H1-INCOMPLETE-MAY-ERROR", "EXP-ORIGIN-IMMEDIATE"},
	Witnesses:    []Witness{passes("ref-continue"), passes("ref-close-early"), passes("ref-gateway-streaming"), fails("mut-early-no-discard", "H1-READ-OR-CLOSE")},
	Roles:        []Role{Origin, Gateway},
	Client: func(env Env) conv.Script {
		short := abandonedShort(env)
		return script(
			send("head", post(env, env.EarlyPath, len(short)+abandonedGap, "Expect: 100-continue")),
			awaitMessage("early", env.Timing.Max),
			settleEarly(env),
			sendString("short", short),
			awaitClose("quiet", env.Timing.Quiet), // negative wait: nothing may be answered
		)
	},
	Judge: onClient(func(env Env, tl *conv.Timeline) Outcome {
		var j Judgement
		ea, ok := earlyFinal(&j, env, tl, "head", "short")
		if !ok {
			return j.Outcome()
		}
		n := len(abandonedShort(env))
		early := status(ea.Final.Msg)
		rest := finalsAfter(tl, ea.Final)
		closeEv, closed := tl.Closed()
		var answer *conv.Timed
		for i := range rest {
			if is2xx(rest[i].Msg) {
				answer = &rest[i]
				break
			}
		}
		switch {
		case answer != nil:
			j.Fail("H1-READ-OR-CLOSE", "after the early %s, the %d octets sent as content (a complete POST request, %d octets short of the declared %d) were answered as a request with %s: the server assumed that no content would follow its early response, so a client's content is parsed as a request", early, n, abandonedGap, n+abandonedGap, status(answer.Msg))
			if ea.Close {
				j.Fail("H1-CLOSE-THEN-NO-MORE", "the early %s said Connection: close, and the server then answered %s on the same connection", early, status(answer.Msg))
			}
		case len(rest) > 0 && closed:
			j.Pass("H1-READ-OR-CLOSE", "the octets sent as content were not answered as a request")
			j.Info("H1-INCOMPLETE-MAY-ERROR", "sent %s and closed the connection (%s): an error response for the incomplete content", statuses(rest), closeEv.Kind)
		case len(rest) > 0 && !announcesClose(rest) && keptOpenAfter(tl, rest[len(rest)-1], env.Timing.Quiet/2):
			// An error for incomplete content (RFC 9112 §8) ends in a close (§6.3: an incomplete
			// message is followed by closing the connection); a response that keeps the
			// connection, while the declared content is still owed, answered the octets as a
			// request (Traffic Server answers them 400 with keep-alive, and fails T10 the same way).
			j.Fail("H1-READ-OR-CLOSE", "after the early %s, answered %s to the %d octets sent as content (%d short of the declared %d) and kept the connection open: a server reading the content would still be waiting for the rest, and an error response for incomplete content is followed by a close, so the octets were taken for a request", early, statuses(rest), n, abandonedGap, n+abandonedGap)
		case len(rest) > 0:
			j.Info("H1-READ-OR-CLOSE", "answered %s after the octets sent as content (announcing the close, or too late in the wait to see whether it followed), not the 2xx that the request they form would get; taken as an error response for the incomplete content", statuses(rest))
		case closed:
			j.Pass("H1-READ-OR-CLOSE", "nothing was answered after the early %s; the connection was closed (%s)", early, closeEv.Kind)
		default:
			j.Pass("H1-READ-OR-CLOSE", "nothing was answered during %s after the %d octets: they were taken as part of the declared content of %d octets, which is still incomplete", ms(env.Timing.Quiet), n, n+abandonedGap)
		}
		return j.Outcome()
	}),
}

// The T10c content: 10 MiB declared, the first 64 KiB written with the head so that content is
// certainly waiting unread at the server when it answers, the rest streamed without reading.
const (
	lingerContent = 10 << 20
	lingerBurst   = 64 << 10
)

// earlyLingering is T10c: a server that answers early and closes while the client is still
// sending must close in stages (half-close, keep reading a while), or its kernel resets the
// connection and the reset can destroy the response before the client reads it. The driver reads
// nothing while it streams, so the timeline shows a reset as the stream's write error, before the
// response is read from the local kernel's buffer.
var earlyLingering = Case{
	ID:           "origin/early-final-survives-unread-content",
	Scenario:     "T10c",
	Title:        "An early final response sent while the client is still sending content is not lost to a connection reset: the server reads the content or closes in stages",
	Requirements: []string{"H1-RST-RISK", "H1-STAGED-CLOSE"},
	Witnesses:    []Witness{passes("ref-continue"), passes("ref-gateway-streaming"), warns("mut-abrupt-close", "H1-RST-RISK")},
	Roles:        []Role{Origin, Gateway},
	Client: func(env Env) conv.Script {
		head := post(env, env.EarlyPath, lingerContent, "Expect: 100-continue")
		return script(
			send("head", append(head, bytes.Repeat([]byte("x"), lingerBurst)...)),
			conv.Step{Kind: conv.SendStream, Label: "content", Size: lingerContent - lingerBurst, Within: env.Timing.Response},
			awaitFinals("final", 1, env.Timing.Response),
		)
	},
	Judge: onClient(func(env Env, tl *conv.Timeline) Outcome {
		var j Judgement
		msgs := tl.Messages()
		if len(msgs) > 0 && msgs[0].Msg.Status == 100 {
			j.NA("%s", noEarlyFinal(env, msgs[0].Msg))
			return j.Outcome()
		}
		streamed := octetsWritten(tl, "content") + lingerBurst
		of := strconv.Itoa(lingerContent)
		rst, reset := resetEvent(tl)
		finals := tl.Finals()
		// The server's close shows as a FIN read, or as a write that failed with a broken pipe:
		// Linux reports EPIPE on a connection whose peer sent its FIN before resetting it. The
		// await for the final response may end before it reads that FIN.
		closeEv, closed := tl.Closed()
		pipe, piped := brokenPipe(tl)
		how := ""
		switch {
		case closed:
			how = string(closeEv.Kind)
		case piped:
			how = "a write during " + strconv.Quote(pipe.Step) + " failed: " + pipe.Error + ", which follows the server's FIN"
		}
		switch {
		case len(finals) == 0 && reset:
			j.Warn("H1-RST-RISK", "the connection was reset (%s) after %d of %s content octets, and no response could be read: the server closed at once with content still arriving instead of closing in stages", resetWhere(rst), streamed, of)
		case len(finals) == 0 && how != "":
			j.Info("H1-MAY-CLOSE-ANYTIME", "the server closed the connection (%s) after %d of %s content octets without any response", how, streamed, of)
		case len(finals) == 0:
			j.Info("H1-RST-RISK", "no response within %s after %d of %s content octets, so there was no response to lose", ms(env.Timing.Response), streamed, of)
		case reset:
			j.Warn("H1-RST-RISK", "the connection was reset (%s) while the content was still being sent (%d of %s octets), before the client read the %s: the server closed at once instead of in stages. The response survived only because this client's kernel had already received it; a client that had not yet (a longer path, a larger response), or whose network stack drops received data on a reset, loses it", resetWhere(rst), streamed, of, status(finals[0].Msg))
		case streamed == lingerContent && how != "":
			j.Pass("H1-RST-RISK", "the server took all %s content octets, the complete %s could be read, and the server then closed the connection (%s)", of, status(finals[0].Msg), how)
		case streamed == lingerContent:
			j.Pass("H1-RST-RISK", "the server took all %s content octets and the complete %s could be read", of, status(finals[0].Msg))
		case how != "":
			j.Pass("H1-RST-RISK", "the complete %s could be read; the server closed the connection while content was still arriving, after %d of %s content octets had been written (%s), and its FIN came before any reset: a staged close", status(finals[0].Msg), streamed, of, how)
		default:
			why := "the write stopped"
			if e, ok := tl.WriteError("content"); ok {
				why = "the write failed: " + e.Error
			}
			j.Pass("H1-RST-RISK", "the complete %s could be read; the content stream stopped after %d of %s octets (%s) with the connection still open: the server stopped reading without closing", status(finals[0].Msg), streamed, of, why)
		}
		return j.Outcome()
	}),
}

var earlyCases = []Case{earlyReadOrClose, earlyAbandoned, earlyLingering}

// brokenPipe returns the first write that failed because the peer had closed its side (the
// driver's CauseBrokenPipe: EPIPE, which Linux reports when the peer's FIN preceded its reset).
// A reset proper is resetEvent's.
func brokenPipe(tl *conv.Timeline) (conv.Event, bool) {
	for _, e := range tl.Events {
		if e.Kind == conv.EvWriteError && e.Cause == conv.CauseBrokenPipe {
			return e, true
		}
	}
	return conv.Event{}, false
}

// resetWhere says how a reset showed up: "a write during "content" failed: connection reset by
// peer", or "a read during "final" failed: ...".
func resetWhere(e conv.Event) string {
	how := "a read"
	if e.Kind == conv.EvWriteError {
		how = "a write"
	}
	return how + " during " + strconv.Quote(e.Step) + " failed: " + e.Error
}

// announcesClose reports whether any of the responses says the connection closes after it.
func announcesClose(rs []conv.Timed) bool {
	for _, r := range rs {
		if r.Msg.AnnouncesClose() {
			return true
		}
	}
	return false
}

// keptOpenAfter reports whether the connection was still open at least d after the response m:
// the wait after it ran out (no close) that long after m arrived. A response late in the wait
// leaves too little time to tell a close that follows it from none.
func keptOpenAfter(tl *conv.Timeline, m conv.Timed, d time.Duration) bool {
	if _, closed := tl.Closed(); closed {
		return false
	}
	end := m.At
	for _, e := range tl.Events {
		if e.At > end {
			end = e.At
		}
	}
	return end-m.At >= d
}
