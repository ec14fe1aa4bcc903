package cases

import (
	"strconv"

	"github.com/expectspec/expectspec/harness/conv"
)

// The HTTP/2 cases: scenarios T40, T41a and T42 (CATALOGUE.md). RFC 9113 has no rule of its own
// about Expect; RFC 9110 §10.1.1 applies to HTTP/2 as to HTTP/1.1, and RFC 9113 §8.1 says how the
// responses travel: any number of interim responses, each a header block with :status and no
// END_STREAM, then one final response, after which no further 1xx header block may come. The
// scripts are h2 steps on stream 1; the judges read Messages() (the driver lists a stream's
// responses in the order their header blocks arrived) and, for what only h2 has, the frames.

// h2Protocols are the protocols an HTTP/2 case applies to.
var h2Protocols = []conv.Protocol{conv.H2, conv.H2C}

// unopenedStream is a stream no h2 script opens: a wait for its end lasts until the connection
// ends or the wait's deadline, so it listens after the awaited stream has ended.
const unopenedStream = 1<<31 - 1

// h2Head is the request header block the h2 cases send on stream 1: a POST of len(body) octets
// to path, with the extra fields (lowercase, as HTTP/2 requires) after content-length.
func h2Head(env Env, label, path string, endStream bool, extra ...conv.Field) conv.Step {
	scheme := "http"
	if env.Secure {
		scheme = "https"
	}
	fields := append([]conv.Field{{Name: ":method", Value: "POST"}, {Name: ":scheme", Value: scheme},
		{Name: ":authority", Value: env.Host}, {Name: ":path", Value: path},
		{Name: "content-length", Value: strconv.Itoa(len(body))}}, extra...)
	return conv.Headers(label, endStream, writeWithin, fields...)
}

var expectContinue = conv.Field{Name: "expect", Value: "100-continue"}

// h2Content sends the 5-octet content on stream 1, ending the request.
func h2Content(label string) conv.Step { return conv.Data(label, []byte(body), true, writeWithin) }

// h2Quiet is quietAfterFinal over HTTP/2: a 1xx header block the server sends after its final
// arrives within Quiet, and a reset of the stream after the final's END_STREAM is seen.
func h2Quiet(env Env) conv.Step {
	st := awaitClose("after", env.Timing.Quiet)
	st.H2.Stream = unopenedStream
	return st
}

// h2WithheldThenContent is withheldThenContent over HTTP/2: the header block without
// END_STREAM, a wait for a first response, the content, the final, then listening a while.
func h2WithheldThenContent(env Env, path string, extra ...conv.Field) conv.Script {
	return script(
		h2Head(env, "head", path, false, extra...),
		awaitMessage("first", env.Timing.Max),
		h2Content("body"),
		awaitFinals("final", 1, env.Timing.Response),
		h2Quiet(env),
	)
}

// h2ContinueAsHeaders is T40: the 100 travels as a header block with no END_STREAM (an
// interim response cannot end the stream, RFC 9113 §8.1), and the final follows the content.
var h2ContinueAsHeaders = Case{
	ID:       "origin/h2-continue-as-headers",
	Scenario: "T40",
	Title:    "Over HTTP/2, with the content withheld the server answers at once; a 100 (Continue) is a HEADERS frame without END_STREAM, and the final response follows the content",
	Requirements: []string{"EXP-ORIGIN-IMMEDIATE", "EXP-ORIGIN-NO-WAIT", "H2-INTERIM-HEADERS", "H2-1XX-NO-END-STREAM",
		"EXP-FINAL-AFTER-100", "IR-SEQUENCE-ONE-FINAL", "H2-NO-HEADERS-AFTER-FINAL", "IR-NO-CONTENT-LENGTH", "IR-NO-TRANSFER-ENCODING",
		"IR-NO-CONTENT"},
	Witnesses: []Witness{
		passes("ref-h2-continue"),
		fails("mut-h2-100-end-stream", "H2-1XX-NO-END-STREAM"),
		fails("mut-h2-no-continue", "EXP-ORIGIN-IMMEDIATE"),
		fails("mut-h2-no-continue", "EXP-ORIGIN-NO-WAIT"),
		fails("mut-h2-interim-after-final", "IR-SEQUENCE-ONE-FINAL"),
		fails("mut-h2-interim-after-final", "H2-NO-HEADERS-AFTER-FINAL"),
		fails("mut-h2-100-content-length", "IR-NO-CONTENT-LENGTH"),
		fails("mut-h2-data-after-100", "IR-NO-CONTENT"),
	},
	Roles:     []Role{Origin},
	Protocols: h2Protocols,
	Client: func(env Env) conv.Script {
		return h2WithheldThenContent(env, env.Path, expectContinue)
	},
	Judge: onClient(func(env Env, tl *conv.Timeline) Outcome {
		var j Judgement
		judgeWithheldInto(&j, env, tl)
		interimFrames(&j, tl)
		interimWithoutData(&j, tl)
		h2NothingAfterFinal(&j, tl)
		return j.Outcome()
	}),
}

// interimWithoutData applies RFC 9110 §15.2 (an interim response has no content) to HTTP/2, where
// RFC 9113 §8.1 lets DATA follow only the final response's header block: DATA on stream 1 after
// an interim header block and before the final's is content the 100 cannot have.
func interimWithoutData(j *Judgement, tl *conv.Timeline) {
	interim := 0
	for _, e := range tl.Frames(1) {
		f := e.Frame
		switch {
		case f.Type == "HEADERS" && len(f.Fields) > 0:
			code, _ := strconv.Atoi(statusField(f.Fields))
			if code >= 200 {
				if interim > 0 {
					j.Pass("IR-NO-CONTENT", "no DATA came between the interim response and the final")
				}
				return
			}
			interim = code
		case f.Type == "DATA" && interim > 0 && f.Length > 0:
			j.Fail("IR-NO-CONTENT", "after the %d and before any final response, the server sent %d octets of DATA: an interim response has no content (RFC 9110 §15.2), and over HTTP/2 DATA follows only the final's header block (RFC 9113 §8.1)", interim, f.Length)
			return
		}
	}
}

// interimFrames checks the frame of every interim response on stream 1: a header block with
// END_STREAM that carries a 1xx is malformed (RFC 9113 §8.1), and it ends the stream before any
// final response could come.
func interimFrames(j *Judgement, tl *conv.Timeline) {
	n := 0
	for _, e := range tl.Frames(1) {
		f := e.Frame
		if f.Type != "HEADERS" || len(f.Fields) == 0 {
			continue
		}
		code, _ := strconv.Atoi(statusField(f.Fields))
		if code < 100 || code > 199 {
			continue
		}
		if f.EndStream() {
			j.Fail("H2-1XX-NO-END-STREAM", "the %d came in a HEADERS frame with END_STREAM, which makes it malformed and ends the stream before the final response", code)
			return
		}
		n++
	}
	if n > 0 {
		j.Pass("H2-1XX-NO-END-STREAM", "%d interim response(s), each a HEADERS frame without END_STREAM", n)
	}
}

// statusField is a header block's :status.
func statusField(fields []conv.Field) string {
	for _, f := range fields {
		if f.Name == ":status" {
			return f.Value
		}
	}
	return ""
}

// h2NothingAfterFinal applies RFC 9113 §8.1 to the order of the responses: after a final
// response, a further header block with a 1xx makes the response malformed, and a client must
// treat it so (H2-NO-HEADERS-AFTER-FINAL). interimsAfterFinal fails the same sequence as
// IR-SEQUENCE-ONE-FINAL; this names the HTTP/2 consequence.
func h2NothingAfterFinal(j *Judgement, tl *conv.Timeline) {
	final := false
	for _, m := range tl.Messages() {
		switch {
		case !m.Msg.Interim():
			final = true
		case final:
			j.Fail("H2-NO-HEADERS-AFTER-FINAL", "a %s header block followed the final response on the stream: a client must treat the response as malformed and drop it", status(m.Msg))
			return
		}
	}
	if final {
		j.Pass("H2-NO-HEADERS-AFTER-FINAL", "no header block followed the final response")
	}
}

// h2NoInterimAfterFinal is T42: with the content sent at once, the server may send a 100 or
// not (the content is already there), but nothing with a 1xx after the final's header block.
var h2NoInterimAfterFinal = Case{
	ID:           "origin/h2-no-interim-after-final",
	Scenario:     "T42",
	Title:        "Over HTTP/2, no interim (1xx) header block follows the final response on its stream",
	Requirements: []string{"IR-SEQUENCE-ONE-FINAL", "H2-NO-HEADERS-AFTER-FINAL", "H2-INTERIM-HEADERS", "EXP-MAY-OMIT-100"},
	Witnesses: []Witness{
		passes("ref-h2-continue"), passes("ref-h2-gateway"),
		fails("mut-h2-interim-after-final", "IR-SEQUENCE-ONE-FINAL"),
		fails("mut-h2-interim-after-final", "H2-NO-HEADERS-AFTER-FINAL"),
	},
	Roles:     []Role{Origin, Gateway}, // a gateway is the origin towards its client (RFC 9110 §3.7)
	Protocols: h2Protocols,
	Client: func(env Env) conv.Script {
		return script(
			h2Head(env, "head", env.Path, false, expectContinue),
			h2Content("body"),
			awaitFinals("final", 1, env.Timing.Response),
			h2Quiet(env),
		)
	},
	Judge: onClient(func(env Env, tl *conv.Timeline) Outcome {
		var j Judgement
		if len(tl.Finals()) == 0 {
			j.NA("no final response arrived within %s, so the order after it could not be checked", ms(env.Timing.Response))
			return j.Outcome()
		}
		interimsAfterFinal(&j, tl, "")
		h2NothingAfterFinal(&j, tl)
		return j.Outcome()
	}),
}
