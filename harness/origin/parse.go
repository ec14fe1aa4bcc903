package origin

import (
	"bytes"
	"strings"

	"github.com/expectspec/expectspec/harness/conv"
	"github.com/expectspec/expectspec/harness/h1"
	"github.com/expectspec/expectspec/harness/internal/wire"
)

// The origin is a recorder, so it parses leniently: it keeps what arrived and is strict only
// where framing depends on it. A request whose framing cannot be trusted gets 400 and a close.

// parsedHead is what the origin makes of a request head.
type parsedHead struct {
	method, target, proto string
	minor                 int // 0 for HTTP/1.0, 1 for HTTP/1.1 and later minors
	fields                []conv.Field
	badLine               bool // the request-line is not `method SP target SP HTTP/1.x`

	chunked    bool
	length     int64 // Content-Length, -1 when absent or chunked
	framingErr string
	closeAfter bool // the request or its framing ends the connection after the response
}

// parseHead splits the request-line and the field lines, and works out the framing
// (RFC 9112 §6.3).
func parseHead(h *wire.Head) parsedHead {
	p := parsedHead{length: -1}
	parts := strings.Split(h.Lines[0], " ")
	if len(parts) == 3 && parts[0] != "" && parts[1] != "" && len(parts[2]) == 8 &&
		strings.HasPrefix(parts[2], "HTTP/1.") && isDigit(parts[2][7]) {
		p.method, p.target, p.proto = parts[0], parts[1], parts[2]
		p.minor = min(int(parts[2][7]-'0'), 1)
	} else {
		p.badLine = true
		p.framingErr = "malformed request-line"
		p.closeAfter = true
	}
	for _, line := range h.Lines[1:] {
		p.fields = append(p.fields, splitField(line))
	}
	get := func(name string) []string {
		var out []string
		for _, f := range p.fields {
			if strings.EqualFold(f.Name, name) {
				out = append(out, f.Value)
			}
		}
		return out
	}
	if h1.HasMember(get("Connection"), "close") || p.minor == 0 {
		// An HTTP/1.0 request ends the connection too: the scripted finals carry no keep-alive.
		p.closeAfter = true
	}
	if p.badLine {
		return p
	}
	te, cl := get("Transfer-Encoding"), get("Content-Length")
	switch {
	case len(te) > 0 && p.minor == 0:
		p.framingErr = "Transfer-Encoding in an HTTP/1.0 request"
	case len(te) > 0 && !h1.ChunkedLast(te):
		p.framingErr = "Transfer-Encoding whose last coding is not chunked"
	case len(te) > 0:
		p.chunked = true
		p.closeAfter = p.closeAfter || len(cl) > 0 // RFC 9112 §6.1: close after CL with TE
	case len(cl) > 0:
		n, err := h1.ContentLength(cl, h1.FramingLengths)
		if err != nil {
			p.framingErr = err.Error()
		}
		p.length = n
	}
	if p.framingErr != "" {
		p.chunked, p.length, p.closeAfter = false, -1, true
	}
	return p
}

// splitField keeps a field line as received: the name is every octet before the first colon
// (whitespace included, so `Expect : x` stays visible), the value is what follows without the
// surrounding SP and HTAB. An obs-fold line or a line without a colon is kept whole, unnamed.
func splitField(line string) conv.Field {
	if line != "" && (line[0] == ' ' || line[0] == '\t') {
		return conv.Field{Value: line}
	}
	name, value, ok := strings.Cut(line, ":")
	if !ok {
		return conv.Field{Value: line}
	}
	return conv.Field{Name: name, Value: strings.Trim(value, " \t")}
}

// tokenOf finds the case token of a request: the path segment after OriginPathPrefix in an
// origin-form or absolute-form target, else the X-Expectspec-Case field.
func tokenOf(target string, fields []conv.Field) string {
	if i := strings.Index(target, "://"); i >= 0 {
		rest := target[i+3:]
		if j := strings.IndexByte(rest, '/'); j >= 0 {
			target = rest[j:]
		}
	}
	if rest, ok := strings.CutPrefix(target, conv.OriginPathPrefix); ok {
		end := strings.IndexAny(rest, "/?#")
		if end < 0 {
			end = len(rest)
		}
		if tok := rest[:end]; tok != "" {
			return tok
		}
	}
	for _, f := range fields {
		if strings.EqualFold(f.Name, conv.OriginCaseField) {
			return f.Value
		}
	}
	return ""
}

// knownMethods are the methods that may start a request found inside content.
var knownMethods = []string{"OPTIONS", "CONNECT", "DELETE", "PATCH", "TRACE", "POST", "HEAD", "GET", "PUT"}

// findRequest looks in b for the start of a request for a case: a known method, SP, and a
// target whose path begins with OriginPathPrefix. Only a start before end counts: octets from
// end on are after the declared content, where a next request belongs. It returns where the
// request starts and its request-line (bounded). Content the suite sends never holds such a
// request-line itself.
func findRequest(b []byte, end int) (start int, line string, ok bool) {
	prefix := []byte(conv.OriginPathPrefix)
	for off := 0; off < len(b); {
		i := bytes.Index(b[off:], prefix)
		if i < 0 {
			return 0, "", false
		}
		i += off
		off = i + 1
		// Back over an absolute-form scheme and authority to the SP before the target.
		j := i
		for j > 0 && b[j-1] > ' ' && b[j-1] < 0x7f {
			j--
		}
		if j == 0 || b[j-1] != ' ' {
			continue
		}
		if auth := string(b[j:i]); auth != "" && !hasPrefixFold(auth, "http://") && !hasPrefixFold(auth, "https://") {
			continue
		}
		sp := j - 1
		start = -1
		for _, m := range knownMethods {
			if sp >= len(m) && string(b[sp-len(m):sp]) == m {
				start = sp - len(m)
				break
			}
		}
		if start < 0 || start >= end {
			continue
		}
		l := b[start:]
		if k := bytes.IndexByte(l, '\n'); k >= 0 {
			l = l[:k]
		}
		l = bytes.TrimSuffix(l, []byte("\r"))
		if len(l) > maxRequestLineKept {
			l = l[:maxRequestLineKept]
		}
		return start, string(l), true
	}
	return 0, "", false
}

// respClose reports whether raw response bytes oblige the origin to close the connection after
// writing them: a `Connection: close`, or a final response delimited by the close itself (no
// Content-Length, no Transfer-Encoding). raw is the suite's own script, so it is read
// leniently; what cannot be parsed is taken to need a close.
func respClose(raw conv.RawMessage) bool {
	b := []byte(raw)
	for len(b) > 0 {
		end := bytes.Index(b, []byte("\r\n\r\n"))
		if end < 0 {
			return true
		}
		lines := strings.Split(string(b[:end]), "\r\n")
		b = b[end+4:]
		status := 0
		if parts := strings.SplitN(lines[0], " ", 3); len(parts) >= 2 && len(parts[1]) == 3 {
			for _, d := range []byte(parts[1]) {
				status = status*10 + int(d-'0')
			}
		}
		var conn, cl, te []string
		for _, l := range lines[1:] {
			f := splitField(l)
			switch strings.ToLower(strings.TrimRight(f.Name, " \t")) {
			case "connection":
				conn = append(conn, f.Value)
			case "content-length":
				cl = append(cl, f.Value)
			case "transfer-encoding":
				te = append(te, f.Value)
			}
		}
		if h1.HasMember(conn, "close") || strings.HasPrefix(lines[0], "HTTP/1.0") {
			return true
		}
		switch {
		case status >= 100 && status < 200, status == 204, status == 304:
		case len(te) > 0:
			var c h1.Chunked
			n, err := c.Feed(b, nil)
			if err != nil || !c.Done() {
				return true
			}
			b = b[n:]
		case len(cl) > 0:
			n, err := h1.ContentLength(cl, h1.FramingLengths)
			if err != nil || n > int64(len(b)) {
				return true
			}
			b = b[n:]
		default:
			return true
		}
	}
	return false
}

func isDigit(b byte) bool { return '0' <= b && b <= '9' }

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}
