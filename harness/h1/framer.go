package h1

import (
	"bytes"
	"fmt"
)

// maxFramedTrailer bounds the trailer section the framer skips.
const maxFramedTrailer = 16 << 10

// FramingChunks are the chunk rules of the framer (Chunked): the scripted origin and the
// gateways frame a request body to find where it ends, so they take what cannot move that
// boundary (a lone LF, extensions they never read). 15 hex digits stay below 2^60, so sums of
// sizes cannot overflow.
var FramingChunks = ChunkRules{MaxDigits: 15, MaxSize: 1<<60 - 1, BareLF: true, OpaqueExtensions: true}

// FramingLengths are the Content-Length rules of the scripted origin and the gateways: far
// beyond anything the suite sends, and small enough that no sum of octet counts overflows.
var FramingLengths = LengthRules{MaxDigits: 16, Max: 1 << 50}

type chunkState int

const (
	chSize    chunkState = iota // a chunk-size line
	chData                      // chunk octets
	chDataEnd                   // the CRLF (or LF) after chunk octets
	chTrailer                   // trailer field lines up to the empty line
	chDone
)

// Chunked frames a body in the chunked transfer coding (RFC 9112 §7.1) as its octets arrive: it
// says how many of them belong to the body and when the body ends, and hands out the decoded
// data. It is lenient where leniency cannot shift a boundary: a lone LF may end a line, and
// chunk extensions and trailer fields are skipped unparsed. The zero value is ready to use.
type Chunked struct {
	st      chunkState
	left    int64  // octets left in the current chunk
	cr      bool   // the CR after chunk data has been seen
	line    []byte // the current size or trailer line, so far
	trailer int    // octets of trailer section so far
}

// Done reports whether the last chunk and the trailer section have been consumed.
func (c *Chunked) Done() bool { return c.st == chDone }

// Clone returns an independent copy, to try octets without committing them.
func (c *Chunked) Clone() *Chunked {
	d := *c
	d.line = append([]byte(nil), c.line...)
	return &d
}

// Feed consumes octets of the body from b and returns how many belonged to it; it stops at the
// end of the body. data, if not nil, receives the decoded content. An error means the octets
// are not chunked coding; n is then where the offending octet is.
func (c *Chunked) Feed(b []byte, data func([]byte)) (n int, err error) {
	for n < len(b) && c.st != chDone {
		switch c.st {
		case chData:
			k := int(min(c.left, int64(len(b)-n)))
			if data != nil {
				data(b[n : n+k])
			}
			n += k
			c.left -= int64(k)
			if c.left == 0 {
				c.st, c.cr = chDataEnd, false
			}
		case chDataEnd:
			// Octet by octet: whatever follows chunk data without its CRLF is an error at once,
			// not the start of a line to wait for.
			switch {
			case b[n] == '\r' && !c.cr:
				c.cr = true
			case b[n] == '\n':
				c.st = chSize
			default:
				return n, fmt.Errorf("chunk data not followed by CRLF")
			}
			n++
		default:
			k, line, complete := c.takeLine(b[n:])
			if c.st == chTrailer {
				c.trailer += k
				if c.trailer > maxFramedTrailer {
					return n, fmt.Errorf("trailer section larger than %d octets", maxFramedTrailer)
				}
			}
			if len(c.line)+k > maxChunkLine {
				return n, fmt.Errorf("chunk line longer than %d octets", maxChunkLine)
			}
			if !complete {
				c.line = append(c.line, b[n:n+k]...)
				n += k
				continue
			}
			full := append(c.line, line...)
			c.line = c.line[:0]
			if err := c.endLine(full); err != nil {
				return n, err
			}
			n += k
		}
	}
	return n, nil
}

// takeLine returns how many octets of b up to and including the first LF there are, and whether
// the LF was found.
func (c *Chunked) takeLine(b []byte) (k int, line []byte, complete bool) {
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		return i + 1, b[:i+1], true
	}
	return len(b), nil, false
}

// endLine acts on a complete line (terminator included) in the size or trailer state.
func (c *Chunked) endLine(line []byte) error {
	switch c.st {
	case chSize:
		size, err := ParseChunkSize(line, FramingChunks)
		if err != nil {
			return err
		}
		if size == 0 {
			c.st = chTrailer
		} else {
			c.st, c.left = chData, size
		}
	case chTrailer:
		if text, _ := trimEOL(line); len(text) == 0 {
			c.st = chDone
		}
	}
	return nil
}
