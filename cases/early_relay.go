package cases

import (
	"fmt"

	"github.com/expectspec/expectspec/harness/conv"
)

// The origin's early final response on its way back through an intermediary (next to T31): it
// must reach the client, and promptly. Both cases send the usual upload
// with `Expect: 100-continue`, withhold the content until something arrives (T_max at most), then
// send it, as a client that gave up waiting does.

// unauthorizedClose is the origin's early final of T31b: it says it closes, and it does.
const unauthorizedClose conv.RawMessage = "HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"

// earlyScript is the client's side of both cases.
func earlyScript(env Env) conv.Script {
	return script(
		send("head", chainPost(env, "echo", len(body), "Content-Type: text/plain", "Expect: 100-continue")),
		awaitMessage("first", env.Timing.Max),
		sendString("body", body),
		awaitFinals("final", 1, env.Timing.Response),
	)
}

// earlyCloseRelayed is T31b: the origin answers 401 on the header section with `Connection:
// close` and closes (in stages). The intermediary must pass that 401 on, not a 502 of its own:
// node-http-proxy 1.18 answers curl 502 in most such uploads, having written the content into
// the connection the origin was closing and taken the error for a failed upstream.
//
// Why a warning and not a failure: no MUST says that an intermediary relays a response; what it
// broke is RFC 9112 §9.5, which a gateway follows towards its backend as a client (RFC 9110
// §3.7): a client sending content SHOULD watch for an error response and, when the server is
// closing, stop sending and close; the response it has read is then the answer (CLI-STOP-ON-CLOSE).
// A 502 says the upstream response was invalid (RFC 9110 §15.6.3); this one was not, and the
// client loses the origin's answer (the 401 that asks for credentials).
var earlyCloseRelayed = Case{
	ID:           "gateway/early-final-then-close-relayed",
	Scenario:     "T31b",
	Title:        "When the origin answers the header section with a final status and closes, the intermediary relays that final response, not an error of its own",
	Requirements: []string{"CLI-STOP-ON-CLOSE", "GW-UA-RULES-INBOUND", "SRV-RESPOND-ANYTIME"},
	Witnesses:    []Witness{passes("ref-gateway-streaming"), passes("ref-gateway-buffering"), passes("ref-proxy-streaming"), warns("mut-gw-502-on-early-close", "CLI-STOP-ON-CLOSE"), warns("mut-gw-502-on-early-close", "CLI-STOP-ON-CLOSE").as(Proxy)},
	Roles:        []Role{Gateway, Proxy},
	Client:       earlyScript,
	Origin:       func(Env) conv.OriginScript { return conv.ScriptEarly(unauthorizedClose, conv.EarlyClose) },
	Judge: onBothSides(
		func(env Env, tl *conv.Timeline, rec conv.OriginRecord) Outcome {
			var j Judgement
			who := chainRole(env)
			q, forwarded := chainFirstRequest(rec)
			if !forwarded || !q.EarlyFinal {
				j.NA("the origin's early 401 was never sent (%s), so there was nothing to relay", originArrival(q, forwarded))
				return j.Outcome()
			}
			closed := fmt.Sprintf("the origin answered 401 with Connection: close on the header section and closed (%s)", describeArrival(q))
			finals := tl.Finals()
			switch {
			case len(finals) > 0 && finals[0].Msg.Status == 401:
				j.Pass("CLI-STOP-ON-CLOSE", "%s; the client received %s", closed, status(finals[0].Msg))
			case len(finals) > 0:
				j.Warn("CLI-STOP-ON-CLOSE", "%s; the client received %s instead: %s took the closing connection for a failed upstream, where it should have read the response while sending and stopped sending (RFC 9112 §9.5), and the client lost the origin's answer", closed, status(finals[0].Msg), who)
			default:
				got := "nothing"
				if e, ok := tl.Closed(); ok {
					got = "a closed connection (" + string(e.Kind) + ")"
				}
				j.Warn("CLI-STOP-ON-CLOSE", "%s; the client received no final response, only %s: %s lost the origin's answer when the origin closed", closed, got, who)
			}
			return j.Outcome()
		}),
}

// earlyFinalPrompt is T31c: the origin answers 401 on the header section and keeps reading. The
// answer must reach the client while it still withholds the content: that is what the
// expectation is for. ziproxy 3.3 relayed such a 401 only once the client had sent the content,
// 10 s later.
//
// Fail or warn: a gateway is the origin towards its client (RFC 9110 §3.7), which must answer the
// header section at once (EXP-ORIGIN-IMMEDIATE, as in T30); holding an answer it has is a
// failure. A forward proxy's own duty (RFC 9110 §10.1.1) is to answer or to forward the header
// section at once; one that forwarded it met the letter of that MUST, and a final response may
// be sent at any time (RFC 9110 §7.5), so holding the origin's answer defeats the purpose of the
// expectation without breaking a MUST: a warning, and the reason says it is an interpretation.
var earlyFinalPrompt = Case{
	ID:           "chain/early-final-relayed-promptly",
	Scenario:     "T31c",
	Title:        "A final response the origin sends on the header section reaches the client at once, while it still withholds the content",
	Requirements: []string{"EXP-ORIGIN-IMMEDIATE", "GW-ORIGIN-RULES-OUTBOUND", "EXP-PROXY-IMMEDIATE", "SRV-RESPOND-ANYTIME"},
	Witnesses:    []Witness{passes("ref-gateway-streaming"), informs("ref-gateway-buffering"), passes("ref-proxy-streaming"), fails("mut-gw-hold-early-final", "EXP-ORIGIN-IMMEDIATE"), warns("mut-gw-hold-early-final", "EXP-PROXY-IMMEDIATE").as(Proxy)},
	Roles:        []Role{Gateway, Proxy},
	Client:       earlyScript,
	Origin:       func(Env) conv.OriginScript { return conv.ScriptEarly(conv.Unauthorized401, conv.EarlyKeepReading) },
	Judge:        onBothSides(judgeEarlyFinalPrompt),
}

func judgeEarlyFinalPrompt(env Env, tl *conv.Timeline, rec conv.OriginRecord) Outcome {
	var j Judgement
	who := chainRole(env)
	rule := "EXP-ORIGIN-IMMEDIATE"
	if env.Role == Proxy {
		rule = "EXP-PROXY-IMMEDIATE"
	}
	headAt, _ := tl.StepAt("head")
	bodyAt, sentBody := tl.StepAt("body")
	q, forwarded := chainFirstRequest(rec)
	var before []conv.Timed // what the client received while it withheld the content
	for _, m := range tl.MessagesAfter("head") {
		if !sentBody || m.At < bodyAt {
			before = append(before, m)
		}
	}
	switch {
	case !forwarded || !q.EarlyFinal:
		if len(before) > 0 {
			j.Info(rule, "%s answered %s itself (%s), so the origin's early answer was never asked for", who, status(before[0].Msg), originArrival(q, forwarded))
		} else {
			j.Info(rule, "the origin sent no early answer (%s); whether %s waits for the content is judged by proxy/head-forwarded-before-content and the gateway/immediate-100-* cases", originArrival(q, forwarded), who)
		}
		return j.Outcome()
	}
	origin := fmt.Sprintf("the origin answered 401 on the header section, %s after it arrived (%s)", ms(answerAt(q)-q.HeadAt), describeArrival(q))
	var final *conv.Timed
	for i := range before {
		if !before[i].Msg.Interim() {
			final = &before[i]
			break
		}
	}
	switch {
	case final != nil && final.Msg.Status == 401 && final.At-headAt <= env.Timing.Immediate:
		j.Pass(rule, "%s; the client received %s %s after its header section, while it withheld the content", origin, status(final.Msg), ms(final.At-headAt))
	case final != nil && final.Msg.Status == 401 && headAhead(q, env.Timing.Prompt()):
		j.Warn(rule, "%s; the client received it only %s after its header section, later than the immediate bound of %s (a client like curl has sent the content by then)", origin, ms(final.At-headAt), ms(env.Timing.Immediate))
	case final != nil && final.Msg.Status == 401:
		// Late because the head itself reached the origin late (a timer near the client's own
		// wait): whether it lands just before or just after the content is a coincidence, so the
		// verdict is the held head's, judged by the cases named below.
		j.Info(rule, "%s; the client received it %s after its header section, as late as the header section reached the origin; whether %s may hold the header section is judged by proxy/head-forwarded-before-content and the gateway/immediate-100-* cases", origin, ms(final.At-headAt), who)
	case final != nil:
		j.Info(rule, "%s; the client received %s before it sent the content, an answer of %s's own", origin, status(final.Msg), who)
	case len(before) > 0 && before[0].Msg.Status == 100:
		// Its own 100: the origin sends none here. Answering 100 itself is a gateway's choice
		// (RFC 9110 §3.7: it is the origin towards its client); proxy/head-forwarded-before-content
		// judges it for a proxy.
		j.Info(rule, "%s; %s answered 100 (Continue) itself %s after the header section, so the client sent the content and got the 401 only after it", origin, who, ms(before[0].At-headAt))
	case !headAhead(q, env.Timing.Prompt()):
		// The head came with the content: the origin's answer could not be early for the client.
		j.Info(rule, "the client received nothing while it withheld the content, and %s: the origin's answer could only follow the content; whether %s may wait for the content is judged by proxy/head-forwarded-before-content and the gateway/immediate-100-* cases", describeArrival(q), who)
	default:
		late := "and never received it"
		if finals := tl.Finals(); len(finals) > 0 {
			late = fmt.Sprintf("and received %s only after it sent the content", status(finals[0].Msg))
		}
		what := fmt.Sprintf("%s; the client withheld the content for %s without receiving anything %s: %s held the origin's answer", origin, ms(bodyAt-headAt), late, who)
		if env.Role == Proxy {
			j.Warn(rule, "%s. The proxy forwarded the header section at once, as RFC 9110 §10.1.1 asks, and then defeated its purpose: the origin decided early and the client still had to send the content (an interpretation: no MUST is broken, since a response may be sent at any time, RFC 9110 §7.5)", what)
		} else {
			j.Fail(rule, "%s. A gateway is the origin towards its client (RFC 9110 §3.7), which must answer the header section at once, and it had the answer", what)
		}
	}
	return j.Outcome()
}

var earlyRelayCases = []Case{earlyCloseRelayed, earlyFinalPrompt}
