package h1

import (
	"strconv"
	"testing"
)

func TestIsTokenAndIsVisible(t *testing.T) {
	for s, want := range map[string]bool{"POST": true, "h2c": true, "100-continue": true, "x!#$%&'*+-.^_`|~9": true,
		"": false, "a b": false, "a:b": false, "a\x00": false, "é": false, `"q"`: false} {
		if got := IsToken(s); got != want {
			t.Errorf("IsToken(%q) = %v", s, got)
		}
	}
	for s, want := range map[string]bool{"/upload?x=1": true, "": true, "/a b": false, "/\t": false, "/\x7f": false, "/\x80": false} {
		if got := IsVisible(s); got != want {
			t.Errorf("IsVisible(%q) = %v", s, got)
		}
	}
}

// TestParseStatusLineModes pins the strict status-line grammar and the gateways' upstream
// leniency. An empty want means refused.
func TestParseStatusLineModes(t *testing.T) {
	for _, tc := range []struct{ line, strict, upstream string }{
		{"HTTP/1.1 200 OK", "HTTP/1.1|200|OK", "HTTP/1.1|200|OK"},
		{"HTTP/1.0 100 ", "HTTP/1.0|100|", "HTTP/1.0|100|"},
		{"HTTP/1.1 200", "", "HTTP/1.1|200|"}, // no SP after the code
		{"HTTP/1.1 200 \x00", "", "HTTP/1.1|200|\x00"},
		{"HTTP/1.1 200\tOK", "", ""},
		{"HTTP/1.1 099 x", "", ""},
		{"HTTP/1.1 600 x", "", ""},
		{"HTTP/1.1 +99 x", "", ""},
		{"HTTP/1.1 20 x", "", ""},
		{"HTTP/1.1  200 x", "", ""},
		{"HTTP/2 200 x", "", ""},
		{"http/1.1 200 x", "", ""},
		{"", "", ""},
	} {
		for _, m := range []struct {
			name  string
			rules StatusRules
			want  string
		}{{"strict", StatusRules{}, tc.strict}, {"upstream", UpstreamStatus, tc.upstream}} {
			st, err := ParseStatusLine([]byte(tc.line), m.rules)
			got := ""
			if err == nil {
				got = st.Proto + "|" + strconv.Itoa(st.Status) + "|" + st.Reason
			}
			if got != m.want {
				t.Errorf("%s: ParseStatusLine(%q) = %q, %v; want %q", m.name, tc.line, got, err, m.want)
			}
		}
	}
}
