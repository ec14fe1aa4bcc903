package cases

import (
	"fmt"
	"strings"

	"github.com/expectspec/expectspec/harness/conv"
)

// Helpers of the connection cases (framing.go, http10.go, early.go, sequence.go): finding the
// early final response, classifying what the connection did after it, and reading the timeline
// around the steps of a script. Like observe.go, each helper records findings only for the
// requirements it names.

// earlyAnswer is the final status a target decided from the header section of a request whose
// content was withheld.
type earlyAnswer struct {
	Final conv.Timed
	// Close: the response carried the "close" connection option.
	Close bool
}

// earlyFinal applies the immediate duty (EXP-ORIGIN-IMMEDIATE) to the head sent at the step
// head, and finds the final response decided from it: one read before the step next (the first
// octet of content) was sent. ok is false when there is none; the judgement then holds why: no
// answer at all (fail or warn, from firstResponse), or a 100 (na: the resource is not rejected
// from its headers, which the case needs and the target contract asks --early-path for).
func earlyFinal(j *Judgement, env Env, tl *conv.Timeline, head, next string) (earlyAnswer, bool) {
	first, ok := firstResponse(j, env, tl, head)
	if !ok {
		return earlyAnswer{}, false
	}
	final := first
	if first.Msg.Interim() {
		var found bool
		for _, m := range tl.MessagesBetween(head, next) {
			if !m.Msg.Interim() {
				final, found = m, true
				break
			}
		}
		if !found {
			j.NA("%s", noEarlyFinal(env, first.Msg))
			return earlyAnswer{}, false
		}
		j.Info("SRV-RESPOND-ANYTIME", "a %s preceded the early %s", status(first.Msg), status(final.Msg))
	}
	return earlyAnswer{Final: final, Close: final.Msg.HasConnectionOption("close")}, true
}

// noEarlyFinal is the reason of the na verdict when the target chose the 100 branch on the
// early resource: allowed (RFC 9110 §10.1.1 is an either/or), but the case needs the other one.
func noEarlyFinal(env Env, r *conv.Response) string {
	return fmt.Sprintf("the target answered the header section of a POST to %s with %s, not with a final status decided "+
		"from the header section; that is allowed (RFC 9110 §10.1.1 lets a server choose the 100), but this case needs an "+
		"early final response: pass a resource the target rejects from its headers alone with --early-path "+
		"(a path that does not exist, one that needs credentials, or one that refuses POST)", env.EarlyPath, status(r))
}

// connectionAfterEarly judges what the connection did after an early final response, in a
// script that then sent the declared content (a complete request in disguise, or the rest of a
// chunked body) and a follow-up request with "Connection: close" (the step follow).
// The conforming fates (RFC 9112 §9.3) are read-and-discard (the follow-up alone is answered)
// and close (nothing more is answered); answering the content as a request is the desync.
func connectionAfterEarly(j *Judgement, env Env, tl *conv.Timeline, ea earlyAnswer, follow string) {
	rest := finalsAfter(tl, ea.Final)
	closeEv, closed := tl.Closed()
	early := status(ea.Final.Msg)
	stray, strayWhy := strayAnswer(tl, rest, follow)

	if ea.Close {
		switch {
		case len(rest) == 0 && closed:
			j.Pass("H1-READ-OR-CLOSE", "the early %s said Connection: close and the connection was closed (%s); neither the content nor the follow-up request was answered", early, closeEv.Kind)
			j.Pass("H1-CLOSE-THEN-NO-MORE", "nothing was answered after the close was announced")
		case len(rest) == 0:
			// A staged close: the FIN may come seconds later (nginx discards the content first).
			j.Pass("H1-READ-OR-CLOSE", "neither the content nor the follow-up request was answered after the early %s", early)
			j.Pass("H1-CLOSE-THEN-NO-MORE", "%s", stagedClose(ea.Final.Msg, env.Timing.Response))
		default:
			j.Fail("H1-CLOSE-THEN-NO-MORE", "the early %s said Connection: close, and then the server answered %s on the same connection", early, statuses(rest))
			if stray {
				j.Fail("H1-READ-OR-CLOSE", "it neither read the content nor closed: %s", strayWhy)
			}
		}
		return
	}

	switch {
	case stray:
		j.Fail("H1-READ-OR-CLOSE", "after the early %s (no Connection: close), %s; the server neither read the declared content nor closed the connection, so a client's content was parsed as a request (request smuggling)", early, strayWhy)
	case len(rest) == 1 && is2xx(rest[0].Msg):
		j.Pass("H1-READ-OR-CLOSE", "after the early %s the server read and discarded the content: the follow-up request alone was answered (%s)", early, status(rest[0].Msg))
	case len(rest) == 1:
		j.Info("H1-READ-OR-CLOSE", "after the early %s the only further response was %s, where the follow-up's 2xx was expected; it cannot be told whether it answers the follow-up or the content (check that %s answers a POST with 2xx)", early, status(rest[0].Msg), env.Path)
	case closed:
		j.Pass("H1-READ-OR-CLOSE", "after the early %s the server closed the connection (%s) without answering anything else", early, closeEv.Kind)
		j.Warn("EXP-INDICATE-CLOSE", "the early %s was sent before the content was read and did not say that the connection would close; then the server closed it", early)
		j.Warn("H1-SEND-CLOSE-OPTION", "the server closed the connection after the %s without sending Connection: close in it", early)
		j.Info("H1-MAY-CLOSE-ANYTIME", "closing is allowed at any time; only the missing indication is reported")
	default:
		j.Warn("H1-READ-OR-CLOSE", "after the early %s the follow-up request (Connection: close) was neither answered nor was the connection closed within %s", early, ms(env.Timing.Response))
	}
}

// strayAnswer decides whether the finals rest, read after an early final response, include an
// answer to content octets: a final read before the follow-up was sent (only the content had
// been sent then), more finals than the follow-up alone explains, or a status that the follow-up
// (a well-formed POST of 5 octets to env.Path, 2xx by the target contract) cannot provoke. It
// says why in plain words.
func strayAnswer(tl *conv.Timeline, rest []conv.Timed, follow string) (bool, string) {
	followAt, sent := tl.StepAt(follow)
	for _, m := range rest {
		if !sent || m.At < followAt {
			return true, fmt.Sprintf("%s arrived before the follow-up request was sent: it answers the content", status(m.Msg))
		}
	}
	switch {
	case len(rest) >= 2:
		return true, fmt.Sprintf("%d responses followed (%s) where only the follow-up request was to be answered: the content was answered as a request", len(rest), statuses(rest))
	case len(rest) == 1 && answersNoFollowUp(rest[0].Msg.Status):
		return true, fmt.Sprintf("%s arrived where the follow-up's 2xx was expected: it answers the content, parsed as a request", status(rest[0].Msg))
	}
	return false, ""
}

// answersNoFollowUp reports whether a status cannot be the answer to the follow-up request: a
// client error about the request itself, or a method or version not implemented, which octets
// parsed as a request provoke and a well-formed POST to the upload resource does not. Statuses
// about time or load (408, 429, 500, 502-504) and redirects could answer the follow-up itself,
// so they are no evidence.
func answersNoFollowUp(code int) bool {
	switch {
	case code == 408 || code == 429:
		return false
	case code >= 400 && code < 500:
		return true
	}
	return code == 501 || code == 505
}

// finalsAfter returns the final responses that follow f on the timeline.
func finalsAfter(tl *conv.Timeline, f conv.Timed) []conv.Timed {
	var out []conv.Timed
	seen := false
	for _, m := range tl.Finals() {
		if seen {
			out = append(out, m)
		}
		if m.Msg == f.Msg {
			seen = true
		}
	}
	return out
}

// finalsIn returns the final responses among msgs.
func finalsIn(msgs []conv.Timed) []conv.Timed {
	var out []conv.Timed
	for _, m := range msgs {
		if !m.Msg.Interim() {
			out = append(out, m)
		}
	}
	return out
}

// resetEvent returns the first sign that the peer reset the connection: an rst event, or a
// write that failed because of a reset (CauseReset). The driver reads only during awaits, so a
// reset that arrives while content is being written shows up as that write's error. A write
// that fails with a broken pipe (CauseBrokenPipe) after the peer's FIN is not a reset of a
// connection still in use: on Linux a reset that arrives after the peer's FIN surfaces as
// EPIPE, one without a FIN as ECONNRESET.
func resetEvent(tl *conv.Timeline) (conv.Event, bool) {
	for _, e := range tl.Events {
		if e.Kind == conv.EvRST || e.Kind == conv.EvWriteError && e.Cause == conv.CauseReset {
			return e, true
		}
	}
	return conv.Event{}, false
}

// octetsWritten returns how many octets the step label wrote, counting a failed write's partial count.
func octetsWritten(tl *conv.Timeline, label string) int64 {
	if tl.Asked != nil {
		tl.Asked(label)
	}
	var n int64
	for _, e := range tl.Events {
		if e.Step == label && (e.Kind == conv.EvSent || e.Kind == conv.EvWriteError) {
			n += e.N
		}
	}
	return n
}

func is2xx(r *conv.Response) bool { return r.Status >= 200 && r.Status < 300 }

// statuses renders responses briefly for reasons: "404 Not Found, 200 OK".
func statuses(ms []conv.Timed) string {
	var s []string
	for _, m := range ms {
		s = append(s, status(m.Msg))
	}
	return strings.Join(s, ", ")
}
