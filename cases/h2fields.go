package cases

import (
	"strconv"

	"github.com/expectspec/expectspec/harness/conv"
)

// T43: the field rules of HTTP/2 as they apply to Expect. What HTTP/1.1 forgives, HTTP/2 does
// not: a field name with an uppercase letter, or a value that starts with whitespace, makes
// the request malformed (RFC 9113 §8.2.1), and so does a connection-specific field (§8.2.2).
// A malformed request is a stream error of type PROTOCOL_ERROR (§8.1.1), which the server may
// precede with an HTTP response such as a 400, and which it may also treat as a connection
// error, ending the connection with GOAWAY (§5.4.1). What it must not do is process the
// request as a normal one: announce it will take the content (a 100) or answer it with a 2xx.
//
// The request and its content go at once, so that every reaction ends the stream within the
// response bound: a reset, a 400, or, from a server that ignores the rule, its usual answer.

// h2MalformedCase is one T43 case: the request carries bad after content-length; rule is the
// requirement it breaks.
func h2MalformedCase(id, title, rule, mutant string, bad ...conv.Field) Case {
	return Case{
		ID:           id,
		Scenario:     "T43",
		Title:        title,
		Requirements: []string{rule, "H2-MALFORMED-STREAM-ERROR"},
		Witnesses: []Witness{
			passes("ref-h2-continue"), passes("ref-h2-early-reset"), passes("ref-h2-gateway"),
			fails(mutant, rule), fails(mutant, "H2-MALFORMED-STREAM-ERROR"),
		},
		// A gateway is the origin towards its client (RFC 9110 §3.7): it must not forward a
		// malformed request, which shows here as the origin's 100 or 200 coming back.
		Roles:     []Role{Origin, Gateway},
		Protocols: h2Protocols,
		Client: func(env Env) conv.Script {
			return script(
				h2Head(env, "head", env.Path, false, bad...),
				h2Content("body"),
				awaitClose("answer", env.Timing.Response),
			)
		},
		Judge: onClient(func(env Env, tl *conv.Timeline) Outcome {
			return judgeH2Malformed(env, tl, rule, fieldsText(bad))
		}),
	}
}

var (
	h2UppercaseExpect = h2MalformedCase("origin/h2-uppercase-expect-name",
		"Over HTTP/2, a request whose field name has an uppercase letter (Expect) is malformed: it is reset with PROTOCOL_ERROR or refused, never processed",
		"H2-FIELD-VALIDITY", "mut-h2-accepts-uppercase-name", conv.Field{Name: "Expect", Value: "100-continue"})
	h2PaddedExpect = h2MalformedCase("origin/h2-expect-leading-space",
		"Over HTTP/2, a request whose expect value starts with a space is malformed: it is reset with PROTOCOL_ERROR or refused, never processed",
		"H2-FIELD-VALIDITY", "mut-h2-accepts-padded-value", conv.Field{Name: "expect", Value: " 100-continue"})
	h2ConnectionField = h2MalformedCase("origin/h2-connection-field-with-expect",
		"Over HTTP/2, a request with expect and a connection-specific field (connection: keep-alive) is malformed: it is reset with PROTOCOL_ERROR or refused, never processed",
		"H2-CONN-SPECIFIC", "mut-h2-accepts-connection-field", expectContinue, conv.Field{Name: "connection", Value: "keep-alive"})
)

// fieldsText shows fields as sent, each value quoted so a leading space shows.
func fieldsText(fields []conv.Field) string {
	s := ""
	for i, f := range fields {
		if i > 0 {
			s += ", "
		}
		s += f.Name + ": " + strconv.Quote(f.Value)
	}
	return s
}

// judgeH2Malformed reads the first thing the server did about stream 1, in the order it came:
// a response header block, a reset of the stream, GOAWAY, or the end of the connection.
func judgeH2Malformed(env Env, tl *conv.Timeline, rule, sent string) Outcome {
	var j Judgement
	for i, e := range tl.Events {
		switch {
		case e.Kind == conv.EvFIN || e.Kind == conv.EvRST:
			// As silence: a close may be the server's idle timeout, which no verdict may rest on.
			j.NA("sent %s: the server closed the connection with no response, reset or GOAWAY, so how it treats the malformed request is unknown (ending a connection is always allowed)", sent)
			return j.Outcome()
		case e.Kind != conv.EvFrame || e.Frame == nil || e.Frame.Sent:
			continue
		}
		f := e.Frame
		switch {
		case f.Type == "GOAWAY" && f.Code == conv.CodeProtocolError:
			j.Pass(rule, "sent %s: the server ended the connection with GOAWAY(PROTOCOL_ERROR), treating the malformed request as a connection error (RFC 9113 §5.4.1)", sent)
			j.Pass("H2-MALFORMED-STREAM-ERROR", "no response to the malformed request")
			return j.Outcome()
		case f.Type == "GOAWAY":
			j.Info("H2-MALFORMED-STREAM-ERROR", "sent %s: the server ended the connection with GOAWAY %s before any response: allowed, but that code does not say the request was found malformed", sent, codeName(f.Code))
			return j.Outcome()
		case f.Stream != 1:
			continue
		case f.Type == "RST_STREAM" && f.Code == conv.CodeProtocolError:
			j.Pass(rule, "sent %s: the server reset the stream with PROTOCOL_ERROR before any response", sent)
			j.Pass("H2-MALFORMED-STREAM-ERROR", "the malformed request was a stream error of type PROTOCOL_ERROR")
			return j.Outcome()
		case f.Type == "RST_STREAM":
			j.Pass(rule, "sent %s: the server reset the stream before any response, so it did not process the request", sent)
			j.Warn("H2-MALFORMED-STREAM-ERROR", "reset the stream with %s: RFC 9113 §8.1.1 makes a malformed request a stream error of type PROTOCOL_ERROR", codeName(f.Code))
			return j.Outcome()
		case f.Type == "HEADERS" && statusField(f.Fields) == "100":
			return judgeContinueToMalformed(tl.Events[i+1:], rule, sent)
		case f.Type == "HEADERS" && len(f.Fields) > 0:
			return judgeMalformedAnswer(statusField(f.Fields), rule, sent)
		}
	}
	j.NA("sent %s: nothing about stream 1 arrived within %s, so how the server treats the malformed request is unknown", sent, ms(env.Timing.Response))
	return j.Outcome()
}

// judgeContinueToMalformed judges a 100 as the first answer to a malformed request by what
// followed it on the stream. A 100 invites the content, as for a normal request; but RFC 9113
// §8.1.1 lets a server send a response before it resets, so only a 2xx after it shows the
// request processed (fail); a reset or a refusal after it is a warning.
func judgeContinueToMalformed(rest []conv.Event, rule, sent string) Outcome {
	var j Judgement
	then := "nothing more about the stream"
	for _, e := range rest {
		f := e.Frame
		if e.Kind != conv.EvFrame || f == nil || f.Sent || f.Type != "GOAWAY" && f.Stream != 1 {
			continue
		}
		code, _ := strconv.Atoi(statusField(f.Fields))
		switch {
		case f.Type == "HEADERS" && code >= 200 && code < 300:
			j.Fail(rule, "sent %s, which makes the request malformed in HTTP/2, and the server answered 100, then %d: it processed the request as a normal one", sent, code)
			j.Fail("H2-MALFORMED-STREAM-ERROR", "a malformed request is a stream error of type PROTOCOL_ERROR (RFC 9113 §8.1.1): reset the stream, with a 400 before it if you like, and never answer it as a normal request")
			return j.Outcome()
		case f.Type == "HEADERS" && code >= 200:
			then = "a " + strconv.Itoa(code)
		case f.Type == "RST_STREAM" || f.Type == "GOAWAY":
			then = f.Type + " " + codeName(f.Code)
		default:
			continue
		}
		break
	}
	j.Warn(rule, "sent %s, which makes the request malformed in HTTP/2, and the server first answered 100, inviting the content as for a normal request, then %s; a response before the reset is allowed (RFC 9113 §8.1.1), but a 100 suggests the request was taken as a normal one", sent, then)
	return j.Outcome()
}

// judgeMalformedAnswer judges the first response header block to a malformed request.
func judgeMalformedAnswer(status, rule, sent string) Outcome {
	var j Judgement
	code, _ := strconv.Atoi(status)
	switch {
	case code == 400:
		j.Pass(rule, "sent %s: the server refused the request with a 400", sent)
		j.Pass("H2-MALFORMED-STREAM-ERROR", "a server may send a response before it resets the stream of a malformed request (RFC 9113 §8.1.1)")
	case code > 100 && code < 200:
		// 102, 103 (Early Hints) or another 1xx can go out before a server validates the
		// request (a front end's early hints), and RFC 9113 §8.1.1 lets it send a response
		// before it resets: unlike a 100, it does not invite the content, so it proves no
		// processing
		j.Warn(rule, "sent %s, which makes the request malformed in HTTP/2, and the server first answered %d; an interim response before the reset is not clearly allowed or forbidden, but it suggests the request was taken as a normal one", sent, code)
	case code >= 200 && code < 300: // a 100 is judgeContinueToMalformed's
		j.Fail(rule, "sent %s, which makes the request malformed in HTTP/2, and the server answered %d: it processed the request as a normal one", sent, code)
		j.Fail("H2-MALFORMED-STREAM-ERROR", "a malformed request is a stream error of type PROTOCOL_ERROR (RFC 9113 §8.1.1): reset the stream, with a 400 before it if you like, and never send a %d", code)
	case code >= 400 && code < 500:
		j.Info(rule, "sent %s: the server refused the request with a %d, not a 400, so whether it found the request malformed or refused it for another reason is unclear", sent, code)
	default:
		j.Warn(rule, "sent %s, which makes the request malformed in HTTP/2, and the server answered %s, where a reset with PROTOCOL_ERROR or a 400 was due", sent, status)
	}
	return j.Outcome()
}
