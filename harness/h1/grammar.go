package h1

import "strings"

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
