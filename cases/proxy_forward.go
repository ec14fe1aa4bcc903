package cases

import (
	"fmt"
	"time"

	"github.com/expectspec/expectspec/harness/conv"
)

// Forward proxy scenarios T20-T27 (CATALOGUE.md). Most of the rules bind any
// intermediary and run against gateways too; those worded "a proxy" (RFC 9110 §15.2, RFC 9112
// §5.1 and §9.3) bind forward proxies literally, and a gateway gets info or a warning on them
// with the interpretation named (CATALOGUE.md, interpretation proxy-wording).

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
	Witnesses:    []Witness{passes("ref-proxy-streaming"), warns("mut-gw-reject-continue", "EXP-NO-417-FOR-100-CONTINUE").as(Proxy), fails("mut-gw-wait-for-content", "EXP-PROXY-IMMEDIATE"), fails("mut-gw-swallow-1xx-silent", "IR-PROXY-FORWARD-1XX"), warns("mut-gw-downgrade-upstream", "INT-OWN-HTTP-VERSION")},
	Roles:        []Role{Proxy},
	Client: func(env Env) conv.Script {
		return script(
			send("head", chainPost(env, "echo", len(body), "Content-Type: text/plain", "Expect: 100-continue")),
			awaitMessage("first", env.Timing.Max),
			awaitClose("withheld", env.Timing.Immediate),
			sendString("body", body),
			awaitFinals("final", 1, env.Timing.Response),
		)
	},
	Origin: func(Env) conv.OriginScript { return conv.OriginScript{} },
	Judge: onBothSides(
		func(env Env, tl *conv.Timeline, rec conv.OriginRecord) Outcome {
			var j Judgement
			who := chainRole(env)
			headAt, _ := tl.StepAt("head")
			bodyAt, sentBody := tl.StepAt("body")
			var early []conv.Timed
			for _, m := range tl.MessagesAfter("head") {
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
				// CATALOGUE.md, interpretation proxy-own-100: the proxy's own 100 is a MAY only for an
				// HTTP/1.0 next hop; buffering the content defeats the origin's early decision.
				j.Warn("EXP-PROXY-IMMEDIATE", "%s answered 100 (Continue) itself and did not forward the header section before the content (%s); the next hop speaks HTTP/1.1, so its own 100 is not the MAY of RFC 9110 §10.1.1, and buffering defeats the origin's early decision (interpretation proxy-own-100 in CATALOGUE.md)", who, originArrival(q, forwarded))
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
				ownVersion(&j, tl, q, who, "HTTP/1.1")
			}
			interimHygiene(&j, tl)
			return j.Outcome()
		}),
}

// lateInterim judges T20 when the origin answered a 1xx on the header section and the client
// had received nothing by the time it sent the content. A 1xx that never reached the client was
// not forwarded (IR-PROXY-FORWARD-1XX, fail). One that reached it only after the content was
// forwarded, late: the MUST held, but a 100 after the client's wait no longer does its job (a
// warning, CATALOGUE.md "Verdicts"). Tinyproxy relays the origin's 100 only once it has relayed the
// content, in the same read as the final response.
func lateInterim(j *Judgement, tl *conv.Timeline, code int, headAt, bodyAt time.Duration, who string) {
	msgs := tl.MessagesAfter("body")
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
