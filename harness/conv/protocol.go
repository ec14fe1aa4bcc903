package conv

// Protocol is the HTTP version the suite speaks on a connection it opens: the driver that plays a
// script is chosen by it (harness/driver.For), and a judge that cares reads it from the case's
// Env. A new protocol is a new value here and a new driver beside the others, without touching a
// judge that does not care.
type Protocol string

const (
	// HTTP1 is HTTP/1.1 over cleartext TCP or TLS (RFC 9112).
	HTTP1 Protocol = "http/1.1"
	// H2 is HTTP/2 over TLS, chosen by ALPN "h2" (RFC 9113 §3.2).
	H2 Protocol = "h2"
	// H2C is HTTP/2 over cleartext TCP with prior knowledge: the client preface is the first
	// thing sent, with no Upgrade (RFC 9113 §3.3).
	H2C Protocol = "h2c"
)

// IsH2 reports whether p is one of the HTTP/2 protocols.
func (p Protocol) IsH2() bool { return p == H2 || p == H2C }
