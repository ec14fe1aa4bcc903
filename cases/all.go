package cases

// All returns the catalogue in the order of requirements.md §2. Each topic file owns one slice.
func All() []Case {
	var out []Case
	for _, topic := range [][]Case{
		basicCases,    // §2.1 T01, T01b
		spellingCases, // §2.2 T02, T03
		unknownCases,  // §2.2 T04
		syntaxCases,   // §2.2 T05
		framingCases,  // §2.3 T06, T07, T08
		http10Cases,   // §2.3 T09
		earlyCases,    // §2.4 T10
		limitCases,    // §2.4 T11
		sequenceCases, // §2.4 T12, T13
		proxyCases,    // §2.5 T20-T27 (forward proxies; some apply to gateways too)
		gatewayCases,  // §2.6 T30, T31
	} {
		out = append(out, topic...)
	}
	for i := range out {
		if out[i].Judge != nil {
			// A late 408 is a timeout, not an answer (unanswered.go): no judge reads it as one.
			out[i].Judge = judgedWithoutLateTimeout(out[i].Judge)
		}
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
