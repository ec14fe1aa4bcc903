package cases

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"github.com/expectspec/expectspec/harness/conv"
)

// The judges of the client cases (client.go). They read the origin's record of what the client
// sent (when its content started against the head and the 100, which requests followed, on
// which connection) and what its command reported (exit status, whether the suite killed it at
// the deadline, its output). A client that sends no Expect where a case needs one is na, never
// a fail: sending the content at once is allowed (RFC 9110 §10.1.1).

// onClientRun makes a judge of a client case. A run without a report, a command that could
// not start and one that sent no request for the case's URL are errors: nothing of the client
// could be judged.
func onClientRun(judge func(Env, conv.ClientReport, conv.OriginRecord) Outcome) func(Env, Observed) Outcome {
	return func(env Env, seen Observed) Outcome {
		if seen.Reported == nil {
			return Outcome{Verdict: Error, Reason: "no report of the client's command (a defect of the suite)"}
		}
		rep := *seen.Reported
		if rep.StartErr != "" {
			return Outcome{Verdict: Error, Reason: "the client's command could not be started: " + rep.StartErr}
		}
		var rec conv.OriginRecord
		if seen.Origin != nil {
			rec = *seen.Origin
		}
		if len(rec.Requests) == 0 {
			return Outcome{Verdict: Error, Reason: fmt.Sprintf("the client made no request for the case's URL %s: %s", env.Target("upload"), ending(rep))}
		}
		return judge(env, rep, rec)
	}
}

// ending says how the command ended, with the tail of its stderr.
func ending(rep conv.ClientReport) string {
	var s string
	if rep.Killed {
		s = fmt.Sprintf("it was still running at the case's deadline, %s after it started, and was killed", ms(rep.Duration))
	} else {
		s = fmt.Sprintf("it exited with status %d after %s", rep.Exit, ms(rep.Duration))
	}
	if e := tail(rep.Stderr); e != "" {
		s += fmt.Sprintf(" (stderr: %q)", e)
	}
	return s
}

// tail is the last line or so of an output, for a reason.
func tail(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 160 {
		s = "…" + s[len(s)-160:]
	}
	return s
}

// hasContent: the request declared content (a positive Content-Length, or chunked).
func hasContent(q conv.OriginRequest) bool {
	return q.Framing == "chunked" || (q.Framing == "content-length" && q.DeclaredLength > 0)
}

// upload is the first request that declared content: the client's upload.
func upload(rec conv.OriginRecord) (conv.OriginRequest, bool) {
	for _, q := range rec.Requests {
		if hasContent(q) {
			return q, true
		}
	}
	return conv.OriginRequest{}, false
}

func judgeNoExpectWithoutContent(env Env, rep conv.ClientReport, rec conv.OriginRecord) Outcome {
	var j Judgement
	const req = "CLI-NO-EXPECT-WITHOUT-CONTENT"
	for _, q := range rec.Requests {
		switch {
		case hasContent(q) || !q.ExpectsContinue:
		case q.Framing == "none":
			j.Fail(req, "the client sent %q with Expect: 100-continue and no content at all (neither Content-Length nor Transfer-Encoding)", q.RequestLine)
		default:
			j.Warn(req, "the client sent %q with Expect: 100-continue and Content-Length: 0 for an empty file; whether empty content is content is unsettled (RFC 9110 §8.6 calls it empty content), and a server that reads it so answers 100 to nothing or waits", q.RequestLine)
		}
	}
	if j.Worst() == Pass {
		q := rec.Requests[0]
		expect := "no Expect: 100-continue"
		if q.ExpectsContinue {
			// only a request that declared content gets here with Expect: chunked framing, with
			// which a client does not say ahead that the content is empty
			expect = "Expect: 100-continue on content it declared"
		}
		j.Pass(req, "the client uploaded an empty file with %q (%s) and %s", q.RequestLine, framingOf(q), expect)
	}
	return j.Outcome()
}

func framingOf(q conv.OriginRequest) string {
	if q.Framing == "content-length" {
		return fmt.Sprintf("Content-Length: %d", q.DeclaredLength)
	}
	return "framing " + q.Framing
}

// withUpload judges the client's upload; a client that sent no content for the file of size
// octets gives the case nothing to judge (na: "so there was <nothing>").
func withUpload(size int64, nothing string, judge func(Env, conv.ClientReport, conv.OriginRequest) Outcome) func(Env, conv.ClientReport, conv.OriginRecord) Outcome {
	return func(env Env, rep conv.ClientReport, rec conv.OriginRecord) Outcome {
		q, ok := upload(rec)
		if !ok {
			var j Judgement
			j.NA("the client sent no content for a %d-octet file (%q), so there was %s", size, rec.Requests[0].RequestLine, nothing)
			return j.Outcome()
		}
		return judge(env, rep, q)
	}
}

func judgeWithholding(env Env, rep conv.ClientReport, q conv.OriginRequest) Outcome {
	var j Judgement
	const req = "CLI-EXPECT-IF-WAITING"
	start, started := contentStart(&q)
	switch {
	case q.ExpectsContinue:
		j.Pass(req, "the client announced with Expect: 100-continue that it may wait for a 100 before sending %s", framingOf(q))
	case !started:
		j.Fail(req, "the client sent a head with %s and no Expect: 100-continue, then none of the content while the server waited for it; %s", framingOf(q), ending(rep))
	case start-q.HeadAt >= env.Timing.Immediate:
		j.Fail(req, "the client sent a head with %s and no Expect: 100-continue, and held the content back for %s after it: a server that does not know it should answer waits", framingOf(q), ms(start-q.HeadAt))
	default:
		j.Pass(req, "without Expect, the client sent its content %s after the head", ms(start-q.HeadAt))
	}
	return j.Outcome()
}

func judgeBoundedWait(env Env, rep conv.ClientReport, q conv.OriginRequest) Outcome {
	var j Judgement
	const req = "CLI-NO-INDEFINITE-WAIT"
	start, started := contentStart(&q)
	switch {
	case !q.ExpectsContinue:
		j.NA("the client sent no Expect: 100-continue for a %d-octet upload (which is allowed), so there was no wait for a 100 to measure", largeUpload)
	case started:
		j.Pass(req, "the server never answered the head; the client waited %s for a 100, then sent its content", ms(start-q.HeadAt))
	case rep.Killed:
		j.Warn(req, "the server never answered the head, and the client, after Expect: 100-continue, had not sent its content %s later when the case's deadline killed it: a server that cannot send 100 (an HTTP/1.0 hop) never gets the upload", ms(rep.Duration))
	default:
		j.Warn(req, "the server never answered the head, and the client, after Expect: 100-continue, gave up without sending its content: %s", ending(rep))
	}
	return j.Outcome()
}

func judgeRetryAfter417(env Env, rep conv.ClientReport, rec conv.OriginRecord) Outcome {
	var j Judgement
	const req = "CLI-417-RETRY-WITHOUT"
	first, ok := upload(rec)
	if !ok || !first.ExpectsContinue {
		j.NA("the client sent no Expect: 100-continue for a %d-octet upload (which is allowed), so the server had no expectation to refuse with 417", largeUpload)
		return j.Outcome()
	}
	var again bool
	for _, q := range rec.Requests {
		if q.Conn == first.Conn && q.Seq <= first.Seq || !hasContent(q) {
			continue
		}
		if !q.ExpectsContinue {
			j.Pass(req, "after the 417 the client repeated the upload without Expect: 100-continue (%s, %d of %d octets arrived)%s", sameOrNewConn(first, q), q.ContentLen, q.DeclaredLength, skipped(first))
			return j.Outcome()
		}
		again = true
	}
	if again {
		j.Warn(req, "after the 417 the client repeated the upload with Expect: 100-continue again, which a chain that does not support expectations refuses again")
	} else {
		j.Warn(req, "after the 417 to its Expect: 100-continue the client did not repeat the upload without the expectation, so it failed where any HTTP/1.0 hop would refuse it: %s", ending(rep))
	}
	return j.Outcome()
}

// skipped notes a retry sent on the refused request's connection without that request's
// declared content: a server that keeps reading after its 417, as one that does not say close
// may, takes the retry for that content (see client/early-final-keep-alive).
func skipped(first conv.OriginRequest) string {
	if !first.NextRequestOnConn {
		return ""
	}
	return fmt.Sprintf("; it sent the repeat on the refused request's connection with none of the %d octets that request had declared, which a server still reading them after its 417 takes as content", first.DeclaredLength)
}

func sameOrNewConn(a, b conv.OriginRequest) string {
	if a.Conn == b.Conn {
		return "on the same connection"
	}
	return "on a new connection"
}

// judgeInterims judges a T63 run: the client must get through the interim responses to the
// final one. invalid: the 1xx breaks a server's rule (Content-Length), so a client that
// rejects it with an error is reported, not failed. needsNoExpect: the case is about a 100 the
// client did not ask for.
func judgeInterims(what string, invalid, needsNoExpect bool) func(Env, conv.ClientReport, conv.OriginRecord) Outcome {
	return func(env Env, rep conv.ClientReport, rec conv.OriginRecord) Outcome {
		var j Judgement
		const req = "CLI-PARSE-1XX"
		q := rec.Requests[0]
		if needsNoExpect && q.ExpectsContinue {
			j.NA("the client sent Expect: 100-continue even for a %d-octet upload, so the 100 was one it asked for", smallUpload)
			return j.Outcome()
		}
		marker := strings.TrimSpace(finalMarker(env))
		switch {
		case rep.Killed:
			j.Fail(req, "the server sent %s and, once the content was in, the final response; the client did not get through: %s", what, ending(rep))
		case rep.Exit != 0 && invalid:
			j.Info(req, "the client failed on %s (which a server must not send, RFC 9110 §8.6; a recipient ends a 1xx at its empty line): %s", what, ending(rep))
		case rep.Exit != 0:
			j.Fail(req, "the server sent %s and then the final response; the client failed: %s", what, ending(rep))
		case q.ExpectsContinue && hasContent(q) && !q.Complete:
			j.Fail(req, "the client sent Expect: 100-continue, received %s, and ended (exit 0) without sending its content: it took an interim response for the final one", what)
		case env.ClientShowsContent && bytes.Contains(rep.Stdout, []byte(marker)):
			j.Pass(req, "the client received %s and returned the final response (its content is in the client's output)", what)
		case env.ClientShowsContent:
			j.Fail(req, "the client received %s and exited 0, but its output lacks the final response's content (%q): it returned another response, such as the 1xx, as the final one", what, marker)
		default:
			j.Info(req, "the client received %s and completed the exchange (exit 0); its output shows no response content (the client check before the cases found so), so whether it returned the final response or a 1xx cannot be seen: print the response content to have this judged", what)
		}
		return j.Outcome()
	}
}

func judgeEarlyFinalClose(env Env, rep conv.ClientReport, rec conv.OriginRecord) Outcome {
	var j Judgement
	q := rec.Requests[0]
	path := []byte(conv.OriginPath(env.Token, ""))
	switch {
	case bytes.Contains(q.AfterBytes, path):
		j.Fail("CLI-HONOR-CLOSE", "after the 303 with Connection: close, the client sent another request on that connection (%d octets arrived after the response)", len(q.AfterBytes))
	case rep.Killed:
		j.Warn("CLI-STOP-ON-CLOSE", "after the 303 with Connection: close, and the server's close, the client neither ended nor moved on: %s", ending(rep))
	case len(rec.Requests) > 1:
		j.Pass("CLI-HONOR-CLOSE", "after the 303 with Connection: close, the client followed it %s%s", sameOrNewConn(q, rec.Requests[1]), inFlight(q))
	default:
		j.Pass("CLI-HONOR-CLOSE", "after the 303 with Connection: close, the client sent nothing more on that connection (%s)%s", ending(rep), inFlight(q))
	}
	return j.Outcome()
}

// inFlight reports the content that still arrived after a closing response. It is no finding:
// how much of it was on its way before the client read the response is the machines' timing.
func inFlight(q conv.OriginRequest) string {
	if len(q.AfterBytes) == 0 {
		return ""
	}
	return fmt.Sprintf("; %d octets of content arrived after the response, sent before the client read it or after (CLI-STOP-ON-CLOSE asks it to stop)", len(q.AfterBytes))
}

func judgeEarlyFinalKeepAlive(env Env, rep conv.ClientReport, rec conv.OriginRecord) Outcome {
	var j Judgement
	q := rec.Requests[0]
	switch {
	case q.NextRequestOnConn:
		j.Fail("INT-NO-FORWARD-WRONG-CL", "after the early 303, the client sent %q on the same connection before it had sent the %d octets its Content-Length declared (%d arrived): to the server that request is content, and the client's responses no longer match its requests", q.NextRequestLine, q.DeclaredLength, q.ContentLen)
	case rep.Killed && !q.Complete && !closedBeforeKill(q, rep):
		j.Warn("CLI-CONTINUE-ON-EARLY-RESPONSE", "after the early 303 (no close), the client neither finished its content nor closed the connection: %s", ending(rep))
	case q.Complete:
		j.Pass("INT-NO-FORWARD-WRONG-CL", "after the early 303 the client finished the %d octets it declared%s", q.DeclaredLength, followed(rec))
	default:
		// Finishing and closing are both allowed (RFC 9112 §9.5: any party may close at any
		// time), and which one a client gets to depends on how much it had written when it read
		// the 303: the machines' timing, so both pass alike.
		j.Pass("INT-NO-FORWARD-WRONG-CL", "after the early 303 the client stopped after %d of %d octets and closed the connection, sending no request inside its unfinished content%s", q.ContentLen, q.DeclaredLength, followed(rec))
	}
	return j.Outcome()
}

// killMargin separates a close of the client's own from the one its kill at the deadline causes.
const killMargin = 500 * time.Millisecond

// closedBeforeKill: the client closed the connection of q well before the suite killed it (rep
// is the report of a killed client). A close by the origin (its idle timeout, which a scaled
// deadline can outlast) is not the client's.
func closedBeforeKill(q conv.OriginRequest, rep conv.ClientReport) bool {
	return closedByPeer(&q) && q.ClosedAt+killMargin < rep.StartedAt+rep.Duration
}

func followed(rec conv.OriginRecord) string {
	if len(rec.Requests) < 2 {
		return ""
	}
	return ", then followed it " + sameOrNewConn(rec.Requests[0], rec.Requests[1])
}

func judgeOrphan100(env Env, rep conv.ClientReport, rec conv.OriginRecord) Outcome {
	var j Judgement
	if len(rec.Requests) < 2 {
		j.NA("the client did not follow the 303 (%s), so it sent no next request to which the stray 100 could be attached", ending(rep))
		return j.Outcome()
	}
	first, next := rec.Requests[0], rec.Requests[1]
	if next.Conn != first.Conn {
		j.Pass("CLI-NO-ORPHAN-RESPONSE", "a 100 arrived after the final 303 with no request outstanding; the client did not reuse that connection and followed the 303 on a new one")
		return j.Outcome()
	}
	j.Warn("CLI-NO-ORPHAN-RESPONSE", "a 100 arrived after the final 303 with no request outstanding, and the client sent its next request on that connection anyway; a client should close such a connection")
	marker := []byte("expectspec next " + env.Token)
	switch {
	case rep.Killed || rep.Exit != 0:
		j.Fail("CLI-ASSOCIATE-RESPONSES", "the next request then did not complete: %s", ending(rep))
	case env.ClientShowsContent && !bytes.Contains(rep.Stdout, marker):
		j.Fail("CLI-ASSOCIATE-RESPONSES", "the client's output lacks the next request's response content (%q): it took the stray 100 for that request's response", marker)
	}
	return j.Outcome()
}
