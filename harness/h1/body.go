package h1

import (
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

// parseChunkSize parses a chunk-size line with its terminator under StrictChunks. The
// terminator must be CRLF: RFC 9112 §2.2 lets a recipient accept a lone LF only for the
// start-line and field lines, and chunk framing is exactly where lenient parsers disagree.
func parseChunkSize(raw []byte) (int64, error) {
	size, err := ParseChunkSize(raw, StrictChunks)
	if err != nil {
		return 0, syntaxf("chunked: %v", err)
	}
	return size, nil
}

// contentLength parses the Content-Length fields under StrictLengths: each a decimal number, or
// a list of the same number repeated ("5, 5", which RFC 9110 §8.6 lets a recipient take as 5).
func contentLength(values []string) (int64, error) {
	n, err := ContentLength(values, StrictLengths)
	if err != nil {
		return 0, syntaxf("%v", err)
	}
	return n, nil
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
