package results

// A column of the tables is a target: one implementation spoken to in one protocol. Target's
// Protocol is that protocol ("http/1.1", "h2" or "h2c"), its TLS how the
// connections were secured: what the TLS handshake settled ("TLS 1.3, ALPN http/1.1"), "TLS"
// when none completed, "" (absent) for cleartext.

// DefaultProtocol is the protocol of a target whose file does not say (written before the
// field): every such run spoke HTTP/1.1.
const DefaultProtocol = "http/1.1"

// HTTPProtocol is t's Protocol, DefaultProtocol when the file does not say.
func (t Target) HTTPProtocol() string {
	if t.Protocol == "" {
		return DefaultProtocol
	}
	return t.Protocol
}

// ProtocolLabel is how tables name the protocol of t's column: "http/1.1", "http/1.1 over TLS".
func (t Target) ProtocolLabel() string {
	if t.TLS != "" {
		return t.HTTPProtocol() + " over TLS"
	}
	return t.HTTPProtocol()
}

// ProtocolNote is ProtocolLabel where a table must say it, "" for cleartext HTTP/1.1, which every
// column spoke before the field existed: their heads stay as they were.
func (t Target) ProtocolNote() string {
	if l := t.ProtocolLabel(); l != DefaultProtocol {
		return l
	}
	return ""
}

// sameTarget reports whether a and b describe the same target, a file that does not say its
// protocol meaning HTTP/1.1.
func sameTarget(a, b Target) bool {
	a.Protocol, b.Protocol = a.HTTPProtocol(), b.HTTPProtocol()
	return a == b
}
