package conv

// Protocol is the HTTP version the suite speaks on a connection it opens: the driver that plays a
// script is chosen by it (harness/driver.For), and a judge that cares reads it from the case's
// Env. Only HTTP/1.1 exists today; h2 and h2c arrive with the HTTP/2 driver, as new values here
// and a new driver beside the HTTP/1 one, without touching a judge that does not care.
type Protocol string

// HTTP1 is HTTP/1.1 over cleartext TCP (RFC 9112).
const HTTP1 Protocol = "http/1.1"
