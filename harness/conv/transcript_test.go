package conv

import (
	"strings"
	"testing"
	"time"
)

func TestTranscript(t *testing.T) {
	long := []byte(strings.Repeat("a", 100))
	tl := &Timeline{State: StateRST, Events: []Event{
		{Kind: EvConnect},
		{At: 12 * time.Millisecond, Kind: EvSent, Step: "head", Data: []byte("POST / HTTP/1.1\r\nX: \x00\xff\\\r\n\r\n"), N: 27},
		{At: 13 * time.Millisecond, Kind: EvSent, Step: "body", Data: long[:10], N: 5000},
		{At: 14 * time.Millisecond, Kind: EvSent, Step: "stream", N: 1 << 20},
		{At: 20 * time.Millisecond, Kind: EvRecv, Step: "first", Data: long, N: 100},
		{At: 20 * time.Millisecond, Kind: EvMessage, Step: "first", Msg: &Response{Proto: "HTTP/1.1", Status: 200, Reason: "OK",
			Header: []Field{{Name: "Content-Length", Value: "2"}, {Name: "date", Value: "x"}}, Framing: "content-length", Body: []byte("ok"), BodyLen: 2}},
		{At: 30 * time.Millisecond, Kind: EvMessage, Step: "first", Msg: &Response{Proto: "HTTP/1.1", Status: 431, Reason: "Too Large",
			Header: []Field{{Name: "Connection", Value: "close"}}, Framing: "close", Truncated: true}},
		{At: 40 * time.Millisecond, Kind: EvMessage, Step: "first", Msg: &Response{Proto: "HTTP/1.1", Status: 200, Reason: "OK",
			Framing: "chunked", Body: []byte("hel"), BodyLen: 3, Truncated: true}},
		{At: 2020 * time.Millisecond, Kind: EvDeadline, Step: "quiet"},
		{At: 2030 * time.Millisecond, Kind: EvDeadline, Step: "quiet", Error: "cancelled"},
		{At: 2040 * time.Millisecond, Kind: EvRST, Error: "connection reset by peer"},
	}}
	got := tl.Transcript()
	for _, want := range []string{
		"+    0ms          connected\n",
		"+   12ms [head]   → POST / HTTP/1.1\\r\\nX: \\x00\\xff\\\\\\r\\n\\r\\n\n",
		"→ aaaaaaaaaa… (5000 octets)\n",
		"[stream] → 1048576 octets of content\n",
		"⇠ 100 octets: " + strings.Repeat("a", 60) + "… (100 octets)\n",
		"← HTTP/1.1 200 OK {Content-Length, date} + 2 octets (content-length): ok\n",
		"← HTTP/1.1 431 Too Large {Connection} (truncated)\n",
		"← HTTP/1.1 200 OK + 3 octets (chunked): hel (truncated)\n",
		"+ 2020ms [quiet]  deadline (awaiting \"quiet\")\n",
		"[quiet]  cancelled\n",
		"RST (the connection was reset): connection reset by peer\n",
		"connection: rst\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("transcript lacks %q:\n%s", want, got)
		}
	}
}

func TestTranscriptOmitsTheMiddle(t *testing.T) {
	tl := &Timeline{Err: "connect to x: refused"}
	for i := 0; i < 500; i++ {
		tl.Events = append(tl.Events, Event{At: time.Duration(i) * time.Millisecond, Kind: EvRecv, N: 1, Data: []byte{'x'}})
	}
	got := tl.Transcript()
	if lines := strings.Count(got, "\n"); lines != 1+100+1+20 || !strings.Contains(got, "… 380 events omitted …") ||
		!strings.HasPrefix(got, "error: connect to x: refused\n") || !strings.Contains(got, "+  499ms") {
		t.Fatalf("%d lines:\n%s", strings.Count(got, "\n"), got)
	}
}
