package cases

import (
	"fmt"
	"strings"

	"github.com/expectspec/expectspec/harness/conv"
)

// HTTP/1.1 field-syntax obfuscation of Expect: scenario T05 (CATALOGUE.md). Each case sends T01's
// request with the Expect field malformed in one way and the content withheld. RFC 9112 says, per
// malformation, whether the server must reject the message or may repair it; whichever it
// chooses, it must not read a 100-continue expectation that is not there, and must not sit
// silent on one that is.

// wsBeforeColon is T05a: whitespace between the field name and the colon is rejected with 400,
// and only 400.
var wsBeforeColon = Case{
	ID:           "origin/ws-before-colon",
	Scenario:     "T05a",
	Title:        "A request with `Expect : 100-continue` (whitespace before the colon) is rejected with 400 (Bad Request)",
	Requirements: []string{"H1-WS-BEFORE-COLON"},
	Witnesses:    []Witness{passes("ref-continue"), passes("ref-gateway-streaming"), fails("mut-accept-ws-before-colon", "H1-WS-BEFORE-COLON")},
	Roles:        []Role{Origin, Gateway},
	Client: func(env Env) conv.Script {
		return withheldThenContent(env, post(env, env.Path, len(body), "Expect : 100-continue"))
	},
	Judge: onClient(func(env Env, tl *conv.Timeline) Outcome {
		var j Judgement
		const rule, sent = "H1-WS-BEFORE-COLON", "`Expect : 100-continue`"
		headAt, _ := tl.StepAt("head")
		first, ok := answerToHead(tl, "head", "body")
		switch {
		case ok && first.Msg.Status == 400:
			j.Pass(rule, "rejected %s with 400 after %s", sent, ms(first.At-headAt))
		case ok && first.Msg.Status == 100:
			j.Fail(rule, "answered %s with 100 (Continue) instead of 400: the malformed line was taken as Expect", sent)
		case ok:
			j.Fail(rule, "answered %s with %s instead of 400: the malformed line was accepted or ignored", sent, status(first.Msg))
		default:
			noAnswer(&j, env, tl, rule, "a request with "+sent, "the 400 it requires")
		}
		return j.Outcome()
	}),
}

// noAnswer records what it means for a rule that requires an answer that none came to the
// withheld header section before the content was sent (or the script ended): a close within the
// immediate bound loses the answer (warn: closing is allowed at any time); unparseable octets,
// silence, and a close only after the bound (which ends a silence, unanswered.go) break the rule.
func noAnswer(j *Judgement, env Env, tl *conv.Timeline, rule, what, required string) {
	// The window ends at the script's next write, whatever that step is called (T11's
	// content-length-list sends none: the window runs to the end).
	e, ok := tl.EventBeforeNextSend("head", conv.EvParseError, conv.EvFIN, conv.EvRST)
	if ok && truncated(e) {
		// The peer closed in the middle of a response: that is a close, not unparseable octets.
		e, ok = tl.Closed()
	}
	quiet := unansweredWithheld(env, tl, "head")
	switch {
	case ok && e.Kind == conv.EvParseError:
		j.Fail(rule, "answered %s with octets that are not an HTTP/1.x response (%s)", what, e.Error)
	case quiet.ok:
		j.Fail(rule, "sent %s with the content withheld and %s: it neither rejected it nor answered it", what, quiet.gotNone(env))
	case ok:
		j.Warn(rule, "closed the connection (%s) on %s without %s", e.Kind, what, required)
	}
}

// rejectOrRepair judges T05b, d and f: the server may reject the message (a status that rejected
// says so) or repair the field, after which the request carries a 100-continue expectation and
// T01's duties hold. Silence is the failure: the field was neither rejected nor repaired. A
// silence is judged by onSilence instead when it is not set to nil: when a repair the rule allows
// can leave a value that is no 100-continue expectation, waiting for the content is conforming
// too, and silence proves nothing.
func rejectOrRepair(rule, sent string, rejected func(status int) bool, onSilence func(j *Judgement, env Env, tl *conv.Timeline) bool) func(Env, *conv.Timeline) Outcome {
	return func(env Env, tl *conv.Timeline) Outcome {
		var j Judgement
		headAt, _ := tl.StepAt("head")
		first, ok := answerToHead(tl, "head", "body")
		if ok && rejected(first.Msg.Status) {
			j.Pass(rule, "rejected a request with %s: %s after %s", sent, status(first.Msg), ms(first.At-headAt))
			return j.Outcome()
		}
		if !ok && unansweredWithheld(env, tl, "head").ok && onSilence != nil && onSilence(&j, env, tl) {
			return j.Outcome()
		}
		judgeWithheldInto(&j, env, tl)
		switch {
		case ok && first.Msg.Status == 417:
			j.Info(rule, "answered %s to %s: not rejected, and the repaired value was not taken as 100-continue", status(first.Msg), sent)
		case ok:
			j.Pass(rule, "repaired %s and answered %s", sent, status(first.Msg))
		default:
			noAnswer(&j, env, tl, rule, "a request with "+sent, "a 400 or an answer to its expectation")
		}
		return j.Outcome()
	}
}

// afterContent describes what came back once the content was sent, for a reason: "; it
// answered only after the content was sent (417 Expectation Failed)", or "" when nothing did.
// Apache, for one, answers an Expect it does not recognise with 417 after reading the content.
// A 1xx is no answer: when only 1xx came (mitmproxy 8.1 in reverse mode relays the 100 late and
// then no final), the reason says so rather than call the 100 an answer.
func afterContent(tl *conv.Timeline) string {
	bodyAt, sent := tl.StepAt("body")
	if !sent {
		return ""
	}
	var interims []string
	for _, m := range tl.Messages() {
		if m.At < bodyAt {
			continue
		}
		if m.Msg.Interim() {
			interims = append(interims, status(m.Msg))
			continue
		}
		if len(interims) > 0 {
			return fmt.Sprintf("; it answered only after the content was sent (%s, then %s)", strings.Join(interims, ", "), status(m.Msg))
		}
		return fmt.Sprintf("; it answered only after the content was sent (%s)", status(m.Msg))
	}
	if len(interims) > 0 {
		return fmt.Sprintf("; after the content was sent it received only %s and no final response", strings.Join(interims, ", "))
	}
	return ""
}

var obsFold = Case{
	ID:           "origin/obs-fold",
	Scenario:     "T05b",
	Title:        "An obs-folded `Expect:` + CRLF SP `100-continue` is rejected with 400, or the fold is replaced with SP and the request answered as a 100-continue expectation",
	Requirements: []string{"H1-OBS-FOLD", "EXP-ORIGIN-IMMEDIATE", "EXP-FINAL-AFTER-100"},
	Witnesses:    []Witness{passes("ref-continue"), passes("ref-lenient"), passes("ref-gateway-streaming"), fails("mut-obs-fold-empty", "H1-OBS-FOLD")},
	Roles:        []Role{Origin, Gateway},
	Client: func(env Env) conv.Script {
		return withheldThenContent(env, post(env, env.Path, len(body), "Expect:", " 100-continue"))
	},
	Judge: onClient(rejectOrRepair("H1-OBS-FOLD", "`Expect:` folded onto ` 100-continue`", func(s int) bool { return s == 400 }, nil)),
}

var nulInValue = Case{
	ID:           "origin/nul-in-value",
	Scenario:     "T05d",
	Title:        "A NUL in the Expect value (`100-continue` NUL) makes the server reject the message, or replace the NUL with SP and answer a 100-continue expectation",
	Requirements: []string{"FLD-CR-LF-NUL", "GEN-ERROR-RECOVERY", "EXP-ORIGIN-IMMEDIATE", "EXP-FINAL-AFTER-100"},
	Witnesses:    []Witness{passes("ref-continue"), passes("ref-lenient"), passes("ref-gateway-streaming"), warns("mut-nul-keep", "FLD-CR-LF-NUL")},
	Roles:        []Role{Origin, Gateway},
	Client: func(env Env) conv.Script {
		return withheldThenContent(env, post(env, env.Path, len(body), "Expect: 100-continue\x00"))
	},
	Judge: onClient(rejectOrRepair("FLD-CR-LF-NUL", "`Expect: 100-continue\\x00`", func(s int) bool { return s == 400 }, nulSilence)),
}

// nulSilence judges T05d's silence. Replacing the NUL with SP, which the rule allows, yields
// `100-continue ` when it happens after the value was trimmed: no longer grammatical, so the
// server may treat it as an unknown expectation and wait for the content (GEN-ERROR-RECOVERY).
// That cannot be told apart on the wire from keeping the NUL, so silence is a warning, not a
// failure, and the duties of a 100-continue expectation are not applied.
func nulSilence(j *Judgement, env Env, tl *conv.Timeline) bool {
	j.Warn("FLD-CR-LF-NUL", "sent a request with `Expect: 100-continue\\x00` with the content withheld and %s%s. "+
		"Either the NUL was kept (the rule requires rejecting the message or replacing it with SP), or it was replaced with SP after the value was trimmed: "+
		"`100-continue ` (trailing SP) is no longer grammatical, and GEN-ERROR-RECOVERY lets a server treat it as an unknown expectation and wait for the content. "+
		"The two cannot be told apart on the wire; rejecting the message with 400 is unambiguous", unansweredWithheld(env, tl, "head").gotNone(env), afterContent(tl))
	interimHygiene(j, tl)
	if sawInterim(tl, 100) {
		finalAfterContinue(j, env, tl)
	}
	interimsAfterFinal(j, tl, "")
	return true
}

// oversizeValue is about 64 KiB of `100-continue, ` members: a valid list, larger than many
// servers take.
var oversizeValue = strings.Repeat("100-continue, ", 64*1024/14) + "100-continue"

var oversizeField = Case{
	ID:           "origin/oversize-expect",
	Scenario:     "T05f",
	Title:        "An Expect field of about 64 KiB gets a 4xx if it is too large to process, or is answered as a 100-continue expectation; never silence",
	Requirements: []string{"FLD-OVERSIZE-4XX", "EXP-ORIGIN-IMMEDIATE", "EXP-FINAL-AFTER-100"},
	Witnesses:    []Witness{passes("ref-continue"), passes("ref-gateway-streaming"), fails("mut-oversize-hang", "FLD-OVERSIZE-4XX")},
	Roles:        []Role{Origin, Gateway},
	Client: func(env Env) conv.Script {
		return withheldThenContent(env, post(env, env.Path, len(body), "Expect: "+oversizeValue))
	},
	Judge: onClient(rejectOrRepair("FLD-OVERSIZE-4XX", "a 64 KiB `Expect: 100-continue, 100-continue, …`", func(s int) bool { return s >= 400 && s < 500 }, oversizeSilence)),
}

// oversizeSilence judges T05f's silence: a failure, as for any silence, but the value is itself a
// list, so a server that does not parse Expect as a list is silent for that reason and not for the
// size. The reason says how to tell the two apart.
func oversizeSilence(j *Judgement, env Env, tl *conv.Timeline) bool {
	judgeWithheldInto(j, env, tl)
	j.Fail("FLD-OVERSIZE-4XX", "sent a request with a 64 KiB `Expect: 100-continue, 100-continue, …` with the content withheld and %s%s: "+
		"neither rejected it with a 4xx nor answered it. The value is a list of 100-continue members: if origin/list-repeated also fails on this target, "+
		"the list form (EXP-ABNF-LIST) is the likely cause rather than the size", unansweredWithheld(env, tl, "head").gotNone(env), afterContent(tl))
	return true
}

// ignoredOrRejected is the shape of T05c and e: the malformed line must not yield a 100-continue
// expectation, so ignoring it is conforming and the server may wait for the content. The suite
// waits a short while, sends the content anyway, and awaits the final response.
func ignoredOrRejected(env Env, head []byte) conv.Script {
	return script(
		send("head", head),
		awaitMessage("first", env.Timing.Quiet),
		sendString("body", body),
		awaitFinals("final", 1, env.Timing.Response),
		quietAfterFinal(env),
	)
}

// judgeNoHundred judges ignoredOrRejected: a 100 at any point means the malformed line was read as
// `Expect: 100-continue`, which rule forbids. A 4xx rejects the message; waiting for the content
// and then answering 2xx is ordinary processing. A 417 is reported against rule417.
func judgeNoHundred(rule, sent, rule417, why417 string) func(Env, *conv.Timeline) Outcome {
	return func(env Env, tl *conv.Timeline) Outcome {
		var j Judgement
		headAt, _ := tl.StepAt("head")
		bodyAt, sentBody := tl.StepAt("body")
		when := func(m conv.Timed) string {
			if sentBody && m.At >= bodyAt {
				return "after the content"
			}
			return ms(m.At-headAt) + " after the header section, before the content"
		}
		hundred := false
		for _, m := range tl.MessagesAfter("head") {
			if m.Msg.Status == 100 {
				hundred = true
				j.Fail(rule, "sent 100 (Continue) %s for a request with %s: the malformed line was read as `Expect: 100-continue`", when(m), sent)
				break
			}
		}
		finals := tl.Finals()
		switch {
		case hundred && len(finals) > 0:
			// The 100 already decided the rule: the final says nothing more about the line, and
			// a "rejected" or "waited for the content" beside that 100 would contradict it.
			j.Info(rule, "the final response was %s, %s", status(finals[0].Msg), when(finals[0]))
		case len(finals) == 0:
			// A close soon after the request was complete is a decision to close; a close after
			// a longer silence ends the silence and is judged as one (unanswered.go).
			closeEv, closed := tl.Closed()
			if prompt, ok := closedPromptly(env, tl, lastSendBefore(tl, closeEv.At)); closed && ok {
				j.Info("H1-MAY-CLOSE-ANYTIME", "closed the connection (%s) without a response to a request with %s", prompt.Kind, sent)
			} else if e, ok := tl.ParseErrorAfter("head"); ok {
				j.Warn(rule, "answered a request with %s with octets that are not an HTTP/1.x response (%s)", sent, e.Error)
			} else if closed {
				j.Warn(rule, "neither rejected a request with %s nor answered it after its content%s", sent, lateClose(env, tl, lastSendBefore(tl, closeEv.At)))
			} else {
				j.Warn(rule, "neither rejected a request with %s nor answered it %s after its content", sent, ms(env.Timing.Response))
			}
		case finals[0].Msg.Status == 417:
			j.Info(rule417, "answered 417 %s: %s", when(finals[0]), why417)
		case finals[0].Msg.Status >= 400 && finals[0].Msg.Status < 500:
			j.Pass(rule, "rejected a request with %s: %s %s", sent, status(finals[0].Msg), when(finals[0]))
		case finals[0].Msg.Status < 300 && sentBody && finals[0].At >= bodyAt:
			j.Pass(rule, "waited for the content, then answered %s: the malformed line did not make a 100-continue expectation", status(finals[0].Msg))
		default:
			j.Info(rule, "answered %s %s to a request with %s", status(finals[0].Msg), when(finals[0]), sent)
		}
		interimsAfterFinal(&j, tl, "")
		return j.Outcome()
	}
}

var wsLineAfterStart = Case{
	ID:           "origin/ws-line-after-start",
	Scenario:     "T05c",
	Title:        "A whitespace-preceded ` Expect: 100-continue` straight after the request line is rejected or ignored entirely, so it never yields a 100 (Continue)",
	Requirements: []string{"H1-WS-LINE-AFTER-START", "H1-MAY-CLOSE-ANYTIME"},
	Witnesses:    []Witness{passes("ref-continue"), passes("ref-gateway-streaming"), fails("mut-process-ws-line", "H1-WS-LINE-AFTER-START")},
	Roles:        []Role{Origin, Gateway},
	Client: func(env Env) conv.Script {
		return ignoredOrRejected(env, lines("POST "+env.Path+" HTTP/1.1", " Expect: 100-continue", "Host: "+env.Host, "Content-Length: 5"))
	},
	Judge: onClient(judgeNoHundred("H1-WS-LINE-AFTER-START", "` Expect: 100-continue` as its first line after the request line",
		"H1-WS-LINE-AFTER-START", "the whitespace-preceded line seems to have been read as Expect, but the message was refused")),
}

var bareCR = Case{
	ID:           "origin/bare-cr-in-value",
	Scenario:     "T05e",
	Title:        "A bare CR in `Expect: 100-` CR `continue` makes the field invalid or becomes SP; it is never dropped to read `100-continue`",
	Requirements: []string{"H1-BARE-CR", "EXP-UNKNOWN-417-MAY", "H1-MAY-CLOSE-ANYTIME"},
	Witnesses:    []Witness{passes("ref-continue"), passes("ref-417-unknown"), passes("ref-gateway-streaming"), fails("mut-bare-cr-drop", "H1-BARE-CR")},
	Roles:        []Role{Origin, Gateway},
	Client: func(env Env) conv.Script {
		return ignoredOrRejected(env, post(env, env.Path, len(body), "Expect: 100-\rcontinue"))
	},
	Judge: onClient(judgeNoHundred("H1-BARE-CR", "`Expect: 100-\\rcontinue`",
		"EXP-UNKNOWN-417-MAY", "with the CR replaced by SP the value is the unknown `100- continue`, which may be refused")),
}

var syntaxCases = []Case{wsBeforeColon, obsFold, wsLineAfterStart, nulInValue, bareCR, oversizeField}
