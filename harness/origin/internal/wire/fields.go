package wire

import (
	"errors"
	"strings"
)

// maxContentLength is the largest Content-Length accepted: far beyond anything the suite sends,
// and small enough that no sum of octet counts overflows.
const maxContentLength = 1 << 50

// ContentLength parses the values of every Content-Length field line of a message. A list of
// identical values counts as one (RFC 9110 §8.6); anything else is an error.
func ContentLength(values []string) (int64, error) {
	n := int64(-1)
	for _, v := range values {
		for _, m := range strings.Split(v, ",") {
			m = strings.Trim(m, " \t")
			k, ok := decimal(m)
			if !ok {
				return 0, errors.New("invalid Content-Length " + quote(v))
			}
			if n >= 0 && k != n {
				return 0, errors.New("conflicting Content-Length values")
			}
			n = k
		}
	}
	return n, nil
}

func decimal(s string) (int64, bool) {
	if s == "" || len(s) > 16 {
		return 0, false
	}
	var n int64
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int64(s[i]-'0')
	}
	return n, n <= maxContentLength
}

// Members splits list field values into their trimmed, non-empty members (RFC 9110 §5.6.1).
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

// HasMember reports whether a list lists token (case-insensitive).
func HasMember(values []string, token string) bool {
	for _, m := range Members(values) {
		if strings.EqualFold(m, token) {
			return true
		}
	}
	return false
}

// ChunkedLast reports whether the last transfer coding listed is chunked.
func ChunkedLast(values []string) bool {
	m := Members(values)
	return len(m) > 0 && strings.EqualFold(m[len(m)-1], "chunked")
}

// ExpectsContinue reports whether Expect values list the 100-continue expectation (its token
// is case-insensitive, RFC 9110 §10.1.1).
func ExpectsContinue(values []string) bool { return HasMember(values, "100-continue") }

func quote(s string) string {
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return `"` + s + `"`
}
