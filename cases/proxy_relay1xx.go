package cases

import (
	"regexp"
	"strings"

	"github.com/expectspec/expectspec/harness/conv"
)

// Relaying the origin's 1xx responses through an intermediary (T21 and its variants).

// relayInterims is T21: every 1xx the origin sends (100 on the head; 102, two 103 and an
// unknown 199 after the content) reaches the client in order, then the 200. A forward proxy
// must forward them (IR-PROXY-FORWARD-1XX); for a gateway that is info (CATALOGUE.md,
// interpretation proxy-wording).
// Either must parse them as a client and deliver the final response (CLI-PARSE-1XX).
var relayInterims = Case{
	ID:           "chain/interim-responses-relayed",
	Scenario:     "T21",
	Title:        "Every 1xx of the origin (100, 102, two 103, an unknown 199) reaches the client in order through a forward proxy, and the final response follows through any intermediary",
	Requirements: []string{"IR-PROXY-FORWARD-1XX", "CLI-PARSE-1XX", "EH-MULTIPLE", "ROLE-PROXY-VS-GATEWAY", "IR-NO-CONTENT-LENGTH", "IR-NO-TRANSFER-ENCODING"},
	Witnesses:    []Witness{passes("ref-gateway-streaming"), informs("ref-gateway-buffering"), passes("ref-proxy-streaming"), fails("mut-gw-unknown-1xx-502", "CLI-PARSE-1XX"), fails("mut-gw-swallow-1xx", "IR-PROXY-FORWARD-1XX").as(Proxy)},
	Roles:        []Role{Proxy, Gateway},
	Client: func(env Env) conv.Script {
		return script(
			send("head", chainPost(env, "echo", len(body), "Expect: 100-continue")),
			awaitMessage("first", env.Timing.Immediate),
			sendString("body", body),
			awaitFinals("final", 1, env.Timing.Response),
		)
	},
	Origin: func(Env) conv.OriginScript { return conv.OriginScript{Interims: earlyHints} },
	Judge: onForwarded("IR-PROXY-FORWARD-1XX",
		func(env Env, tl *conv.Timeline, rec conv.OriginRecord) Outcome {
			var j Judgement
			who := chainRole(env)
			q, _ := chainFirstRequest(rec)
			sent, got := originInterims(q), clientInterims(tl)
			missing := missingInOrder(sent, got)
			switch {
			case len(missing) == 0:
				j.Pass("IR-PROXY-FORWARD-1XX", "the origin sent 1xx %s; the client received %s, in order", chainCodes(sent), chainCodes(got))
			case env.Role == Proxy:
				j.Fail("IR-PROXY-FORWARD-1XX", "the origin sent 1xx %s; the client received %s: %s did not forward %s, which it had not asked for", chainCodes(sent), chainCodes(got), who, chainCodes(missing))
			default:
				j.Info("IR-PROXY-FORWARD-1XX", "the origin sent 1xx %s; the client received %s (%s not propagated). Interpretation proxy-wording in CATALOGUE.md: the forwarding duty is worded for a proxy, which RFC 9110 §3.7 defines as chosen by the client, so a gateway need not propagate interim responses", chainCodes(sent), chainCodes(got), chainCodes(missing))
			}
			finals := tl.Finals()
			originFinal := 0
			for _, m := range originMessages(q) {
				if m.Status >= 200 {
					originFinal = m.Status
				}
			}
			cutShort := originFinal == 0 && len(sent) > 0 && q.Complete && closedByPeer(q)
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
		}),
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
	Witnesses:    []Witness{passes("ref-gateway-streaming"), passes("ref-gateway-buffering"), passes("ref-proxy-streaming"), fails("mut-gw-1xx-by-content-length", "IR-FRAMING-ENDS-AT-HEADERS"), warns("mut-gw-relay-1xx-verbatim", "IR-NO-CONTENT-LENGTH")},
	Roles:        []Role{Proxy, Gateway},
	Client: func(env Env) conv.Script {
		return script(
			send("head", chainPost(env, "echo", len(body), "Expect: 100-continue")),
			awaitFinals("first", 1, env.Timing.Immediate),
			sendString("body", body),
			awaitFinals("final", 1, env.Timing.Response),
		)
	},
	Origin: func(Env) conv.OriginScript { return conv.ScriptEarly(continueWithLength, conv.EarlyKeepReading) },
	Judge: onForwarded("IR-FRAMING-ENDS-AT-HEADERS",
		func(env Env, tl *conv.Timeline, rec conv.OriginRecord) Outcome {
			var j Judgement
			who := chainRole(env)
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
					// CATALOGUE.md, interpretation relayed-1xx-fields: the intermediary relayed the
					// field rather than generating it, so a warning, not a failure.
					j.Warn("IR-NO-CONTENT-LENGTH", "%s relayed the %s with its Content-Length: %s; a 1xx must not carry one, and the field should have been removed", who, status(m.Msg), strings.Join(m.Msg.Get("Content-Length"), ", "))
					break
				}
			}
			return j.Outcome()
		}),
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
	Witnesses:    []Witness{passes("ref-gateway-streaming"), informs("ref-gateway-buffering"), passes("ref-proxy-streaming"), warns("mut-gw-relay-1xx-verbatim", "PRX-STRIP-WS-COLON-RESPONSE"), fails("mut-gw-relay-1xx-verbatim", "PRX-STRIP-WS-COLON-RESPONSE").as(Proxy)},
	Roles:        []Role{Proxy, Gateway},
	Client: func(env Env) conv.Script {
		return script(
			send("head", chainPost(env, "echo", len(body), "Expect: 100-continue")),
			awaitMessage("first", env.Timing.Immediate),
			sendString("body", body),
			awaitFinals("final", 1, env.Timing.Response),
		)
	},
	Origin: func(Env) conv.OriginScript {
		return conv.OriginScript{OnHead: conv.HeadContinueAlways, Continue: "HTTP/1.1 100 Continue\r\nX-A : b\r\n\r\n"}
	},
	Judge: onBothSides(
		func(env Env, tl *conv.Timeline, rec conv.OriginRecord) Outcome {
			var j Judgement
			who := chainRole(env)
			q, forwarded := chainFirstRequest(rec)
			if !forwarded || len(originInterims(q)) == 0 {
				j.Info("PRX-STRIP-WS-COLON-RESPONSE", "the origin sent no 100, so there was nothing to repair")
				return j.Outcome()
			}
			const sent = "the origin sent a 100 (Continue) with the field line `X-A : b`"
			switch {
			case wsColonInInterim.Match(chainReceived(tl)) && env.Role == Proxy:
				j.Fail("PRX-STRIP-WS-COLON-RESPONSE", "%s; %s forwarded it with the whitespace before the colon intact", sent, who)
			case wsColonInInterim.Match(chainReceived(tl)):
				j.Warn("PRX-STRIP-WS-COLON-RESPONSE", "%s; the gateway relayed it with the whitespace before the colon intact, an ungrammatical response a client may read differently. Interpretation proxy-wording in CATALOGUE.md: the removal duty is worded for a proxy, so a gateway gets a warning, not a failure", sent)
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
		}),
}
