package origin

import (
	"testing"

	"github.com/expectspec/expectspec/harness/conv"
)

func TestFindRequest(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		end      int
		start    int // -1: none
	}{
		{"at the start", "GET /__expectspec/a/x HTTP/1.1\r\n", 10, 0},
		{"after part of the body", "GET /__smGET /__expectspec/a/x HTTP/1.1\r\n", 10, 9},
		{"absolute form", "xxPOST http://h:8/__expectspec/a/ HTTP/1.1\r\n", 5, 2},
		{"after the content: a legitimate next request", "helloGET /__expectspec/a/x HTTP/1.1\r\n", 5, -1},
		{"the marker body is content", "GET /__smuggled HTTP/1.1\r\nHost: t\r\n\r\n", 37, -1},
		{"no method", "xx /__expectspec/a/x HTTP/1.1\r\n", 30, -1},
		{"not a target", "GET x/__expectspec/a HTTP/1.1\r\n", 30, -1},
	} {
		start, _, ok := findRequest([]byte(tc.in), tc.end)
		if !ok {
			start = -1
		}
		if start != tc.start {
			t.Errorf("%s: start %d, want %d", tc.name, start, tc.start)
		}
	}
}

func TestRespClose(t *testing.T) {
	for raw, want := range map[conv.RawMessage]bool{
		conv.OK200:                    false,
		conv.OK200HTTP10:              true,
		conv.Continue100 + conv.OK200: false,
		"HTTP/1.1 200 OK\r\nConnection: keep-alive, Close\r\nContent-Length: 0\r\n\r\n": true,
		"HTTP/1.1 200 OK\r\n\r\nbody until close":                                       true,
		"HTTP/1.1 204 No Content\r\n\r\n":                                               false,
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n":     false,
		"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nshort":                             true,
	} {
		if got := respClose(raw); got != want {
			t.Errorf("respClose(%q) = %v, want %v", raw, got, want)
		}
	}
}

func TestTokenOf(t *testing.T) {
	for _, tc := range []struct{ target, field, want string }{
		{"/__expectspec/t1/echo", "", "t1"},
		{"/__expectspec/t1", "", "t1"},
		{"/__expectspec/t1?x=1", "", "t1"},
		{"http://h/__expectspec/t2/x", "", "t2"},
		{"/other", "t3", "t3"},
		{"/other", "", ""},
	} {
		var fields []conv.Field
		if tc.field != "" {
			fields = []conv.Field{{Name: "x-expectspec-case", Value: tc.field}}
		}
		if got := tokenOf(tc.target, fields); got != tc.want {
			t.Errorf("tokenOf(%q, %q) = %q, want %q", tc.target, tc.field, got, tc.want)
		}
	}
}
