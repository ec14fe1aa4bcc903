package h1

import (
	"bytes"
	"fmt"
	"strings"
)

// ChunkRules says how a chunk-size line (RFC 9112 §7.1) is read:
//
//	chunk-size [ chunk-ext ] CRLF;  chunk-size = 1*HEXDIG;
//	chunk-ext = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] )
//
// The zero value is not a mode; use StrictChunks or a mode built from it. Every field that
// accepts more than the grammar names the server that needs it and why.
type ChunkRules struct {
	// MaxDigits bounds the hex digits, leading zeros included; 0 lets any number of leading
	// zeros through, the value still bounded by MaxSize. A long run of zeros is a peer probing
	// for overflow, but the grammar (1*HEXDIG) allows it.
	MaxDigits int
	// MaxSize is the largest chunk size accepted; larger sizes are overflow, refused rather
	// than wrapped (RFC 9112 §7.1 asks recipients to guard against integer overflow).
	MaxSize int64
	// BareLF lets a lone LF end the line. RFC 9112 §2.2 allows that only for the start line and
	// field lines; the scripted origin and the gateways still take it, because they frame a
	// body to find where it ends and a lone LF cannot move that boundary.
	BareLF bool
	// TrailingBWS accepts whitespace after the size with no extension after it ("5 "), which
	// the grammar allows only before a ";". The reference servers take it (leniency that
	// cannot change the size).
	TrailingBWS bool
	// OpaqueExtensions skips whatever follows the size once a ";", SP or HTAB ends it,
	// unchecked (the scripted origin and the gateways ignore extensions and would rather
	// record or relay a body than refuse it over an extension).
	OpaqueExtensions bool
}

// StrictChunks is the grammar as the response parser reads it: CRLF, at most 16 hex digits, a
// size that fits int64, BWS only before an extension, and extensions free of control octets.
var StrictChunks = ChunkRules{MaxDigits: 16, MaxSize: 1<<63 - 1}

// ReferenceChunks are the chunk rules of the reference servers: the strict grammar, except that
// any number of leading zeros is taken (1*HEXDIG allows them; the size is bounded instead, below
// 2^60 so totals cannot overflow) and so is whitespace after the size with no extension ("5 "),
// which cannot change the size. The line must still end in CRLF: leniency in chunked framing is
// where front and back ends start to disagree.
var ReferenceChunks = ChunkRules{MaxSize: 1<<60 - 1, TrailingBWS: true}

// ParseChunkSize parses a chunk-size line, its terminator included, under rules r, and returns
// the chunk size (0 for the last chunk). Extensions are checked as r says and otherwise ignored.
func ParseChunkSize(raw []byte, r ChunkRules) (int64, error) {
	line, ok := bytes.CutSuffix(raw, []byte("\r\n"))
	if !ok && r.BareLF {
		line, ok = bytes.CutSuffix(raw, []byte("\n"))
	}
	if !ok {
		return 0, fmt.Errorf("chunk-size line does not end in CRLF: %s", quote(raw))
	}
	i := 0
	for i < len(line) && isHex(line[i]) {
		i++
	}
	switch {
	case i == 0:
		return 0, fmt.Errorf("expected a hexadecimal chunk size, got %s", quote(raw))
	case r.MaxDigits > 0 && i > r.MaxDigits:
		return 0, fmt.Errorf("chunk size has %d hex digits, more than %d: %s", i, r.MaxDigits, quote(raw))
	}
	var size int64
	for _, c := range line[:i] {
		d := int64(hexValue(c))
		if size > (r.MaxSize-d)>>4 {
			return 0, fmt.Errorf("chunk size %s overflows the largest size accepted, %d", quote(line[:i]), r.MaxSize)
		}
		size = size<<4 | d
	}
	rest := line[i:]
	if r.OpaqueExtensions {
		if len(rest) > 0 && rest[0] != ';' && rest[0] != ' ' && rest[0] != '\t' {
			return 0, fmt.Errorf("unexpected %s after the chunk size", quote(rest))
		}
		return size, nil
	}
	ext := bytes.TrimLeft(rest, " \t")
	if len(ext) > 0 && ext[0] != ';' || len(ext) == 0 && len(rest) > 0 && !r.TrailingBWS {
		return 0, fmt.Errorf("unexpected %s after the chunk size", quote(rest))
	}
	for _, c := range ext {
		if !isFieldOctet(c) {
			return 0, fmt.Errorf("invalid octet %s in a chunk extension: %s", quote([]byte{c}), quote(raw))
		}
	}
	return size, nil
}

func isHex(c byte) bool {
	return isDigit(c) || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// hexValue is the value of a hex digit (isHex(c) holds).
func hexValue(c byte) byte {
	switch {
	case isDigit(c):
		return c - '0'
	case c >= 'a':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

// LengthRules says how Content-Length values (RFC 9110 §8.6) are read. The zero value is not a
// mode; use StrictLengths or a mode built from it.
type LengthRules struct {
	// MaxDigits bounds each member's digits, leading zeros included; 0 means no bound but Max.
	MaxDigits int
	// Max is the largest length accepted; larger ones are refused, never wrapped.
	Max int64
	// Wrap computes the number modulo 2^64, the way a careless uint64 loop does, and then
	// refuses only results above int64 (18446744073709551617 becomes 1). Only the CLWrap
	// mutant of the reference servers sets it, to break SRV-CL-LARGE-NUMBERS.
	Wrap bool
}

// StrictLengths: any number of digits, refused when the number does not fit int64.
var StrictLengths = LengthRules{Max: 1<<63 - 1}

// ContentLength parses the values of every Content-Length field line of a message. Each member
// of each value is 1*DIGIT; a list of one number repeated ("5, 5") counts as that number (RFC
// 9110 §8.6); differing numbers, empty members and anything but digits are errors.
func ContentLength(values []string, r LengthRules) (int64, error) {
	n := int64(-1)
	for _, v := range values {
		for _, m := range strings.Split(v, ",") {
			m = strings.Trim(m, " \t")
			k, ok := parseDecimal(m, r)
			if !ok {
				return 0, fmt.Errorf("Content-Length: %s is not a decimal number %s", quote([]byte(v)), r.bound())
			}
			if n >= 0 && k != n {
				return 0, fmt.Errorf("Content-Length: differing values %d and %d", n, k)
			}
			n = k
		}
	}
	return n, nil
}

// bound says, for an error, which numbers r accepts.
func (r LengthRules) bound() string {
	if r.Max == 1<<63-1 {
		return "that fits in 63 bits"
	}
	return fmt.Sprintf("up to %d", r.Max)
}

// parseDecimal parses 1*DIGIT under r.
func parseDecimal(s string, r LengthRules) (int64, bool) {
	if s == "" || r.MaxDigits > 0 && len(s) > r.MaxDigits {
		return 0, false
	}
	var n uint64
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return 0, false
		}
		d := uint64(s[i] - '0')
		if !r.Wrap && n > (uint64(r.Max)-d)/10 {
			return 0, false
		}
		n = n*10 + d
	}
	return int64(n), n <= uint64(r.Max)
}
