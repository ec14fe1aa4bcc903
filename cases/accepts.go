package cases

// caseAccepts says, per case, which answers its judge accepts: the outcomes that pass or are
// reported as info, where the case's title states only the claim. CATALOGUE.md prints it beside
// each case; a test requires an entry for every case and none for a case that does not exist.
// Keep it in step with the judge when a judge changes what it accepts.
var caseAccepts = func() map[string]string {
	m := map[string]string{
		"origin/immediate-100":           acceptsWithheld + refused417Warns,
		"origin/100-after-complete-head": "Nothing before the header section's empty line (a 100 before it is a warning, interpretation early-100); then as origin/immediate-100.",

		"origin/ows-none":            acceptsWithheld + " A 417 is a warning.",
		"origin/ows-around":          acceptsWithheld + " A 417 is a warning.",
		"origin/list-empty-elements": acceptsWithheld + " A 417 is a warning.",
		"origin/list-repeated":       acceptsWithheld + " A 417 is a warning.",
		"origin/list-two-lines":      acceptsWithheld + " A 417 for the member `foo` is allowed (info).",
		"origin/list-with-unknown":   acceptsWithheld + " A 417 for the member `foo` is allowed (info).",

		"origin/unknown-with-param-withheld": "With the content withheld: silence (the value taken as no 100-continue expectation), a 100, or a final status (info either way); after the content, exactly one final response.",

		"origin/ws-before-colon":                 "Only a 400 before the content. A close without an answer is a warning; any other answer, or silence, fails.",
		"origin/obs-fold":                        "A 400; or the fold replaced with SP and the request treated as a 100-continue expectation (a 100 or a final status at once, as origin/immediate-100). A 417 is info.",
		"origin/ws-line-after-start":             "No 100 at any time. A 4xx; or waiting for the content and then a 2xx (the line ignored). A 417 or a close without an answer is info.",
		"origin/nul-in-value":                    "A 400; or the NUL replaced with SP and the request treated as a 100-continue expectation. Silence while the content is withheld is a warning: it cannot be told from a kept NUL.",
		"origin/bare-cr-in-value":                "No 100 at any time. A 4xx; or waiting for the content and then a 2xx. A 417 (the field read as an unknown expectation) or a close without an answer is info.",
		"origin/oversize-expect":                 "A 4xx from the header section; or the field processed as a 100-continue expectation (a 100 or a final status at once). Silence fails.",
		"origin/expect-without-content-answered": acceptsNoContent,
		"origin/expect-zero-length-answered":     acceptsNoContent + " Whether an empty body counts as content is left open (interpretation zero-length-content).",

		"origin/chunked-immediate-100":             acceptsWithheld + " A 411 decided from the header section is allowed (info)." + refused417Warns,
		"origin/chunked-early-final-read-or-close": acceptsEarly,
		"origin/content-with-head-one-final":       "Exactly one final response to the request, then the follow-up answered alone or the connection closed; a 100 before the final is allowed (info). A 400 is never required (interpretation content-already-sent).",
		"origin/content-after-head-one-final":      "Exactly one final response to the request, then the follow-up answered alone or the connection closed; a 100 before the final is allowed, whether the content arrived before the server decided or not.",

		"origin/http10-expect-ignored":      "No 1xx and no 417: the complete request answered by its Content-Length. A final status decided from the header section before the content is info. No Transfer-Encoding in the response.",
		"origin/http10-unknown-expectation": "A 417 or ordinary processing (info either way); no 1xx, and no Transfer-Encoding in the response.",
		"origin/http10-chunked-then-close":  "No 1xx; an answer and then a close, or no answer and a prompt close: the pipelined GET is never answered (a close only after a longer silence is the silence's warning). Only an intermediary's error about its upstream makes the case na.",

		"origin/early-final-read-or-close":           acceptsEarly,
		"origin/early-final-content-not-a-request":   "After the early final: nothing answered for the octets sent as content (they are part of the declared content, still incomplete), or a close; an error response for the incomplete content is info when it announces or makes the close (one that keeps the connection answered the octets as a request: fail). na when the server chose the 100.",
		"origin/early-final-survives-unread-content": "The complete early final response can be read: the server takes all the content, stops reading without closing, or closes with its FIN before any reset. A close or silence without any response is info. na when the server chose the 100.",

		"origin/content-length-1tib":        "A 413 from the header section, then a close or the next octets taken as content; or a 100 (info), after which the octets sent next are taken as content (nothing answered for them) or the connection closes.",
		"origin/content-length-overflow":    "A 400 or 413 (a 400 that neither says `Connection: close` nor closes is a warning). A 100, or another answer before the content, is info; a 2xx after one octet of content (the length wrapped) fails.",
		"origin/content-length-list":        "A 400 and a close (or `Connection: close` and a staged close). Another 4xx is a warning; a 100 before the 400 is a warning.",
		"origin/content-length-and-chunked": "Any answer, or a 100 and the chunked framing (info); then the connection closes and the pipelined request is not answered.",

		"origin/no-interim-after-early-final":        "No 1xx after the early final response while the content is read. A 1xx after the follow-up was sent may be an unsolicited 100 for it (info, interpretation unsolicited-100). na when the server chose the 100.",
		"origin/one-final-after-continue":            "After the final response: nothing for the quiet wait. na when the server did not answer the header section with a 100.",
		"origin/continue-before-switching-protocols": "A 100 before the 101, or a 101 without a 100; na when the server does not switch to the offered protocol (the 100-continue duties still checked).",

		"proxy/head-forwarded-before-content":                 "The header section reaching the origin while the client still withholds the content, or a final status of the proxy's own with nothing forwarded. The proxy's own 100 with the request forwarded only after the content is a warning (interpretation proxy-own-100).",
		"chain/interim-responses-relayed":                     "Every 1xx of the origin at the client, in order, then the final response. Through a gateway, 1xx not passed on are info (interpretation proxy-wording); failing to deliver the final response fails either role.",
		"chain/interim-with-content-length-framed-by-headers": "The origin's 200 delivered intact after the 100; a 5xx refusing the invalid 100 is info. A relayed 100 that still carries Content-Length is a warning (interpretation relayed-1xx-fields).",
		"chain/interim-ws-before-colon-removed":               "The 100 relayed as `X-A: b`, or not relayed at all (info). Relayed with the whitespace intact: fail through a forward proxy, warning through a gateway (interpretation proxy-wording).",
		"chain/added-expect-no-indefinite-wait":               "The request forwarded without an added Expect, or with one (info: the resulting 100s are the intermediary's own); the client then gets its final response.",
		"chain/http10-client-no-interim":                      "No 1xx at the HTTP/1.0 client; the complete request answered; a forward proxy does not answer a second request on the connection, a gateway may (info, interpretation proxy-wording). Whether Expect went upstream is reported (interpretation http10-through-intermediary).",
		"chain/http10-next-hop-head-forwarded":                "The header section forwarded while the client withholds the content, a final status of the intermediary's own, its own 100 (the MAY for an HTTP/1.0 next hop, info) or a 417 (info: the chain has an HTTP/1.0 hop). A gateway's late 100 is info (interpretation stalling-backend).",
		"chain/http10-next-hop-no-chunked":                    "The upload reaching the HTTP/1.0 origin with a Content-Length, or not forwarded at all; a 417 is info. na when the priming request could not set the case up.",
		"chain/upstream-417-relayed":                          "The origin's 417 at the client. Another 4xx or no final response is info; a 5xx is a warning. A forward proxy re-sending a POST without Expect is a warning (interpretation retry-after-417); a gateway's repeat is info.",
		"chain/connection-named-expect-removed":               "Neither the client's Expect nor a Connection field naming it at the origin. An Expect of the intermediary's own spelling, and acting on the expectation itself, are info.",
		"chain/ws-before-colon-not-forwarded":                 "Only a 400 with nothing forwarded. A close or silence with nothing forwarded is info; forwarding the request, or another answer, fails.",
		"chain/obs-fold-not-forwarded":                        acceptsChainSyntax,
		"chain/nul-not-forwarded":                             acceptsChainSyntax,

		"gateway/early-final-then-close-relayed": "The origin's early final (401 with Connection: close, the origin then closing) delivered to the client, promptly or after the content. Any other answer in its place, or none, is a warning (CLI-STOP-ON-CLOSE). na when the origin's early final was never asked for.",
		"chain/early-final-relayed-promptly":     "The origin's early 401 at the client while it still withholds the content, within the immediate bound (later: a warning). The intermediary's own 100 or final first, or the header section reaching the origin only with the content, is info. The 401 held until the content: fail through a gateway, warning through a forward proxy.",
		"gateway/early-final-upstream-in-step":   "Upstream: the rest of the content relayed to the origin, or the connection to it closed, before any other request uses it. Towards the client: the content read as content, or a close. A connection left open and unused while the case ran is info.",

		"origin/h2-continue-as-headers":           "Over HTTP/2: " + acceptsWithheld + " Every 1xx is a HEADERS frame without END_STREAM (a 1xx with END_STREAM fails), no DATA comes between a 1xx and the final, and no 1xx header block follows the final.",
		"origin/h2-no-interim-after-final":        "Over HTTP/2, the content sent with the header block: a final response with or without a 100 before it; a 1xx header block after the final's fails. na when no final response came.",
		"origin/h2-early-final-stream-end":        "Over HTTP/2: a final status from the header block within the immediate bound, its stream ended by END_STREAM, then nothing or RST_STREAM(NO_ERROR). A reset with another code after the complete response, or any reset before END_STREAM, is a warning. A final only after the content is info.",
		"origin/h2-early-final-discarded-data":    "Over HTTP/2, DATA sent on streams answered early (reset by the server or left half-closed): no connection error, and enough connection credit back that the rounds outgrow the window opened before them, or use it up and the upload after them still goes out. Any RST_STREAM code but REFUSED_STREAM after the answer is info; a GOAWAY with NO_ERROR or ENHANCE_YOUR_CALM is info; a connection window too large to spend within 4 MiB is info; a connection closed by FIN without GOAWAY after the DATA is a warning, one reset is info (a GOAWAY can be lost with the reset); no early final is na.",
		"origin/h2-over-limit-length":             "Over HTTP/2, a declared 1 TiB with the content withheld: a 100 or a final status (a 413, or another) within the immediate bound, info either way; after the final, no reset or RST_STREAM(NO_ERROR) (info). A reset with another code is a warning, REFUSED_STREAM fails.",
		"origin/h2-uppercase-expect-name":         acceptsH2Malformed,
		"origin/h2-expect-leading-space":          acceptsH2Malformed,
		"origin/h2-connection-field-with-expect":  acceptsH2Malformed,
		"gateway/h2-no-connection-fields-relayed": "Through an h2 front end, the origin's 200 (and its 100) without Connection, Keep-Alive, Proxy-Connection, Upgrade, Transfer-Encoding, TE or the X-Hop field its Connection named. Any of them in an h2 response fails. info when nothing reached the origin, na when the origin's 200 never reached the client.",
		"origin/h2-te-trailers-with-expect":       "Over HTTP/2, the request carrying `te: trailers`: " + acceptsWithheld + " A reset with PROTOCOL_ERROR (RST_STREAM or GOAWAY) before any response fails; a 400 as the first answer, or a reset with another code before any response, is a warning.",
	}
	for _, c := range spellingCases {
		if _, ok := m[c.ID]; !ok {
			m[c.ID] = acceptsWithheld + " A 417 is a warning (interpretation refused-100-continue)."
		}
	}
	for _, c := range unknownCases {
		if _, ok := m[c.ID]; !ok {
			m[c.ID] = "A 417, or the expectation ignored and the request answered (info either way); a 100 for it is info. Then exactly one final response, and the content never answered as a request. A close or no final response to the complete request is a warning."
		}
	}
	for id, a := range clientAccepts {
		m[id] = a
	}
	for id, a := range clientH2Accepts {
		m[id] = a
	}
	for _, c := range gatewayCases {
		if _, ok := m[c.ID]; !ok {
			m[c.ID] = "A 100 or a final status at the client within the immediate bound, relayed or the gateway's own (interpretation gateway-own-100); later is a warning. When the backend by its script never answers the header section, a stall or a timer's 100 is info (interpretation stalling-backend). A final response after the content."
		}
	}
	return m
}()

const (
	acceptsWithheld    = "With the content withheld: a 100 or any final status within the immediate bound (later is a warning; nothing by the long wait, or a close after the bound with nothing, fails; a close within it warns); after a 100, exactly one final response once the content is sent; 1xx without Content-Length, Transfer-Encoding or content."
	acceptsNoContent   = "An answer at once, with or without a 100 before it (info); a refusal is info; then the follow-up answered, or the connection closed (info). Only a wait for content fails."
	acceptsEarly       = "An early final status from the header section, then the content read and discarded (the follow-up alone answered) or the connection closed; a close without `Connection: close` on the early response is a warning. A 100 before the early final is info. na when the server chose the 100 on the early resource."
	acceptsChainSyntax = "A 400 with nothing forwarded, or the malformation replaced with SP before forwarding; an expectation the intermediary answered itself and did not forward is info. Another answer, a close, or silence with nothing forwarded is info. Forwarding something other than the repaired line is a warning; the malformed line reaching the origin unchanged fails."
	refused417Warns    = " A 417 to this lone `Expect: 100-continue` is a warning (interpretation refused-100-continue)."
)

// acceptsH2Malformed is what the T43 judges accept (h2fields.go).
const acceptsH2Malformed = "Over HTTP/2, the malformed request and its content sent at once: RST_STREAM(PROTOCOL_ERROR), a 400, or GOAWAY(PROTOCOL_ERROR) passes; a reset with another code warns; a 2xx, or a 100 followed by a 2xx (the request processed), fails; a 100 followed by a reset, a refusal or nothing, and another 1xx (103 Early Hints may go out before validation), warn; another 4xx is info; a 3xx or 5xx warns. na when nothing came, or the connection ended without a word."
