package h1

import (
	"bytes"
	"strconv"

	"github.com/expectspec/expectspec/harness/conv"
)

// lengthBody consumes content delimited by Content-Length.
func (p *Parser) lengthBody(b []byte) (int, *conv.Response, error) {
	n := len(b)
	if int64(n) > p.remain {
		n = int(p.remain)
	}
	p.keep(b[:n])
	p.remain -= int64(n)
	if p.remain == 0 {
		return n, p.done(), nil
	}
	return n, nil, nil
}

// chunkLine parses a chunk-size line (RFC 9112 §7.1). A size of zero is the last chunk, which
// the trailer section follows.
func (p *Parser) chunkLine(b []byte) (int, *conv.Response, error) {
	n, raw, done, err := p.takeLine(b, maxChunkLine, "a chunk-size line")
	if err != nil || !done {
		return n, nil, err
	}
	size, err := parseChunkSize(raw)
	p.resetBuf()
	if err != nil {
		return n, nil, err
	}
	if size == 0 {
		p.state, p.fields = stTrailer, 0
		return n, nil, nil
	}
	p.state, p.remain = stChunkData, size
	return n, nil, nil
}

// maxChunkDigits bounds the hex digits of a chunk size: 16 hex digits already cover every int64,
// and a longer run (even of leading zeros) is a peer probing for overflow.
const maxChunkDigits = 16

// parseChunkSize parses "chunk-size [ chunk-ext ] CRLF". The terminator must be CRLF: RFC 9112
// §2.2 lets a recipient accept a lone LF only for the start-line and field lines, and chunk
// framing is exactly where lenient parsers disagree. Extensions are checked for control octets
// and otherwise ignored.
func parseChunkSize(raw []byte) (int64, error) {
	if !bytes.HasSuffix(raw, []byte("\r\n")) {
		return 0, syntaxf("chunked: chunk-size line does not end in CRLF: %s", quote(raw))
	}
	line := raw[:len(raw)-2]
	i := 0
	for i < len(line) && isHex(line[i]) {
		i++
	}
	switch {
	case i == 0:
		return 0, syntaxf("chunked: expected a hexadecimal chunk size, got %s", quote(raw))
	case i > maxChunkDigits:
		return 0, syntaxf("chunked: chunk size has %d hex digits, more than %d: %s", i, maxChunkDigits, quote(raw))
	}
	size, err := strconv.ParseUint(string(line[:i]), 16, 64)
	if err != nil || size > 1<<63-1 {
		return 0, syntaxf("chunked: chunk size %s overflows int64", quote(line[:i]))
	}
	// chunk-ext = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] )
	ext := bytes.TrimLeft(line[i:], " \t")
	if len(ext) > 0 && ext[0] != ';' || len(ext) == 0 && len(line) > i {
		return 0, syntaxf("chunked: unexpected %s after the chunk size", quote(line[i:]))
	}
	for _, c := range ext {
		if !isFieldOctet(c) {
			return 0, syntaxf("chunked: invalid octet %s in a chunk extension: %s", quote([]byte{c}), quote(raw))
		}
	}
	return int64(size), nil
}

func isHex(c byte) bool {
	return isDigit(c) || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// chunkData consumes the octets of a chunk.
func (p *Parser) chunkData(b []byte) (int, *conv.Response, error) {
	n := len(b)
	if int64(n) > p.remain {
		n = int(p.remain)
	}
	p.keep(b[:n])
	p.remain -= int64(n)
	if p.remain == 0 {
		p.state, p.crlf = stChunkEnd, 0
	}
	return n, nil, nil
}

// chunkEnd consumes the CRLF that must follow a chunk's octets. A chunk that is longer than its
// size said shows up here, as octets where the CRLF should be.
func (p *Parser) chunkEnd(b []byte) (int, *conv.Response, error) {
	if want := "\r\n"[p.crlf]; b[0] != want {
		return 0, nil, syntaxf("chunked: chunk data not followed by CRLF, got %s", quote(b))
	}
	if p.crlf++; p.crlf == 2 {
		p.state = stChunkLine
	}
	return 1, nil, nil
}

// trailer parses the trailer section after the last chunk. Fields are checked like header
// fields, bounded like them, and dropped: no case judges a trailer.
func (p *Parser) trailer(b []byte) (int, *conv.Response, error) {
	n, raw, done, err := p.takeLine(b, p.lim.MaxHead, "the trailer section")
	if err != nil || !done {
		return n, nil, err
	}
	line, _ := trimEOL(raw)
	if len(line) == 0 {
		p.resetBuf()
		return n, p.done(), nil
	}
	if p.fields >= p.lim.MaxFields {
		return n, nil, limitf(conv.CauseLimitFields, "more than %d trailer fields", p.lim.MaxFields)
	}
	p.fields++
	if _, err := parseField(line, "trailer field"); err != nil {
		return n, nil, err
	}
	return n, nil, nil
}
