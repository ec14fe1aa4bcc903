package gateways

import "github.com/expectspec/expectspec/harness/conv"

// H2Conforming returns the HTTP/2 reference gateway (h2 front end, HTTP/1.1 upstream), spoken
// to in h2c. No case that applies to a gateway over HTTP/2 may fail or warn it.
func H2Conforming() []Named {
	return []Named{{Name: "ref-h2-gateway", Start: StartH2Front, Protocol: conv.H2C}}
}

// h2Mutant is the HTTP/2 reference gateway with one knob turned, in h2c.
func h2Mutant(name string, k h2Knobs, breaks ...string) Named {
	return Named{Name: name, Breaks: breaks, Protocol: conv.H2C, Start: func(originAddr string) (string, func(), error) {
		return startH2Front(originAddr, k)
	}}
}

// H2Mutants returns the mutant HTTP/2 gateways, named mut-h2gw-…, each broken in one way.
func H2Mutants() []Named {
	return []Named{
		// Copies the upstream response's Connection, Keep-Alive, Upgrade, Transfer-Encoding and
		// the fields Connection names into the h2 response (H2-CONN-SPECIFIC,
		// INT-CONNECTION-HOP-BY-HOP), as a translation that forgets the hop did.
		h2Mutant("mut-h2gw-relay-connection-fields", h2Knobs{relayConnectionFields: true}, "H2-CONN-SPECIFIC", "INT-CONNECTION-HOP-BY-HOP"),
		// Relays the origin's 100 in a HEADERS frame with END_STREAM (H2-1XX-NO-END-STREAM), the
		// trafficserver #6202 kind of bug.
		h2Mutant("mut-h2gw-100-end-stream", h2Knobs{interimEndStream: true}, "H2-1XX-NO-END-STREAM"),
		// Reads the whole content before it forwards the request, and answers no 100 meanwhile:
		// a client that waits for the 100 stalls (EXP-ORIGIN-NO-WAIT, EXP-ORIGIN-IMMEDIATE).
		h2Mutant("mut-h2gw-wait-for-content", h2Knobs{waitForContent: true}, "EXP-ORIGIN-NO-WAIT", "EXP-ORIGIN-IMMEDIATE"),
	}
}
