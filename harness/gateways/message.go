package gateways

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/expectspec/expectspec/harness/conv"
	"github.com/expectspec/expectspec/harness/h1"
	"github.com/expectspec/expectspec/harness/internal/wire"
)

// The reference gateways are strict on their client side, as a server must be where
// intermediaries could disagree (RFC 9112 §5.1, §5.2, §6.3; T27), and repair what RFC 9112 lets a
// recipient repair on their upstream side.

// statusError is a request the gateway refuses with a final status and a close.
type statusError struct {
	status int
	reason string
}

func (e *statusError) Error() string { return e.reason }

func refuse(status int, format string, args ...any) error {
	return &statusError{status: status, reason: fmt.Sprintf(format, args...)}
}

// request is a client request as the gateway forwards it.
type request struct {
	method string
	target string // origin-form
	// scheme and authority of an absolute-form request-target, as received ("" for origin-form).
	scheme, authority string
	minor             int // 0 or 1
	fields            []conv.Field
	// chunked, else length (-1: no content).
	chunked bool
	length  int64
	// expectContinue: an HTTP/1.1 request with a 100-continue expectation and content.
	expectContinue bool
	closeAfter     bool // the client asked for a close, or is HTTP/1.0
}

func (r *request) hasContent() bool { return r.chunked || r.length > 0 }

// parseRequest checks a request head strictly.
func parseRequest(h *wire.Head) (*request, error) {
	method, rest, ok1 := strings.Cut(h.Lines[0], " ")
	target, version, ok2 := strings.Cut(rest, " ")
	if !ok1 || !ok2 || !h1.IsToken(method) || !h1.IsVisible(target) || target == "" {
		return nil, refuse(400, "malformed request-line")
	}
	req := &request{method: method, length: -1}
	switch version {
	case "HTTP/1.1":
		req.minor = 1
	case "HTTP/1.0":
		req.closeAfter = true
	default:
		return nil, refuse(505, "HTTP version not supported")
	}
	switch {
	case method == "CONNECT":
		return nil, refuse(501, "this gateway does not tunnel")
	case strings.HasPrefix(target, "/"):
		req.target = target
	case hasPrefixFold(target, "http://") || hasPrefixFold(target, "https://"):
		// A gateway may receive absolute-form; it forwards origin-form (a forward proxy, to
		// the authority).
		i := strings.Index(target, "://") + 3
		req.scheme = strings.ToLower(target[:i-3])
		j := strings.IndexAny(target[i:], "/?")
		switch {
		case j < 0:
			req.target = "/"
			req.authority = target[i:]
		case target[i+j] == '?':
			req.target = "/" + target[i+j:]
			req.authority = target[i : i+j]
		default:
			req.target = target[i+j:]
			req.authority = target[i : i+j]
		}
	case target == "*" && method == "OPTIONS":
		req.target = target
	default:
		return nil, refuse(400, "unsupported request-target")
	}
	for _, line := range h.Lines[1:] {
		if line[0] == ' ' || line[0] == '\t' {
			return nil, refuse(400, "obs-fold or whitespace-preceded line in the header section")
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok || !h1.IsToken(name) {
			// Covers whitespace between the name and the colon (RFC 9112 §5.1).
			return nil, refuse(400, "malformed field line")
		}
		value = strings.Trim(value, " \t")
		if !isFieldValue(value) {
			return nil, refuse(400, "NUL, CR or control character in a field value")
		}
		req.fields = append(req.fields, conv.Field{Name: name, Value: value})
	}
	if err := req.framing(); err != nil {
		return nil, err
	}
	return req, nil
}

// framing works out the content's framing (RFC 9112 §6.3) and what the request says about the
// connection.
func (r *request) framing() error {
	if hosts := get(r.fields, "Host"); r.minor == 1 && len(hosts) != 1 {
		return refuse(400, "an HTTP/1.1 request needs exactly one Host")
	}
	te, cl := get(r.fields, "Transfer-Encoding"), get(r.fields, "Content-Length")
	switch {
	case len(te) > 0 && r.minor == 0:
		return refuse(400, "Transfer-Encoding in an HTTP/1.0 request")
	case len(te) > 0 && len(cl) > 0:
		return refuse(400, "both Content-Length and Transfer-Encoding")
	case len(te) > 0:
		if !h1.ChunkedLast(te) {
			return refuse(400, "the last transfer coding is not chunked")
		}
		if len(h1.Members(te)) != 1 {
			return refuse(501, "transfer codings other than chunked are not implemented")
		}
		r.chunked = true
	case len(cl) > 0:
		n, err := h1.ContentLength(cl, h1.FramingLengths)
		if err != nil {
			return refuse(400, "%v", err)
		}
		r.length = n
	}
	r.closeAfter = r.closeAfter || h1.HasMember(get(r.fields, "Connection"), "close")
	// An HTTP/1.0 request's expectation is ignored (RFC 9110 §10.1.1).
	r.expectContinue = r.minor == 1 && r.hasContent() && h1.ExpectsContinue(get(r.fields, "Expect"))
	return nil
}

// hopByHop are the fields a message loses at each hop, besides those its Connection names
// (RFC 9110 §7.6.1). Upgrade goes too: these gateways do not switch protocols.
var hopByHop = []string{"Connection", "Keep-Alive", "Proxy-Connection", "TE", "Upgrade"}

// forwardable reports, for each field, whether it crosses the hop; drop names more fields to
// remove.
func forwardable(fields []conv.Field, drop ...string) []conv.Field {
	named := h1.Members(get(fields, "Connection"))
	var out []conv.Field
	for _, f := range fields {
		if !inFold(f.Name, hopByHop) && !inFold(f.Name, named) && !inFold(f.Name, drop) {
			out = append(out, f)
		}
	}
	return out
}

// upstreamHead is the request head the gateway sends: the same method and target in its own
// version (RFC 9112 §2.3), the end-to-end fields, Via (RFC 9110 §7.6.3: a gateway MUST send it
// on inbound requests), and the framing fields it chooses.
func upstreamHead(r *request, via string, fields []conv.Field, framing ...conv.Field) []byte {
	var b strings.Builder
	b.WriteString(r.method + " " + r.target + " HTTP/1.1\r\n")
	for _, f := range append(append(fields, framing...), conv.Field{Name: "Via", Value: via}) {
		b.WriteString(f.Name + ": " + f.Value + "\r\n")
	}
	b.WriteString("\r\n")
	return []byte(b.String())
}

// response is an upstream response head, repaired for forwarding.
type response struct {
	minor  int
	status int
	reason string
	fields []conv.Field
	// Framing of the content: bodyless, chunked, length (>= 0) or close-delimited.
	bodyless, chunked, closeDelimited bool
	length                            int64
	close                             bool // the upstream connection cannot be reused after it
	// announce is a Connection option the gateway states downstream of its own accord (a
	// mutant's; the references say only `close`, and only when they close).
	announce string
}

func (r *response) interim() bool { return r.status >= 100 && r.status < 200 }

var errBadResponse = errors.New("malformed upstream response")

// parseResponse reads an upstream response head. Where RFC 9112 lets an intermediary repair
// rather than reject, it repairs: whitespace before a colon is removed (§5.1, a MUST for a
// proxy), an obs-fold becomes SP (§5.2), and NUL or CR in a value becomes SP (RFC 9110 §5.5).
func parseResponse(h *wire.Head, method string) (*response, error) {
	st, err := h1.ParseStatusLine([]byte(h.Lines[0]), h1.UpstreamStatus)
	if err != nil || st.Proto != "HTTP/1.0" && st.Proto != "HTTP/1.1" {
		return nil, errBadResponse // the gateways speak HTTP/1.0 and HTTP/1.1 only
	}
	code := st.Status
	r := &response{minor: int(st.Proto[7] - '0'), status: code, reason: st.Reason, length: -1}
	for _, l := range h.Lines[1:] {
		if l[0] == ' ' || l[0] == '\t' {
			if len(r.fields) == 0 {
				return nil, errBadResponse
			}
			last := &r.fields[len(r.fields)-1]
			last.Value = strings.Trim(last.Value+" "+cleanValue(strings.Trim(l, " \t")), " \t")
			continue
		}
		name, value, ok := strings.Cut(l, ":")
		name = strings.TrimRight(name, " \t")
		if !ok || !h1.IsToken(name) {
			return nil, errBadResponse
		}
		r.fields = append(r.fields, conv.Field{Name: name, Value: cleanValue(strings.Trim(value, " \t"))})
	}
	te, cl := get(r.fields, "Transfer-Encoding"), get(r.fields, "Content-Length")
	switch {
	case r.interim() || code == 204 || code == 304 || method == "HEAD":
		r.bodyless = true
	case len(te) > 0 && h1.ChunkedLast(te) && r.minor == 1:
		r.chunked = true
	case len(te) > 0:
		r.closeDelimited = true
	case len(cl) > 0:
		n, err := h1.ContentLength(cl, h1.FramingLengths)
		if err != nil {
			return nil, errBadResponse
		}
		r.length = n
	default:
		r.closeDelimited = true
	}
	conn := get(r.fields, "Connection")
	r.close = r.closeDelimited || h1.HasMember(conn, "close") ||
		r.minor == 0 && !h1.HasMember(conn, "keep-alive")
	return r, nil
}

// downstreamHead is the response head the gateway relays: its own version, the end-to-end fields
// (no Content-Length or Transfer-Encoding on a 1xx: RFC 9110 §8.6, RFC 9112 §6.1; none on a
// close-delimited or de-chunked body), and `Connection: close` when the gateway will close.
func downstreamHead(r *response, dechunk, closing bool) []byte {
	var drop []string
	if r.interim() || r.closeDelimited || dechunk {
		drop = []string{"Content-Length", "Transfer-Encoding"}
	}
	var b strings.Builder
	b.WriteString("HTTP/1.1 " + strconv.Itoa(r.status) + " " + r.reason + "\r\n")
	for _, f := range forwardable(r.fields, drop...) {
		b.WriteString(f.Name + ": " + f.Value + "\r\n")
	}
	switch {
	case r.interim():
	case closing:
		b.WriteString("Connection: close\r\n")
	case r.announce != "":
		b.WriteString("Connection: " + r.announce + "\r\n")
	}
	b.WriteString("\r\n")
	return []byte(b.String())
}

func cleanValue(v string) string {
	return strings.Map(func(r rune) rune {
		if r == 0 || r == '\r' || r == '\n' {
			return ' '
		}
		return r
	}, v)
}

func get(fields []conv.Field, name string) []string {
	var out []string
	for _, f := range fields {
		if strings.EqualFold(f.Name, name) {
			out = append(out, f.Value)
		}
	}
	return out
}

func inFold(s string, list []string) bool {
	for _, v := range list {
		if strings.EqualFold(s, v) {
			return true
		}
	}
	return false
}

// isFieldValue reports whether v holds only field-vchar, SP, HTAB and obs-text.
func isFieldValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < ' ' && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}
