package cases

import (
	"strings"

	"github.com/expectspec/expectspec/harness/conv"
)

// upstream417 is T25: the origin refuses every request with Expect with 417. The client gets the
// 417 (it then retries without the expectation itself); a forward proxy that re-sends the POST
// without Expect on its own retries a non-idempotent request (CATALOGUE.md, interpretation retry-after-417).
var upstream417 = Case{
	ID:           "chain/upstream-417-relayed",
	Scenario:     "T25",
	Title:        "A 417 (Expectation Failed) from the origin reaches the client as a 417, not as a 5xx, and a forward proxy does not silently re-send the POST",
	Requirements: []string{"S417-MEANING", "PRX-NO-AUTO-RETRY", "CLI-417-RETRY-WITHOUT"},
	Witnesses:    []Witness{passes("ref-gateway-streaming"), informs("ref-gateway-buffering"), passes("ref-proxy-streaming"), warns("mut-gw-417-to-502", "S417-MEANING"), warns("mut-gw-retry-after-417", "PRX-NO-AUTO-RETRY").as(Proxy)},
	Roles:        []Role{Proxy, Gateway},
	Client: func(env Env) conv.Script {
		return script(
			send("head", chainPost(env, "echo", len(body), "Expect: 100-continue")),
			awaitMessage("first", env.Timing.Max),
			sendString("body", body),
			awaitFinals("final", 1, env.Timing.Response),
		)
	},
	Origin: func(Env) conv.OriginScript { return conv.Script417IfExpect() },
	Judge: onForwarded("S417-MEANING",
		func(env Env, tl *conv.Timeline, rec conv.OriginRecord) Outcome {
			var j Judgement
			who := chainRole(env)
			q, _ := chainFirstRequest(rec)
			finals := tl.Finals()
			refused := q.ExpectSeen
			switch {
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
				case env.Role == Proxy && !strings.EqualFold(retry.Method, "PUT"):
					j.Warn("PRX-NO-AUTO-RETRY", "after the origin's 417, %s re-sent the %s upstream without Expect on its own; a proxy must not retry a non-idempotent request automatically; that rule sits among communication failures, so this rests on interpretation retry-after-417 in CATALOGUE.md", who, retry.Method)
				default:
					j.Info("CLI-417-RETRY-WITHOUT", "after the origin's 417, %s repeated the request upstream without Expect, as a client should", who)
				}
			}
			return j.Outcome()
		}),
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
