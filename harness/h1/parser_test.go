package h1

import (
	"errors"
	"strings"
	"testing"

	"github.com/expectspec/expectspec/harness/conv"
)

// parseAll feeds in whole, then EOF, and returns every message and the first error.
func parseAll(lim Limits, in string) ([]*conv.Response, error) {
	p := NewParser(lim)
	msgs, err := p.Feed([]byte(in))
	if err != nil {
		return msgs, err
	}
	m, err := p.EOF()
	if m != nil {
		msgs = append(msgs, m)
	}
	return msgs, err
}

// brief renders messages as "status framing bodylen body" for compact expectations.
func brief(msgs []*conv.Response) string {
	var out []string
	for _, m := range msgs {
		out = append(out, strings.Join([]string{itoa(m.Status), m.Framing, itoa(int(m.BodyLen)), string(m.Body)}, " "))
	}
	return strings.Join(out, " | ")
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

func TestParseValid(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"100 then 200", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", "100 none 0  | 200 content-length 2 ok"},
		{"102 103 then 204", "HTTP/1.1 102 Processing\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>; rel=preload\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n", "102 none 0  | 103 none 0  | 204 none 0 "},
		{"1xx with framing fields has no content", "HTTP/1.1 100 Continue\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", "100 none 0  | 200 content-length 0 "},
		{"204 with Content-Length", "HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\nHTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked\r\n\r\n", "204 none 0  | 304 none 0 "},
		{"empty reason", "HTTP/1.1 200 \r\nContent-Length: 0\r\n\r\n", "200 content-length 0 "},
		{"lone LF line ends", "HTTP/1.1 200 OK\nContent-Length: 3\n\nabc", "200 content-length 3 abc"},
		{"HTTP/1.0", "HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\nx", "200 content-length 1 x"},
		{"CL list of one value", "HTTP/1.1 200 OK\r\nContent-Length: 5, 5\r\nContent-Length: 5\r\n\r\nhello", "200 content-length 5 hello"},
		{"close-delimited", "HTTP/1.1 200 OK\r\n\r\nuntil the end", "200 close 13 until the end"},
		{"chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n1;ext=\"v\" ; x\r\n!\r\n0\r\nTrailer-A: 1\r\n\r\n", "200 chunked 6 hello!"},
		{"chunked uppercase hex and BWS ext", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, Chunked\r\n\r\nA ;x\r\n0123456789\r\n0\r\n\r\n", "200 chunked 10 0123456789"},
		{"chunked not last runs to close", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\nzz", "200 close 2 zz"},
		{"TE overrides CL", "HTTP/1.1 200 OK\r\nContent-Length: 99\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", "200 chunked 0 "},
		{"obs-text in reason and value", "HTTP/1.1 200 \xe9t\xe9\r\nX: caf\xe9\r\nContent-Length: 0\r\n\r\n", "200 content-length 0 "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			msgs, err := parseAll(Limits{}, tc.in)
			if err != nil {
				t.Fatalf("error: %v", err)
			}
			if got := brief(msgs); got != tc.want {
				t.Errorf("got  %q\nwant %q", got, tc.want)
			}
		})
	}
}

func TestParseFields(t *testing.T) {
	msgs, err := parseAll(Limits{}, "HTTP/1.1 417 Expectation Failed\r\nX-Odd-CASE:  a b \t\r\nx-odd-case:\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")
	if err != nil || len(msgs) != 1 {
		t.Fatalf("got %d messages, %v", len(msgs), err)
	}
	m := msgs[0]
	f := func(n, v string) conv.Field { return conv.Field{Name: n, Value: v} }
	want := []conv.Field{f("X-Odd-CASE", "a b"), f("x-odd-case", ""), f("Connection", "close"), f("Content-Length", "0")}
	if len(m.Header) != len(want) {
		t.Fatalf("header = %q", m.Header)
	}
	for i := range want {
		if m.Header[i] != want[i] {
			t.Errorf("field %d = %q, want %q", i, m.Header[i], want[i])
		}
	}
	if m.Proto != "HTTP/1.1" || m.Status != 417 || m.Reason != "Expectation Failed" || !m.HasConnectionOption("close") {
		t.Errorf("status line parsed as %q %d %q", m.Proto, m.Status, m.Reason)
	}
	if !strings.HasPrefix(string(m.Head), "HTTP/1.1 417") || !strings.HasSuffix(string(m.Head), "0\r\n\r\n") {
		t.Errorf("head = %q", m.Head)
	}
}

func TestParseErrors(t *testing.T) {
	const ok = "HTTP/1.1 200 OK\r\n"
	for _, tc := range []struct {
		name, in string
		kind     error
		text     string
	}{
		{"garbage", "SSH-2.0-OpenSSH_9.6\r\n", ErrSyntax, `status line: expected 'HTTP/1.x NNN ', got "SSH-2.0-OpenSSH_9.6"`},
		{"garbage without LF reported early", "garbage", ErrSyntax, `got "garbage"`},
		{"leading empty line", "\r\nHTTP/1.1 200 OK\r\n\r\n", ErrSyntax, "expected 'HTTP/1.x NNN '"},
		{"missing SP after code", "HTTP/1.1 200\r\n\r\n", ErrSyntax, `got "HTTP/1.1 200"`},
		{"HTTP/2", "HTTP/2.0 200 OK\r\n\r\n", ErrSyntax, "expected"},
		{"lowercase name", "http/1.1 200 OK\r\n\r\n", ErrSyntax, "expected"},
		{"two-digit code", "HTTP/1.1 20 OK\r\n\r\n", ErrSyntax, "expected"},
		{"code 099", "HTTP/1.1 099 X\r\n\r\n", ErrSyntax, "100..599"},
		{"code 600", "HTTP/1.1 600 X\r\n\r\n", ErrSyntax, "100..599"},
		{"NUL in reason", "HTTP/1.1 200 O\x00K\r\n\r\n", ErrSyntax, "reason phrase"},
		{"garbage after 100", "HTTP/1.1 100 Continue\r\n\r\n\r\nHTTP/1.1 200 OK\r\n\r\n", ErrSyntax, "status line"},
		{"space before colon", ok + "Host : x\r\n\r\n", ErrSyntax, "whitespace between the field name and the colon"},
		{"obs-fold", ok + "X: a\r\n  b\r\n\r\n", ErrSyntax, "obs-fold"},
		{"whitespace before first field", ok + " X: a\r\n\r\n", ErrSyntax, "obs-fold"},
		{"space in name", ok + "Bad Name: x\r\n\r\n", ErrSyntax, "field name"},
		{"no colon", ok + "NoColon\r\n\r\n", ErrSyntax, "no colon"},
		{"empty name", ok + ": x\r\n\r\n", ErrSyntax, "empty field name"},
		{"NUL in value", ok + "X: a\x00b\r\n\r\n", ErrSyntax, `"\x00"`},
		{"bare CR in value", ok + "X: a\rb\r\n\r\n", ErrSyntax, `"\r"`},
		{"CL not digits", ok + "Content-Length: 5a\r\n\r\n", ErrSyntax, "not a decimal"},
		{"CL signed", ok + "Content-Length: +5\r\n\r\n", ErrSyntax, "not a decimal"},
		{"CL empty", ok + "Content-Length:\r\n\r\n", ErrSyntax, "not a decimal"},
		{"CL differing", ok + "Content-Length: 5, 6\r\n\r\n", ErrSyntax, "differing values 5 and 6"},
		{"CL differing fields", ok + "Content-Length: 5\r\nContent-Length: 6\r\n\r\n", ErrSyntax, "differing"},
		{"CL overflow", ok + "Content-Length: 9223372036854775808\r\n\r\n", ErrSyntax, "63 bits"},
		{"TE twice chunked", ok + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", ErrSyntax, "more than once"},
		{"TE empty", ok + "Transfer-Encoding: ,\r\n\r\n", ErrSyntax, "without a transfer coding"},
		{"TE in HTTP/1.0", "HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", ErrSyntax, "HTTP/1.0"},
		{"chunk size not hex", ok + "Transfer-Encoding: chunked\r\n\r\nzz\r\n", ErrSyntax, "hexadecimal chunk size"},
		{"chunk size 17 digits", ok + "Transfer-Encoding: chunked\r\n\r\n00000000000000001\r\n", ErrSyntax, "17 hex digits"},
		{"chunk size overflow", ok + "Transfer-Encoding: chunked\r\n\r\n8000000000000000\r\n", ErrSyntax, "overflows"},
		{"chunk size LF only", ok + "Transfer-Encoding: chunked\r\n\r\n5\nhello\r\n", ErrSyntax, "CRLF"},
		{"chunk size trailing space", ok + "Transfer-Encoding: chunked\r\n\r\n5 \r\nhello\r\n", ErrSyntax, "after the chunk size"},
		{"chunk too long", ok + "Transfer-Encoding: chunked\r\n\r\n3\r\nhello\r\n", ErrSyntax, `got "lo\r\n"`},
		{"bad trailer", ok + "Transfer-Encoding: chunked\r\n\r\n0\r\nBad Trailer: x\r\n\r\n", ErrSyntax, "trailer field"},
		{"truncated status line", "HTTP/1.1 20", ErrTruncated, `in the status line after 11 octets: "HTTP/1.1 20"`},
		{"truncated head", ok + "Content-Length: 5\r\n", ErrTruncated, "header section"},
		{"truncated CL content", ok + "Content-Length: 5\r\n\r\nhel", ErrTruncated, "after 3 of 5 content octets"},
		{"truncated chunked", ok + "Transfer-Encoding: chunked\r\n\r\n5\r\nhel", ErrTruncated, "before the last chunk"},
		{"truncated trailer", ok + "Transfer-Encoding: chunked\r\n\r\n0\r\n", ErrTruncated, "trailer section"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseAll(Limits{}, tc.in)
			if !errors.Is(err, tc.kind) {
				t.Fatalf("error = %v, want kind %v", err, tc.kind)
			}
			if !strings.Contains(err.Error(), tc.text) {
				t.Errorf("error %q does not contain %q", err, tc.text)
			}
		})
	}
}

func TestLimits(t *testing.T) {
	lim := Limits{MaxHead: 64, MaxFields: 2, MaxBody: 4, MaxMessages: 3}
	for _, tc := range []struct{ name, in, text string }{
		{"head", "HTTP/1.1 200 OK\r\nX: " + strings.Repeat("a", 60) + "\r\n\r\n", "the header section exceeds 64 octets"},
		{"head without LF", "HTTP/1.1 200 OK" + strings.Repeat("a", 100), "exceeds 64 octets"},
		{"fields", "HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", "more than 2 header fields"},
		{"trailer fields", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", "more than 2 trailer fields"},
		{"messages", strings.Repeat("HTTP/1.1 100 Continue\r\n\r\n", 4), "more than 3 messages"},
		{"chunk line", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1;" + strings.Repeat("e", maxChunkLine), "chunk-size line exceeds"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			msgs, err := parseAll(lim, tc.in)
			if !errors.Is(err, ErrLimit) || !strings.Contains(err.Error(), tc.text) {
				t.Fatalf("error = %v, want a limit error containing %q", err, tc.text)
			}
			if tc.name == "messages" && len(msgs) != 3 {
				t.Errorf("got %d messages before the limit, want 3", len(msgs))
			}
		})
	}
	t.Run("body kept up to MaxBody", func(t *testing.T) {
		msgs, err := parseAll(lim, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789")
		if err != nil || len(msgs) != 1 || string(msgs[0].Body) != "0123" || msgs[0].BodyLen != 10 {
			t.Fatalf("got %s, %v", brief(msgs), err)
		}
	})
}

func TestIncrementalState(t *testing.T) {
	p := NewParser(Limits{})
	if !p.Idle() || p.Buffered() != 0 {
		t.Fatal("a new parser is not idle")
	}
	msgs, err := p.Feed([]byte("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-"))
	if err != nil || len(msgs) != 1 || p.Idle() || p.Buffered() != len("HTTP/1.1 200 OK\r\nContent-") {
		t.Fatalf("after a 100 and part of a head: %d msgs, idle %v, buffered %d, %v", len(msgs), p.Idle(), p.Buffered(), err)
	}
	msgs, err = p.Feed([]byte("Length: 3\r\n\r\nab"))
	if err != nil || len(msgs) != 0 || p.Idle() || p.Buffered() != 0 {
		t.Fatalf("mid-content: %d msgs, idle %v, buffered %d, %v", len(msgs), p.Idle(), p.Buffered(), err)
	}
	msgs, err = p.Feed([]byte("c"))
	if err != nil || len(msgs) != 1 || !p.Idle() || p.Count() != 2 {
		t.Fatalf("after the content: %d msgs, idle %v, count %d, %v", len(msgs), p.Idle(), p.Count(), err)
	}
	if m, err := p.EOF(); m != nil || err != nil {
		t.Fatalf("EOF when idle = %v, %v", m, err)
	}
	if _, err := p.Feed([]byte("x")); err == nil {
		t.Fatal("Feed after EOF succeeded")
	}
}

func TestDeadParserRepeatsError(t *testing.T) {
	p := NewParser(Limits{})
	_, err1 := p.Feed([]byte("nope"))
	_, err2 := p.Feed([]byte("HTTP/1.1 200 OK\r\n\r\n"))
	_, err3 := p.EOF()
	if err1 == nil || err2 != err1 || err3 != err1 || p.Err() != err1 {
		t.Fatalf("errors: %v / %v / %v", err1, err2, err3)
	}
}

func TestByteAtATime(t *testing.T) {
	in := "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nT: 1\r\n\r\nHTTP/1.1 200 OK\r\n\r\nrest"
	whole, err := parseAll(Limits{}, in)
	if err != nil {
		t.Fatal(err)
	}
	p := NewParser(Limits{})
	var msgs []*conv.Response
	for i := 0; i < len(in); i++ {
		m, err := p.Feed([]byte{in[i]})
		if err != nil {
			t.Fatalf("at octet %d: %v", i, err)
		}
		msgs = append(msgs, m...)
	}
	m, err := p.EOF()
	if err != nil {
		t.Fatal(err)
	}
	msgs = append(msgs, m)
	if brief(msgs) != brief(whole) || brief(msgs) != "100 none 0  | 200 chunked 5 hello | 200 close 4 rest" {
		t.Fatalf("byte at a time: %q, whole: %q", brief(msgs), brief(whole))
	}
}
