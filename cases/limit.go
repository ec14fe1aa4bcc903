package cases

import (
	"strings"

	"github.com/expectspec/expectspec/harness/conv"
)

// Oversized and invalid declared lengths: scenario T11 (CATALOGUE.md). Each case declares a
// Content-Length the server cannot or must not take at face value, with Expect: 100-continue
// and the content withheld, and then probes the connection's fate.

// marker is a request sent where the server must not take it as one: inside declared content, or
// after a response that must close the connection. It asks for a path no target has, so its
// answer (a 404, usually) cannot be mistaken for the upload's, and for close, so that a server
// that wrongly answers it ends the conversation instead of costing a timed silence.
func marker(env Env) string {
	return strings.TrimSuffix(smuggled(env), "\r\n") + "Connection: close\r\n\r\n"
}

// laterFinals returns the final responses after the first one.
func laterFinals(tl *conv.Timeline) []conv.Timed {
	if f := tl.Finals(); len(f) > 1 {
		return f[1:]
	}
	return nil
}

// oneTebibyte is T11a: a declared 1 TiB upload. An immediate 413 (or any final status) or a 100
// are both allowed; the follow-up request sent next lies inside the declared content, so it must
// never be answered: the server reads (and discards) or closes.
var oneTebibyte = Case{
	ID:       "origin/content-length-1tib",
	Scenario: "T11a",
	Title:    "A declared 1 TiB upload gets an immediate final status (413) or a 100 (Continue), and octets sent next are taken as its content, never as a request",
	Requirements: []string{"SRV-413", "EXP-ORIGIN-IMMEDIATE", "H1-READ-OR-CLOSE", "H1-CLOSE-THEN-NO-MORE",
		"EXP-INDICATE-CLOSE", "IR-SEQUENCE-ONE-FINAL"},
	Witnesses: []Witness{
		informs("ref-continue"), informs("ref-close-early"), informs("ref-gateway-streaming"),
		fails("mut-close-but-continue", "H1-READ-OR-CLOSE").because("after announcing the close it reads on, and the follow-up inside the declared 1 TiB is answered as a request: the content was neither read as content nor ended by a close"),
		fails("mut-close-but-continue", "H1-CLOSE-THEN-NO-MORE"),
		warns("mut-early-close-silently", "EXP-INDICATE-CLOSE"),
	},
	Roles: []Role{Origin, Gateway},
	Client: func(env Env) conv.Script {
		return script(
			send("head", lines("POST "+env.Path+" HTTP/1.1", "Host: "+env.Host, "Content-Length: 1099511627776", "Expect: 100-continue")),
			awaitMessage("first", env.Timing.Max),
			sendString("follow-up", marker(env)),
			awaitClose("after", env.Timing.Quiet),
		)
	},
	Judge: onClient(func(env Env, tl *conv.Timeline) Outcome {
		var j Judgement
		firstResponse(&j, env, tl, "head")
		interimHygiene(&j, tl)
		interimsAfterFinal(&j, tl, "")
		first, ok := answerToHead(tl, "head", "follow-up")
		if !ok {
			return j.Outcome()
		}
		closed, isClosed := tl.Closed()
		finals := tl.Finals()
		tebibyteAnswer(&j, first.Msg)
		if first.Msg.Interim() {
			switch {
			case len(finals) > 1:
				j.Fail("H1-READ-OR-CLOSE", "after the 100, answered twice (%s, then %s): the follow-up request, sent as content of the 1 TiB, was parsed as a request", status(finals[0].Msg), status(finals[1].Msg))
			case len(finals) == 1:
				j.Info("SRV-413", "then answered %s after the follow-up octets (taken as content, or as the answer to them: a single response cannot tell)", status(finals[0].Msg))
			case isClosed:
				j.Info("H1-MAY-CLOSE-ANYTIME", "closed the connection (%s) during the upload", closed.Kind)
			default:
				j.Pass("H1-READ-OR-CLOSE", "took the follow-up octets as content: nothing came back in %s", ms(env.Timing.Quiet))
			}
			return j.Outcome()
		}
		said := first.Msg.HasConnectionOption("close")
		if later := laterFinals(tl); len(later) > 0 {
			j.Fail("H1-READ-OR-CLOSE", "after %s, answered the follow-up request with %s although its octets lie inside the declared 1 TiB of content: content was parsed as a request", status(first.Msg), status(later[0].Msg))
			if said {
				j.Fail("H1-CLOSE-THEN-NO-MORE", "said `Connection: close` on the %s and still answered a further request on the connection", status(first.Msg))
			}
			return j.Outcome()
		}
		switch {
		case isClosed && said:
			j.Pass("H1-READ-OR-CLOSE", "said `Connection: close` on the %s and closed (%s)", status(first.Msg), closed.Kind)
		case isClosed:
			j.Pass("H1-READ-OR-CLOSE", "closed the connection (%s) after the %s", closed.Kind, status(first.Msg))
			j.Warn("EXP-INDICATE-CLOSE", "answered %s before the content and closed the connection without saying `Connection: close`", status(first.Msg))
		case said:
			// A staged close: the FIN may come seconds later (nginx discards the content first).
			j.Pass("H1-READ-OR-CLOSE", "did not answer the follow-up request")
			j.Pass("H1-CLOSE-THEN-NO-MORE", "%s", stagedClose(first.Msg, env.Timing.Quiet))
		default:
			j.Pass("H1-READ-OR-CLOSE", "kept the connection open after the %s and took the follow-up octets as content (read and discard): nothing came back in %s", status(first.Msg), ms(env.Timing.Quiet))
		}
		return j.Outcome()
	}),
}

// tebibyteAnswer reports the first answer to a declared 1 TiB (SRV-413, a MAY): a 100 invites
// the upload, a 413 refuses it from the header section. Both are allowed; the cases over
// HTTP/1.1 and HTTP/2 say which the server chose in the same words.
func tebibyteAnswer(j *Judgement, first *conv.Response) {
	switch {
	case first.Interim():
		j.Info("SRV-413", "answered %s to a declared 1 TiB: invited the upload rather than refusing it from the header section", status(first))
	case first.Status == 413:
		j.Info("SRV-413", "refused the declared 1 TiB with 413 from the header section")
	}
}

// wrappedLength is T11b: 2^64+1 overflows a 64-bit length. A server that wraps it reads a 1-octet
// request; the suite sends one octet and listens.
var wrappedLength = Case{
	ID:           "origin/content-length-overflow",
	Scenario:     "T11b",
	Title:        "A Content-Length of 2^64+1 is refused (400 or 413), never wrapped: one octet of content does not complete the request",
	Requirements: []string{"SRV-CL-LARGE-NUMBERS", "EXP-ORIGIN-IMMEDIATE", "H1-INVALID-CL-400"},
	Witnesses:    []Witness{passes("ref-continue"), passes("ref-gateway-streaming"), fails("mut-cl-wrap", "SRV-CL-LARGE-NUMBERS")},
	Roles:        []Role{Origin, Gateway},
	Client: func(env Env) conv.Script {
		return script(
			send("head", lines("POST "+env.Path+" HTTP/1.1", "Host: "+env.Host, "Content-Length: 18446744073709551617", "Expect: 100-continue")),
			awaitMessage("first", env.Timing.Max),
			sendString("octet", "h"),
			awaitClose("after", env.Timing.Quiet),
		)
	},
	Judge: onClient(func(env Env, tl *conv.Timeline) Outcome {
		var j Judgement
		firstResponse(&j, env, tl, "head")
		interimHygiene(&j, tl)
		first, ok := answerToHead(tl, "head", "octet")
		octetAt, _ := tl.StepAt("octet")
		var afterOctet []conv.Timed
		for _, f := range tl.Finals() {
			if f.At >= octetAt {
				afterOctet = append(afterOctet, f)
			}
		}
		if !ok {
			if len(afterOctet) > 0 && afterOctet[0].Msg.Status >= 200 && afterOctet[0].Msg.Status < 300 {
				j.Fail("SRV-CL-LARGE-NUMBERS", "sent nothing while the content was withheld, then %s after a single octet of content: the length wrapped to 1", status(afterOctet[0].Msg))
			}
			return j.Outcome()
		}
		_, isClosed := tl.Closed()
		switch s := first.Msg.Status; {
		case first.Msg.Interim():
			if len(afterOctet) > 0 && afterOctet[0].Msg.Status >= 200 && afterOctet[0].Msg.Status < 300 {
				j.Fail("SRV-CL-LARGE-NUMBERS", "answered %s to Content-Length: 18446744073709551617, then %s after a single octet of content: the length wrapped to 1", status(first.Msg), status(afterOctet[0].Msg))
			} else if len(afterOctet) > 0 {
				j.Info("SRV-CL-LARGE-NUMBERS", "answered %s, then %s after one octet", status(first.Msg), status(afterOctet[0].Msg))
			} else {
				j.Info("SRV-CL-LARGE-NUMBERS", "answered %s and, after one octet, kept waiting for the rest: the length was not wrapped, and the server invites a 2^64+1 upload", status(first.Msg))
			}
		case s == 400 && !isClosed && !first.Msg.HasConnectionOption("close"):
			j.Pass("SRV-CL-LARGE-NUMBERS", "refused Content-Length: 18446744073709551617 with %s", status(first.Msg))
			j.Warn("H1-INVALID-CL-400", "answered 400 to a length it could not take, but neither said `Connection: close` nor closed within %s: the next octets have no framing", ms(env.Timing.Quiet))
		case s == 400 || s == 413:
			j.Pass("SRV-CL-LARGE-NUMBERS", "refused Content-Length: 18446744073709551617 with %s", status(first.Msg))
		default:
			j.Info("SRV-CL-LARGE-NUMBERS", "answered %s to Content-Length: 18446744073709551617 before any content", status(first.Msg))
		}
		interimsAfterFinal(&j, tl, "")
		return j.Outcome()
	}),
}

// lengthList is T11c: `Content-Length: 5, 6` is invalid; the server answers 400 and closes.
var lengthList = Case{
	ID:           "origin/content-length-list",
	Scenario:     "T11c",
	Title:        "`Content-Length: 5, 6` is invalid: the server answers 400 (Bad Request) and closes the connection, and sends no 100 (Continue)",
	Requirements: []string{"H1-INVALID-CL-400"},
	Witnesses:    []Witness{passes("ref-continue"), passes("ref-gateway-streaming"), fails("mut-cl-list-first", "H1-INVALID-CL-400")},
	Roles:        []Role{Origin, Gateway},
	Client: func(env Env) conv.Script {
		return script(
			send("head", lines("POST "+env.Path+" HTTP/1.1", "Host: "+env.Host, "Content-Length: 5, 6", "Expect: 100-continue")),
			awaitMessage("first", env.Timing.Max),
			awaitClose("after", env.Timing.Quiet),
		)
	},
	Judge: onClient(func(env Env, tl *conv.Timeline) Outcome {
		var j Judgement
		const rule, sent = "H1-INVALID-CL-400", "`Content-Length: 5, 6`"
		msgs := tl.MessagesAfter("head")
		if len(msgs) == 0 {
			noAnswer(&j, env, tl, rule, "a request with "+sent, "the 400 it requires")
			return j.Outcome()
		}
		first := msgs[0].Msg
		if first.Interim() {
			finals := tl.Finals()
			_, closed := tl.Closed()
			if len(finals) == 0 || finals[0].Msg.Status != 400 || !closed {
				j.Fail(rule, "answered %s to a request with %s: took an invalid length as valid", status(first), sent)
				return j.Outcome()
			}
			// The 400 and the close came, but the 100 first invited content the server would not read.
			j.Warn(rule, "sent %s before rejecting %s with 400: it invited content it was not going to read", status(first), sent)
			first = finals[0].Msg
		}
		switch s := first.Status; {
		case s == 400:
			j.Pass(rule, "answered 400 to %s", sent)
		case s >= 400:
			j.Warn(rule, "refused %s with %s rather than 400", sent, status(first))
		default:
			j.Fail(rule, "answered %s to a request with %s: processed a request whose length is invalid", status(first), sent)
		}
		e, closed := tl.Closed()
		switch {
		case closed:
			j.Pass(rule, "closed the connection (%s)", e.Kind)
		case first.HasConnectionOption("close"):
			j.Pass(rule, "%s", stagedClose(first, env.Timing.Quiet))
		default:
			j.Fail(rule, "kept the connection open after answering a request with %s: the octets that follow have no framing", sent)
		}
		return j.Outcome()
	}),
}

// parseErrorSince returns the parse error of octets read after the response m, if any.
func parseErrorSince(tl *conv.Timeline, m conv.Timed) (conv.Event, bool) {
	for _, e := range tl.Events {
		if e.Kind == conv.EvParseError && e.At >= m.At {
			return e, true
		}
	}
	return conv.Event{}, false
}

// lengthAndChunked is T11d: Content-Length and Transfer-Encoding together. Rejecting or using the
// chunked framing are both fine; either way the server closes after responding, so a pipelined
// request is never answered.
var lengthAndChunked = Case{
	ID:           "origin/content-length-and-chunked",
	Scenario:     "T11d",
	Title:        "With both Content-Length and Transfer-Encoding: chunked, the server rejects or uses the chunked framing, then closes: a pipelined request is not answered",
	Requirements: []string{"H1-CL-AND-TE-CLOSE", "H1-CLOSE-THEN-NO-MORE"},
	Witnesses:    []Witness{informs("ref-continue"), informs("ref-gateway-streaming"), fails("mut-cl-te-keep-open", "H1-CL-AND-TE-CLOSE")},
	Roles:        []Role{Origin, Gateway},
	Client: func(env Env) conv.Script {
		pipelined := "GET " + env.Path + " HTTP/1.1\r\nHost: " + env.Host + "\r\nConnection: close\r\n\r\n"
		return script(
			send("head", lines("POST "+env.Path+" HTTP/1.1", "Host: "+env.Host, "Content-Length: 5", "Transfer-Encoding: chunked", "Expect: 100-continue")),
			awaitMessage("first", env.Timing.Quiet),
			sendString("body", "5\r\nhello\r\n0\r\n\r\n"+pipelined),
			awaitFinals("final", 1, env.Timing.Response),
			awaitClose("after", env.Timing.Quiet),
		)
	},
	Judge: onClient(func(env Env, tl *conv.Timeline) Outcome {
		var j Judgement
		const rule = "H1-CL-AND-TE-CLOSE"
		finals := tl.Finals()
		if sawInterim(tl, 100) {
			j.Info(rule, "sent 100 (Continue): handles the request by its chunked framing")
		}
		if len(finals) == 0 {
			if e, ok := tl.Closed(); ok {
				j.Info(rule, "closed the connection (%s) without a response", e.Kind)
			} else {
				j.Info(rule, "sent no response in %s after the chunked content", ms(env.Timing.Response))
			}
			return j.Outcome()
		}
		j.Info(rule, "answered %s", status(finals[0].Msg))
		if later := laterFinals(tl); len(later) > 0 {
			j.Fail(rule, "answered %s, kept the connection open and answered further octets with %s (the pipelined request, or the content read as one)", status(finals[0].Msg), status(later[0].Msg))
			if finals[0].Msg.HasConnectionOption("close") {
				j.Fail("H1-CLOSE-THEN-NO-MORE", "said `Connection: close` on the %s and still answered a further request", status(finals[0].Msg))
			}
			return j.Outcome()
		}
		if e, ok := parseErrorSince(tl, finals[0]); ok {
			// Octets after the response that are no response: python's http.server, reading by
			// Content-Length, answers the chunked remains as an HTTP/0.9 request (an error page
			// without a status line). Whatever they are, the connection was not closed after
			// responding.
			j.Fail(rule, "answered %s and then sent further octets that are not part of it (%s): an answer to the octets after the first %d of the content, read as a request, or a response with broken framing; either way the connection was not closed after responding", status(finals[0].Msg), e.Error, 5)
			return j.Outcome()
		}
		switch e, ok := tl.Closed(); {
		case ok:
			j.Pass(rule, "closed the connection (%s) after responding", e.Kind)
		case finals[0].Msg.HasConnectionOption("close"):
			j.Pass(rule, "the pipelined request was not answered")
			j.Pass("H1-CLOSE-THEN-NO-MORE", "%s", stagedClose(finals[0].Msg, env.Timing.Quiet))
		default:
			j.Warn(rule, "answered %s without `Connection: close` and had not closed the connection %s later (the pipelined request was not answered)", status(finals[0].Msg), ms(env.Timing.Quiet))
		}
		return j.Outcome()
	}),
}

var limitCases = []Case{oneTebibyte, wrappedLength, lengthList, lengthAndChunked}
