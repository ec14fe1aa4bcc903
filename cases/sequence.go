package cases

import (
	"github.com/expectspec/expectspec/harness/conv"
)

// The sequence of responses: scenarios T12, T12b and T13 (CATALOGUE.md).

// noInterimAfterFinal is T12: a 100 means the server wants the rest of a request it has not
// answered; after the final response it answers nothing. The usual defect is a "send 100 on the
// first read of the content" hook that fires while an early response's content is discarded.
// A negative wait after the content catches such a 1xx before the follow-up request is sent:
// only then is it certainly out of sequence. After the follow-up is sent, a 1xx may be an
// unsolicited 100 for the follow-up, which is allowed (RFC 9110 §15.2.1; CATALOGUE.md,
// interpretation unsolicited-100).
var noInterimAfterFinal = Case{
	ID:           "origin/no-interim-after-early-final",
	Scenario:     "T12",
	Title:        "After a final response decided from the header section, no 100 (Continue) or other 1xx follows it, not even while the content is read and discarded",
	Requirements: []string{"IR-SEQUENCE-ONE-FINAL", "IR-100-MEANING", "EXP-ORIGIN-IMMEDIATE"},
	Witnesses:    []Witness{passes("ref-continue"), passes("ref-gateway-streaming"), fails("mut-late-continue", "IR-SEQUENCE-ONE-FINAL")},
	Roles:        []Role{Origin, Gateway},
	Client: func(env Env) conv.Script {
		return script(
			send("head", post(env, env.EarlyPath, len(body), "Expect: 100-continue")),
			awaitMessage("early", env.Timing.Max),
			settleEarly(env),
			sendString("content", body),
			awaitMessage("quiet", env.Timing.Quiet), // negative wait: a 1xx here answers nothing
			sendString("follow-up", followUp(env)),
			awaitClose("after", env.Timing.Response),
		)
	},
	Judge: onClient(func(env Env, tl *conv.Timeline) Outcome {
		var j Judgement
		ea, ok := earlyFinal(&j, env, tl, "head", "content")
		if !ok {
			return j.Outcome()
		}
		interimsAfterFinal(&j, tl, "follow-up")
		if j.Worst() == Fail {
			return j.Outcome()
		}
		for _, m := range tl.MessagesBetween("follow-up", "") {
			if m.Msg.Interim() {
				j.Info("IR-SEQUENCE-ONE-FINAL", "a %s arrived after the follow-up request was sent: a late one for the first request or an unsolicited one for the follow-up (allowed), which cannot be told apart", status(m.Msg))
				break
			}
		}
		if _, closed := tl.Closed(); closed && ea.Close && len(finalsAfter(tl, ea.Final)) == 0 {
			j.Pass("IR-SEQUENCE-ONE-FINAL", "the early %s said Connection: close and nothing followed it", status(ea.Final.Msg))
		} else {
			j.Pass("IR-SEQUENCE-ONE-FINAL", "no 1xx arrived during the %s after the content was sent following the early %s", ms(env.Timing.Quiet), status(ea.Final.Msg))
		}
		return j.Outcome()
	}),
}

// oneFinalAfterContinue is T12b: 100, the content, the final response, and then nothing: no
// second final response and no stray octets. It is T01 plus a negative wait after the final.
var oneFinalAfterContinue = Case{
	ID:           "origin/one-final-after-continue",
	Scenario:     "T12b",
	Title:        "After 100 (Continue), the content and the final response, nothing more arrives for the request: no second final response, no 1xx, no stray octets",
	Requirements: []string{"IR-SEQUENCE-ONE-FINAL", "EXP-FINAL-AFTER-100", "EXP-ORIGIN-IMMEDIATE"},
	Witnesses:    []Witness{passes("ref-continue"), passes("ref-gateway-streaming"), fails("mut-continue-after-final", "IR-SEQUENCE-ONE-FINAL"), fails("mut-no-final-after-continue", "EXP-FINAL-AFTER-100")},
	Roles:        []Role{Origin, Gateway},
	Client: func(env Env) conv.Script {
		return script(
			send("head", post(env, env.Path, len(body), "Expect: 100-continue")),
			awaitMessage("first", env.Timing.Max),
			sendString("body", body),
			awaitFinals("final", 1, env.Timing.Response),
			awaitClose("quiet", env.Timing.Quiet), // negative wait: nothing more may arrive
		)
	},
	Judge: onClient(func(env Env, tl *conv.Timeline) Outcome {
		var j Judgement
		first, ok := judgeWithheldInto(&j, env, tl)
		if !ok {
			return j.Outcome()
		}
		if !first.Msg.Interim() {
			j.NA("the target answered the header section with %s, not with a 100 (Continue); this case needs 100, the content, then a final response (%s is expected to accept a POST of 5 octets)", status(first.Msg), env.Path)
			return j.Outcome()
		}
		finals := tl.Finals()
		if len(finals) == 0 {
			return j.Outcome() // finalAfterContinue has judged it
		}
		final := finals[0]
		switch n, extra := octetsAfter(tl, final.Msg); {
		case len(finals) > 1:
			j.Fail("IR-SEQUENCE-ONE-FINAL", "after the final %s a second final response arrived (%s), although one request was sent", status(final.Msg), statuses(finals[1:]))
		case extra:
			j.Warn("IR-SEQUENCE-ONE-FINAL", "%d octets that are no response arrived after the final %s, with no request outstanding; a client reusing the connection would take them for the start of its next response", n, status(final.Msg))
		default:
			j.Pass("IR-SEQUENCE-ONE-FINAL", "nothing arrived during the %s after the final %s", ms(env.Timing.Quiet), status(final.Msg))
		}
		return j.Outcome()
	}),
}

// continueBeforeSwitching is T13: with both Upgrade and 100-continue, the 100 comes before the
// 101. A server that does not switch leaves IR-100-BEFORE-101 without object: the case is then
// na, unless T01's duties (which still bind it) fail or warn, in which case that is the verdict.
//
// The script must end in round trips whichever way the server goes, with a single static await
// after the content: a server that switches sends a 101 (a 101 is no final response, and after it
// the octets are the new protocol's); one that does not sends a final response, which may
// already have arrived with the 100 in the same read (nginx answers a POST it refuses from the
// header section with 100 and the final status together). So the last await ends once the
// conversation has carried a final response or a 101, counting those of the first read, and it
// waits past any other 1xx: several may precede the final response (Caddy as a gateway sends its
// own 100 and then relays the origin's).
var continueBeforeSwitching = Case{
	ID:       "origin/continue-before-switching-protocols",
	Scenario: "T13",
	Title:    "A request with Upgrade and Expect: 100-continue gets its 100 (Continue) before any 101 (Switching Protocols)",
	Requirements: []string{"IR-100-BEFORE-101", "EXP-ORIGIN-IMMEDIATE", "EXP-ORIGIN-NO-WAIT", "EXP-FINAL-AFTER-100",
		"IR-NO-CONTENT-LENGTH", "IR-NO-TRANSFER-ENCODING", "IR-NO-CONTENT"},
	Witnesses: []Witness{
		passes("ref-continue"),
		fails("mut-upgrade-before-continue", "IR-100-BEFORE-101"),
	},
	Roles: []Role{Origin, Gateway},
	Client: func(env Env) conv.Script {
		return script(
			send("head", post(env, env.Path, len(body), "Expect: 100-continue",
				"Upgrade: "+upgradeProtocol(env), "Connection: Upgrade")),
			awaitMessage("first", env.Timing.Max),
			sendString("body", body),
			awaitFinalOrSwitch("next", env.Timing.Response),
			quietAfterFinal(env), // after a 101 nothing more is parsed, so this reads nothing then
		)
	},
	Judge: onClient(func(env Env, tl *conv.Timeline) Outcome {
		var j Judgement
		msgs := tl.Messages()
		for i, m := range msgs {
			if m.Msg.Status != 101 {
				continue
			}
			// After the 101 the octets belong to the new protocol: nothing past it is judged.
			firstResponse(&j, env, tl, "head")
			if hasStatus(msgs[:i], 100) {
				j.Pass("IR-100-BEFORE-101", "a 100 (Continue) preceded the 101 (Switching Protocols)")
			} else {
				headAt, _ := tl.StepAt("head")
				j.Fail("IR-100-BEFORE-101", "sent %s %s after the header section with no 100 (Continue) before it; a request with both Upgrade and 100-continue gets the 100 first", status(m.Msg), ms(m.At-headAt))
			}
			return j.Outcome()
		}
		// No switch: T01's duties, and no 1xx after the final response (no request is
		// outstanding then).
		first, ok := firstResponse(&j, env, tl, "head")
		interimHygiene(&j, tl)
		if ok && first.Msg.Interim() {
			finalAfterContinue(&j, env, tl)
		}
		interimsAfterFinal(&j, tl, "")
		if w := j.Worst(); w == Fail || w == Warn {
			j.Info("IR-100-BEFORE-101", "the server did not switch to %q, so the order of 100 and 101 was not checked", upgradeProtocol(env))
			return j.Outcome()
		}
		j.NA("the server did not switch to the offered protocol %q (no 101; it answered %s), so IR-100-BEFORE-101 does not apply; the 100-continue duties held", upgradeProtocol(env), statuses(throughFirstFinal(msgs)))
		return j.Outcome()
	}),
}

// throughFirstFinal returns the messages up to and including the first final response: the
// answer to the first request of a conversation.
func throughFirstFinal(msgs []conv.Timed) []conv.Timed {
	for i, m := range msgs {
		if !m.Msg.Interim() {
			return msgs[:i+1]
		}
	}
	return msgs
}

// upgradeProtocol is the protocol token T13 offers: the target's, or one no server supports,
// which makes the case na.
func upgradeProtocol(env Env) string {
	if env.UpgradeProtocol != "" {
		return env.UpgradeProtocol
	}
	return "expectspec-echo"
}

// octetsAfter reports whether octets arrived after the message m was parsed: further reads, or
// a parse error on what followed it.
func octetsAfter(tl *conv.Timeline, m *conv.Response) (int64, bool) {
	var n int64
	var extra, seen bool
	for _, e := range tl.Events {
		switch {
		case e.Kind == conv.EvMessage && e.Msg == m:
			seen = true
		case !seen:
		case e.Kind == conv.EvRecv && e.N > 0:
			n += e.N
			extra = true
		case e.Kind == conv.EvMessage, e.Kind == conv.EvParseError:
			extra = true
		}
	}
	return n, extra
}

var sequenceCases = []Case{noInterimAfterFinal, oneFinalAfterContinue, continueBeforeSwitching}
