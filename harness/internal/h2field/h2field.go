// Package h2field holds the HTTP/2 field rules that the raw-frame reference origin
// (harness/reference) and the HTTP/2 reference gateway (harness/gateways) both apply to a
// request's header block: one statement of RFC 9113 §8.2.1 and §8.2.2, so the two targets under
// test cannot drift apart on what makes a request malformed. Each keeps its own knobs for the
// mutants that break a rule. The scripted origin (harness/origin) applies ConnectionSpecific to
// the responses it sends over HTTP/2, so what it leaves out is what the targets refuse.
//
// It imports only the standard library.
package h2field

import "strings"

// ConnectionSpecific reports whether a field RFC 9113 §8.2.2 bars from HTTP/2: Connection,
// Keep-Alive, Proxy-Connection, Transfer-Encoding, Upgrade (the name compared in any case), or
// te with any value but "trailers".
func ConnectionSpecific(name, value string) bool {
	switch strings.ToLower(name) {
	case "connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade":
		return true
	case "te":
		return value != "trailers"
	}
	return false
}

// Padded reports whether a field value starts or ends with SP or HTAB, which RFC 9113 §8.2.1
// makes malformed.
func Padded(value string) bool { return value != strings.Trim(value, " \t") }
