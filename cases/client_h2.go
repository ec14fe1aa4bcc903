package cases

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/expectspec/expectspec/harness/conv"
)

// T44, a client under test over HTTP/2: the suite's origin (its HTTP/2 side) answers the head
// of the upload with a 100 and a 103, the final response as soon as the content starts, ending
// its side of the stream, then RST_STREAM(NO_ERROR) to stop the rest of the upload, as RFC 9113
// §8.1 lets a server do. The client must keep that response (H2-CLIENT-KEEP-RESPONSE) and get
// through the 1xx to it (CLI-PARSE-1XX). What it does with the rest of its content is its own
// business: the reset is the explicit indication to stop that CLI-CONTINUE-ON-EARLY-RESPONSE
// allows for, and finishing anyway is harmless, so the upload is reported, never judged. Over
// HTTP/2 Expect is optional, so the keep-response claim is judged whether or not it was sent.

// earlyHintsOverH2 are the 1xx on the head: 100, then 103 with a link (RFC 8297).
const earlyHintsOverH2 conv.RawMessage = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n"

var clientH2Cases = []Case{{
	ID: "client/h2-keeps-response-after-reset", Scenario: "T44",
	Title:        "Over HTTP/2, a client keeps a complete final response that came before the end of its upload, with RST_STREAM(NO_ERROR) behind it",
	Requirements: []string{"H2-CLIENT-KEEP-RESPONSE", "CLI-PARSE-1XX", "CLI-CONTINUE-ON-EARLY-RESPONSE"},
	Witnesses: []Witness{passes("ref-client-h2"), passes("ref-client-go-h2"),
		fails("mut-client-h2-discards-on-reset", "H2-CLIENT-KEEP-RESPONSE")},
	Roles: clientOnly, Upload: largeUpload, Protocols: []conv.Protocol{conv.H2},
	Origin: func(env Env) conv.OriginScript {
		return conv.OriginScript{OnHead: conv.HeadContinueThenFinal, Continue: earlyHintsOverH2, Early: clientFinal(env), AfterEarly: conv.EarlyResetNoError}
	},
	Judge: onClientRun(judgeKeepAfterReset),
}}

// clientH2Accepts says what each HTTP/2 client case's judge accepts (caseAccepts, CATALOGUE.md).
var clientH2Accepts = map[string]string{
	"client/h2-keeps-response-after-reset": "The final response returned, exit status 0: a pass when the client's output shows its content, info when the output shows no content at all. An error exit, a hang, or output without the final's content fails. Whether the client stops its upload at the reset, finishes it, or resets its stream itself, and whether it sent Expect, is info. na when the client did not speak HTTP/2 or sent no content.",
}

// h2Upload is the client's upload stream: the first request over HTTP/2 that declared content
// or left its stream open for DATA.
func h2Upload(rec conv.OriginRecord) (conv.OriginRequest, bool) {
	for _, q := range rec.Requests {
		if q.Proto == "HTTP/2" && (hasContent(q) || q.Framing == "data") {
			return q, true
		}
	}
	return conv.OriginRequest{}, false
}

func judgeKeepAfterReset(env Env, rep conv.ClientReport, rec conv.OriginRecord) Outcome {
	var j Judgement
	const req = "H2-CLIENT-KEEP-RESPONSE"
	q, ok := h2Upload(rec)
	switch {
	case rec.Requests[0].Proto != "HTTP/2":
		j.NA("the client spoke %s to the suite's server (%q), not HTTP/2, so there was no stream to reset: run it over HTTP/2 (curl --http2)", rec.Requests[0].Proto, rec.Requests[0].RequestLine)
		return j.Outcome()
	case !ok:
		j.NA("the client sent no content for a %d-octet file over HTTP/2 (%q ended its stream), so no response could come before the end of the upload", largeUpload, rec.Requests[0].RequestLine)
		return j.Outcome()
	case !q.EarlyFinal:
		j.Fail("CLI-PARSE-1XX", "the server answered the head of %q with 100 and 103 and waited for content; the client sent none of it (%s): it stopped at an interim response", q.RequestLine, ending(rep))
		return j.Outcome()
	case q.ServerReset == "":
		j.NA("the client ended or reset its stream before the server's final response went out (%d of %d octets sent), so the server had no upload left to stop with RST_STREAM", q.ContentLen, q.DeclaredLength)
		return j.Outcome()
	}
	sent := "the server answered with 100, 103, the final 200 ending its side of the stream after the first " +
		fmt.Sprintf("%d octets of content, then RST_STREAM(NO_ERROR)", contentBeforeFinal(q))
	marker := strings.TrimSpace(finalMarker(env))
	// what the client did with the rest of its upload is no finding: the reset asks it to stop
	// (RFC 9113 §8.1), and finishing is harmless; it goes in the reason
	then := fmt.Sprintf(". Its upload: %s%s%s", h2UploadFate(q), expectNote(q), nextRequest(rec, q))
	switch {
	case rep.Killed:
		j.Fail(req, "%s; the client never reported the response: %s. RFC 9113 §8.1: a client must not discard a response because of such a reset; it stops sending and returns the response%s", sent, ending(rep), then)
	case rep.Exit != 0:
		j.Fail(req, "%s; the client failed instead of reporting the response: %s. RFC 9113 §8.1: a client must not discard a response because of such a reset (nor fail on the 1xx before it, RFC 9110 §15.2)%s", sent, ending(rep), then)
	case env.ClientShowsContent && bytes.Contains(rep.Stdout, []byte(marker)):
		j.Pass(req, "%s; the client got through the 1xx to the final response and returned it (its content is in the client's output), exit 0%s", sent, then)
	case env.ClientShowsContent:
		j.Fail(req, "%s; the client exited 0, but its output lacks the final response's content (%q): it discarded the response or returned another one%s", sent, marker, then)
	default:
		j.Info(req, "%s; the client exited 0, and its output shows no response content (the client check before the cases found so), so whether it kept the final response cannot be seen: print the response content to have this judged%s", sent, then)
	}
	return j.Outcome()
}

// nextRequest reports a request the client sent after its upload.
func nextRequest(rec conv.OriginRecord, q conv.OriginRequest) string {
	if len(rec.Requests) < 2 {
		return ""
	}
	n := rec.Requests[1]
	return fmt.Sprintf("; it then sent %q %s", n.RequestLine, sameOrNewConn(q, n))
}

// contentBeforeFinal is how much content had arrived when the final went out.
func contentBeforeFinal(q conv.OriginRequest) int64 {
	n := q.ContentLen
	for _, a := range q.AfterResponse {
		n -= int64(a.N)
	}
	return n
}

// h2UploadFate says what the client did with its upload after the final and the reset.
func h2UploadFate(q conv.OriginRequest) string {
	after := fmt.Sprintf("after the final and the reset, %d more octets arrived (%d of %d in all)", q.ContentLen-contentBeforeFinal(q), q.ContentLen, q.DeclaredLength)
	switch {
	case q.ClientReset != "":
		return after + fmt.Sprintf(", and the client reset its stream too, with %s", q.ClientReset)
	case q.EndStream:
		return after + ", and the client ended its stream (END_STREAM)"
	}
	return after + ", and the client stopped sending on the stream"
}

// expectNote says whether the client sent Expect; over HTTP/2 it need not (RFC 9110 §10.1.1 is
// a MAY for the client).
func expectNote(q conv.OriginRequest) string {
	if q.ExpectsContinue {
		return "; it had sent expect: 100-continue"
	}
	return "; it sent no expect: 100-continue, which it need not"
}
