package cases

import (
	"fmt"

	"github.com/expectspec/expectspec/harness/conv"
)

// The client cases (T60-T65): the target is a client, run as a command against a URL on the
// suite's scripted origin, which plays a server that answers the head with 417, never answers
// it, sends odd 1xx, answers early or leaves a stray 100 behind its final response. Each case
// is its Origin side and one judge of the origin's record and what the command reported
// (client_judge.go); HTTP/1.1 in cleartext.

// The sizes of the content files: large enough that clients which add Expect only above a
// threshold (curl: 1 MiB) add it, small where content should go at once, none for T60.
const (
	largeUpload = 2 << 20
	smallUpload = 1 << 10
)

// finalMarker is the content of the case's final response: a client that prints what it got
// shows it, and its absence then shows that the client returned another response.
func finalMarker(env Env) string { return "expectspec final " + env.Token + "\n" }

// clientFinal is the final response of a client case, with the case's marker as content.
func clientFinal(env Env) conv.RawMessage {
	m := finalMarker(env)
	return conv.RawMessage(fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n%s", len(m), m))
}

// followUpFinal answers the GET of a client that follows the case's redirect.
func followUpFinal(env Env) conv.RawMessage {
	m := "expectspec next " + env.Token + "\n"
	return conv.RawMessage(fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s", len(m), m))
}

// seeOther is a 303 to the case's "next" resource, closing or not: the redirect a client may
// follow with a GET, on the same connection or a new one.
func seeOther(env Env, closing bool) conv.RawMessage {
	m := "expectspec early " + env.Token + "\n"
	c := ""
	if closing {
		c = "Connection: close\r\n"
	}
	return conv.RawMessage(fmt.Sprintf("HTTP/1.1 303 See Other\r\nLocation: %s\r\n%sContent-Length: %d\r\n\r\n%s",
		conv.OriginPath(env.Token, "next"), c, len(m), m))
}

// earlyInUpload sends a 100 on the head, so that every client starts its upload, and the 303 as
// soon as the content has started: the early final response while the client uploads (T64).
// With closing, the 303 says Connection: close and the origin closes in stages.
func earlyInUpload(env Env, closing bool) conv.OriginScript {
	after := conv.EarlyKeepReading
	if closing {
		after = conv.EarlyClose
	}
	return conv.OriginScript{OnHead: conv.HeadContinueThenFinal, Early: seeOther(env, closing), AfterEarly: after, FollowUp: followUpFinal(env)}
}

// silentHeadCase is a case whose server never answers the head: it waits for the content,
// then answers (T60, T61). Sending the content at once is allowed (CLI-MAY-SEND-WITHOUT-100).
func silentHeadCase(id, scenario, title, req string, upload int64, mutant Witness, judge func(Env, conv.ClientReport, conv.OriginRecord) Outcome) Case {
	return Case{
		ID: id, Scenario: scenario, Title: title,
		Requirements: []string{req, "CLI-MAY-SEND-WITHOUT-100"},
		Witnesses:    []Witness{passes("ref-client"), passes("ref-client-curl"), mutant},
		Roles:        clientOnly, Upload: upload,
		Origin: func(env Env) conv.OriginScript {
			return conv.OriginScript{OnHead: conv.HeadWait, Final: clientFinal(env)}
		},
		Judge: onClientRun(judge),
	}
}

// continueScript sends cont on every head, with or without Expect, then the final after the
// content.
func continueScript(cont conv.RawMessage) func(Env) conv.OriginScript {
	return func(env Env) conv.OriginScript {
		return conv.OriginScript{OnHead: conv.HeadContinueAlways, Continue: cont, Final: clientFinal(env)}
	}
}

// The 1xx of T63, each a valid interim response except the one with Content-Length, which a
// server must not send (RFC 9110 §8.6) and a recipient frames by its empty line all the same.
const (
	twoContinues             conv.RawMessage = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 100 Continue\r\n\r\n"
	interimsThenGo           conv.RawMessage = "HTTP/1.1 102 Processing\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\nContent-Type: x/y\r\nCache-Control: no-store\r\n\r\nHTTP/1.1 199 Unassigned\r\n\r\nHTTP/1.1 100 Continue\r\n\r\n"
	clientContinueWithLength conv.RawMessage = "HTTP/1.1 100 Continue\r\nContent-Length: 10\r\n\r\n"
	continueNoReason         conv.RawMessage = "HTTP/1.1 100 \r\n\r\n"
)

var clientOnly = []Role{ClientUnderTest}

var clientCases = []Case{
	{
		ID: "client/no-expect-without-content", Scenario: "T60",
		Title:        "A client sends no Expect: 100-continue on a request without content",
		Requirements: []string{"CLI-NO-EXPECT-WITHOUT-CONTENT"},
		Witnesses:    []Witness{passes("ref-client"), passes("ref-client-curl"), warns("mut-client-expect-always", "CLI-NO-EXPECT-WITHOUT-CONTENT")},
		Roles:        clientOnly, Upload: 0,
		Origin: func(env Env) conv.OriginScript { return conv.OriginScript{Final: clientFinal(env)} },
		Judge:  onClientRun(judgeNoExpectWithoutContent),
	},
	silentHeadCase("client/withholds-only-with-expect", "T60", "A client that holds its content back has sent Expect: 100-continue",
		"CLI-EXPECT-IF-WAITING", smallUpload, fails("mut-client-withholds-silently", "CLI-EXPECT-IF-WAITING"),
		withUpload(smallUpload, "nothing to hold back", judgeWithholding)),
	silentHeadCase("client/bounded-wait-for-100", "T61", "A client that sent Expect: 100-continue sends its content after a bounded wait when no 100 comes",
		"CLI-NO-INDEFINITE-WAIT", largeUpload, warns("mut-client-waits-forever", "CLI-NO-INDEFINITE-WAIT"),
		withUpload(largeUpload, "no wait to measure", judgeBoundedWait)),
	{
		ID: "client/retry-after-417", Scenario: "T62",
		Title:        "After a 417 to its 100-continue, a client repeats the request without the expectation",
		Requirements: []string{"CLI-417-RETRY-WITHOUT", "S417-CHAIN-SIGNAL"},
		Witnesses:    []Witness{passes("ref-client"), passes("ref-client-curl"), warns("mut-client-no-417-retry", "CLI-417-RETRY-WITHOUT")},
		Roles:        clientOnly, Upload: largeUpload,
		Origin: func(env Env) conv.OriginScript {
			s := conv.Script417IfExpect()
			s.Final = clientFinal(env)
			return s
		},
		Judge: onClientRun(judgeRetryAfter417),
	},
	interimCase("client/two-100s", "two 100 (Continue) responses in a row", twoContinues, largeUpload,
		[]string{"CLI-PARSE-1XX", "CLI-DISCARD-100"}, fails("mut-client-1xx-is-final", "CLI-PARSE-1XX")),
	interimCase("client/unsolicited-100", "a 100 (Continue) to a request without Expect", conv.Continue100, smallUpload,
		[]string{"CLI-PARSE-1XX", "UA-MAY-IGNORE-1XX", "CLI-DISCARD-100"}, fails("mut-client-1xx-is-final", "CLI-PARSE-1XX")),
	interimCase("client/102-103-199-before-final", "102, 103 with Link, Content-Type and Cache-Control, and an unassigned 199, before the 100", interimsThenGo, largeUpload,
		[]string{"CLI-PARSE-1XX", "EH-H1-CAUTION"}, fails("mut-client-1xx-is-final", "CLI-PARSE-1XX")),
	interimCase("client/100-with-content-length", "a 100 (Continue) carrying Content-Length: 10", clientContinueWithLength, largeUpload,
		[]string{"CLI-PARSE-1XX", "IR-FRAMING-ENDS-AT-HEADERS"}, fails("mut-client-frames-1xx", "CLI-PARSE-1XX")),
	interimCase("client/100-without-reason", "a 100 whose status line has no reason phrase (`HTTP/1.1 100 `)", continueNoReason, largeUpload,
		[]string{"CLI-PARSE-1XX"}, fails("mut-client-needs-reason", "CLI-PARSE-1XX")),
	earlyFinalCase("client/early-final-with-close", true,
		"After an early final response with Connection: close, a client sends no more on that connection",
		[]string{"CLI-HONOR-CLOSE", "CLI-STOP-ON-CLOSE"}, judgeEarlyFinalClose),
	earlyFinalCase("client/early-final-keep-alive", false,
		"After an early final response on a kept connection, a client finishes its content or closes before another request",
		[]string{"INT-NO-FORWARD-WRONG-CL", "CLI-CONTINUE-ON-EARLY-RESPONSE"}, judgeEarlyFinalKeepAlive),
	{
		ID: "client/orphan-100-after-final", Scenario: "T65",
		Title:        "A client does not reuse a connection on which a 100 arrived after the final response",
		Requirements: []string{"CLI-NO-ORPHAN-RESPONSE", "CLI-ASSOCIATE-RESPONSES"},
		Witnesses:    []Witness{passes("ref-client"), warns("mut-client-keeps-orphaned-conn", "CLI-NO-ORPHAN-RESPONSE")},
		Roles:        clientOnly, Upload: smallUpload,
		Origin: func(env Env) conv.OriginScript {
			return conv.OriginScript{Final: seeOther(env, false) + conv.Continue100, FollowUp: followUpFinal(env)}
		},
		Judge: onClientRun(judgeOrphan100),
	},
}

// earlyFinalCase is a T64 case: the 303 comes while the client uploads, closing or not. Its
// mutants: one that sends its next request on the connection at once, whatever the 303 said
// (it breaks reqs[0]), and one that neither finishes nor closes (reqs[1], a SHOULD).
func earlyFinalCase(id string, closing bool, title string, reqs []string, judge func(Env, conv.ClientReport, conv.OriginRecord) Outcome) Case {
	return Case{
		ID: id, Scenario: "T64", Title: title, Requirements: reqs,
		Witnesses: []Witness{passes("ref-client"), passes("ref-client-curl"), fails("mut-client-reuses-after-early-final", reqs[0]),
			warns("mut-client-hangs-after-early-final", reqs[1])},
		Roles: clientOnly, Upload: largeUpload,
		Origin: func(env Env) conv.OriginScript { return earlyInUpload(env, closing) },
		Judge:  onClientRun(judge),
	}
}

// interimCase is a T63 case: the origin sends cont on the head, with or without Expect, and the
// final after the content; the client must get through to the final response.
func interimCase(id, what string, cont conv.RawMessage, upload int64, reqs []string, mutant Witness) Case {
	return Case{
		ID: id, Scenario: "T63",
		Title:        "A client gets through " + what + " to the final response",
		Requirements: reqs,
		Witnesses:    []Witness{passes("ref-client"), passes("ref-client-curl"), mutant},
		Roles:        clientOnly, Upload: upload,
		Origin: continueScript(cont),
		Judge:  onClientRun(judgeInterims(what, cont == clientContinueWithLength, id == "client/unsolicited-100")),
	}
}

// clientAccepts says what each client case's judge accepts (caseAccepts, CATALOGUE.md).
var clientAccepts = map[string]string{
	"client/no-expect-without-content":  "No Expect: 100-continue on the upload of an empty file. With `Content-Length: 0` it is a warning (interpretation zero-length-content); with no framing at all it fails.",
	"client/withholds-only-with-expect": "Expect: 100-continue, or the content sent within the immediate bound of the head. Content held back longer without Expect fails. na when the client sends no content.",
	"client/bounded-wait-for-100":       "The content sent after any finite wait for a 100 that never comes (the wait is reported). Still waiting at the deadline, or giving up without sending, is a warning. na without Expect: sending the content at once is allowed.",
	"client/retry-after-417":            "The upload repeated without the expectation, on the same connection or a new one. No repeat, or a repeat with Expect again, is a warning. na without Expect.",
	"client/two-100s":                   acceptsInterims,
	"client/unsolicited-100":            acceptsInterims + " na when the client sends Expect for a 1 KiB upload.",
	"client/102-103-199-before-final":   acceptsInterims,
	"client/100-with-content-length":    acceptsInterims + " A client that fails on this 1xx, which a server must not send, is info; one that hangs on it fails.",
	"client/100-without-reason":         acceptsInterims,
	"client/early-final-with-close":     "No further request on the connection after the 303 with `Connection: close` that comes while the client uploads: the redirect followed on a new connection, or not at all. Content still arriving after the response is info; a client that hangs is a warning.",
	"client/early-final-keep-alive":     "After the 303 that comes without close while the client uploads: the declared content finished, or the connection closed, before any further request on it (both pass: which one a client gets to depends on how much it had written when the 303 came). A next request inside the unfinished content fails; a client that neither finishes nor closes is a warning.",
	"client/orphan-100-after-final":     "After the 303 and a stray 100 behind it, the redirect followed on a new connection. Reusing the connection is a warning; then taking the 100 for the next response fails. na when the client does not follow the redirect.",
}

const acceptsInterims = "The final response returned, exit status 0: a pass when the client's output shows the final response's content, info when its output shows no content at all. A failure exit, a hang, a client that stops after a 1xx without sending its announced content, or output without the final's content fails."
