package cases

import (
	"github.com/expectspec/expectspec/harness/conv"
)

// T43e: the field rules of HTTP/2 also say what is NOT malformed. RFC 9113 §8.2.2 bars the
// connection-specific fields from HTTP/2 with one exception: `te` whose value is `trailers`,
// which a client sends to say it accepts trailers (gRPC clients always do). A server that counts
// it among the barred fields resets or refuses every such request, an upload with Expect
// included. (T43c, the expect value's case, is the value spellings of T02 run over HTTP/2:
// spelling.go.)

// teTrailers is the one connection-specific field HTTP/2 allows.
var teTrailers = conv.Field{Name: "te", Value: "trailers"}

// h2TETrailers is T43e: T01 over HTTP/2 with `te: trailers` beside the expectation.
var h2TETrailers = Case{
	ID:           "origin/h2-te-trailers-with-expect",
	Scenario:     "T43",
	Title:        "Over HTTP/2, `te: trailers` is allowed (the one connection-specific field that is): a request with it and expect: 100-continue is processed as usual, a 100 (Continue) or a final status at once, never reset or refused as malformed",
	Requirements: []string{"H2-CONN-SPECIFIC", "EXP-ORIGIN-IMMEDIATE", "EXP-ORIGIN-NO-WAIT", "EXP-FINAL-AFTER-100"},
	Witnesses: []Witness{
		passes("ref-h2-continue"), passes("ref-h2-early-reset"),
		fails("mut-h2-rejects-te-trailers", "H2-CONN-SPECIFIC"),
		fails("mut-h2-no-continue", "EXP-ORIGIN-IMMEDIATE"),
		fails("mut-h2-no-continue", "EXP-ORIGIN-NO-WAIT"),
	},
	Roles:     []Role{Origin},
	Protocols: h2Protocols,
	Client: func(env Env) conv.Script {
		return h2WithheldThenContent(env, env.Path, expectContinue, teTrailers)
	},
	Judge: onClient(judgeH2TETrailers),
}

var h2ValidCases = []Case{h2TETrailers}

// teSent is how the reasons name the request.
const teSent = "`te: trailers` with `expect: 100-continue`"

// judgeH2TETrailers: a reset with PROTOCOL_ERROR (of the stream, or of the connection by
// GOAWAY) before any response treats the request as malformed, which it is not (fail); a 400 as
// the first response, or a reset with another code, likely does (warn). Anything else is T01's
// judgement.
func judgeH2TETrailers(env Env, tl *conv.Timeline) Outcome {
	var j Judgement
	if f, ok := firstOnStream1(tl); ok && f.Type != "HEADERS" {
		switch {
		case f.Code == conv.CodeProtocolError:
			j.Fail("H2-CONN-SPECIFIC", "sent %s, and the server ended the %s with PROTOCOL_ERROR before any response: it took the request as malformed, but RFC 9113 §8.2.2 allows te with the value trailers", teSent, resetScope(f))
		default:
			// REFUSED_STREAM, INTERNAL_ERROR …: no answer, but nothing says the field was why.
			j.Warn("H2-CONN-SPECIFIC", "sent %s, and the server ended the %s with %s before any response: the request went unprocessed; whether te: trailers was the cause is unclear (if origin/immediate-100 passes over HTTP/2, it likely was)", teSent, resetScope(f), codeName(f.Code))
		}
		return j.Outcome()
	}
	first, ok := judgeWithheldInto(&j, env, tl)
	switch {
	case !ok:
	case first.Msg.Status == 400:
		// A 400 names no rule, unlike a reset with PROTOCOL_ERROR: te is the likely cause, not a
		// proven one.
		j.Warn("H2-CONN-SPECIFIC", "sent %s, and the server refused it with a 400: RFC 9113 §8.2.2 allows te with the value trailers, so the request is well-formed; whether te: trailers was the cause is unclear (if origin/immediate-100 passes over HTTP/2, it likely was)", teSent)
	default:
		j.Pass("H2-CONN-SPECIFIC", "sent %s, and the server answered %s: it took the request as a well-formed one", teSent, status(first.Msg))
	}
	return j.Outcome()
}

// firstOnStream1 is the first frame the server sent that settles stream 1: a response header
// block, RST_STREAM on the stream, or GOAWAY. A GOAWAY other than PROTOCOL_ERROR lets the
// streams it names finish, so it settles nothing and the search goes on.
func firstOnStream1(tl *conv.Timeline) (*conv.FrameInfo, bool) {
	for _, e := range tl.Frames(0) {
		f := e.Frame
		switch {
		case f.Type == "GOAWAY" && f.Code == conv.CodeProtocolError:
			return f, true
		case f.Stream != 1:
		case f.Type == "RST_STREAM", f.Type == "HEADERS" && statusField(f.Fields) != "":
			return f, true
		}
	}
	return nil, false
}

// resetScope names what a reset frame ended.
func resetScope(f *conv.FrameInfo) string {
	if f.Type == "GOAWAY" {
		return "connection (GOAWAY)"
	}
	return "stream (RST_STREAM)"
}
