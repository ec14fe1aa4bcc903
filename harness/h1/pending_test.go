package h1

import (
	"errors"
	"strings"
	"testing"

	"github.com/expectspec/expectspec/harness/conv"
)

// pendingBrief renders Pending as "status framing bodylen body", or "nil".
func pendingBrief(p *Parser) string {
	m := p.Pending()
	if m == nil {
		return "nil"
	}
	if m.Truncated {
		return "the parser marked it Truncated"
	}
	return brief([]*conv.Response{m})
}

func TestPending(t *testing.T) {
	const ok = "HTTP/1.1 200 OK\r\n"
	for _, tc := range []struct {
		name, in, want string
		eof            error // what EOF then reports; nil means it completes a message
	}{
		{"content-length, head only", ok + "Content-Length: 10\r\n\r\n", "200 content-length 0 ", ErrTruncated},
		{"content-length, partial", ok + "Content-Length: 10\r\n\r\nhello", "200 content-length 5 hello", ErrTruncated},
		{"chunked, in a chunk-size line", ok + "Transfer-Encoding: chunked\r\n\r\n5", "200 chunked 0 ", ErrTruncated},
		{"chunked, in chunk data", ok + "Transfer-Encoding: chunked\r\n\r\n5\r\nhel", "200 chunked 3 hel", ErrTruncated},
		{"chunked, before a chunk's CRLF", ok + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r", "200 chunked 5 hello", ErrTruncated},
		{"chunked, between chunks", ok + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n", "200 chunked 5 hello", ErrTruncated},
		{"chunked, in the trailer", ok + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nT: 1\r\n", "200 chunked 5 hello", ErrTruncated},
		{"close-delimited, head only", "HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\n\r\n", "431 close 0 ", nil},
		{"close-delimited, partial", "HTTP/1.0 200 OK\r\n\r\nsome", "200 close 4 some", nil},
		{"after a 100", "HTTP/1.1 100 Continue\r\n\r\n" + ok + "Content-Length: 3\r\n\r\na", "200 content-length 1 a", ErrTruncated},
		{"idle: new parser", "", "nil", nil},
		{"idle: after a 100", "HTTP/1.1 100 Continue\r\n\r\n", "nil", nil},
		{"idle: after a complete message", ok + "Content-Length: 2\r\n\r\nok", "nil", nil},
		{"mid status line", "HTTP/1.1 20", "nil", ErrTruncated},
		{"mid head", ok + "Content-Length: 10\r\n", "nil", ErrTruncated},
		{"mid head after a 100", "HTTP/1.1 100 Continue\r\n\r\n" + ok, "nil", ErrTruncated},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := NewParser(Limits{})
			if _, err := p.Feed([]byte(tc.in)); err != nil {
				t.Fatal(err)
			}
			if got := pendingBrief(p); got != tc.want {
				t.Fatalf("Pending = %q, want %q", got, tc.want)
			}
			m, err := p.EOF()
			switch {
			case !errors.Is(err, tc.eof) || tc.eof == nil && err != nil:
				t.Fatalf("EOF error = %v, want %v", err, tc.eof)
			case err == nil && tc.want != "nil" && brief([]*conv.Response{m}) != tc.want:
				t.Fatalf("EOF completed %q, want %q", brief([]*conv.Response{m}), tc.want)
			}
			// After EOF: the cut-short message is still there; a completed one is not.
			after := "nil"
			if err != nil {
				after = tc.want
			}
			if got := pendingBrief(p); got != after {
				t.Fatalf("Pending after EOF = %q, want %q", got, after)
			}
		})
	}
}

func TestPendingIsASnapshot(t *testing.T) {
	p := NewParser(Limits{MaxBody: 8})
	if _, err := p.Feed([]byte("HTTP/1.1 200 OK\r\nContent-Length: 20\r\n\r\nabc")); err != nil {
		t.Fatal(err)
	}
	first := p.Pending()
	first.Body = append(first.Body, "XYZ"...) // must not reach the parser's storage
	first.Header = append(first.Header, conv.Field{Name: "Added", Value: "1"})
	if _, err := p.Feed([]byte("defghijklm")); err != nil {
		t.Fatal(err)
	}
	if string(first.Body) != "abcXYZ" || first.BodyLen != 3 || len(first.Header) != 2 {
		t.Fatalf("the first snapshot changed: %q, %d octets, %d fields", first.Body, first.BodyLen, len(first.Header))
	}
	second := p.Pending()
	if string(second.Body) != "abcdefgh" || second.BodyLen != 13 || len(second.Header) != 1 || second.Truncated {
		t.Fatalf("second snapshot: %q of %d octets (bounded by MaxBody 8), %d fields", second.Body, second.BodyLen, len(second.Header))
	}
	if _, err := p.Feed([]byte("nopqrst")); err != nil { // completes the message
		t.Fatal(err)
	}
	if p.Pending() != nil || string(second.Body) != "abcdefgh" || second.BodyLen != 13 {
		t.Fatalf("after completion: pending %v, second snapshot %q of %d", p.Pending(), second.Body, second.BodyLen)
	}
}

func TestPendingNilAfterParseError(t *testing.T) {
	for _, in := range []string{
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nhello\r\n",                         // chunk too long
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1;" + strings.Repeat("e", maxChunkLine), // chunk line limit
	} {
		p := NewParser(Limits{})
		if _, err := p.Feed([]byte(in)); err == nil {
			t.Fatalf("%q parsed", in)
		}
		if m := p.Pending(); m != nil {
			t.Fatalf("Pending after a parse error = %+v", m)
		}
	}
}
