package cases

import (
	"github.com/expectspec/expectspec/harness/conv"
)

// No content, chunked content, content sent at once: scenarios T06, T07 and T08 (CATALOGUE.md).

// expectOnGet is T06 a: a GET with Expect and no framing has no content (RFC 9112 §6.3), so it is
// answered at once and the next request on the connection is a request, not content.
var expectOnGet = Case{
	ID:           "origin/expect-without-content-answered",
	Scenario:     "T06",
	Title:        "A GET with Expect: 100-continue and no content is answered at once, and the next request on the connection is answered too",
	Requirements: []string{"EXP-MAY-OMIT-100", "CLI-NO-EXPECT-WITHOUT-CONTENT", "EXP-ORIGIN-IMMEDIATE", "EXP-FINAL-AFTER-100", "H1-NO-FRAMING-NO-CONTENT"},
	Witnesses:    []Witness{passes("ref-continue"), passes("ref-omit-continue"), passes("ref-gateway-streaming"), fails("mut-wait-without-framing", "EXP-ORIGIN-IMMEDIATE").because("waiting for content that no framing announces leaves a request with Expect: 100-continue unanswered, so the immediate duty is broken with it"), fails("mut-wait-without-framing", "H1-NO-FRAMING-NO-CONTENT")},
	Roles:        []Role{Origin, Gateway},
	Client: func(env Env) conv.Script {
		return noContentThenFollowUp(env, lines("GET "+env.Path+" HTTP/1.1", "Host: "+env.Host, "Expect: 100-continue"))
	},
	Judge: onClient(judgeNoContent("no Content-Length and no Transfer-Encoding")),
}

// expectWithZeroLength is T06 b: Content-Length: 0 with Expect. Whether empty content is
// "content" is open (RFC 9110 §8.6, §10.1.1; CATALOGUE.md, interpretation zero-length-content), so
// a 100 is as fine as none; only a wait is not.
var expectWithZeroLength = Case{
	ID:           "origin/expect-zero-length-answered",
	Scenario:     "T06",
	Title:        "A POST with Content-Length: 0 and Expect: 100-continue is answered at once, and the next request on the connection is answered too",
	Requirements: []string{"EXP-MAY-OMIT-100", "EXP-ORIGIN-IMMEDIATE", "EXP-FINAL-AFTER-100", "H1-NO-FRAMING-NO-CONTENT"},
	Witnesses:    []Witness{passes("ref-continue"), passes("ref-omit-continue"), passes("ref-gateway-streaming"), fails("mut-zero-length-wait", "H1-NO-FRAMING-NO-CONTENT")},
	Roles:        []Role{Origin, Gateway},
	Client: func(env Env) conv.Script {
		return noContentThenFollowUp(env, post(env, env.Path, 0, "Expect: 100-continue"))
	},
	Judge: onClient(judgeNoContent("Content-Length: 0")),
}

func noContentThenFollowUp(env Env, request []byte) conv.Script {
	return script(
		send("request", request),
		awaitFinals("final", 1, env.Timing.Max),
		sendString("follow-up", followUp(env)),
		awaitClose("after", env.Timing.Response),
	)
}

// judgeNoContent judges noContentThenFollowUp. framing names what the request said about its
// content, for the reasons.
func judgeNoContent(framing string) func(Env, *conv.Timeline) Outcome {
	return func(env Env, tl *conv.Timeline) Outcome {
		var j Judgement
		reqAt, _ := tl.StepAt("request")
		before := tl.MessagesBetween("request", "follow-up")
		finals := finalsIn(before)
		if len(finals) == 0 {
			switch {
			case hasStatus(before, 100):
				j.Fail("EXP-FINAL-AFTER-100", "answered 100 (Continue) and then no final status within %s, although the request (%s) was complete: its framing declares no content (RFC 9112 §6.3)", ms(env.Timing.Max), framing)
			case closedBefore(tl, "follow-up") && closedSoon(env, tl, reqAt):
				j.Info("H1-MAY-CLOSE-ANYTIME", "closed the connection without any response to a request with Expect: 100-continue and %s", framing)
			default:
				// Silence, or a close after the immediate bound that ended one (unanswered.go).
				span, until := " within "+ms(env.Timing.Max), ""
				if closedBefore(tl, "follow-up") {
					span, until = "", closedAfter(tl, reqAt)
				}
				j.Fail("EXP-ORIGIN-IMMEDIATE", "sent nothing%s to a request with Expect: 100-continue and %s%s: it waits for content the framing says is absent (RFC 9112 §6.3). Taken as complete, the request had to be answered; taken as announcing content, it had to get a 100 (Continue) or a final status at once", span, framing, until)
				j.Fail("H1-NO-FRAMING-NO-CONTENT", "the request (%s) is complete by its framing, yet it was not answered", framing)
			}
			return j.Outcome()
		}
		first := finals[0]
		if took := first.At - reqAt; took <= env.Timing.Immediate {
			j.Pass("EXP-MAY-OMIT-100", "answered %s %s after the request, without waiting for content", status(first.Msg), ms(took))
		} else {
			j.Warn("EXP-ORIGIN-IMMEDIATE", "answered %s only %s after the request, later than the immediate bound of %s: it seems to have waited for content the framing (%s) says is absent", status(first.Msg), ms(took), ms(env.Timing.Immediate), framing)
		}
		if hasStatus(before, 100) {
			j.Info("EXP-MAY-OMIT-100", "a 100 (Continue) preceded the final response; allowed, though the framing (%s) shows there is no content to invite", framing)
		}
		if s := first.Msg.Status; s == 400 || s == 417 {
			j.Info("CLI-NO-EXPECT-WITHOUT-CONTENT", "refused the request with %s: a client must not send 100-continue without content, and a server has latitude in handling that", status(first.Msg))
		}
		rest := finalsAfter(tl, first)
		closeEv, closed := tl.Closed()
		switch {
		case len(rest) > 0:
			j.Pass("EXP-MAY-OMIT-100", "the follow-up request on the same connection was answered (%s): the first request was taken as complete", status(rest[0].Msg))
		case closed && first.Msg.HasConnectionOption("close"):
			j.Info("H1-MAY-CLOSE-ANYTIME", "the %s said Connection: close and the connection closed (%s), so the follow-up request was not answered", status(first.Msg), closeEv.Kind)
		case closed:
			j.Info("H1-MAY-CLOSE-ANYTIME", "the connection closed (%s) after the %s without answering the follow-up request", closeEv.Kind, status(first.Msg))
		case first.Msg.HasConnectionOption("close"):
			j.Info("H1-MAY-CLOSE-ANYTIME", "the follow-up request was not answered: %s", stagedClose(first.Msg, env.Timing.Response))
		default:
			j.Warn("EXP-MAY-OMIT-100", "the follow-up request sent after the %s was neither answered nor refused within %s: the server seems to read it as content of the first request, whose framing (%s) declares none (RFC 9112 §6.3)", status(first.Msg), ms(env.Timing.Response), framing)
		}
		return j.Outcome()
	}
}

// chunkedImmediate is T07: chunked content announces content as much as a Content-Length does,
// so with the content withheld the server answers 100 or a final status (411 included) at once.
var chunkedImmediate = Case{
	ID:       "origin/chunked-immediate-100",
	Scenario: "T07",
	Title:    "With chunked content withheld, the server answers 100 (Continue) or a final status at once, and a final status after the content",
	Requirements: []string{"EXP-ORIGIN-IMMEDIATE", "EXP-ORIGIN-NO-WAIT", "SRV-411", "EXP-FINAL-AFTER-100",
		"IR-NO-CONTENT-LENGTH", "IR-NO-TRANSFER-ENCODING", "IR-NO-CONTENT", "IR-SEQUENCE-ONE-FINAL"},
	Witnesses: []Witness{
		passes("ref-continue"), passes("ref-gateway-streaming"),
		fails("mut-chunked-no-continue", "EXP-ORIGIN-IMMEDIATE"),
		fails("mut-silent-idle-close", "EXP-ORIGIN-IMMEDIATE"),
	},
	Roles: []Role{Origin, Gateway},
	Client: func(env Env) conv.Script {
		return script(
			send("head", chunkedHead(env, env.Path)),
			awaitMessage("first", env.Timing.Max),
			sendString("body", "5\r\n"+body+"\r\n0\r\n\r\n"),
			awaitFinals("final", 1, env.Timing.Response),
			quietAfterFinal(env),
		)
	},
	Judge: onClient(func(env Env, tl *conv.Timeline) Outcome {
		var j Judgement
		first, ok := judgeWithheldInto(&j, env, tl)
		if ok && first.Msg.Status == 411 {
			j.Info("SRV-411", "refused the chunked content with %s, decided from the header section; allowed", status(first.Msg))
		}
		return j.Outcome()
	}),
}

func chunkedHead(env Env, path string) []byte {
	return lines("POST "+path+" HTTP/1.1", "Host: "+env.Host, "Transfer-Encoding: chunked", "Expect: 100-continue")
}

// chunkedEarlyFinal is T07b: after an early final response to chunked content, the empty
// chunked body (0 CRLF CRLF) is content to read or a reason to close, never a request.
var chunkedEarlyFinal = Case{
	ID:           "origin/chunked-early-final-read-or-close",
	Scenario:     "T07b",
	Title:        "After an early final response to a chunked request, the server reads the chunked content or closes; it never parses the last chunk as a request",
	Requirements: []string{"H1-READ-OR-CLOSE", "H1-CLOSE-THEN-NO-MORE", "EXP-INDICATE-CLOSE", "H1-SEND-CLOSE-OPTION", "EXP-ORIGIN-IMMEDIATE"},
	Witnesses:    []Witness{passes("ref-continue"), passes("ref-close-early"), passes("ref-gateway-streaming"), fails("mut-early-no-discard", "H1-READ-OR-CLOSE"), fails("mut-close-but-continue", "H1-CLOSE-THEN-NO-MORE"), warns("mut-early-close-silently", "EXP-INDICATE-CLOSE")},
	Roles:        []Role{Origin, Gateway},
	Client: func(env Env) conv.Script {
		return script(
			send("head", chunkedHead(env, env.EarlyPath)),
			awaitMessage("early", env.Timing.Max),
			settleEarly(env),
			sendString("content", "0\r\n\r\n"),
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

// contentWithHead is T08: the content arrives in the same write as the head. The server may
// omit the 100 (EXP-MAY-OMIT-100) and must read the content as content. The content is itself a
// complete request, so a server that answers without consuming it answers it as a request. A
// 400 is never required here (RFC 9110 §10.1.1; CATALOGUE.md, interpretation content-already-sent):
// a 2xx is the expected answer.
var contentWithHead = Case{
	ID:           "origin/content-with-head-one-final",
	Scenario:     "T08",
	Title:        "Content sent in the same write as the header section is read as content: the request gets exactly one final response",
	Requirements: []string{"EXP-MAY-OMIT-100", "CLI-MAY-SEND-WITHOUT-100", "H1-READ-OR-CLOSE", "EXP-FINAL-AFTER-100", "IR-SEQUENCE-ONE-FINAL"},
	Witnesses:    []Witness{informs("ref-continue"), passes("ref-omit-continue"), informs("ref-close-early"), informs("ref-gateway-streaming"), fails("mut-skip-unread-content", "H1-READ-OR-CLOSE"), fails("mut-no-final-after-continue", "EXP-FINAL-AFTER-100")},
	Roles:        []Role{Origin, Gateway},
	Client: func(env Env) conv.Script {
		content := smuggled(env)
		head := post(env, env.Path, len(content), "Expect: 100-continue")
		return script(
			send("head", append(head, content...)),
			awaitFinals("final", 1, env.Timing.Response),
			sendString("follow-up", followUp(env)),
			awaitClose("after", env.Timing.Response),
		)
	},
	Judge: onClient(func(env Env, tl *conv.Timeline) Outcome { return judgeContentSent(env, tl, false) }),
}

// contentAfterHead is T08's race variant: the content follows the head in a separate write at
// once, so it may arrive before or after the server has decided on the 100.
var contentAfterHead = Case{
	ID:           "origin/content-after-head-one-final",
	Scenario:     "T08",
	Title:        "Content sent right after the header section, without waiting for a 100, is read as content: the request gets exactly one final response",
	Requirements: []string{"EXP-MAY-OMIT-100", "CLI-MAY-SEND-WITHOUT-100", "H1-READ-OR-CLOSE", "EXP-FINAL-AFTER-100", "IR-SEQUENCE-ONE-FINAL"},
	Witnesses:    []Witness{passes("ref-continue"), passes("ref-omit-continue"), passes("ref-close-early"), passes("ref-gateway-streaming"), fails("mut-no-final-after-continue", "EXP-FINAL-AFTER-100")},
	Roles:        []Role{Origin, Gateway},
	Client: func(env Env) conv.Script {
		content := smuggled(env)
		return script(
			send("head", post(env, env.Path, len(content), "Expect: 100-continue")),
			sendString("content", content),
			awaitFinals("final", 1, env.Timing.Response),
			sendString("follow-up", followUp(env)),
			awaitClose("after", env.Timing.Response),
		)
	},
	Judge: onClient(func(env Env, tl *conv.Timeline) Outcome { return judgeContentSent(env, tl, true) }),
}

// judgeContentSent judges T08 and its race variant: one final response to the request, a 100
// only before it, and then the follow-up request, not the content, answered.
//
// Whether a 100 preceded the final is the server's MAY (EXP-MAY-OMIT-100), reported as info, in
// T08 only. In the race variant (raced) the answer depends on whether the content's segment
// arrived before the server decided, which changes from run to run against one and the same
// server: there the 100 is only mentioned in the reason, so the verdict does not flip.
func judgeContentSent(env Env, tl *conv.Timeline, raced bool) Outcome {
	var j Judgement
	before := tl.MessagesBetween("head", "follow-up")
	finals := finalsIn(before)
	if len(finals) == 0 {
		_, closed := tl.Closed()
		switch {
		case hasStatus(before, 100) && closed:
			// The premature close RFC 9110 §10.1.1 excuses, whenever it came: the content was
			// complete, and processing it has no immediate bound (observe.go, finalAfterContinue).
			j.Warn("EXP-FINAL-AFTER-100", "answered 100 (Continue), then closed the connection without a final response, with the whole content sent")
		case hasStatus(before, 100):
			j.Fail("EXP-FINAL-AFTER-100", "answered 100 (Continue) and then, with the whole content sent, no final response within %s", ms(env.Timing.Response))
		case closed:
			j.Warn("EXP-ORIGIN-IMMEDIATE", "closed the connection without any response to a request whose content was sent with it")
		default:
			j.Warn("EXP-ORIGIN-IMMEDIATE", "sent no response within %s to a request whose content was sent with it", ms(env.Timing.Response))
		}
		return j.Outcome()
	}
	final := finals[0]
	if i, ok := interimBefore(before, final); ok && !raced {
		j.Info("EXP-MAY-OMIT-100", "a %s preceded the final %s; allowed, though the server may omit the 100 once content has arrived", status(i.Msg), status(final.Msg))
	} else if ok {
		j.Pass("EXP-MAY-OMIT-100", "a %s preceded the final %s (with the content in a separate write right after the head, whether it arrives before the server decides on the 100 is a race: either answer is allowed)", status(i.Msg), status(final.Msg))
	}
	interimsAfterFinal(&j, tl, "follow-up")

	n := len(smuggled(env))
	rest := finalsAfter(tl, final)
	stray, why := strayAnswer(tl, rest, "follow-up")
	closeEv, closed := tl.Closed()
	switch {
	case stray:
		j.Fail("H1-READ-OR-CLOSE", "after the %s to the request, %s. The %d octets of content (a complete GET request) were left unread and parsed as the next request; the server must read the declared content or close", status(final.Msg), why, n)
	case len(rest) == 1 && is2xx(rest[0].Msg):
		j.Pass("H1-READ-OR-CLOSE", "exactly one final response to the request (%s), and then the follow-up request alone was answered (%s): the content was read as content", status(final.Msg), status(rest[0].Msg))
	case len(rest) == 1:
		j.Info("H1-READ-OR-CLOSE", "after the %s the only further response was %s, where the follow-up's 2xx was expected; it cannot be told whether it answers the follow-up or the content (check that %s answers a POST with 2xx)", status(final.Msg), status(rest[0].Msg), env.Path)
	case closed:
		j.Pass("H1-READ-OR-CLOSE", "exactly one final response to the request (%s); then the connection closed (%s)", status(final.Msg), closeEv.Kind)
	default:
		j.Info("H1-READ-OR-CLOSE", "exactly one final response to the request (%s); the follow-up request was not answered within %s", status(final.Msg), ms(env.Timing.Response))
	}
	return j.Outcome()
}

var framingCases = []Case{expectOnGet, expectWithZeroLength, chunkedImmediate, chunkedEarlyFinal, contentWithHead, contentAfterHead}

// hasStatus reports whether any of msgs has this status code.
func hasStatus(msgs []conv.Timed, code int) bool {
	for _, m := range msgs {
		if m.Msg.Status == code {
			return true
		}
	}
	return false
}

// interimBefore returns the first 1xx that precedes the message m in msgs.
func interimBefore(msgs []conv.Timed, m conv.Timed) (conv.Timed, bool) {
	for _, x := range msgs {
		if x.Msg == m.Msg {
			break
		}
		if x.Msg.Interim() {
			return x, true
		}
	}
	return conv.Timed{}, false
}

// closedBefore reports whether the peer closed the connection before the step label was sent.
func closedBefore(tl *conv.Timeline, label string) bool {
	e, ok := tl.Closed()
	if !ok {
		return false
	}
	at, ran := tl.StepAt(label)
	return !ran || e.At < at
}
