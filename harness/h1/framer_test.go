package h1

import (
	"strings"
	"testing"
)

func TestChunkedFramerFeed(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		n        int // octets that belong to the body
		done     bool
		data     string
		err      bool
	}{
		{"one chunk and more after", "5\r\nhello\r\n0\r\n\r\nGET /", 15, true, "hello", false},
		{"extensions, trailers, bare LF", "3;x=y\r\nhel\n2 ; z\r\nlo\r\n0\r\nT: 1\r\n\r\n", 33, true, "hello", false},
		{"incomplete", "5\r\nhel", 6, false, "hel", false},
		{"not hex", "GET / HTTP/1.1\r\n", 0, false, "", true},
		{"data not followed by CRLF", "1\r\nabc", 4, false, "a", true},
		{"size overflow", "1000000000000000\r\n", 0, false, "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// Fed octet by octet, the framer must agree with one feed of everything.
			for _, split := range []bool{false, true} {
				var c Chunked
				var data strings.Builder
				n := 0
				var err error
				if split {
					for i := 0; i < len(tc.in) && err == nil && !c.Done(); i++ {
						var k int
						k, err = c.Feed([]byte{tc.in[i]}, func(d []byte) { data.Write(d) })
						n += k
					}
				} else {
					n, err = c.Feed([]byte(tc.in), func(d []byte) { data.Write(d) })
				}
				if (err != nil) != tc.err || c.Done() != tc.done || data.String() != tc.data || (!tc.err && n != tc.n) {
					t.Errorf("split=%v: n=%d done=%v data=%q err=%v; want n=%d done=%v data=%q err=%v",
						split, n, c.Done(), data.String(), err, tc.n, tc.done, tc.data, tc.err)
				}
			}
		})
	}
}

func TestFramingContentLength(t *testing.T) {
	for in, want := range map[string]int64{"5": 5, "5, 5": 5, " 7 ": 7, "": -2, "5, 6": -2, "-1": -2, "1e3": -2, "18446744073709551617": -2} {
		n, err := ContentLength([]string{in}, FramingLengths)
		if want == -2 && err == nil || want != -2 && (err != nil || n != want) {
			t.Errorf("ContentLength(%q) = %d, %v; want %d", in, n, err, want)
		}
	}
}
