package reference

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/expectspec/expectspec/harness/h1"
)

// MaxHeadBytes bounds the request-line plus the header section. A larger head gets 431 (414 when
// the request-line alone is too long) and a close (FLD-OVERSIZE-4XX).
const MaxHeadBytes = 8 << 10

// maxLeadingEmptyLines is how many empty lines before a request-line are skipped (RFC 9112 §2.2:
// a server SHOULD ignore at least one, left over from a previous message's body).
const maxLeadingEmptyLines = 4

// protocolError is a request the server refuses with a final status and a close.
type protocolError struct {
	status int
	reason string
}

func (e *protocolError) Error() string { return e.reason }

func reject(status int, format string, args ...any) error {
	return &protocolError{status: status, reason: fmt.Sprintf(format, args...)}
}

var errHeadTooLarge = errors.New("header section too large")

// field is one field line as received.
type field struct {
	name string
	// value is the field line value: leading and trailing OWS excluded (RFC 9110 §5.5), NUL and
	// bare CR already handled by the knobs.
	value string
	// raw is the value before OWS trimming, minus the one SP conventionally written after the
	// colon; only the NoTrimOWS mutant reads it.
	raw string
}

// request is a parsed request head and what the server made of it.
type request struct {
	method string
	target string
	path   string // the path of the target, without the query
	minor  int    // HTTP/1.minor: 0 or 1 (any higher minor is served as 1.1)
	fields []field

	// Framing (RFC 9112 §6): chunked, else contentLength (-1 when absent: no content).
	chunked       bool
	contentLength int64

	// closeAfter: the connection closes after the response, because the request or its framing
	// says so (Connection: close, HTTP/1.0, Content-Length with Transfer-Encoding, ...).
	closeAfter bool
	// keepAlive10: an HTTP/1.0 request whose connection stays open (only the HTTP10TEKeepOpen
	// mutant); the response then says `Connection: keep-alive`.
	keepAlive10 bool

	upgrade bool // offers UpgradeProtocol with `Connection: upgrade`
	expect  expectation

	continueSent    bool // a 100 went out for this request
	continuePending bool // a 100 is owed on the first read of the content (LateContinue)
}

// http10 reports whether the request is HTTP/1.0.
func (r *request) http10() bool { return r.minor == 0 }

// hasContent reports whether the framing indicates content (RFC 9110 §10.1.1's "indication that
// request content will follow"): chunked, or a Content-Length above zero.
func (r *request) hasContent() bool { return r.chunked || r.contentLength > 0 }

// get returns the combined values of every field line with this name (case-insensitive).
func (r *request) get(name string) []string {
	var out []string
	for _, f := range r.fields {
		if strings.EqualFold(f.name, name) {
			out = append(out, f.value)
		}
	}
	return out
}

// readRequest reads and checks one request head. A non-protocol error means the peer went away
// or fell silent; a *protocolError is answered and the connection closed.
func (c *conn) readRequest() (*request, error) {
	budget := MaxHeadBytes
	var line []byte
	var err error
	for i := 0; ; i++ {
		if err := c.screenMethod(); err != nil {
			return nil, err
		}
		line, err = c.readLine(&budget)
		if err == errHeadTooLarge {
			return nil, reject(414, "request-line too long")
		}
		if err != nil {
			return nil, err
		}
		if len(line) > 0 {
			break
		}
		if i == maxLeadingEmptyLines {
			return nil, reject(400, "empty lines instead of a request-line")
		}
	}
	req, err := parseRequestLine(line)
	if err != nil {
		return nil, err
	}
	if err := c.readFields(req, &budget); err != nil {
		return nil, err
	}
	if err := c.interpret(req); err != nil {
		return nil, err
	}
	return req, nil
}

// methods are the request methods the server knows (RFC 9110 §9.3, RFC 5789).
var methods = []string{"GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"}

// screenMethod looks at the start of a request-line octet by octet, as llhttp does, and refuses
// it as soon as it cannot begin with a method the server knows: 501 for an unknown method
// (RFC 9110 §9.1), 400 for octets that are no method at all. Waiting for the line end instead
// would leave garbage (such as content left unread by a mutant) unanswered until the idle
// timeout, since garbage need not contain a line end. Refusing is not applying the request, so
// deciding on a partial request-line is allowed. Read errors are left for readLine to report.
func (c *conn) screenMethod() error {
	for n := 1; n <= len("OPTIONS")+1; n++ {
		p, err := c.br.Peek(n)
		if err != nil {
			return nil
		}
		switch p[n-1] {
		case ' ', '\r', '\n':
			return nil // the method is complete, or this is an empty line: parseRequestLine judges
		}
		known := false
		for _, m := range methods {
			known = known || strings.HasPrefix(m, string(p))
		}
		if !known {
			if h1.IsToken(string(p)) {
				return reject(501, "method not implemented")
			}
			return reject(400, "malformed request-line")
		}
	}
	return nil
}

// readLine reads one line of the head and returns it without its terminator. CRLF ends a line;
// so does a bare LF (RFC 9112 §2.2 allows recognising it). A CR elsewhere is left in the line for
// the caller to judge. budget is what is left of MaxHeadBytes.
func (c *conn) readLine(budget *int) ([]byte, error) {
	var line []byte
	for {
		frag, err := c.br.ReadSlice('\n')
		if len(frag) > *budget {
			return nil, errHeadTooLarge
		}
		*budget -= len(frag)
		line = append(line, frag...)
		if err == nil {
			break
		}
		if err != bufio.ErrBufferFull {
			return nil, err
		}
	}
	line = line[:len(line)-1]
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	return line, nil
}

// parseRequestLine parses `method SP request-target SP HTTP-version` strictly: single spaces,
// a token method, a target of visible characters and an HTTP/1.x version.
func parseRequestLine(line []byte) (*request, error) {
	s := string(line)
	method, rest, ok1 := strings.Cut(s, " ")
	target, version, ok2 := strings.Cut(rest, " ")
	if !ok1 || !ok2 || !h1.IsToken(method) || target == "" || !h1.IsVisible(target) {
		return nil, reject(400, "malformed request-line")
	}
	if len(version) != 8 || !strings.HasPrefix(version, "HTTP/") || version[6] != '.' ||
		!isDigit(version[5]) || !isDigit(version[7]) {
		return nil, reject(400, "malformed HTTP-version")
	}
	if version[5] != '1' {
		return nil, reject(505, "only HTTP/1.x is served here")
	}
	req := &request{method: method, target: target, minor: min(int(version[7]-'0'), 1), contentLength: -1}
	switch {
	case strings.HasPrefix(target, "/"):
		req.path, _, _ = strings.Cut(target, "?")
	case target == "*" && method == "OPTIONS":
		req.path = "*"
	case strings.HasPrefix(target, "http://") || strings.HasPrefix(target, "https://"):
		u, err := url.Parse(target)
		if err != nil || u.Host == "" {
			return nil, reject(400, "malformed absolute-form target")
		}
		req.path = u.EscapedPath()
	default:
		return nil, reject(400, "unsupported request-target form")
	}
	return req, nil
}

// readFields reads field lines up to the empty line that ends the header section.
func (c *conn) readFields(req *request, budget *int) error {
	first := true
	for {
		line, err := c.readLine(budget)
		if err == errHeadTooLarge {
			return reject(431, "header section larger than %d octets", MaxHeadBytes)
		}
		if err != nil {
			return err
		}
		if len(line) == 0 {
			return nil
		}
		if line[0] == ' ' || line[0] == '\t' {
			if first {
				// RFC 9112 §2.2: reject, or consume the line without processing it. We reject.
				if !c.b.ProcessWSLine {
					return reject(400, "whitespace-preceded line after the request-line")
				}
				// Mutant (H1-WS-LINE-AFTER-START): take it as an ordinary field line.
				line = bytes.TrimLeft(line, " \t")
			} else {
				if err := c.unfold(req, line); err != nil {
					return err
				}
				continue
			}
		}
		first = false
		f, err := c.parseField(line)
		if err != nil {
			return err
		}
		req.fields = append(req.fields, f)
		if c.b.ContinueBeforeHeadEnd {
			c.continueOnExpectLine(req, f)
		}
	}
}

// parseField parses `field-name ":" OWS field-value OWS`.
func (c *conn) parseField(line []byte) (field, error) {
	colon := bytes.IndexByte(line, ':')
	if colon < 0 {
		return field{}, reject(400, "field line without a colon")
	}
	name := line[:colon]
	if trimmed := bytes.TrimRight(name, " \t"); len(trimmed) != len(name) {
		// RFC 9112 §5.1: a MUST, because intermediaries disagree about such names.
		if !c.b.AcceptWSBeforeColon {
			return field{}, reject(400, "whitespace between field name and colon")
		}
		name = trimmed // mutant (H1-WS-BEFORE-COLON)
	}
	if !h1.IsToken(string(name)) {
		return field{}, reject(400, "invalid field name")
	}
	v, err := c.cleanValue(line[colon+1:])
	if err != nil {
		return field{}, err
	}
	return field{name: string(name), value: trimOWS(v), raw: strings.TrimPrefix(v, " ")}, nil
}

// unfold handles an obs-fold line (a line starting with SP or HTAB inside the header section):
// RFC 9112 §5.2 lets a server reject the request with 400 or replace the fold with SP.
func (c *conn) unfold(req *request, line []byte) error {
	switch {
	case c.b.ObsFoldReplace:
		v, err := c.cleanValue(line)
		if err != nil {
			return err
		}
		prev := &req.fields[len(req.fields)-1]
		prev.value = trimOWS(prev.value + " " + trimOWS(v))
		prev.raw = prev.raw + " " + v
		return nil
	case c.b.ObsFoldEmpty:
		// Mutant (H1-OBS-FOLD): neither rejected nor replaced; the folded value is lost.
		prev := &req.fields[len(req.fields)-1]
		prev.value, prev.raw = "", ""
		return nil
	}
	return reject(400, "obs-fold in the header section")
}

// cleanValue checks the octets of a field value. RFC 9110 §5.5: NUL (and CR, LF) must make the
// recipient reject the message or replace them with SP; RFC 9112 §2.2: a bare CR must make the
// element invalid or be replaced with SP. Other control characters are not field-vchars and are
// rejected too. HTAB and obs-text are allowed.
func (c *conn) cleanValue(v []byte) (string, error) {
	var b strings.Builder
	b.Grow(len(v))
	for _, ch := range v {
		switch {
		case ch == 0:
			switch {
			case c.b.NULReplace:
				ch = ' '
			case c.b.NULKeep: // mutant (FLD-CR-LF-NUL): neither rejected nor replaced
			default:
				return "", reject(400, "NUL in a field value")
			}
		case ch == '\r':
			if c.b.BareCRDrop {
				continue // mutant (H1-BARE-CR): silently dropped
			}
			return "", reject(400, "bare CR in a field value")
		case ch < ' ' && ch != '\t' || ch == 0x7f:
			return "", reject(400, "control character in a field value")
		}
		b.WriteByte(ch)
	}
	return b.String(), nil
}

func trimOWS(s string) string { return strings.Trim(s, " \t") }

func isDigit(b byte) bool { return '0' <= b && b <= '9' }
