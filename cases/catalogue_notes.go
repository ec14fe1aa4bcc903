package cases

// The prose of CATALOGUE.md: what the catalogue is, what each verdict means, the interpretations
// the judges apply where the RFCs leave room, and a name for each wire scenario. The rows
// (requirements, fixes, cases) come from the catalogue's own data; only this prose is written
// here, so that the document and the judges cite the same, named notes.

// catalogueIntro opens the document.
const catalogueIntro = `expectspec checks how HTTP servers, gateways (reverse proxies) and forward proxies handle
` + "`Expect: 100-continue`" + `, 100 (Continue), 417 (Expectation Failed) and the other interim (1xx)
responses, as RFC 9110 (§10.1.1, §15.2, §15.5.18) and RFC 9112 define them. This document is the
catalogue the suite runs: every requirement it knows, the interpretations its judges apply where
the RFCs leave a choice, and every case with what it sends and what it accepts.

A **requirement** is one rule of an RFC, restated in the project's words, with the BCP 14
keyword that sets how a breach is reported. A **case** plays one conversation against a target
and judges what came back against the requirements it cites. A case names the **roles** it
applies to: ` + "`origin`" + ` (the target answers requests itself), ` + "`gateway`" + ` (a reverse
proxy, judged as an origin towards its client, RFC 9110 §3.7, with the suite's own origin behind
it) and ` + "`proxy`" + ` (a forward proxy the client chose, with the suite's origin behind it).`

// verdictNotes explains each verdict, in severity order.
var verdictNotes = []struct {
	verdict Verdict
	meaning string
}{
	{Pass, "The requirement was checked and held, on evidence that could have shown the opposite."},
	{Fail, "An observable MUST or MUST NOT was broken. The run exits with status 1."},
	{Warn, "A SHOULD was broken, or the target did something that breaks interoperation without breaking a MUST: a 417 to a lone `100-continue`, a 100 (Continue) that arrives after the client has stopped waiting for it, an ungrammatical response relayed unchanged."},
	{Info, "The RFC leaves a choice (MAY, or wording open to more than one reading) and the reason says which one the target made. Never counted against the target."},
	{NA, "The case does not apply to this target (it does not switch protocols, has no size limit, never answered early); the reason says why."},
	{Error, "The suite could not carry the case out (connection refused, the target died). Never counted as a failure; the run exits with status 2 when nothing failed."},
}

// verdictRules are the rules every judge follows when it folds its findings.
const verdictRules = `A judge records one finding per requirement it checks; the worst finding decides the case
(fail over warn over info over pass), and the reason lists the findings of that verdict first and
the others after "also:". A fail or a warn carries the fix of each requirement it rests on.

Two rules come before any single case: a verdict must never fail what the RFC allows (either/or
duties, MAY, wording that can be read two ways: those are info or warn, and the reason names the
interpretation below), and no verdict may depend on scheduling or read boundaries: a case waits on
events with deadlines, never on a fixed sleep along a conforming path.

"Immediate" is not quantified by the RFCs. The suite measures a baseline round trip to the target
(RTT0) and takes RTT0 + 1 s as the immediate bound, the time libcurl waits for a 100 before it
sends the content anyway. An answer later than that but before the long wait (10 s) is a warning;
nothing by then, with the content withheld, is a failure. Every wait scales with
` + "`--timeout-scale`" + `.`

// interpretation is one reading the judges apply where the RFC text leaves room. Name is its
// stable anchor: code and reasons cite it as "CATALOGUE.md, interpretation <Name>".
type interpretation struct {
	Name         string
	Title        string
	Requirements []string
	Text         string
}

var interpretations = []interpretation{
	{Name: "proxy-wording", Title: "Duties worded for \"a proxy\" and gateways",
		Requirements: []string{"ROLE-PROXY-VS-GATEWAY", "IR-PROXY-FORWARD-1XX", "PRX-STRIP-WS-COLON-RESPONSE", "PRX-NO-PERSIST-HTTP10-CLIENT", "EXP-PROXY-IMMEDIATE"},
		Text: `RFC 9110 §3.7 calls a proxy the intermediary the client chose; a gateway is the origin as far
as its client can tell. Several duties are written for "a proxy": forwarding every 1xx (§15.2),
removing whitespace before a colon in responses (RFC 9112 §5.1), not keeping a connection with an
HTTP/1.0 client (RFC 9112 §9.3). The suite holds forward proxies to them literally (fail). For a
gateway the same behaviour is reported, not failed: a 1xx it does not pass on, or an HTTP/1.0
client's connection it keeps, is info (an origin may do both); a response it relays with the
ungrammatical whitespace intact is a warning, because a client may read such a response
differently from the gateway.`},
	{Name: "gateway-own-100", Title: "A gateway that answers 100 itself and buffers the content",
		Requirements: []string{"GW-ORIGIN-RULES-OUTBOUND", "EXP-ORIGIN-IMMEDIATE", "IR-PROXY-OWN-EXPECT"},
		Text: `A gateway carries the origin's duty towards its client, and that duty is met by a 100 sent at
once, whoever decides it. So a gateway may answer 100 itself, read the whole content and only then
send the request to its backend, with or without Expect. The suite does not require the 100 to
come from the backend, the backend to see Expect, the backend to see the header section before the
content, or exactly one 100 (a gateway may send its own and relay the backend's). What it requires
is that the client hears something at once.`},
	{Name: "stalling-backend", Title: "A gateway in front of a backend that never sends 100",
		Requirements: []string{"EXP-ORIGIN-IMMEDIATE", "GW-ORIGIN-RULES-OUTBOUND", "EXP-PROXY-HTTP10-NEXTHOP-100"},
		Text: `When the backend behind a gateway waits for the content without a 100 (an HTTP/1.0 backend
cannot send one), the client's wait starts at the backend. The gateway's client-facing side still
carries the origin's duty, but the cause lies upstream and the backend fails the origin cases on
its own. The suite therefore reports such a stall through a gateway as info, naming the backend,
and notes that the gateway could answer 100 itself. A 100 the gateway sends only when a timer of
its own runs out (for example after one second) is also info: it races the client's own one-second
wait, so it is neither a prompt answer nor a stall. A stall the backend did not cause (the backend
received nothing, or answered and the gateway held the answer) remains a failure.`},
	{Name: "proxy-own-100", Title: "A forward proxy that answers 100 itself in front of an HTTP/1.1 origin",
		Requirements: []string{"EXP-PROXY-IMMEDIATE", "EXP-PROXY-HTTP10-NEXTHOP-100"},
		Text: `A forward proxy must either answer a final status or forward the request-line and header
section at once, so that the origin can decide before the content flows (RFC 9110 §10.1.1). Its
own 100 is explicitly allowed only when the next hop is believed to speak HTTP/1.0. A proxy that
answers 100 itself while the origin speaks HTTP/1.1, and forwards the request only once it has the
content, breaks no sentence outright but defeats the origin's early decision: a warning.`},
	{Name: "proxy-holds-early-final", Title: "A forward proxy that forwards the head at once but holds the origin's early answer",
		Requirements: []string{"EXP-PROXY-IMMEDIATE", "EXP-ORIGIN-IMMEDIATE", "GW-ORIGIN-RULES-OUTBOUND"},
		Text: `The point of forwarding the header section at once is that the origin can refuse the request
before the content flows. A forward proxy that forwards the head at once, receives the origin's
final status on it, and passes that status on only once the client has sent the content met the
letter of RFC 9110 §10.1.1 and defeated its purpose: a warning. A gateway in the same position
fails: it is the origin towards its client, it had an answer, and it did not send it at once.`},
	{Name: "zero-length-content", Title: "Is Content-Length: 0 content?",
		Requirements: []string{"EXP-MAY-OMIT-100", "H1-NO-FRAMING-NO-CONTENT"},
		Text: `RFC 9110 §8.6 says a zero Content-Length indicates empty content, and a server may skip the
100 when the framing shows there is no content. Whether an empty body counts as "content" for the
100-continue trigger can be argued either way, so a 100 before the final response is as acceptable
as none. What the suite does not accept is a wait: the request is complete by its framing and must
be answered.`},
	{Name: "content-already-sent", Title: "Expect with the content already sent",
		Requirements: []string{"EXP-MAY-OMIT-100", "CLI-MAY-SEND-WITHOUT-100", "H1-READ-OR-CLOSE"},
		Text: `A client may send the content without waiting for a 100, and a server that already has some
or all of it may skip the 100. The expected answer to such a request is simply its final response
(2xx from the upload resource); a 400 has no basis in the RFC and is never required. A 100 before
the final response is allowed too. The content must be read as content, never as a new request.`},
	{Name: "unsolicited-100", Title: "A 100 the client did not ask for",
		Requirements: []string{"CLI-DISCARD-100", "IR-NOT-TO-HTTP10", "IR-SEQUENCE-ONE-FINAL"},
		Text: `An HTTP/1.1 server may send a 100 (Continue) to a request without Expect; the client parses and
discards it. Only an HTTP/1.0 client must never receive a 1xx. A 1xx that arrives after the client
has sent a further request on the connection may belong to that request, so the suite treats it
as out of sequence only while no further request has been sent.`},
	{Name: "http10-through-intermediary", Title: "Expect on an HTTP/1.0 request through an intermediary",
		Requirements: []string{"EXP-HTTP10-IGNORE", "IR-NOT-TO-HTTP10", "INT-OWN-HTTP-VERSION"},
		Text: `An intermediary must ignore a 100-continue expectation on an HTTP/1.0 request, and must never
pass a 1xx to the HTTP/1.0 client; it sends the request upstream in its own version. Nothing says
whether it must remove the ignored Expect field before forwarding. The suite reports what went
upstream and fails only the 1xx that reaches the HTTP/1.0 client.`},
	{Name: "retry-after-417", Title: "A proxy that repeats the request after an upstream 417",
		Requirements: []string{"PRX-NO-AUTO-RETRY", "CLI-417-RETRY-WITHOUT", "S417-MEANING"},
		Text: `A client that gets a 417 should repeat its request without the expectation, but a proxy must
not retry a non-idempotent request on its own. The prohibition sits among the rules on failed
connections, so it is not plainly about a 417; the suite warns when a forward proxy silently
re-sends a POST upstream without Expect. A PUT is idempotent, and a gateway acts as a client
towards its backend, which is told to repeat: both are reported as info.`},
	{Name: "relayed-1xx-fields", Title: "A 1xx relayed with fields it must not carry",
		Requirements: []string{"IR-NO-CONTENT-LENGTH", "IR-FRAMING-ENDS-AT-HEADERS"},
		Text: `A 1xx must not carry Content-Length, and any recipient ends a 1xx at its empty line whatever
fields it carries. When the suite's origin sends a 100 with Content-Length, an intermediary that
frames it correctly but passes the field on did not create the defect, it relayed it: a warning,
not a failure. Misframing the 100 (eating octets of the next response) is a failure; refusing the
invalid response with a 5xx is allowed.`},
	{Name: "early-100", Title: "A 100 before the header section is complete",
		Requirements: []string{"SRV-WHOLE-HEADER-SECTION", "EXP-ORIGIN-IMMEDIATE"},
		Text: `The 100-continue duty is framed on a complete header section, and a server must not apply a
request before it has all of it. A 100 is not applying the request, so a 100 sent before the empty
line that ends the header section breaks no MUST; it was decided on partial information, and the
suite warns.`},
	{Name: "refused-100-continue", Title: "A 417 to a lone 100-continue",
		Requirements: []string{"EXP-NO-417-FOR-100-CONTINUE", "S417-MEANING", "S417-CHAIN-SIGNAL"},
		Text: `A 417 is a final status, and RFC 9110 §10.1.1 foresees it as the sign of a chain that cannot
meet expectations, so a 417 to ` + "`Expect: 100-continue`" + ` breaks no MUST. But every HTTP/1.1
server must handle 100-continue, and most clients do not repeat an upload without Expect, so such
uploads fail. The suite warns whenever a target answers a lone, well-formed 100-continue with its
own 417, in every case and every role, unless the case shows a reason that fits the 417 (an
HTTP/1.0 hop in the chain, a backend that never answers the header section). A 417 the suite's
origin sent and an intermediary relayed is not the intermediary's.`},
}

// scenarioTitles names the wire scenarios cases belong to, by their number (T01 covers T01b).
var scenarioTitles = map[string]string{
	"T01": "An upload that waits for 100 (Continue)",
	"T02": "Case of the field name and of the value",
	"T03": "Whitespace and list forms of the value",
	"T04": "Expectations other than 100-continue",
	"T05": "Malformed field syntax around Expect",
	"T06": "Expect on a request without content",
	"T07": "Chunked content",
	"T08": "Content sent without waiting for 100",
	"T09": "HTTP/1.0 requests with Expect",
	"T10": "An early final response and the fate of the connection",
	"T11": "Declared lengths too large, invalid or contradictory",
	"T12": "Nothing after the final response",
	"T13": "100 (Continue) with Upgrade",
	"T20": "A forward proxy forwards the header section before the content",
	"T21": "Relaying the origin's 1xx responses",
	"T22": "An expectation the intermediary adds itself",
	"T23": "An HTTP/1.0 client behind an intermediary",
	"T24": "An HTTP/1.0 next hop",
	"T25": "A 417 from the origin",
	"T26": "Expect named in Connection",
	"T27": "Malformed Expect lines do not pass an intermediary unchanged",
	"T30": "Immediacy through a gateway, per backend behaviour",
	"T31": "A gateway after the backend's early final response",
	"T40": "Expect over HTTP/2: the 100 as a header block",
	"T41": "An early final response over HTTP/2 and the end of its stream",
	"T42": "Nothing after the final response over HTTP/2",
	"T43": "HTTP/2 field rules as they apply to expect",
	"T44": "A client over HTTP/2 keeps a final response that a reset follows",
	"T45": "An HTTP/2 front end to an HTTP/1.1 origin",
	"T60": "A client's Expect: only with content, and always when it waits",
	"T61": "A client facing a server that never answers the header section",
	"T62": "A client after a 417",
	"T63": "A client parsing interim responses",
	"T64": "A client after an early final response while uploading",
	"T65": "A client after a 100 that follows the final response",
}
