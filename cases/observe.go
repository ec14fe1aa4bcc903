package cases

import (
	"fmt"
	"strings"
	"time"

	"github.com/expectspec/expectspec/harness/conv"
)

// This file holds the observations judges share: each reads the timeline and records findings
// for the requirements it names. They never decide more than their requirement says.

// status renders a response briefly for reasons: "100 Continue" or "401 Unauthorized".
func status(r *conv.Response) string {
	if r.Reason == "" {
		return fmt.Sprintf("%d", r.Status)
	}
	return fmt.Sprintf("%d %s", r.Status, r.Reason)
}

func ms(d time.Duration) string {
	if d < 10*time.Millisecond {
		return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
	}
	return fmt.Sprintf("%d ms", d.Milliseconds())
}

// firstResponse applies the origin's duty while the content is withheld (EXP-ORIGIN-IMMEDIATE,
// EXP-ORIGIN-NO-WAIT): after the head was sent, a 100 or a final status must come within the
// immediate bound. Later but before Max is a warning (libcurl has sent the content by then);
// nothing by Max is a failure, and so is a close with no answer after the immediate bound (see
// unansweredWithheld). It returns the first response, if any.
func firstResponse(j *Judgement, env Env, tl *conv.Timeline, head string) (conv.Timed, bool) {
	headAt, _ := tl.StepAt(head)
	var msgs []conv.Timed
	withheldUntil, contentSent := tl.NextSendAfter(head)
	for _, m := range tl.MessagesAfter(head) {
		if !contentSent || m.At < withheldUntil {
			msgs = append(msgs, m)
		}
	}
	if s := unansweredWithheld(env, tl, head); s.ok {
		j.Fail("EXP-ORIGIN-IMMEDIATE", "sent neither a 100 (Continue) nor a final status%s while the content was withheld%s", s.span(), s.closeNote(env))
		j.Fail("EXP-ORIGIN-NO-WAIT", "appears to wait for the content before answering")
		return conv.Timed{}, false
	}
	if len(msgs) == 0 {
		if e, ok := tl.ParseErrorAfter(head); ok && (!contentSent || e.At < withheldUntil) {
			if truncated(e) {
				// A response began but the peer closed before it was complete: like a close
				// without an answer, allowed at any time but no answer to the request.
				j.Warn("EXP-ORIGIN-IMMEDIATE", "closed the connection %s after the header section in the middle of a response, so neither a complete 100 nor a complete final status arrived (%s)", ms(e.At-headAt), e.Error)
				return conv.Timed{}, false
			}
			j.Fail("EXP-ORIGIN-IMMEDIATE", "answered the header section with octets that are not an HTTP/1.x response (%s)", e.Error)
			return conv.Timed{}, false
		}
		// What is left is a close within the immediate bound (unansweredWithheld took the
		// rest): closing is allowed at any time (RFC 9112 §9.5), but the request got no answer.
		if e, ok := tl.Closed(); ok {
			j.Warn("EXP-ORIGIN-IMMEDIATE", "closed the connection (%s) %s after the header section, within the immediate bound of %s, without a 100 or a final status", e.Kind, ms(e.At-headAt), ms(env.Timing.Immediate))
		}
		return conv.Timed{}, false
	}
	first := msgs[0]
	took := first.At - headAt
	if took <= env.Timing.Immediate {
		j.Pass("EXP-ORIGIN-IMMEDIATE", "%s arrived %s after the header section", status(first.Msg), ms(took))
	} else {
		j.Warn("EXP-ORIGIN-IMMEDIATE", "%s arrived only %s after the header section, later than the immediate bound of %s (RTT0 + 1 s); a client like curl has sent the content by then", status(first.Msg), ms(took), ms(env.Timing.Immediate))
	}
	return first, true
}

// interimHygiene checks every 1xx on the timeline: no Content-Length (IR-NO-CONTENT-LENGTH), no
// Transfer-Encoding (IR-NO-TRANSFER-ENCODING), and nothing but a new status line after its empty
// line (IR-NO-CONTENT).
func interimHygiene(j *Judgement, tl *conv.Timeline) {
	var lastWasInterim bool
	var last *conv.Response
	for _, e := range tl.Events {
		switch e.Kind {
		case conv.EvMessage:
			last, lastWasInterim = e.Msg, e.Msg.Interim()
			if !e.Msg.Interim() {
				continue
			}
			if v := e.Msg.Get("Content-Length"); len(v) > 0 {
				j.Fail("IR-NO-CONTENT-LENGTH", "the %s carried Content-Length: %s", status(e.Msg), strings.Join(v, ", "))
			}
			if v := e.Msg.Get("Transfer-Encoding"); len(v) > 0 {
				j.Fail("IR-NO-TRANSFER-ENCODING", "the %s carried Transfer-Encoding: %s", status(e.Msg), strings.Join(v, ", "))
			}
		case conv.EvParseError:
			if lastWasInterim && notAStatusLine(e) {
				j.Fail("IR-NO-CONTENT", "the octets after the %s's empty line are not a status line (%s)", status(last), e.Error)
			}
			return
		}
	}
}

// notAStatusLine reports whether a parse error is about the octets where a status line had to
// begin. Other parse errors come from inside a message whose status line was fine (a malformed
// field, faulty framing) or say the peer closed mid-message (a truncation): after a 1xx they
// belong to the next message, not to the 1xx.
func notAStatusLine(e conv.Event) bool { return e.Cause == conv.CauseStatusLine }

// truncated reports whether a parse error says the peer closed in the middle of a message.
func truncated(e conv.Event) bool { return e.Cause == conv.CauseTruncated }

// interimsAfterFinal fails any 1xx read after a final response and before the step next was sent
// (IR-SEQUENCE-ONE-FINAL): no request was outstanding, so the 1xx belongs to no request and a
// client would pin it on its next one (RFC 9112 §9.2). next == "" means the end of the script.
func interimsAfterFinal(j *Judgement, tl *conv.Timeline, next string) {
	limit := time.Duration(1<<63 - 1)
	if next != "" {
		if at, ok := tl.StepAt(next); ok {
			limit = at
		}
	}
	final := false
	for _, m := range tl.Messages() {
		if m.At >= limit {
			return
		}
		if !m.Msg.Interim() {
			final = true
			continue
		}
		if final {
			j.Fail("IR-SEQUENCE-ONE-FINAL", "a %s arrived after the final response, when no request was outstanding", status(m.Msg))
			return
		}
	}
}

// finalAfterContinue applies EXP-FINAL-AFTER-100 to a conversation in which a 100 was received
// and the content was then sent: a final response must follow unless the connection closed
// prematurely. Once the content is complete the server may take its time processing it (the
// immediate bound is about the header section, not about processing), so a close at any time
// before the final is the premature close RFC 9110 §10.1.1 excuses: a warning, with when it came.
// Only silence through the whole wait fails.
func finalAfterContinue(j *Judgement, env Env, tl *conv.Timeline) {
	if finals := tl.Finals(); len(finals) > 0 {
		j.Pass("EXP-FINAL-AFTER-100", "the final %s followed", status(finals[0].Msg))
		return
	}
	if e, ok := tl.Closed(); ok {
		j.Warn("EXP-FINAL-AFTER-100", "closed the connection (%s) %s after the content, after the 100 and without a final response", e.Kind, ms(e.At-lastSendBefore(tl, e.At)))
		return
	}
	j.Fail("EXP-FINAL-AFTER-100", "sent a 100 (Continue) and, after the whole content, no final response within %s", ms(env.Timing.Response))
}

// sawInterim reports whether any 1xx with this status was read.
func sawInterim(tl *conv.Timeline, code int) bool {
	for _, m := range tl.Messages() {
		if m.Msg.Status == code {
			return true
		}
	}
	return false
}

// stagedClose is the reason for a response that announced `Connection: close` when nothing was
// answered after it and the connection was still open when the script stopped listening, wait
// later. RFC 9112 §9.6 describes closing in stages (half-close, keep reading for a while, then
// close), so a FIN that has not come yet is no violation: the testable MUST, "process no
// further request", held.
func stagedClose(r *conv.Response, wait time.Duration) string {
	return fmt.Sprintf("announced close on the %s and answered nothing more; the connection was still open %s later, "+
		"presumably still reading (a staged close, as RFC 9112 §9.6 describes)", status(r), ms(wait))
}
