package h1

import (
	"bytes"
	"strings"

	"github.com/expectspec/expectspec/harness/conv"
)

// head parses the status line and header section, one line at a time as lines complete, so a
// malformed field is reported when it arrives rather than when the head ends.
func (p *Parser) head(b []byte) (int, *conv.Response, error) {
	if len(p.buf) == 0 {
		if p.count >= p.lim.MaxMessages {
			return 0, nil, limitf(conv.CauseLimitMessages, "more than %d messages on one connection", p.lim.MaxMessages)
		}
		p.cur = &conv.Response{}
	}
	start := p.line
	if start == 0 {
		// Check the fixed-format start of the status line on whatever has arrived, before
		// waiting for (or bounding) the rest of the line: a peer that answers with something
		// other than HTTP/1.x is reported at once, even if it never sends a LF.
		if err := checkStatusPrefix(p.buf, b); err != nil {
			return 0, nil, err
		}
	}
	n, raw, done, err := p.takeLine(b, p.lim.MaxHead, "the header section")
	if err != nil || !done {
		return n, nil, err
	}
	line, _ := trimEOL(raw)
	switch {
	case start == 0:
		err = parseStatusLine(p.cur, line)
	case len(line) == 0:
		msg, err := p.endHead()
		return n, msg, err
	default:
		err = p.addField(line)
	}
	return n, nil, err
}

// statusPattern is the fixed-format start of a status line (RFC 9112 §4): HTTP-version, SP,
// three digits, SP. 'D' stands for a digit. The SP after the code is required even when the
// reason phrase is empty.
const statusPattern = "HTTP/1.D DDD "

// checkStatusPrefix checks the first octets of a status line, made of what is buffered (have)
// and the start of what just arrived (more), against statusPattern. The status code must also
// start with 1 to 5: RFC 9110 §15 makes codes outside 100..599 invalid.
func checkStatusPrefix(have, more []byte) error {
	if i := bytes.IndexByte(more, '\n'); i >= 0 {
		more, _ = trimEOL(more[:i+1])
	}
	var pre [len(statusPattern)]byte
	n := copy(pre[:], have)
	n += copy(pre[n:], more)
	for i := 0; i < n; i++ {
		c, want := pre[i], statusPattern[i]
		ok := c == want
		if want == 'D' {
			ok = isDigit(c)
			if i == 9 && ok && (c < '1' || c > '5') {
				return malformedf(conv.CauseStatusLine, "status line: status code must be 100..599, got %s", quoteLine(have, more))
			}
		}
		if !ok {
			return malformedf(conv.CauseStatusLine, "status line: expected 'HTTP/1.x NNN ', got %s", quoteLine(have, more))
		}
	}
	return nil
}

// quoteLine quotes the first octets of a line that is split between the buffer and the input.
func quoteLine(have, more []byte) string {
	var b [quoteMax + 1]byte
	n := copy(b[:], have)
	n += copy(b[n:], more)
	return quote(b[:n])
}

// parseStatusLine parses a complete status line (without its terminator) into r.
func parseStatusLine(r *conv.Response, line []byte) error {
	if len(line) < len(statusPattern) {
		return malformedf(conv.CauseStatusLine, "status line: expected 'HTTP/1.x NNN ', got %s", quote(line))
	}
	if err := checkStatusPrefix(line, nil); err != nil {
		return err
	}
	reason := line[len(statusPattern):]
	// reason-phrase = 1*( HTAB / SP / VCHAR / obs-text )
	for _, c := range reason {
		if !isFieldOctet(c) {
			return malformedf(conv.CauseStatusLine, "status line: invalid octet %s in the reason phrase of %s", quote([]byte{c}), quote(line))
		}
	}
	r.Proto = string(line[:8])
	r.Status = int(line[9]-'0')*100 + int(line[10]-'0')*10 + int(line[11]-'0')
	r.Reason = string(reason)
	return nil
}

// addField parses a header field line and appends it to the current message.
func (p *Parser) addField(line []byte) error {
	if len(p.cur.Header) >= p.lim.MaxFields {
		return limitf(conv.CauseLimitFields, "more than %d header fields", p.lim.MaxFields)
	}
	f, err := parseField(line, "header field")
	if err != nil {
		return err
	}
	p.cur.Header = append(p.cur.Header, f)
	return nil
}

// parseField parses "name: OWS value OWS" (RFC 9112 §5). The name must be a token with no
// whitespace before the colon (§5.1); a line starting with whitespace is obs-fold, or
// whitespace between the status line and the first field (§2.2, §5.2), which this parser
// rejects rather than repairs; the value may hold SP, HTAB, VCHAR and obs-text but no other
// control octet, in particular no NUL and no bare CR (RFC 9110 §5.5).
func parseField(line []byte, what string) (conv.Field, error) {
	if line[0] == ' ' || line[0] == '\t' {
		return conv.Field{}, malformedf(conv.CauseFieldLine, "%s: line starts with whitespace (obs-fold), got %s", what, quote(line))
	}
	colon := bytes.IndexByte(line, ':')
	if colon < 0 {
		return conv.Field{}, malformedf(conv.CauseFieldLine, "%s: no colon in %s", what, quote(line))
	}
	name := line[:colon]
	if colon == 0 {
		return conv.Field{}, malformedf(conv.CauseFieldLine, "%s: empty field name in %s", what, quote(line))
	}
	if c := name[len(name)-1]; c == ' ' || c == '\t' {
		return conv.Field{}, malformedf(conv.CauseFieldLine, "%s: whitespace between the field name and the colon in %s", what, quote(line))
	}
	for _, c := range name {
		if !isTchar(c) {
			return conv.Field{}, malformedf(conv.CauseFieldLine, "%s: invalid octet %s in the field name of %s", what, quote([]byte{c}), quote(line))
		}
	}
	value := bytes.Trim(line[colon+1:], " \t")
	for _, c := range value {
		if !isFieldOctet(c) {
			return conv.Field{}, malformedf(conv.CauseFieldLine, "%s: invalid octet %s in the value of %s", what, quote([]byte{c}), quote(line))
		}
	}
	return conv.Field{Name: string(name), Value: string(value)}, nil
}

// endHead finishes the header section: it keeps the raw head, decides the framing, and either
// completes the message (no content) or moves on to the content.
func (p *Parser) endHead() (*conv.Response, error) {
	r := p.cur
	r.Head = append([]byte(nil), p.buf...)
	p.resetBuf()
	framing, length, err := framingOf(r)
	if err != nil {
		return nil, err
	}
	r.Framing = framing
	switch {
	case framing == "none", framing == "content-length" && length == 0:
		return p.done(), nil
	case framing == "content-length":
		p.state, p.remain = stLength, length
	case framing == "chunked":
		p.state = stChunkLine
	default:
		p.state = stClose
	}
	return nil, nil
}

// framingOf decides how a response's content is delimited (RFC 9112 §6.3): 1xx, 204 and 304
// have none whatever fields they carry; then Transfer-Encoding (chunked if it is the final
// coding, else the content runs to the close); then Content-Length; else the close.
func framingOf(r *conv.Response) (framing string, length int64, err error) {
	if r.Interim() || r.Status == 204 || r.Status == 304 {
		return "none", 0, nil
	}
	if te := r.Get("Transfer-Encoding"); len(te) > 0 {
		if r.Proto == "HTTP/1.0" {
			// §6.1: an HTTP/1.0 message with Transfer-Encoding has faulty framing.
			return "", 0, malformedf(conv.CauseTransferEncoding, "Transfer-Encoding %s in an HTTP/1.0 response (faulty framing, RFC 9112 §6.1)", quote([]byte(strings.Join(te, ", "))))
		}
		chunked, err := chunkedLast(te)
		if err != nil {
			return "", 0, err
		}
		if chunked {
			return "chunked", 0, nil
		}
		return "close", 0, nil
	}
	if cl := r.Get("Content-Length"); len(cl) > 0 {
		n, err := contentLength(cl)
		return "content-length", n, err
	}
	return "close", 0, nil
}

// chunkedLast reports whether chunked is the final transfer coding. Chunked applied twice, or a
// Transfer-Encoding without any coding, leaves the framing ambiguous and is an error.
func chunkedLast(values []string) (bool, error) {
	codings := Members(values)
	if len(codings) == 0 {
		return false, malformedf(conv.CauseTransferEncoding, "Transfer-Encoding without a transfer coding")
	}
	n := 0
	for _, c := range codings {
		if strings.EqualFold(c, "chunked") {
			n++
		}
	}
	if n > 1 {
		return false, malformedf(conv.CauseTransferEncoding, "Transfer-Encoding applies chunked more than once: %s", quote([]byte(strings.Join(values, ", "))))
	}
	return strings.EqualFold(codings[len(codings)-1], "chunked"), nil
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// isTchar reports whether c may appear in a token (RFC 9110 §5.6.2).
func isTchar(c byte) bool {
	if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || isDigit(c) {
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

// isFieldOctet reports whether c may appear in a field value or reason phrase: SP, HTAB, VCHAR
// or obs-text.
func isFieldOctet(c byte) bool {
	return c == ' ' || c == '\t' || (c > 0x20 && c != 0x7f)
}
