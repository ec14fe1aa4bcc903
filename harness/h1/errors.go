package h1

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/expectspec/expectspec/harness/conv"
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
// go into a verdict unchanged; its Cause says which part of the message failed, so a judge can
// tell a bad status line from a truncation without reading the text.
type Error struct {
	Kind  error      // ErrSyntax, ErrTruncated or ErrLimit
	Cause conv.Cause // a parse-error or limit Cause of conv (CauseStatusLine, CauseLimitFields, ...)
	Text  string
}

func (e *Error) Error() string { return e.Text }
func (e *Error) Unwrap() error { return e.Kind }

// CauseOf returns the Cause of a parser error: the one it was made with, or CauseMalformed for
// an error that is not the parser's.
func CauseOf(err error) conv.Cause {
	var e *Error
	if errors.As(err, &e) && e.Cause != "" {
		return e.Cause
	}
	return conv.CauseMalformed
}

// syntaxf is a malformation that has no Cause of its own (CauseMalformed).
func syntaxf(format string, args ...any) error {
	return malformedf(conv.CauseMalformed, format, args...)
}

// malformedf is a malformation of the part of the message that cause names.
func malformedf(cause conv.Cause, format string, args ...any) error {
	return &Error{Kind: ErrSyntax, Cause: cause, Text: fmt.Sprintf(format, args...)}
}

func truncatedf(format string, args ...any) error {
	return &Error{Kind: ErrTruncated, Cause: conv.CauseTruncated, Text: "truncated message: the connection closed " + fmt.Sprintf(format, args...)}
}

// limitf is a safety bound hit; cause names the bound.
func limitf(cause conv.Cause, format string, args ...any) error {
	return &Error{Kind: ErrLimit, Cause: cause, Text: fmt.Sprintf(format, args...)}
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
