package cases

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/expectspec/expectspec/harness/conv"
)

// What an intermediary forwards of the request's Expect field: one it added (T22), one named by
// Connection (T26), malformed lines (T27).

// addedExpect is T22: a client sends a POST without Expect, content included. An intermediary
// may add `Expect: 100-continue` upstream (and then need not forward the 100s it asked for); as
// a client towards its next hop it must then not hold the content indefinitely when no 100
// comes. The origin here never sends a 100 and waits for the content.
var addedExpect = Case{
	ID:           "chain/added-expect-no-indefinite-wait",
	Scenario:     "T22",
	Title:        "An intermediary that adds Expect: 100-continue upstream does not hold the content indefinitely when the origin sends no 100",
	Requirements: []string{"IR-PROXY-OWN-EXPECT", "CLI-NO-INDEFINITE-WAIT", "GW-UA-RULES-INBOUND"},
	Witnesses:    []Witness{passes("ref-gateway-streaming"), passes("ref-gateway-buffering"), passes("ref-proxy-streaming"), warns("mut-gw-add-expect-wait", "CLI-NO-INDEFINITE-WAIT")},
	Roles:        []Role{Proxy, Gateway},
	Client: func(env Env) conv.Script {
		return script(
			send("request", append(chainPost(env, "echo", len(body), "Content-Type: text/plain"), body...)),
			awaitFinals("final", 1, env.Timing.Response),
		)
	},
	Origin: func(Env) conv.OriginScript { return conv.OriginScript{OnHead: conv.HeadWait} },
	Judge: onForwarded("IR-PROXY-OWN-EXPECT",
		func(env Env, tl *conv.Timeline, rec conv.OriginRecord) Outcome {
			var j Judgement
			who := chainRole(env)
			q, _ := chainFirstRequest(rec)
			finals := tl.Finals()
			switch {
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
		}),
}

// connectionExpect is T26: `Connection: Expect` makes Expect hop-by-hop; the intermediary removes
// it and the Connection field before forwarding.
var connectionExpect = Case{
	ID:           "chain/connection-named-expect-removed",
	Scenario:     "T26",
	Title:        "With `Connection: Expect`, the intermediary forwards neither Expect nor a Connection field naming it",
	Requirements: []string{"INT-CONNECTION-HOP-BY-HOP"},
	Witnesses:    []Witness{passes("ref-gateway-streaming"), informs("ref-gateway-buffering"), passes("ref-proxy-streaming"), fails("mut-gw-keep-connection-expect", "INT-CONNECTION-HOP-BY-HOP")},
	Roles:        []Role{Proxy, Gateway},
	Client: func(env Env) conv.Script {
		return script(
			send("head", chainPost(env, "echo", len(body), "Connection: Expect", "Expect: "+hopByHopExpect)),
			awaitMessage("first", env.Timing.Immediate),
			sendString("body", body),
			awaitFinals("final", 1, env.Timing.Response),
		)
	},
	Origin: func(Env) conv.OriginScript { return conv.OriginScript{} },
	Judge: onForwarded("INT-CONNECTION-HOP-BY-HOP",
		func(env Env, tl *conv.Timeline, rec conv.OriginRecord) Outcome {
			var j Judgement
			who := chainRole(env)
			q, _ := chainFirstRequest(rec)
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
			for _, m := range tl.MessagesAfter("head") {
				if !sentBody || m.At < bodyAt {
					j.Info("INT-CONNECTION-HOP-BY-HOP", "%s acted on the hop-by-hop expectation itself: the client received %s before the content", who, status(m.Msg))
				}
				break
			}
			return j.Outcome()
		}),
}

// malformedWitnesses are T27's: the reference intermediaries reject or repair the malformed line,
// and the mutant that forwards it as received breaks the rule.
func malformedWitnesses(rule string) []Witness {
	mutant := map[string]string{"H1-WS-BEFORE-COLON": "mut-gw-forward-ws-colon", "H1-OBS-FOLD": "mut-gw-forward-obs-fold",
		"FLD-CR-LF-NUL": "mut-gw-forward-nul"}[rule]
	return []Witness{passes("ref-gateway-streaming"), passes("ref-gateway-buffering"), passes("ref-proxy-streaming"), fails(mutant, rule)}
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
		Witnesses:    malformedWitnesses(rule),
		Roles:        []Role{Proxy, Gateway},
		Client: func(env Env) conv.Script {
			return script(
				send("head", chainPost(env, "echo", len(body), fields...)),
				awaitMessage("first", env.Timing.Immediate),
				sendString("body", body),
				awaitFinals("final", 1, env.Timing.Response),
			)
		},
		Origin: func(Env) conv.OriginScript { return conv.OriginScript{} },
		Judge: onBothSides(
			func(env Env, tl *conv.Timeline, rec conv.OriginRecord) Outcome {
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
			}),
	}
}

// answered100Itself reports whether the client received a 100 (Continue) after its header
// section and before it sent the content: the intermediary acted on the expectation.
func answered100Itself(tl *conv.Timeline) bool {
	bodyAt, sentBody := tl.StepAt("body")
	for _, m := range tl.MessagesAfter("head") {
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
