package cases

import (
	"fmt"
	"strings"

	"github.com/expectspec/expectspec/harness/conv"
)

// HTTP/1.0 peers of an intermediary: an HTTP/1.0 client (T23) and a next hop known to speak
// HTTP/1.0 (T24's chunked variant; the main case is in nexthop10.go).

// http10Client is T23: an HTTP/1.0 client through an intermediary gets no 1xx, even when the
// origin sends them (IR-NOT-TO-HTTP10 binds every server), and a forward proxy does not keep
// the connection with it (PRX-NO-PERSIST-HTTP10-CLIENT).
var http10Client = Case{
	ID:           "chain/http10-client-no-interim",
	Scenario:     "T23",
	Title:        "An HTTP/1.0 client gets no 1xx through an intermediary, whatever the origin sends, and a forward proxy does not keep its connection",
	Requirements: []string{"IR-NOT-TO-HTTP10", "EXP-HTTP10-IGNORE", "PRX-NO-PERSIST-HTTP10-CLIENT", "INT-OWN-HTTP-VERSION"},
	Witnesses:    []Witness{passes("ref-gateway-streaming"), passes("ref-gateway-buffering"), passes("ref-proxy-streaming"), fails("mut-gw-1xx-to-http10", "IR-NOT-TO-HTTP10"), fails("mut-gw-1xx-to-http10", "IR-NOT-TO-HTTP10").as(Proxy), fails("mut-gw-keep-http10-client", "PRX-NO-PERSIST-HTTP10-CLIENT").as(Proxy), fails("mut-gw-417-to-http10-expect", "EXP-HTTP10-IGNORE"), warns("mut-gw-copy-client-version", "INT-OWN-HTTP-VERSION")},
	Roles:        []Role{Proxy, Gateway},
	Client: func(env Env) conv.Script {
		return script(
			send("head", chainRequest(env, "POST", "echo", "HTTP/1.0", "Connection: keep-alive", "Content-Length: 5", "Expect: 100-continue")),
			awaitMessage("withheld", env.Timing.Quiet), // negative wait: a 1xx here fails
			sendString("body", body),
			awaitFinals("final", 1, env.Timing.Response),
			send("second", chainRequest(env, "GET", "ok", "HTTP/1.0")),
			awaitFinals("second-final", 2, env.Timing.Response),
		)
	},
	// The origin sends a 100 on every HTTP/1.1 head and a 103 after the content, whether or
	// not the intermediary forwarded Expect: both must be absorbed.
	Origin: func(Env) conv.OriginScript {
		return conv.OriginScript{OnHead: conv.HeadContinueAlways, Interims: []conv.RawMessage{"HTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload\r\n\r\n"}}
	},
	Judge: onBothSides(
		func(env Env, tl *conv.Timeline, rec conv.OriginRecord) Outcome {
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
			case leaked:
				// The 1xx has been judged above; a pass here would contradict it.
				j.Info("EXP-HTTP10-IGNORE", "the complete request got %s", status(finals[0].Msg))
			default:
				j.Pass("EXP-HTTP10-IGNORE", "the complete request got %s", status(finals[0].Msg))
			}
			if q, ok := chainFirstRequest(rec); ok {
				// CATALOGUE.md, interpretation http10-through-intermediary: whether the ignored expectation is
				// stripped before forwarding is not said; only the 1xx leak is a failure.
				ownVersion(&j, tl, q, who, "HTTP/1.0")
			}
			switch {
			case len(finals) >= 2 && env.Role == Proxy:
				j.Fail("PRX-NO-PERSIST-HTTP10-CLIENT", "%s kept the HTTP/1.0 client's connection and answered a second request on it (%s)", who, status(finals[1].Msg))
			case len(finals) >= 2:
				j.Info("PRX-NO-PERSIST-HTTP10-CLIENT", "the gateway kept the HTTP/1.0 client's connection (it asked for keep-alive) and answered a second request on it; the rule is worded for a proxy, and an origin may keep such a connection (interpretation proxy-wording in CATALOGUE.md)")
			case len(finals) == 1:
				j.Pass("PRX-NO-PERSIST-HTTP10-CLIENT", "%s did not answer a second request on the HTTP/1.0 client's connection", who)
			}
			return j.Outcome()
		}),
}

// ownVersion judges INT-OWN-HTTP-VERSION (RFC 9112 §2.3) on the first request that reached the
// origin: an intermediary that is not a tunnel sends its own HTTP-version in the messages it
// forwards, in both directions, so the version of the request upstream and the version of the
// status lines the client receives are both the intermediary's own, and agree. An HTTP/1.1
// request upstream passes: it is not the HTTP/1.0 client's version copied (T23), nor a
// downgrade (T20). A request upstream in a lower version than the client received its answers
// in cannot have been sent in the intermediary's own version on both sides: it copied the
// client's version, or relayed the origin's status line unchanged, or downgraded on purpose.
// The last is allowed "as a workaround for an upstream issue", and the wire cannot show
// purpose, so it is a warning and not a failure. An intermediary that speaks HTTP/1.0 on both
// sides sends its own version: info.
func ownVersion(j *Judgement, tl *conv.Timeline, q *conv.OriginRequest, who, clientProto string) {
	expect := "without Expect"
	if q.ExpectSeen {
		expect = "with Expect: " + strings.Join(q.ExpectValues, ", ")
	}
	answered := ""
	if finals := tl.Finals(); len(finals) > 0 {
		answered = finals[0].Msg.Proto
	}
	switch {
	case q.Proto == "HTTP/1.1":
		j.Pass("INT-OWN-HTTP-VERSION", "the %s request went upstream as HTTP/1.1 %s, in %s's own version", clientProto, expect, who)
	case q.Proto == "HTTP/1.0" && answered == "HTTP/1.1":
		j.Warn("INT-OWN-HTTP-VERSION", "the %s request went upstream as HTTP/1.0 (%s), yet the client received its answer as HTTP/1.1: an intermediary sends its own HTTP-version in what it forwards, both ways (RFC 9112 §2.3), so one of the two is not %s's own: it copied the client's version or downgraded the request (allowed only on purpose, as a workaround for an upstream issue), or it relayed the origin's status line unchanged. The HTTP/1.1 origin then cannot use HTTP/1.1 (1xx, chunked, persistence) towards it", clientProto, expect, who)
	case q.Proto == "HTTP/1.0" && answered == "HTTP/1.0":
		j.Info("INT-OWN-HTTP-VERSION", "the %s request went upstream as HTTP/1.0 %s and the client received its answer as HTTP/1.0: %s speaks HTTP/1.0 on both sides, its own version", clientProto, expect, who)
	default:
		got := "no final response"
		if answered != "" {
			got = "its answer as " + answered
		}
		j.Info("INT-OWN-HTTP-VERSION", "the %s request went upstream as %s %s, and the client received %s", clientProto, q.Proto, expect, got)
	}
}

// hopByHopExpect is the client's expectation in T26, spelled so that the origin can tell it from
// one the intermediary adds on its own: the value is case-insensitive, and no intermediary
// generates this spelling. (`100-Continue` was not enough: Apache's mod_proxy strips the client's
// Expect and adds its own `Expect: 100-Continue` for its handshake with the origin.)
const hopByHopExpect = "100-cOnTiNuE"

// http10NextHopChunked is T24's chunked variant (the main case is in nexthop10.go): once the
// origin has answered in HTTP/1.0, the intermediary must not send it chunked content (a client,
// including a proxy's or gateway's inbound side, uses chunked only towards an HTTP/1.1 server).
var http10NextHopChunked = Case{
	ID:           "chain/http10-next-hop-no-chunked",
	Scenario:     "T24",
	Title:        "After the origin has answered in HTTP/1.0, the intermediary does not send it chunked content",
	Requirements: []string{"CLI-NO-CHUNKED-TO-HTTP10", "EXP-PROXY-HTTP10-NEXTHOP-100", "S417-CHAIN-SIGNAL"},
	Witnesses:    []Witness{passes("ref-gateway-streaming"), passes("ref-gateway-buffering"), passes("ref-proxy-streaming"), fails("mut-gw-chunked-to-http10", "CLI-NO-CHUNKED-TO-HTTP10")},
	Roles:        []Role{Proxy, Gateway},
	Client: func(env Env) conv.Script {
		return script(
			send("prime", chainRequest(env, "GET", "ok", "HTTP/1.1")),
			awaitFinals("primed", 1, env.Timing.Response),
			ifReusable(send("head", chainRequest(env, "POST", "echo", "HTTP/1.1", "Transfer-Encoding: chunked", "Expect: 100-continue"))),
			awaitMessage("first", env.Timing.Immediate),
			sendString("body", "5\r\n"+body+"\r\n0\r\n\r\n"),
			awaitFinals("final", 2, env.Timing.Response),
		)
	},
	Origin: func(Env) conv.OriginScript { return conv.ScriptHTTP10() },
	Judge: onBothSides(
		func(env Env, tl *conv.Timeline, rec conv.OriginRecord) Outcome {
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
			for _, m := range tl.MessagesAfter("head") {
				if m.Msg.Status == 417 {
					j.Info("S417-CHAIN-SIGNAL", "%s answered 417: the chain has an HTTP/1.0 hop, which cannot meet the expectation", who)
				}
				break
			}
			return j.Outcome()
		}),
}
