package h1

import (
	"strings"

	"github.com/expectspec/expectspec/harness/conv"
)

// IsToken reports whether s is a non-empty token (RFC 9110 §5.6.2): a method, a field name, a
// protocol name. The suite's own servers, its intermediaries and the CLI share this one reading.
func IsToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isTchar(s[i]) {
			return false
		}
	}
	return true
}

// IsVisible reports whether s holds only visible US-ASCII (VCHAR: no SP, no controls, no
// obs-text), as a request-target does.
func IsVisible(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] >= 0x7f {
			return false
		}
	}
	return true
}

// Members splits list field values into their members (RFC 9110 §5.6.1): comma-separated, OWS
// trimmed, empty members dropped.
func Members(values []string) []string {
	var out []string
	for _, v := range values {
		for _, m := range strings.Split(v, ",") {
			if m = strings.Trim(m, " \t"); m != "" {
				out = append(out, m)
			}
		}
	}
	return out
}

// HasMember reports whether list field values list token (case-insensitive).
func HasMember(values []string, token string) bool {
	for _, m := range Members(values) {
		if strings.EqualFold(m, token) {
			return true
		}
	}
	return false
}

// ChunkedLast reports whether the last transfer coding that Transfer-Encoding values list is
// chunked (RFC 9112 §6.3: only then is the length known from the chunked framing).
func ChunkedLast(values []string) bool {
	m := Members(values)
	return len(m) > 0 && strings.EqualFold(m[len(m)-1], "chunked")
}

// ExpectsContinue reports whether Expect values list the 100-continue expectation (its token
// is case-insensitive, RFC 9110 §10.1.1).
func ExpectsContinue(values []string) bool { return HasMember(values, "100-continue") }

// StatusRules says how a status line (RFC 9112 §4) is read. The zero value is the strict
// grammar the response parser uses: "HTTP/1.x NNN " with a code of 100..599 (RFC 9110 §15) and a
// reason phrase of SP, HTAB, VCHAR and obs-text.
type StatusRules struct {
	// NoReasonSP takes "HTTP/1.1 200", without the SP that must follow the code even when the
	// reason phrase is empty, and AnyReason takes any octets in the reason phrase. The
	// reference gateways read their upstream's status line this way (UpstreamStatus): they are
	// lenient on their upstream side, and a client should ignore the reason phrase anyway
	// (RFC 9112 §4), so neither leniency changes what they forward.
	NoReasonSP, AnyReason bool
}

// UpstreamStatus are the status-line rules of the reference gateways for their upstream.
var UpstreamStatus = StatusRules{NoReasonSP: true, AnyReason: true}

// ParseStatusLine parses a status line without its terminator under rules r into a Response's
// Proto, Status and Reason.
func ParseStatusLine(line []byte, r StatusRules) (conv.Response, error) {
	var resp conv.Response
	if r.NoReasonSP && len(line) == len(statusPattern)-1 {
		line = append(line[:len(line):len(line)], ' ')
	}
	if !r.AnyReason {
		err := parseStatusLine(&resp, line)
		return resp, err
	}
	if len(line) < len(statusPattern) {
		return resp, malformedf(conv.CauseStatusLine, "status line: expected 'HTTP/1.x NNN ', got %s", quote(line))
	}
	if err := checkStatusPrefix(line, nil); err != nil {
		return resp, err
	}
	resp.Proto = string(line[:8])
	resp.Status = int(line[9]-'0')*100 + int(line[10]-'0')*10 + int(line[11]-'0')
	resp.Reason = string(line[len(statusPattern):])
	return resp, nil
}
