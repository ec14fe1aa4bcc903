package cases

import (
	"slices"
	"strings"

	"github.com/expectspec/expectspec/harness/conv"
)

// T45: a gateway with an HTTP/2 front end and an HTTP/1.1 origin behind it, as TLS-terminating
// load balancers are deployed. Towards the client it is the origin (RFC 9110 §3.7), so T30 runs
// through it over h2 too (gateway.go: the same upload, the 100 as a HEADERS frame); what is its
// own is the translation. An HTTP/1.1 response carries fields about its connection —
// Connection and the options it names, Keep-Alive, Transfer-Encoding, Upgrade — which mean
// nothing on an h2 stream: RFC 9113 §8.2.2 makes a message that carries one malformed, and RFC
// 9110 §7.6.1 has every intermediary remove what Connection names. A gateway that copies them
// across hands its clients a response they must reject.

// t45Witnesses are the h2 rows of the T30 cases: the HTTP/2 reference gateway streams like
// ref-gateway-streaming (and, like it, has nothing to relay from a backend that holds the head).
var t45Witnesses = map[string][]Witness{
	backendContinues.id: {passes("ref-h2-gateway"),
		fails("mut-h2gw-100-end-stream", "H2-1XX-NO-END-STREAM"),
		fails("mut-h2gw-wait-for-content", "EXP-ORIGIN-NO-WAIT"), fails("mut-h2gw-wait-for-content", "EXP-ORIGIN-IMMEDIATE")},
	backendWaits.id:                          {informs("ref-h2-gateway"), fails("mut-h2gw-wait-for-content", "EXP-ORIGIN-NO-WAIT")},
	backendRejects.id:                        {passes("ref-h2-gateway"), fails("mut-h2gw-wait-for-content", "EXP-ORIGIN-NO-WAIT")},
	"gateway/immediate-100-mixed-case-value": {passes("ref-h2-gateway")},
}

// hopFieldsFinal is the origin's final response in the translation case: every kind of
// connection-specific field an HTTP/1.1 server sends (Apache announces Upgrade on every
// response), and X-Hop, which only Connection makes hop-by-hop, on a chunked 200.
const hopFieldsFinal conv.RawMessage = "HTTP/1.1 200 OK\r\nConnection: keep-alive, Upgrade, X-Hop\r\nKeep-Alive: timeout=5\r\n" +
	"Upgrade: h2c\r\nX-Hop: 1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nok\n\r\n0\r\n\r\n"

// hopFieldsContinue is the origin's 100 in that case, with a hop-by-hop field of its own.
const hopFieldsContinue conv.RawMessage = "HTTP/1.1 100 Continue\r\nConnection: X-Hop\r\nX-Hop: 1\r\n\r\n"

// h2HopFields is T45's translation case.
var h2HopFields = Case{
	ID:           "gateway/h2-no-connection-fields-relayed",
	Scenario:     "T45",
	Title:        "Through a gateway with an HTTP/2 front end, the HTTP/1.1 origin's connection-specific fields (Connection and what it names, Keep-Alive, Upgrade, Transfer-Encoding) do not reach the h2 client",
	Requirements: []string{"H2-CONN-SPECIFIC", "INT-CONNECTION-HOP-BY-HOP", "GW-ORIGIN-RULES-OUTBOUND"},
	Witnesses: []Witness{
		passes("ref-h2-gateway"),
		fails("mut-h2gw-relay-connection-fields", "H2-CONN-SPECIFIC"),
		fails("mut-h2gw-relay-connection-fields", "INT-CONNECTION-HOP-BY-HOP"),
	},
	Roles:     []Role{Gateway},
	Protocols: h2Protocols,
	Client: func(env Env) conv.Script {
		return script(
			h2Head(env, "head", env.Target("echo"), false, expectContinue),
			h2Content("body"),
			awaitFinals("final", 1, env.Timing.Response),
		)
	},
	Origin: func(Env) conv.OriginScript {
		return conv.OriginScript{Continue: hopFieldsContinue, Final: hopFieldsFinal}
	},
	Judge: onForwarded("H2-CONN-SPECIFIC", judgeH2HopFields),
}

// connectionSpecific are the field names RFC 9113 §8.2.2 bars from HTTP/2 messages (te is
// allowed as "trailers" in requests; no response carries it).
var connectionSpecific = []string{"connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te"}

func judgeH2HopFields(env Env, tl *conv.Timeline, rec conv.OriginRecord) Outcome {
	var j Judgement
	// Only the origin's own 200 carries the fields; anything else says nothing of the relay.
	if finals := tl.Finals(); len(finals) == 0 || finals[0].Msg.Status != 200 {
		j.NA("the origin's 200 never reached the client within %s (it received %s), so what the gateway relays of it could not be seen", ms(env.Timing.Response), chainStatuses(tl.Messages()))
		return j.Outcome()
	}
	var barred, named []string
	for _, m := range tl.Messages() {
		for _, f := range m.Msg.Header {
			name := strings.ToLower(f.Name)
			switch {
			case slices.Contains(connectionSpecific, name):
				barred = append(barred, status(m.Msg)+" "+f.Name+": "+f.Value)
			case name == "x-hop":
				named = append(named, status(m.Msg)+" "+f.Name+": "+f.Value)
			}
		}
	}
	if len(barred) > 0 {
		j.Fail("H2-CONN-SPECIFIC", "the h2 response carried %s: connection-specific fields make an HTTP/2 message malformed (RFC 9113 §8.2.2), so a client must reject it; drop them when translating from HTTP/1.1", strings.Join(barred, "; "))
	} else {
		j.Pass("H2-CONN-SPECIFIC", "the origin sent Connection, Keep-Alive, Upgrade and Transfer-Encoding; none reached the h2 client")
	}
	if len(named) > 0 {
		j.Fail("INT-CONNECTION-HOP-BY-HOP", "the h2 response carried %s, a field the origin's Connection named: it belongs to the origin's connection and must be removed (RFC 9110 §7.6.1)", strings.Join(named, "; "))
	} else {
		j.Pass("INT-CONNECTION-HOP-BY-HOP", "X-Hop, which the origin's Connection named, did not reach the client")
	}
	return j.Outcome()
}

var gatewayH2Cases = []Case{h2HopFields}
