package cases

import (
	"fmt"
	"time"

	"github.com/expectspec/expectspec/harness/conv"
)

// http10NextHop is T24's main case: once the origin has answered in
// HTTP/1.0, the intermediary knows its next hop cannot send a 100. It must still forward the
// header section at once (EXP-PROXY-IMMEDIATE), or answer a final status itself; it MAY answer
// 100 itself (EXP-PROXY-HTTP10-NEXTHOP-100), and a 417 fits too (S417-CHAIN-SIGNAL). The client
// waits the immediate bound for a 100, as curl does, and then sends the content anyway
// (CLI-NO-INDEFINITE-WAIT is the client's duty, the suite's here). The HTTP/1.0 origin never
// answers before the content, so a conforming streaming intermediary costs that one wait.
//
// On the origin's clock alone (the two clocks are not compared, chain_observe.go), a header
// section forwarded at once precedes the content by about that wait; one held until the content
// arrives with it.
var http10NextHop = Case{
	ID:       "chain/http10-next-hop-head-forwarded",
	Scenario: "T24",
	Title:    "After the origin has answered in HTTP/1.0, the intermediary still forwards the header section of a request expecting 100-continue at once, or answers itself (its own 100, a 417 or another final status)",
	Requirements: []string{"EXP-PROXY-IMMEDIATE", "EXP-PROXY-HTTP10-NEXTHOP-100", "S417-CHAIN-SIGNAL", "EXP-ORIGIN-NO-WAIT",
		"ROLE-PROXY-VS-GATEWAY"},
	Witnesses: []Witness{
		informs("ref-gateway-streaming"), informs("ref-gateway-buffering"), passes("ref-proxy-streaming"),
		fails("mut-gw-hold-for-http10", "EXP-ORIGIN-NO-WAIT"),
		fails("mut-gw-hold-for-http10", "EXP-PROXY-IMMEDIATE").as(Proxy),
	},
	Roles: []Role{Proxy, Gateway},
	Client: func(env Env) conv.Script {
		return script(
			send("prime", chainRequest(env, "GET", "ok", "HTTP/1.1")),
			awaitFinals("primed", 1, env.Timing.Response),
			ifReusable(send("head", chainPost(env, "echo", len(body), "Content-Type: text/plain", "Expect: 100-continue"))),
			// The client's own wait for a 100; whatever arrives, it withholds the content this
			// long, so the origin's clock can tell a forwarded head from a held one.
			awaitClose("withheld", env.Timing.Immediate),
			sendString("body", body),
			awaitFinals("final", 2, env.Timing.Response),
		)
	},
	Origin: func(Env) conv.OriginScript { return conv.ScriptHTTP10() },
	Judge:  onBothSides(judgeHTTP10NextHop),
}

func judgeHTTP10NextHop(env Env, tl *conv.Timeline, rec conv.OriginRecord) Outcome {
	var j Judgement
	who := chainRole(env)
	if len(rec.Requests) == 0 || len(rec.Requests[0].Sent) == 0 {
		j.Info("EXP-PROXY-IMMEDIATE", "the priming request did not reach the HTTP/1.0 origin, so the case could not be set up (the client received %s)", chainStatuses(tl.Messages()))
		return j.Outcome()
	}
	if why, closed := primingClosed(tl, rec); closed {
		j.NA("could not test: %s", why)
		return j.Outcome()
	}
	headAt, _ := tl.StepAt("head")
	bodyAt, sentBody := tl.StepAt("body")
	var early []conv.Timed
	for _, m := range tl.MessagesAfter("head") {
		if !sentBody || m.At < bodyAt {
			early = append(early, m)
		}
	}
	var q *conv.OriginRequest
	if len(rec.Requests) > 1 {
		q = &rec.Requests[1]
	}
	arrival := "the origin received nothing after the priming request"
	if q != nil {
		arrival = describeArrival(q)
	}
	const known = "the origin had answered the priming request in HTTP/1.0"
	switch {
	case q != nil && headAhead(q, env.Timing.Prompt()):
		j.Pass("EXP-PROXY-IMMEDIATE", "%s; %s still forwarded the header section while the client withheld the content: %s", known, who, arrival)
	case len(early) > 0 && early[0].Msg.Status == 100:
		j.Info("EXP-PROXY-HTTP10-NEXTHOP-100", "%s; %s answered 100 (Continue) itself %s after the header section, the MAY for a next hop that only speaks HTTP/1.0 (%s)", known, who, ms(early[0].At-headAt), arrival)
	case len(early) > 0 && early[0].Msg.Status == 417:
		j.Info("S417-CHAIN-SIGNAL", "%s; %s answered 417 (Expectation Failed) %s after the header section: the chain has an HTTP/1.0 hop, which cannot meet the expectation, and the client retries without it (%s)", known, who, ms(early[0].At-headAt), arrival)
	case len(early) > 0 && !early[0].Msg.Interim():
		j.Pass("EXP-PROXY-IMMEDIATE", "%s; %s answered %s itself %s after the header section (%s)", known, who, status(early[0].Msg), ms(early[0].At-headAt), arrival)
	case len(early) > 0:
		j.Info("EXP-PROXY-IMMEDIATE", "%s; the client received %s %s after the header section (%s)", known, status(early[0].Msg), ms(early[0].At-headAt), arrival)
	default:
		if e, ok := tl.Closed(); ok && (!sentBody || e.At < bodyAt) {
			j.Warn("EXP-PROXY-IMMEDIATE", "%s; %s closed the connection (%s) %s after the header section without answering it (%s)", known, who, e.Kind, ms(e.At-headAt), arrival)
			break
		}
		// The duty is the proxy's (RFC 9110 §10.1.1); a gateway is the origin towards its
		// client and must not wait for the content before it answers or lets the backend answer.
		rule := "EXP-PROXY-IMMEDIATE"
		if env.Role != Proxy {
			rule = "EXP-ORIGIN-NO-WAIT"
		}
		j.Fail(rule, "%s; the client withheld the content for %s and received nothing, and %s: %s waits for the content before it forwards the header section to the HTTP/1.0 next hop, and answers no 100 itself meanwhile", known, ms(bodyAt-headAt), arrival, who)
	}
	if !answeredWithin(early, headAt, env.Timing.Prompt()) && q != nil && headAhead(q, env.Timing.Prompt()) && env.Role != Proxy {
		// CATALOGUE.md, interpretation stalling-backend: the stall starts at the
		// HTTP/1.0 backend, which cannot send a 100. Only a prompt 100 counts as the gateway's
		// own; one sent when a timer of the gateway's runs out (Go's Transport waits
		// ExpectContinueTimeout, 1 s) races the client's 1 s wait (see Timing.Prompt).
		j.Info("EXP-PROXY-HTTP10-NEXTHOP-100", "the client got no 100 (Continue) within %s, half its own wait for one: the HTTP/1.0 backend cannot send one, and a gateway could answer 100 itself", ms(env.Timing.Prompt()))
	}
	if finals := tl.Finals(); len(finals) < 2 {
		j.Info("EXP-PROXY-IMMEDIATE", "after the content the client received %d of the 2 final responses (%s)", len(finals), chainStatuses(finals))
	}
	return j.Outcome()
}

// The T24 cases need two requests on one connection: the priming request, whose HTTP/1.0
// answer tells the intermediary its next hop's version, and the case's own request on the same
// connection, so that it reaches the same intermediary with that knowledge (the conversation
// model has one connection per case). An intermediary may close any connection after a response
// (RFC 9112 §9.5), and a client must not send on one announced closed (§9.6): the script then
// stops before the second request (Step.IfReusable), and the case could not be carried out.

// ifReusable marks a step to be played only while the connection can carry another request.
func ifReusable(st conv.Step) conv.Step {
	st.IfReusable = true
	return st
}

// primingClosed reports whether the intermediary closed the priming connection (or announced
// that it would) before the case's own request was on it and forwarded, and says how.
func primingClosed(tl *conv.Timeline, rec conv.OriginRecord) (string, bool) {
	const allowed = "(allowed: any party may close a connection after a response, RFC 9112 §9.5)"
	if e, ok := tl.First(conv.EvSkipped); ok {
		return fmt.Sprintf("the intermediary closed the priming connection %s, so the second request was not sent: %s", allowed, e.Error), true
	}
	if len(rec.Requests) > 1 {
		return "", false // the case's request went upstream: the connection carried it
	}
	headAt, sent := tl.StepAt("head")
	for _, m := range tl.Finals() {
		if sent && m.At >= headAt {
			break
		}
		if m.Msg.AnnouncesClose() {
			return fmt.Sprintf("the intermediary's answer to the priming request (%s %s) announced that it closes the connection %s", m.Msg.Proto, status(m.Msg), allowed), true
		}
	}
	// Closed before the content was sent, with no answer to the second request and nothing
	// forwarded: an idle persistent connection closed just as the request went out looks the
	// same, and the client would retry on a new connection.
	bodyAt, sentBody := tl.StepAt("body")
	if e, ok := tl.Closed(); ok && len(tl.MessagesAfter("head")) == 0 && (!sentBody || e.At < bodyAt) {
		return fmt.Sprintf("the intermediary closed the priming connection (%s) without answering or forwarding the second request %s", e.Kind, allowed), true
	}
	return "", false
}

// answeredWithin reports whether a message of msgs arrived within d of at.
func answeredWithin(msgs []conv.Timed, at, d time.Duration) bool {
	for _, m := range msgs {
		if m.At-at <= d {
			return true
		}
	}
	return false
}
