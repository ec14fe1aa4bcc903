package cases

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/expectspec/expectspec/harness/conv"
)

// Forward proxy scenarios, requirements.md §2.5 (T20-T27). Most of the rules bind any
// intermediary and run against gateways too; those worded "a proxy" (RFC 9110 §15.2, RFC 9112
// §5.1 and §9.3) bind forward proxies literally, and a gateway gets info or a warning on them
// with the interpretation named (requirements.md §3.3).

// headForwarded is T20: a forward proxy either answers a final status at once or forwards the
// request-line and header section at once, before the content, so the origin can decide. The
// client goes on withholding the content for the immediate bound after the first response, so
// that on the origin's clock alone a head forwarded at once precedes the content by at least
// that much, and a head held until the content does not.
var headForwarded = Case{
	ID:           "proxy/head-forwarded-before-content",
	Scenario:     "T20",
	Title:        "A forward proxy forwards the header section of a request expecting 100-continue at once, without waiting for the content, or answers a final status itself",
	Requirements: []string{"EXP-PROXY-IMMEDIATE", "EXP-PROXY-HTTP10-NEXTHOP-100", "IR-PROXY-FORWARD-1XX", "INT-OWN-HTTP-VERSION"},
	Roles:        []Role{Proxy},
	Script: func(env Env) conv.Script {
		return script(
			send("head", chainPost(env, "echo", len(body), "Content-Type: text/plain", "Expect: 100-continue")),
			awaitMessage("first", env.Timing.Max),
			awaitClose("withheld", env.Timing.Immediate),
			sendString("body", body),
			awaitFinals("final", 1, env.Timing.Response),
		)
	},
	Chain: &Chain{
		Origin: func(Env) conv.OriginScript { return conv.OriginScript{} },
		Judge: func(env Env, tl *conv.Timeline, rec conv.OriginRecord) Outcome {
			var j Judgement
			who := chainRole(env)
			headAt, _ := tl.StepAt("head")
			bodyAt, sentBody := tl.StepAt("body")
			var early []conv.Timed
			for _, m := range after(tl, "head") {
				if !sentBody || m.At < bodyAt {
					early = append(early, m)
				}
			}
			q, forwarded := chainFirstRequest(rec)
			ahead := forwarded && headAhead(q, env.Timing.Prompt())
			switch {
			case ahead:
				j.Pass("EXP-PROXY-IMMEDIATE", "%s forwarded the header section while the client withheld the content: %s", who, describeArrival(q))
			case len(early) > 0 && !early[0].Msg.Interim() && !forwarded:
				j.Pass("EXP-PROXY-IMMEDIATE", "%s answered %s itself %s after the header section, forwarding nothing", who, status(early[0].Msg), ms(early[0].At-headAt))
			case len(early) > 0 && early[0].Msg.Status == 100:
				// Interpretation (requirements.md §3.3): the proxy's own 100 is a MAY only for an
				// HTTP/1.0 next hop; buffering the content defeats the origin's early decision.
				j.Warn("EXP-PROXY-IMMEDIATE", "%s answered 100 (Continue) itself and did not forward the header section before the content (%s); the next hop speaks HTTP/1.1, so its own 100 is not the MAY of RFC 9110 §10.1.1, and buffering defeats the origin's early decision (interpretation, requirements.md §3.3)", who, originArrival(q, forwarded))
			case len(early) > 0:
				j.Pass("EXP-PROXY-IMMEDIATE", "%s answered %s %s after the header section (%s)", who, status(early[0].Msg), ms(early[0].At-headAt), originArrival(q, forwarded))
			default:
				j.Fail("EXP-PROXY-IMMEDIATE", "the client withheld the content for %s and received nothing, and %s: %s neither forwarded the header section nor answered it", ms(bodyAt-headAt), originArrival(q, forwarded), who)
			}
			if len(early) > 0 && early[0].At-headAt > env.Timing.Immediate {
				j.Warn("EXP-PROXY-IMMEDIATE", "the first response (%s) reached the client only %s after the header section, later than the immediate bound of %s", status(early[0].Msg), ms(early[0].At-headAt), ms(env.Timing.Immediate))
			}
			if forwarded {
				if s, ok := answeredOnHead(q); ok && s.Status < 200 && len(early) == 0 {
					lateInterim(&j, tl, s.Status, headAt, bodyAt, who)
				}
				if q.Proto != "HTTP/1.1" {
					j.Info("INT-OWN-HTTP-VERSION", "the request went upstream as %s", q.Proto)
				}
			}
			interimHygiene(&j, tl)
			return j.Outcome()
		},
	},
}

// lateInterim judges T20 when the origin answered a 1xx on the header section and the client
// had received nothing by the time it sent the content. A 1xx that never reached the client was
// not forwarded (IR-PROXY-FORWARD-1XX, fail). One that reached it only after the content was
// forwarded, late: the MUST held, but a 100 after the client's wait no longer does its job (a
// warning, design.md "Verdicts"). Tinyproxy relays the origin's 100 only once it has relayed the
// content, in the same read as the final response.
func lateInterim(j *Judgement, tl *conv.Timeline, code int, headAt, bodyAt time.Duration, who string) {
	msgs := after(tl, "body")
	for i, m := range msgs {
		if m.Msg.Status != code {
			continue
		}
		with := ""
		for _, f := range msgs[i+1:] {
			if !f.Msg.Interim() {
				with = fmt.Sprintf(", with the final %s (%s later)", status(f.Msg), ms(f.At-m.At))
				break
			}
		}
		j.Warn("IR-PROXY-FORWARD-1XX", "the origin answered %d on the header section, before any content reached it; %s forwarded it late: the client received it only %s after its header section, %s after it had given up waiting and sent the content%s", code, who, ms(m.At-headAt), ms(m.At-bodyAt), with)
		return
	}
	j.Fail("IR-PROXY-FORWARD-1XX", "the origin answered %d on the header section, before any content reached it; the client had received nothing when it sent the content %s after its header section, and never received the %d: %s did not forward it", code, ms(bodyAt-headAt), code, who)
}

// closeSignal names how an intermediary ended an upstream connection, for reasons.
func closeSignal(c conv.CloseCause) string {
	if c == conv.ClosedByReset {
		return "RST"
	}
	return "FIN"
}

func originArrival(q *conv.OriginRequest, forwarded bool) string {
	if !forwarded {
		return "the origin received nothing"
	}
	return describeArrival(q)
}

// earlyHints are the interim responses of T21, sent by the origin after the content.
var earlyHints = []conv.RawMessage{
	"HTTP/1.1 102 Processing\r\n\r\n",
	"HTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload\r\n\r\n",
	"HTTP/1.1 103 Early Hints\r\nLink: </a.js>; rel=preload\r\n\r\n",
	"HTTP/1.1 199 Misc\r\nX-T: 1\r\n\r\n",
}

// relayInterims is T21: every 1xx the origin sends (100 on the head; 102, two 103 and an
// unknown 199 after the content) reaches the client in order, then the 200. A forward proxy
// must forward them (IR-PROXY-FORWARD-1XX); for a gateway that is info (requirements.md §3.3).
// Either must parse them as a client and deliver the final response (CLI-PARSE-1XX).
var relayInterims = Case{
	ID:           "chain/interim-responses-relayed",
	Scenario:     "T21",
	Title:        "Every 1xx of the origin (100, 102, two 103, an unknown 199) reaches the client in order through a forward proxy, and the final response follows through any intermediary",
	Requirements: []string{"IR-PROXY-FORWARD-1XX", "CLI-PARSE-1XX", "EH-MULTIPLE", "ROLE-PROXY-VS-GATEWAY", "IR-NO-CONTENT-LENGTH", "IR-NO-TRANSFER-ENCODING"},
	Roles:        []Role{Proxy, Gateway},
	Script: func(env Env) conv.Script {
		return script(
			send("head", chainPost(env, "echo", len(body), "Expect: 100-continue")),
			awaitMessage("first", env.Timing.Immediate),
			sendString("body", body),
			awaitFinals("final", 1, env.Timing.Response),
		)
	},
	Chain: &Chain{
		Origin: func(Env) conv.OriginScript { return conv.OriginScript{Interims: earlyHints} },
		Judge: func(env Env, tl *conv.Timeline, rec conv.OriginRecord) Outcome {
			var j Judgement
			who := chainRole(env)
			q, forwarded := chainFirstRequest(rec)
			if !forwarded {
				j.Info("IR-PROXY-FORWARD-1XX", "nothing reached the origin, so it sent no 1xx (the client received %s)", chainStatuses(tl.Messages()))
				return j.Outcome()
			}
			sent, got := originInterims(q), clientInterims(tl)
			missing := missingInOrder(sent, got)
			switch {
			case len(missing) == 0:
				j.Pass("IR-PROXY-FORWARD-1XX", "the origin sent 1xx %s; the client received %s, in order", chainCodes(sent), chainCodes(got))
			case env.Proxy:
				j.Fail("IR-PROXY-FORWARD-1XX", "the origin sent 1xx %s; the client received %s: %s did not forward %s, which it had not asked for", chainCodes(sent), chainCodes(got), who, chainCodes(missing))
			default:
				j.Info("IR-PROXY-FORWARD-1XX", "the origin sent 1xx %s; the client received %s (%s not propagated). Interpretation (requirements.md §3.2 item 2, §3.3): the forwarding duty is worded for a proxy, which RFC 9110 §3.7 defines as chosen by the client, so a gateway need not propagate interim responses", chainCodes(sent), chainCodes(got), chainCodes(missing))
			}
			finals := tl.Finals()
			originFinal := 0
			for _, m := range originMessages(q) {
				if m.Status >= 200 {
					originFinal = m.Status
				}
			}
			cutShort := originFinal == 0 && len(sent) > 0 && q.Complete && q.Closed &&
				(q.ClosedBy == conv.ClosedByPeer || q.ClosedBy == conv.ClosedByReset)
			switch {
			case cutShort && len(finals) > 0:
				// The origin writes its 1xx and its final one after the other, at once, once the
				// content is complete; a write fails only when the intermediary has already closed
				// the upstream connection (Varnish 7.1 closes it on a 102 and answers 503). Which
				// write fails is a race, so the judge does not depend on whether the final got out:
				// the client's final response cannot be the origin's, which was never sent.
				j.Fail("CLI-PARSE-1XX", "the origin sent 1xx %s after the complete content; %s closed the upstream connection (%s) before the origin could send its final response, and the client received %s instead: %s could not parse the interim responses it was sent", chainCodes(sent), who, closeSignal(q.ClosedBy), status(finals[0].Msg), who)
			case originFinal == 0 && !q.Complete:
				j.Info("CLI-PARSE-1XX", "the origin sent no final response (the content did not reach it)")
			case originFinal == 0:
				got := "nothing"
				if msgs := tl.Messages(); len(msgs) > 0 {
					got = chainStatuses(msgs)
				}
				j.Info("CLI-PARSE-1XX", "the origin sent no final response: its connection ended after 1xx %s, and the client received %s", chainCodes(sent), got)
			case len(finals) > 0 && finals[0].Msg.Status == originFinal:
				j.Pass("CLI-PARSE-1XX", "%s read past the origin's 1xx %s and delivered its %s", who, chainCodes(sent), status(finals[0].Msg))
			case len(finals) > 0:
				j.Fail("CLI-PARSE-1XX", "the origin sent 1xx %s and then %d; the client received %s instead: %s could not parse the interim responses it was sent", chainCodes(sent), originFinal, status(finals[0].Msg), who)
			default:
				j.Fail("CLI-PARSE-1XX", "the origin sent 1xx %s and then %d; the client received no final response: %s could not get past the interim responses", chainCodes(sent), originFinal, who)
			}
			interimHygiene(&j, tl)
			return j.Outcome()
		},
	},
}

// continueWithLength is the origin's answer on the head in T21b: a 100 that carries
// Content-Length: 13, then a 200 whose reason phrase is itself a status line. Framed by its
// empty line, as RFC 9112 §6.3 requires, the 100 is followed by `200 HTTP/1.1 418 X` with the
// content `ok`; an intermediary that takes the 100's Content-Length as content skips the 13
// octets `HTTP/1.1 200 ` and reads a 418 instead. A 418 can only come from that misreading.
const continueWithLength conv.RawMessage = "HTTP/1.1 100 Continue\r\nContent-Length: 13\r\n\r\n" +
	"HTTP/1.1 200 HTTP/1.1 418 X\r\nContent-Length: 3\r\n\r\nok\n"

// interimWithLength is T21b: the origin's 100 carries a Content-Length and the final response
// follows at once. A 1xx ends at its empty line whatever it carries (RFC 9112 §6.3).
var interimWithLength = Case{
	ID:           "chain/interim-with-content-length-framed-by-headers",
	Scenario:     "T21b",
	Title:        "A 100 (Continue) from the origin that carries Content-Length ends at its empty line: the final response after it arrives intact",
	Requirements: []string{"IR-FRAMING-ENDS-AT-HEADERS", "IR-NO-CONTENT-LENGTH"},
	Roles:        []Role{Proxy, Gateway},
	Script: func(env Env) conv.Script {
		return script(
			send("head", chainPost(env, "echo", len(body), "Expect: 100-continue")),
			awaitFinals("first", 1, env.Timing.Immediate),
			sendString("body", body),
			awaitFinals("final", 1, env.Timing.Response),
		)
	},
	Chain: &Chain{
		Origin: func(Env) conv.OriginScript { return conv.ScriptEarly(continueWithLength, conv.EarlyKeepReading) },
		Judge: func(env Env, tl *conv.Timeline, rec conv.OriginRecord) Outcome {
			var j Judgement
			who := chainRole(env)
			if _, forwarded := chainFirstRequest(rec); !forwarded {
				j.Info("IR-FRAMING-ENDS-AT-HEADERS", "nothing reached the origin (the client received %s)", chainStatuses(tl.Messages()))
				return j.Outcome()
			}
			const sent = "the origin sent `100 Continue` with `Content-Length: 13` followed at once by `200 HTTP/1.1 418 X` with the content `ok`"
			finals := tl.Finals()
			switch {
			case len(finals) == 0:
				j.Info("IR-FRAMING-ENDS-AT-HEADERS", "%s; the client received no final response", sent)
			case finals[0].Msg.Status == 418:
				j.Fail("IR-FRAMING-ENDS-AT-HEADERS", "%s; the client received 418: %s took the 100's Content-Length as content, skipped the 13 octets `HTTP/1.1 200 ` and read the rest of the 200's status line as the response", sent, who)
			case finals[0].Msg.Status == 200 && string(finals[0].Msg.Body) == "ok\n":
				j.Pass("IR-FRAMING-ENDS-AT-HEADERS", "%s; the client received the 200 intact", sent)
			case finals[0].Msg.Status >= 500:
				// RFC 9110 §15.6.3: a 1xx with Content-Length breaks a MUST NOT of the origin, and
				// an intermediary may refuse an invalid response with 502.
				j.Info("IR-FRAMING-ENDS-AT-HEADERS", "%s; the client received %s: %s refused the origin's response (a 1xx must not carry Content-Length)", sent, status(finals[0].Msg), who)
			default:
				j.Info("IR-FRAMING-ENDS-AT-HEADERS", "%s; the client received %s (content %q)", sent, status(finals[0].Msg), finals[0].Msg.Body)
			}
			for _, m := range tl.Messages() {
				if m.Msg.Interim() && m.Msg.Has("Content-Length") {
					// Interpretation (requirements.md §2.5 T21b): the intermediary relayed the
					// field rather than generating it, so a warning, not a failure.
					j.Warn("IR-NO-CONTENT-LENGTH", "%s relayed the %s with its Content-Length: %s; a 1xx must not carry one, and the field should have been removed", who, status(m.Msg), strings.Join(m.Msg.Get("Content-Length"), ", "))
					break
				}
			}
			return j.Outcome()
		},
	},
}

// wsColonInInterim matches a relayed field line with whitespace before its colon.
var wsColonInInterim = regexp.MustCompile(`(?m)^X-A[ \t]+:`)

// interimWSColon is T21c: the origin's 100 carries `X-A : b`. A proxy removes the whitespace
// before forwarding (RFC 9112 §5.1).
var interimWSColon = Case{
	ID:           "chain/interim-ws-before-colon-removed",
	Scenario:     "T21c",
	Title:        "A relayed 1xx loses the whitespace between a field name and its colon (`X-A : b` arrives as `X-A: b`)",
	Requirements: []string{"PRX-STRIP-WS-COLON-RESPONSE", "ROLE-PROXY-VS-GATEWAY"},
	Roles:        []Role{Proxy, Gateway},
	Script: func(env Env) conv.Script {
		return script(
			send("head", chainPost(env, "echo", len(body), "Expect: 100-continue")),
			awaitMessage("first", env.Timing.Immediate),
			sendString("body", body),
			awaitFinals("final", 1, env.Timing.Response),
		)
	},
	Chain: &Chain{
		Origin: func(Env) conv.OriginScript {
			return conv.OriginScript{OnHead: conv.HeadContinueAlways, Continue: "HTTP/1.1 100 Continue\r\nX-A : b\r\n\r\n"}
		},
		Judge: func(env Env, tl *conv.Timeline, rec conv.OriginRecord) Outcome {
			var j Judgement
			who := chainRole(env)
			q, forwarded := chainFirstRequest(rec)
			if !forwarded || len(originInterims(q)) == 0 {
				j.Info("PRX-STRIP-WS-COLON-RESPONSE", "the origin sent no 100, so there was nothing to repair")
				return j.Outcome()
			}
			const sent = "the origin sent a 100 (Continue) with the field line `X-A : b`"
			switch {
			case wsColonInInterim.Match(chainReceived(tl)) && env.Proxy:
				j.Fail("PRX-STRIP-WS-COLON-RESPONSE", "%s; %s forwarded it with the whitespace before the colon intact", sent, who)
			case wsColonInInterim.Match(chainReceived(tl)):
				j.Warn("PRX-STRIP-WS-COLON-RESPONSE", "%s; the gateway relayed it with the whitespace before the colon intact, an ungrammatical response a client may read differently. Interpretation (requirements.md §3.3): the removal duty is worded for a proxy, so a gateway gets a warning, not a failure", sent)
			default:
				relayed := false
				for _, m := range tl.Messages() {
					if m.Msg.Interim() && strings.Join(m.Msg.Get("X-A"), ",") == "b" {
						relayed = true
					}
				}
				if relayed {
					j.Pass("PRX-STRIP-WS-COLON-RESPONSE", "%s; the client received it as `X-A: b`", sent)
				} else {
					j.Info("PRX-STRIP-WS-COLON-RESPONSE", "%s; it did not reach the client (the client received %s)", sent, chainStatuses(tl.Messages()))
				}
			}
			return j.Outcome()
		},
	},
}

// addedExpect is T22: a client sends a POST without Expect, content included. An intermediary
// may add `Expect: 100-continue` upstream (and then need not forward the 100s it asked for); as
// a client towards its next hop it must then not hold the content indefinitely when no 100
// comes. The origin here never sends a 100 and waits for the content.
var addedExpect = Case{
	ID:           "chain/added-expect-no-indefinite-wait",
	Scenario:     "T22",
	Title:        "An intermediary that adds Expect: 100-continue upstream does not hold the content indefinitely when the origin sends no 100",
	Requirements: []string{"IR-PROXY-OWN-EXPECT", "CLI-NO-INDEFINITE-WAIT", "GW-UA-RULES-INBOUND"},
	Roles:        []Role{Proxy, Gateway},
	Script: func(env Env) conv.Script {
		return script(
			send("request", append(chainPost(env, "echo", len(body), "Content-Type: text/plain"), body...)),
			awaitFinals("final", 1, env.Timing.Response),
		)
	},
	Chain: &Chain{
		Origin: func(Env) conv.OriginScript { return conv.OriginScript{OnHead: conv.HeadWait} },
		Judge: func(env Env, tl *conv.Timeline, rec conv.OriginRecord) Outcome {
			var j Judgement
			who := chainRole(env)
			q, forwarded := chainFirstRequest(rec)
			finals := tl.Finals()
			switch {
			case !forwarded:
				j.Info("IR-PROXY-OWN-EXPECT", "nothing reached the origin (the client received %s)", chainStatuses(tl.Messages()))
				return j.Outcome()
			case !q.ExpectSeen:
				j.Pass("IR-PROXY-OWN-EXPECT", "%s forwarded the request without adding Expect", who)
			default:
				j.Info("IR-PROXY-OWN-EXPECT", "%s added `Expect: %s` to a request that had none; the 100s it asked for are its own to forward or not", who, strings.Join(q.ExpectValues, ", "))
			}
			switch {
			case len(finals) > 0:
				j.Pass("CLI-NO-INDEFINITE-WAIT", "the client received %s", status(finals[0].Msg))
			case q.ExpectSeen && !q.Complete:
				j.Warn("CLI-NO-INDEFINITE-WAIT", "%s added Expect: 100-continue, the origin sent no 100, and %s later the origin had received %d of the %d content octets the client had sent with its header section: %s holds the content waiting for a 100 that an HTTP/1.0 or expectation-ignoring server never sends", who, ms(env.Timing.Response), q.ContentLen, len(body), who)
			default:
				j.Info("CLI-NO-INDEFINITE-WAIT", "the client received no final response within %s", ms(env.Timing.Response))
			}
			return j.Outcome()
		},
	},
}

// http10Client is T23: an HTTP/1.0 client through an intermediary gets no 1xx, even when the
// origin sends them (IR-NOT-TO-HTTP10 binds every server), and a forward proxy does not keep
// the connection with it (PRX-NO-PERSIST-HTTP10-CLIENT).
var http10Client = Case{
	ID:           "chain/http10-client-no-interim",
	Scenario:     "T23",
	Title:        "An HTTP/1.0 client gets no 1xx through an intermediary, whatever the origin sends, and a forward proxy does not keep its connection",
	Requirements: []string{"IR-NOT-TO-HTTP10", "EXP-HTTP10-IGNORE", "PRX-NO-PERSIST-HTTP10-CLIENT", "INT-OWN-HTTP-VERSION"},
	Roles:        []Role{Proxy, Gateway},
	Script: func(env Env) conv.Script {
		return script(
			send("head", chainRequest(env, "POST", "echo", "HTTP/1.0", "Connection: keep-alive", "Content-Length: 5", "Expect: 100-continue")),
			awaitMessage("withheld", env.Timing.Quiet), // negative wait: a 1xx here fails
			sendString("body", body),
			awaitFinals("final", 1, env.Timing.Response),
			send("second", chainRequest(env, "GET", "ok", "HTTP/1.0")),
			awaitFinals("second-final", 2, env.Timing.Response),
		)
	},
	Chain: &Chain{
		// The origin sends a 100 on every HTTP/1.1 head and a 103 after the content, whether or
		// not the intermediary forwarded Expect: both must be absorbed.
		Origin: func(Env) conv.OriginScript {
			return conv.OriginScript{OnHead: conv.HeadContinueAlways, Interims: []conv.RawMessage{"HTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload\r\n\r\n"}}
		},
		Judge: func(env Env, tl *conv.Timeline, rec conv.OriginRecord) Outcome {
			var j Judgement
			who := chainRole(env)
			var sent []int
			for i := range rec.Requests {
				sent = append(sent, originInterims(&rec.Requests[i])...)
			}
			leaked := false
			for _, m := range tl.Messages() {
				if !m.Msg.Interim() {
					continue
				}
				leaked = true
				source := fmt.Sprintf("the origin sent 1xx %s upstream", chainCodes(sent))
				if len(sent) == 0 {
					source = "the origin sent no 1xx, so " + who + " generated it"
				}
				j.Fail("IR-NOT-TO-HTTP10", "the HTTP/1.0 client received %s (during %q); %s: no 1xx may go to an HTTP/1.0 client", status(m.Msg), m.Step, source)
				if m.Msg.Status == 100 && len(sent) == 0 {
					j.Fail("EXP-HTTP10-IGNORE", "%s acted on the 100-continue expectation of an HTTP/1.0 request instead of ignoring it", who)
				}
				break
			}
			if !leaked {
				j.Pass("IR-NOT-TO-HTTP10", "the HTTP/1.0 client received no 1xx (the origin sent %s upstream)", chainCodes(sent))
			}
			finals := tl.Finals()
			bodyAt, _ := tl.StepAt("body")
			switch {
			case len(finals) == 0:
				j.Warn("EXP-HTTP10-IGNORE", "the complete HTTP/1.0 request got no final response within %s", ms(env.Timing.Response))
			case finals[0].Msg.Status == 417:
				j.Fail("EXP-HTTP10-IGNORE", "the HTTP/1.0 request with Expect: 100-continue was answered 417: the expectation must be ignored, not refused")
			case finals[0].At < bodyAt:
				j.Info("EXP-HTTP10-IGNORE", "answered %s before the content was sent", status(finals[0].Msg))
			default:
				j.Pass("EXP-HTTP10-IGNORE", "the complete request got %s", status(finals[0].Msg))
			}
			if q, ok := chainFirstRequest(rec); ok {
				expect := "without Expect"
				if q.ExpectSeen {
					expect = "with Expect: " + strings.Join(q.ExpectValues, ", ")
				}
				// Interpretation (requirements.md §3.3): whether the ignored expectation is
				// stripped before forwarding is not said; only the 1xx leak is a failure.
				j.Pass("INT-OWN-HTTP-VERSION", "the request went upstream as %s %s", q.Proto, expect)
			}
			switch {
			case len(finals) >= 2 && env.Proxy:
				j.Fail("PRX-NO-PERSIST-HTTP10-CLIENT", "%s kept the HTTP/1.0 client's connection and answered a second request on it (%s)", who, status(finals[1].Msg))
			case len(finals) >= 2:
				j.Info("PRX-NO-PERSIST-HTTP10-CLIENT", "the gateway kept the HTTP/1.0 client's connection (it asked for keep-alive) and answered a second request on it; the rule is worded for a proxy, and an origin may keep such a connection (interpretation, requirements.md §3.3)")
			case len(finals) == 1:
				j.Pass("PRX-NO-PERSIST-HTTP10-CLIENT", "%s did not answer a second request on the HTTP/1.0 client's connection", who)
			}
			return j.Outcome()
		},
	},
}

// hopByHopExpect is the client's expectation in T26, spelled so that the origin can tell it from
// one the intermediary adds on its own: the value is case-insensitive, and no intermediary
// generates this spelling. (`100-Continue` was not enough: Apache's mod_proxy strips the client's
// Expect and adds its own `Expect: 100-Continue` for its handshake with the origin.)
const hopByHopExpect = "100-cOnTiNuE"

// connectionExpect is T26: `Connection: Expect` makes Expect hop-by-hop; the intermediary removes
// it and the Connection field before forwarding.
var connectionExpect = Case{
	ID:           "chain/connection-named-expect-removed",
	Scenario:     "T26",
	Title:        "With `Connection: Expect`, the intermediary forwards neither Expect nor a Connection field naming it",
	Requirements: []string{"INT-CONNECTION-HOP-BY-HOP"},
	Roles:        []Role{Proxy, Gateway},
	Script: func(env Env) conv.Script {
		return script(
			send("head", chainPost(env, "echo", len(body), "Connection: Expect", "Expect: "+hopByHopExpect)),
			awaitMessage("first", env.Timing.Immediate),
			sendString("body", body),
			awaitFinals("final", 1, env.Timing.Response),
		)
	},
	Chain: &Chain{
		Origin: func(Env) conv.OriginScript { return conv.OriginScript{} },
		Judge: func(env Env, tl *conv.Timeline, rec conv.OriginRecord) Outcome {
			var j Judgement
			who := chainRole(env)
			q, forwarded := chainFirstRequest(rec)
			if !forwarded {
				j.Info("INT-CONNECTION-HOP-BY-HOP", "nothing reached the origin (the client received %s)", chainStatuses(tl.Messages()))
				return j.Outcome()
			}
			bad := false
			for _, f := range fieldsNamed(q, "Expect") {
				if strings.TrimSpace(f.Value) == hopByHopExpect {
					bad = true
					j.Fail("INT-CONNECTION-HOP-BY-HOP", "the origin received the client's `%s: %s` although the client's `Connection: Expect` made it hop-by-hop: %s must remove the fields Connection names", f.Name, f.Value, who)
				} else {
					// Not the client's spelling: the intermediary's own expectation, which it may
					// add for its own handshake with the origin (IR-PROXY-OWN-EXPECT).
					j.Info("INT-CONNECTION-HOP-BY-HOP", "the origin received `%s: %s`, not the client's spelling `%s`: taken as %s's own expectation for its own handshake with the origin (allowed, IR-PROXY-OWN-EXPECT)", f.Name, f.Value, hopByHopExpect, who)
				}
			}
			for _, f := range fieldsNamed(q, "Connection") {
				for _, o := range strings.Split(f.Value, ",") {
					if strings.EqualFold(strings.TrimSpace(o), "expect") {
						bad = true
						j.Fail("INT-CONNECTION-HOP-BY-HOP", "the origin received `Connection: %s`: %s forwarded a Connection field, which is itself hop-by-hop", f.Value, who)
					}
				}
			}
			if !bad {
				j.Pass("INT-CONNECTION-HOP-BY-HOP", "the origin received neither the client's Expect nor a Connection field naming it")
			}
			bodyAt, sentBody := tl.StepAt("body")
			for _, m := range after(tl, "head") {
				if !sentBody || m.At < bodyAt {
					j.Info("INT-CONNECTION-HOP-BY-HOP", "%s acted on the hop-by-hop expectation itself: the client received %s before the content", who, status(m.Msg))
				}
				break
			}
			return j.Outcome()
		},
	},
}

// malformedForwarded is T27 for one malformed Expect line: what reached the origin must not be
// the malformed line as received. rule is the requirement; verbatim tells whether a request the
// origin received carries the malformation; rejectOnly says that the rule allows only a 400
// (whitespace before a colon), not a repair.
func malformedForwarded(id, scenario, title, rule, line string, fields []string, verbatim func(*conv.OriginRequest) bool, rejectOnly bool) Case {
	return Case{
		ID:           id,
		Scenario:     scenario,
		Title:        title,
		Requirements: []string{rule},
		Roles:        []Role{Proxy, Gateway},
		Script: func(env Env) conv.Script {
			return script(
				send("head", chainPost(env, "echo", len(body), fields...)),
				awaitMessage("first", env.Timing.Immediate),
				sendString("body", body),
				awaitFinals("final", 1, env.Timing.Response),
			)
		},
		Chain: &Chain{
			Origin: func(Env) conv.OriginScript { return conv.OriginScript{} },
			Judge: func(env Env, tl *conv.Timeline, rec conv.OriginRecord) Outcome {
				var j Judgement
				who := chainRole(env)
				for i := range rec.Requests {
					if q := &rec.Requests[i]; verbatim(q) {
						j.Fail(rule, "the origin received the request with %s unchanged: %s forwarded a line that another server can read differently (the front-end/back-end disagreement behind request smuggling)", line, who)
						return j.Outcome()
					}
				}
				finals := tl.Finals()
				if q, ok := chainFirstRequest(rec); ok {
					switch {
					case rejectOnly:
						j.Fail(rule, "%s forwarded a request with %s instead of rejecting it with 400 (%s)", who, line, describeForwardedExpect(q))
					case q.ExpectsContinue:
						j.Pass(rule, "%s replaced the malformation with SP before forwarding (%s)", who, describeForwardedExpect(q))
					case !q.ExpectSeen && answered100Itself(tl):
						// The intermediary answered the client's expectation itself and forwarded
						// none (Varnish does so for a plain `Expect: 100-continue` too): it read
						// the repaired field as the 100-continue expectation and consumed it,
						// which is consistent with a repair, and the malformation went nowhere.
						j.Info(rule, "%s acted on the field as the 100-continue expectation (the client received 100 (Continue) before it sent the content) and forwarded no Expect, so it repaired the malformation and consumed the expectation itself; the malformed line did not reach the origin (%s)", who, describeForwardedExpect(q))
					default:
						j.Warn(rule, "%s neither rejected %s nor replaced the malformation with SP, which gives `Expect: 100-continue`; it forwarded something else (%s)", who, line, describeForwardedExpect(q))
					}
					return j.Outcome()
				}
				switch {
				case len(finals) > 0 && finals[0].Msg.Status == 400:
					j.Pass(rule, "%s rejected the request with %s with 400 and forwarded nothing", who, line)
				case len(finals) > 0 && rejectOnly:
					j.Fail(rule, "%s answered %s to a request with %s; the rule requires 400", who, status(finals[0].Msg), line)
				case len(finals) > 0:
					j.Info(rule, "%s answered %s to a request with %s and forwarded nothing", who, status(finals[0].Msg), line)
				default:
					if e, ok := tl.Closed(); ok {
						j.Info(rule, "%s closed the connection (%s) on a request with %s and forwarded nothing", who, e.Kind, line)
					} else {
						j.Info(rule, "%s neither answered nor forwarded a request with %s", who, line)
					}
				}
				return j.Outcome()
			},
		},
	}
}

// answered100Itself reports whether the client received a 100 (Continue) after its header
// section and before it sent the content: the intermediary acted on the expectation.
func answered100Itself(tl *conv.Timeline) bool {
	bodyAt, sentBody := tl.StepAt("body")
	for _, m := range after(tl, "head") {
		if sentBody && m.At >= bodyAt {
			break
		}
		if m.Msg.Status == 100 {
			return true
		}
	}
	return false
}

// describeForwardedExpect says what Expect field lines the origin received.
func describeForwardedExpect(q *conv.OriginRequest) string {
	var fs []string
	for _, f := range q.Fields {
		if strings.EqualFold(strings.TrimRight(f.Name, " \t"), "Expect") {
			fs = append(fs, fmt.Sprintf("%q", f.Name+": "+f.Value))
		}
	}
	if len(fs) == 0 {
		return "the origin received no Expect field"
	}
	return "the origin received " + strings.Join(fs, ", ")
}

var (
	wsColonForwarded = malformedForwarded("chain/ws-before-colon-not-forwarded", "T27",
		"An intermediary rejects `Expect : 100-continue` (whitespace before the colon) with 400 and never forwards it",
		"H1-WS-BEFORE-COLON", "`Expect : 100-continue`", []string{"Expect : 100-continue"},
		func(q *conv.OriginRequest) bool {
			for _, f := range q.Fields {
				if n := strings.TrimRight(f.Name, " \t"); n != f.Name {
					return true
				}
			}
			return false
		}, true)
	obsFoldForwarded = malformedForwarded("chain/obs-fold-not-forwarded", "T27",
		"An intermediary rejects an obs-folded `Expect:` CRLF SP `100-continue` with 400, or replaces the fold with SP before forwarding; it never forwards the fold",
		"H1-OBS-FOLD", "the obs-folded `Expect:` CRLF SP `100-continue`", []string{"Expect:", " 100-continue"},
		func(q *conv.OriginRequest) bool {
			for _, f := range q.Fields {
				if f.Name == "" && f.Value != "" && (f.Value[0] == ' ' || f.Value[0] == '\t') {
					return true
				}
			}
			return bytes.Contains(q.Head, []byte("\n ")) || bytes.Contains(q.Head, []byte("\n\t"))
		}, false)
	nulForwarded = malformedForwarded("chain/nul-not-forwarded", "T27",
		"An intermediary rejects `Expect: 100-continue` NUL, or replaces the NUL with SP before forwarding; it never forwards the NUL",
		"FLD-CR-LF-NUL", "a NUL in `Expect: 100-continue\\x00`", []string{"Expect: 100-continue\x00"},
		func(q *conv.OriginRequest) bool { return bytes.IndexByte(q.Head, 0) >= 0 }, false)
)

// upstream417 is T25: the origin refuses every request with Expect with 417. The client gets the
// 417 (it then retries without the expectation itself); a forward proxy that re-sends the POST
// without Expect on its own retries a non-idempotent request (interpretation, §3.3).
var upstream417 = Case{
	ID:           "chain/upstream-417-relayed",
	Scenario:     "T25",
	Title:        "A 417 (Expectation Failed) from the origin reaches the client as a 417, not as a 5xx, and a forward proxy does not silently re-send the POST",
	Requirements: []string{"S417-MEANING", "PRX-NO-AUTO-RETRY", "CLI-417-RETRY-WITHOUT"},
	Roles:        []Role{Proxy, Gateway},
	Script: func(env Env) conv.Script {
		return script(
			send("head", chainPost(env, "echo", len(body), "Expect: 100-continue")),
			awaitMessage("first", env.Timing.Max),
			sendString("body", body),
			awaitFinals("final", 1, env.Timing.Response),
		)
	},
	Chain: &Chain{
		Origin: func(Env) conv.OriginScript { return conv.Script417IfExpect() },
		Judge: func(env Env, tl *conv.Timeline, rec conv.OriginRecord) Outcome {
			var j Judgement
			who := chainRole(env)
			q, forwarded := chainFirstRequest(rec)
			finals := tl.Finals()
			refused := forwarded && q.ExpectSeen
			switch {
			case !forwarded:
				j.Info("S417-MEANING", "nothing reached the origin (the client received %s)", chainStatuses(tl.Messages()))
			case !refused:
				j.Info("S417-MEANING", "%s did not forward Expect, so the origin did not refuse it (the client received %s)", who, chainStatuses(tl.Messages()))
			case len(finals) > 0 && finals[0].Msg.Status == 417:
				j.Pass("S417-MEANING", "the origin answered 417 to the request with Expect; the client received it")
			case len(finals) > 0 && finals[0].Msg.Status >= 500:
				j.Warn("S417-MEANING", "the origin answered 417 to the request with Expect; %s turned it into %s, which hides that only the expectation failed (a client would retry without it)", who, status(finals[0].Msg))
			case len(finals) > 0:
				j.Info("S417-MEANING", "the origin answered 417 to the request with Expect; the client received %s", status(finals[0].Msg))
			default:
				j.Info("S417-MEANING", "the origin answered 417 to the request with Expect; the client received no final response")
			}
			if refused && len(rec.Requests) > 1 {
				retry := &rec.Requests[1]
				switch {
				case retry.ExpectSeen:
				case env.Proxy && !strings.EqualFold(retry.Method, "PUT"):
					j.Warn("PRX-NO-AUTO-RETRY", "after the origin's 417, %s re-sent the %s upstream without Expect on its own; a proxy must not retry a non-idempotent request automatically (interpretation: the rule sits among communication failures, requirements.md §3.3)", who, retry.Method)
				default:
					j.Info("CLI-417-RETRY-WITHOUT", "after the origin's 417, %s repeated the request upstream without Expect, as a client should", who)
				}
			}
			return j.Outcome()
		},
	},
}

// http10NextHopChunked is T24's chunked variant (the main case is in nexthop10.go): once the
// origin has answered in HTTP/1.0, the intermediary must not send it chunked content (a client,
// including a proxy's or gateway's inbound side, uses chunked only towards an HTTP/1.1 server).
var http10NextHopChunked = Case{
	ID:           "chain/http10-next-hop-no-chunked",
	Scenario:     "T24",
	Title:        "After the origin has answered in HTTP/1.0, the intermediary does not send it chunked content",
	Requirements: []string{"CLI-NO-CHUNKED-TO-HTTP10", "EXP-PROXY-HTTP10-NEXTHOP-100", "S417-CHAIN-SIGNAL"},
	Roles:        []Role{Proxy, Gateway},
	Script: func(env Env) conv.Script {
		return script(
			send("prime", chainRequest(env, "GET", "ok", "HTTP/1.1")),
			awaitFinals("primed", 1, env.Timing.Response),
			ifReusable(send("head", chainRequest(env, "POST", "echo", "HTTP/1.1", "Transfer-Encoding: chunked", "Expect: 100-continue"))),
			awaitMessage("first", env.Timing.Immediate),
			sendString("body", "5\r\n"+body+"\r\n0\r\n\r\n"),
			awaitFinals("final", 2, env.Timing.Response),
		)
	},
	Chain: &Chain{
		Origin: func(Env) conv.OriginScript { return conv.ScriptHTTP10() },
		Judge: func(env Env, tl *conv.Timeline, rec conv.OriginRecord) Outcome {
			var j Judgement
			who := chainRole(env)
			if len(rec.Requests) == 0 || len(rec.Requests[0].Sent) == 0 {
				j.Info("CLI-NO-CHUNKED-TO-HTTP10", "the priming request did not reach the HTTP/1.0 origin, so the case could not be set up")
				return j.Outcome()
			}
			if why, closed := primingClosed(tl, rec); closed {
				j.NA("could not test: %s", why)
				return j.Outcome()
			}
			for i := range rec.Requests[1:] {
				q := &rec.Requests[1+i]
				if q.Framing == "chunked" || q.Has("Transfer-Encoding") {
					j.Fail("CLI-NO-CHUNKED-TO-HTTP10", "the origin answered the priming request in HTTP/1.0, yet %s then sent it %s with `Transfer-Encoding: %s`: chunked coding goes only to a server known to handle HTTP/1.1", who, q.RequestLine, strings.Join(q.Get("Transfer-Encoding"), ", "))
					return j.Outcome()
				}
			}
			if len(rec.Requests) > 1 {
				q := &rec.Requests[1]
				j.Pass("CLI-NO-CHUNKED-TO-HTTP10", "after the HTTP/1.0 answer, the chunked upload reached the origin without chunked coding (%s, %d octets of content)", q.Framing, q.ContentLen)
			} else {
				finals := tl.Finals()
				last := "nothing"
				if len(finals) > 1 {
					last = status(finals[1].Msg)
				}
				j.Pass("CLI-NO-CHUNKED-TO-HTTP10", "after the HTTP/1.0 answer, %s did not forward the chunked upload (the client received %s)", who, last)
			}
			for _, m := range after(tl, "head") {
				if m.Msg.Status == 417 {
					j.Info("S417-CHAIN-SIGNAL", "%s answered 417: the chain has an HTTP/1.0 hop, which cannot meet the expectation", who)
				}
				break
			}
			return j.Outcome()
		},
	},
}

var proxyCases = []Case{
	headForwarded,
	relayInterims,
	interimWithLength,
	interimWSColon,
	addedExpect,
	http10Client,
	http10NextHop,
	http10NextHopChunked,
	upstream417,
	connectionExpect,
	wsColonForwarded,
	obsFoldForwarded,
	nulForwarded,
}
