package conv

// Cause is a typed fact about why an event happened: how the connection ended, why a write
// failed, which part of a response could not be parsed, which bound was hit, why a script
// stopped. The driver fills it in; judges test it. Event.Error keeps the human text (an OS
// message, the parser's quote of what arrived) for reasons and traces only: that text differs
// between operating systems and changes with the parser's wording, so a judge that matched it
// would change its verdict when nothing on the wire did.
type Cause string

// The end of the connection (EvFIN, EvRST) and failed I/O (EvWriteError, EvDeadline, EvHalfClose).
const (
	CauseFIN Cause = "fin" // the peer closed its side cleanly (EOF)
	// CauseReset: the peer reset the connection (ECONNRESET, ECONNABORTED).
	CauseReset Cause = "reset"
	// CauseBrokenPipe: a write failed because the peer had closed its side (EPIPE). Linux reports
	// it when the peer's FIN came before its reset, so it follows a close, not a reset of a
	// connection still in use.
	CauseBrokenPipe Cause = "broken-pipe"
	CauseDeadline   Cause = "deadline"  // a step's deadline passed
	CauseCancelled  Cause = "cancelled" // the run was cancelled (the suite was interrupted)
	CauseIO         Cause = "io"        // any other I/O error; Error says which
	// CauseConnect: no TCP connection could be made (refused, unreachable, timed out); it is
	// Timeline.ErrCause, not an event's.
	CauseConnect Cause = "connect"
)

// The h1 parser's kinds of parse error (EvParseError).
const (
	// CauseStatusLine: the octets where a status line had to begin are not one. After a 1xx
	// this is what makes content after the 1xx visible; any other parse error belongs to a
	// message whose status line was fine.
	CauseStatusLine Cause = "status-line"
	// CauseFieldLine: a header or trailer field line is malformed (obs-fold, no colon,
	// whitespace before the colon, an invalid octet).
	CauseFieldLine Cause = "field-line"
	// CauseTransferEncoding: the Transfer-Encoding field makes the framing faulty: present in an
	// HTTP/1.0 response (RFC 9112 §6.1), without a coding, or with chunked applied twice.
	CauseTransferEncoding Cause = "transfer-encoding"
	// CauseTruncated: the connection closed in the middle of a message.
	CauseTruncated Cause = "truncated"
	// CauseMalformed: any other malformation (Content-Length, chunked framing, ...); Error
	// says what.
	CauseMalformed Cause = "malformed"
)

// The safety bounds that stop reading (EvLimit).
const (
	CauseLimitMessages Cause = "limit-messages" // more messages on one connection than the parser keeps
	CauseLimitFields   Cause = "limit-fields"   // more header or trailer fields than the parser keeps
	CauseLimitLength   Cause = "limit-length"   // a header or trailer section longer than the parser keeps
	CauseLimitOctets   Cause = "limit-octets"   // more octets than one conversation may carry
	CauseLimitEvents   Cause = "limit-events"   // more events than one conversation may record
)

// Why the rest of a script was not played (EvSkipped, see Step.IfReusable).
const (
	CausePeerClosed     Cause = "peer-closed"        // the peer had closed or reset the connection
	CauseReadStopped    Cause = "read-stopped"       // reading had stopped (a limit)
	CauseSwitched       Cause = "switched-protocols" // a 101 switched the connection away from HTTP/1.1
	CauseAnnouncedClose Cause = "announced-close"    // a final response announced the close (RFC 9112 §9.6)
)
