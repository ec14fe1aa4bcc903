// Package h1 is the harness's one HTTP/1 grammar (tokens, list fields, chunk-size lines,
// Content-Length, a chunked framer) and a strict, incremental HTTP/1.x response parser built on
// it (RFC 9112). It does no I/O: the driver feeds it octets as they are read and it hands back
// every complete message. The scripted origin, the gateways and the reference servers read
// request framing with the same grammar under rules they name (ChunkRules, LengthRules); each
// lenient rule says who needs it and why. It imports only harness/conv. It is
// strict where leniency would hide a conformance defect (the status line, field syntax,
// framing) and bounded everywhere, so no peer can make it panic or hold more than its limits.
//
// Where RFC 9112 lets a recipient choose, it chooses as follows:
//   - A lone LF ends the status line and field lines (§2.2 allows it); chunk-size lines and the
//     CRLF after chunk data must be CRLF.
//   - Empty lines before a status line are not skipped (that leniency is for servers reading
//     requests), so octets after a 1xx's empty line that are not a status line are an error.
//   - obs-fold, and whitespace before the first field, are rejected rather than repaired (§5.2).
//   - Status codes outside 100..599 are rejected (RFC 9110 §15).
//   - "Content-Length: 5, 5" is taken as 5 (RFC 9110 §8.6); Transfer-Encoding overrides
//     Content-Length; Transfer-Encoding in an HTTP/1.0 response is faulty framing (§6.1).
package h1

import (
	"bytes"
	"errors"

	"github.com/expectspec/expectspec/harness/conv"
)

// Limits bound what a parser keeps. A zero field takes its default.
type Limits struct {
	// MaxHead bounds a status line plus header section, including its empty line, and
	// separately a trailer section. Default 64 KiB.
	MaxHead int
	// MaxFields bounds the header fields of one message, and the fields of one trailer
	// section. Default 200.
	MaxFields int
	// MaxBody bounds the content octets kept in Response.Body; BodyLen still counts every
	// octet, the rest is discarded. Default 64 KiB.
	MaxBody int
	// MaxMessages bounds the messages parsed on one connection, so a peer that sends 1xx
	// forever hits a limit instead of filling memory. Default 1000.
	MaxMessages int
}

// The default limits.
const (
	DefaultMaxHead     = 64 << 10
	DefaultMaxFields   = 200
	DefaultMaxBody     = 64 << 10
	DefaultMaxMessages = 1000
)

// maxChunkLine bounds a chunk-size line with its extensions. Extensions are ignored, so there is
// no reason to hold more of them than a sane peer sends.
const maxChunkLine = 4 << 10

func (l Limits) withDefaults() Limits {
	if l.MaxHead <= 0 {
		l.MaxHead = DefaultMaxHead
	}
	if l.MaxFields <= 0 {
		l.MaxFields = DefaultMaxFields
	}
	if l.MaxBody <= 0 {
		l.MaxBody = DefaultMaxBody
	}
	if l.MaxMessages <= 0 {
		l.MaxMessages = DefaultMaxMessages
	}
	return l
}

// state is where the parser is within a message.
type state int

const (
	stHead      state = iota // status line and header section, or idle between messages
	stLength                 // content delimited by Content-Length
	stClose                  // content delimited by the end of the connection
	stChunkLine              // a chunk-size line
	stChunkData              // the octets of a chunk
	stChunkEnd               // the CRLF after a chunk's octets
	stTrailer                // the trailer section after the last chunk
)

// Parser parses a stream of HTTP/1.x responses. The zero value is not usable; call NewParser.
type Parser struct {
	lim   Limits
	state state

	// buf holds the header section, a trailer section or a chunk-size line as it arrives; line
	// is where the current, unfinished line starts in it. Content octets never pass through
	// buf: they go straight from the input to the (bounded) Body.
	buf  []byte
	line int

	cur    *conv.Response // the message being parsed
	remain int64          // content or chunk octets still expected
	crlf   int            // octets of the CRLF after chunk data seen so far
	fields int            // trailer fields seen so far
	count  int            // messages completed

	err error // once set, the parser is dead and returns it forever
}

// NewParser returns a parser for one connection.
func NewParser(lim Limits) *Parser {
	return &Parser{lim: lim.withDefaults()}
}

// Feed consumes octets as they arrive and returns the messages they complete, in order. A
// message completes when its framing says so: at the end of its header section (1xx, 204, 304,
// Content-Length: 0), after its Content-Length octets, or after the last chunk's trailer
// section. A close-delimited message only completes in EOF.
//
// On error, Feed returns the messages completed before it, and the parser is dead: every later
// call returns the same error.
func (p *Parser) Feed(b []byte) ([]*conv.Response, error) {
	if p.err != nil {
		return nil, p.err
	}
	var out []*conv.Response
	for len(b) > 0 {
		n, msg, err := p.step(b)
		b = b[n:]
		if msg != nil {
			out = append(out, msg)
		}
		if err != nil {
			p.err = err
			return out, err
		}
		if n == 0 && msg == nil {
			// Every state consumes input or completes a message; this guards the loop.
			p.err = syntaxf("internal error: the parser made no progress in state %d", p.state)
			return out, p.err
		}
	}
	return out, nil
}

// step runs the current state on b and returns how many octets it consumed, the message it
// completed if any, and a fatal error.
func (p *Parser) step(b []byte) (int, *conv.Response, error) {
	switch p.state {
	case stHead:
		return p.head(b)
	case stLength:
		return p.lengthBody(b)
	case stClose:
		p.keep(b)
		return len(b), nil, nil
	case stChunkLine:
		return p.chunkLine(b)
	case stChunkData:
		return p.chunkData(b)
	case stChunkEnd:
		return p.chunkEnd(b)
	case stTrailer:
		return p.trailer(b)
	}
	return 0, nil, syntaxf("internal error: unknown parser state %d", p.state)
}

// EOF tells the parser the peer closed the connection. It completes a close-delimited message,
// returns (nil, nil) when the parser was idle between messages, and otherwise reports a
// truncated message (ErrTruncated) saying what was missing. After EOF the parser is done.
func (p *Parser) EOF() (*conv.Response, error) {
	if p.err != nil {
		return nil, p.err
	}
	msg, err := p.eof()
	p.err = err
	if err == nil {
		p.err = errAfterEOF
	}
	return msg, err
}

func (p *Parser) eof() (*conv.Response, error) {
	switch p.state {
	case stHead:
		if len(p.buf) == 0 {
			return nil, nil
		}
		if p.line == 0 {
			return nil, truncatedf("in the status line after %d octets: %s", len(p.buf), quote(p.buf))
		}
		return nil, truncatedf("in the header section after %d octets, before its empty line", len(p.buf))
	case stClose:
		return p.done(), nil
	case stLength:
		return nil, truncatedf("after %d of %d content octets (Content-Length)", p.cur.BodyLen, p.cur.BodyLen+p.remain)
	case stChunkLine, stChunkData, stChunkEnd:
		return nil, truncatedf("in the chunked content after %d content octets, before the last chunk", p.cur.BodyLen)
	case stTrailer:
		return nil, truncatedf("after the last chunk, before the trailer section's empty line")
	}
	return nil, syntaxf("internal error: unknown parser state %d", p.state)
}

// Idle reports whether the parser is between messages: nothing of a next message has arrived.
// A dead parser is not idle.
func (p *Parser) Idle() bool {
	return p.err == nil && p.state == stHead && len(p.buf) == 0
}

// Pending returns the message in progress when its header section is complete and its content
// is not: a Content-Length body short of its length, a chunked body before the end of its
// trailer section, or a close-delimited body still waiting for EOF. Body and BodyLen hold the
// content received so far (Body bounded by MaxBody). It returns nil when the parser is idle,
// in the middle of a header section, or killed by a syntax or limit error; after an EOF that
// reported ErrTruncated it still returns the cut-short message, and after a clean EOF nil.
//
// The result is a snapshot: later calls to Feed do not change it. It costs no copy of the
// content, so it may be called after every Feed; in exchange its slices share storage with the
// parser's and must be treated as read-only (appending to them is safe). The parser does not
// mark it Truncated: whether the end of the connection cut it short is the caller's call.
func (p *Parser) Pending() *conv.Response {
	if p.cur == nil || p.state == stHead {
		return nil
	}
	if p.err != nil && !errors.Is(p.err, ErrTruncated) {
		return nil
	}
	m := *p.cur
	// The parser only appends to Body (and no longer touches Header or Head once the header
	// section is complete), so its writes land beyond the copy's lengths; capping the copy's
	// slices makes an append to them reallocate instead of writing into the parser's storage.
	m.Body = m.Body[:len(m.Body):len(m.Body)]
	m.Header = m.Header[:len(m.Header):len(m.Header)]
	m.Head = m.Head[:len(m.Head):len(m.Head)]
	return &m
}

// Buffered returns how many octets the parser holds that are not yet part of a completed
// message or of a message's content: a partial head, chunk-size line or trailer section.
func (p *Parser) Buffered() int { return len(p.buf) }

// Count returns how many messages the parser has completed.
func (p *Parser) Count() int { return p.count }

// Err returns the error that killed the parser, or nil.
func (p *Parser) Err() error {
	if p.err == errAfterEOF {
		return nil
	}
	return p.err
}

// done completes the current message and returns to waiting for the next one.
func (p *Parser) done() *conv.Response {
	r := p.cur
	p.cur, p.state = nil, stHead
	p.count++
	return r
}

// keep accounts content octets: all of them in BodyLen, the first MaxBody in Body.
func (p *Parser) keep(b []byte) {
	r := p.cur
	r.BodyLen += int64(len(b))
	if room := p.lim.MaxBody - len(r.Body); room > 0 && len(b) > 0 {
		if len(b) > room {
			b = b[:room]
		}
		r.Body = appendBounded(r.Body, b, p.lim.MaxBody)
	}
}

// takeLine moves octets of b into buf up to and including the first LF. It returns how many it
// took and, once the LF has arrived, the whole line with its terminator. max bounds all of buf:
// octets that would exceed it are refused before they are stored, so a peer that never ends a
// line cannot grow the buffer.
func (p *Parser) takeLine(b []byte, max int, what string) (n int, line []byte, done bool, err error) {
	i := bytes.IndexByte(b, '\n')
	n = len(b)
	if i >= 0 {
		n = i + 1
	}
	if len(p.buf)+n > max {
		return 0, nil, false, limitf(conv.CauseLimitLength, "%s exceeds %d octets", what, max)
	}
	p.buf = appendBounded(p.buf, b[:n], max)
	if i < 0 {
		return n, nil, false, nil
	}
	line = p.buf[p.line:]
	p.line = len(p.buf)
	return n, line, true, nil
}

// resetBuf empties buf for the next section, keeping its storage.
func (p *Parser) resetBuf() { p.buf, p.line = p.buf[:0], 0 }

// trimEOL strips a line's terminator. RFC 9112 §2.2 lets a recipient take a lone LF as the end
// of a start-line or field line, so both CRLF and LF end a line here; crlf says which one did.
// Any other CR is left in place for the syntax checks to reject as a bare CR.
func trimEOL(line []byte) (content []byte, crlf bool) {
	line = line[:len(line)-1] // the LF
	if n := len(line); n > 0 && line[n-1] == '\r' {
		return line[:n-1], true
	}
	return line, false
}
