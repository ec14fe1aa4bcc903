package h1

import (
	"errors"
	"fmt"
	"strconv"
)

// The kinds of error the parser reports. Every error it returns is an *Error whose Unwrap gives
// one of these, so callers can tell "the peer sent something that is not HTTP/1.x" from "the peer
// went away mid-message" and from "one of our own safety bounds was hit" with errors.Is.
var (
	ErrSyntax    = errors.New("h1: malformed message")
	ErrTruncated = errors.New("h1: truncated message")
	ErrLimit     = errors.New("h1: limit exceeded")
)

// errAfterEOF is returned by Feed and EOF once EOF has completed cleanly: nothing may follow
// the end of the connection.
var errAfterEOF = errors.New("h1: the connection already ended (EOF was called)")

// Error is a parse failure. Its text says what was expected and quotes what arrived, so it can
// go into a verdict unchanged.
type Error struct {
	Kind error // ErrSyntax, ErrTruncated or ErrLimit
	Text string
}

func (e *Error) Error() string { return e.Text }
func (e *Error) Unwrap() error { return e.Kind }

func syntaxf(format string, args ...any) error {
	return &Error{Kind: ErrSyntax, Text: fmt.Sprintf(format, args...)}
}

func truncatedf(format string, args ...any) error {
	return &Error{Kind: ErrTruncated, Text: "truncated message: the connection closed " + fmt.Sprintf(format, args...)}
}

func limitf(format string, args ...any) error {
	return &Error{Kind: ErrLimit, Text: fmt.Sprintf(format, args...)}
}

// quoteMax is how much of the offending octets an error quotes.
const quoteMax = 40

// quote renders octets for an error message: Go-quoted so CR, LF and binary stay visible, and
// cut at quoteMax octets so a megabyte of garbage does not become a megabyte of verdict.
func quote(b []byte) string {
	if len(b) > quoteMax {
		return strconv.Quote(string(b[:quoteMax])) + "..."
	}
	return strconv.Quote(string(b))
}

// appendBounded appends src to dst, growing dst's capacity geometrically but never past max, so
// a buffer that is bounded by length is also bounded by allocation. Callers make sure
// len(dst)+len(src) <= max.
func appendBounded(dst, src []byte, max int) []byte {
	need := len(dst) + len(src)
	if need > cap(dst) {
		c := 2 * cap(dst)
		if c < 256 {
			c = 256
		}
		if c > max {
			c = max
		}
		if c < need {
			c = need
		}
		grown := make([]byte, len(dst), c)
		copy(grown, dst)
		dst = grown
	}
	return append(dst, src...)
}
