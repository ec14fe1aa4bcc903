package cases

// All returns the catalogue in scenario order, the order of CATALOGUE.md. Each topic file owns one
// slice.
func All() []Case {
	var out []Case
	for _, topic := range [][]Case{
		basicCases,      // T01, T01b
		spellingCases,   // T02, T03
		unknownCases,    // T04
		syntaxCases,     // T05
		framingCases,    // T06, T07, T08
		http10Cases,     // T09
		earlyCases,      // T10
		limitCases,      // T11
		sequenceCases,   // T12, T13
		proxyCases,      // T20-T27 (forward proxies; some apply to gateways too)
		gatewayCases,    // T30, T31
		earlyRelayCases, // T31b, T31c (early_relay.go)
		h2Cases,         // T40-T43 over HTTP/2 (h2.go, h2early.go, h2fields.go)
		h2FlowCases,     // T41 over HTTP/2: in-flight DATA, flow control, a length over the limit (h2flow*.go)
		gatewayH2Cases,  // T45, an h2 front end to HTTP/1.1 (gateway_h2.go)
		h2ValidCases,    // T43e: what HTTP/2 does not make malformed (h2valid.go)
		clientCases,     // T60-T65 (client.go)
		clientH2Cases,   // T44, a client over HTTP/2 (client_h2.go)
	} {
		out = append(out, topic...)
	}
	return out
}

// ByID returns the case with this ID.
func ByID(id string) (Case, bool) {
	for _, c := range All() {
		if c.ID == id {
			return c, true
		}
	}
	return Case{}, false
}
