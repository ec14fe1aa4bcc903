package driver

import (
	"bufio"
	"context"
	"io"
	"net"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/expectspec/expectspec/harness/conv"
)

func TestCancelStopsPromptly(t *testing.T) {
	addr := serve(t, func(c *net.TCPConn) { io.Copy(io.Discard, c) })
	before := runtime.NumGoroutine()
	for _, tc := range []struct {
		name string
		step conv.Step
	}{
		{"await", await("final", conv.UntilFinals, 1, 10*time.Second)},
		{"stream", conv.Step{Kind: conv.SendStream, Label: "stream", Size: 1 << 40, Within: 10 * time.Second}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			cancelled := make(chan time.Time, 1)
			time.AfterFunc(50*time.Millisecond, func() { cancelled <- time.Now(); cancel() })
			tl, _ := timed(ctx, addr, send("head", head), tc.step, send("after", "hello"))
			// Measured from the cancellation, with slack for a loaded machine: the point is that
			// the run does not wait for the step's 10 s deadline.
			if took := time.Since(<-cancelled); took > time.Second {
				t.Errorf("returned %v after the cancellation\n%s", took, tl.Transcript())
			}
			last := tl.Events[len(tl.Events)-1]
			if last.Kind != conv.EvDeadline || last.Error != "cancelled" || last.Step != tc.step.Label {
				t.Fatalf("events: %s\n%s", kinds(tl), tl.Transcript())
			}
		})
	}
	// The AfterFunc callbacks have returned: only the servers' handlers may remain, and they
	// end now that their clients closed.
	deadline := time.Now().Add(time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("%d goroutines before, %d after", before, n)
	}
}

func TestCancelledBeforeDial(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	tl := Run(ctx, "127.0.0.1:1", conv.Script{}, Options{})
	if !strings.HasPrefix(tl.Err, "connect to 127.0.0.1:1: ") || len(tl.Events) != 0 {
		t.Fatalf("err %q", tl.Err)
	}
}

func TestStreamToServerThatNeverReads(t *testing.T) {
	addr := serve(t, func(c *net.TCPConn) {
		time.Sleep(400 * time.Millisecond)
		io.Copy(io.Discard, c)
	})
	stream := conv.Step{Kind: conv.SendStream, Label: "stream", Size: 1 << 30, Within: 200 * time.Millisecond}
	tl, took := timed(context.Background(), addr, send("head", head), stream, await("final", conv.UntilFinals, 1, 100*time.Millisecond))
	e, ok := tl.First(conv.EvWriteError)
	if !ok || e.Step != "stream" || e.N <= 0 || e.N >= 1<<30 || e.Cause != conv.CauseDeadline || e.Error != "deadline passed" || !tl.WriteFailed("stream") {
		t.Fatalf("events: %s\n%s", kinds(tl), tl.Transcript())
	}
	if took > time.Second {
		t.Fatalf("took %v", took)
	}
}

func TestStreamCompletes(t *testing.T) {
	addr := serve(t, func(c *net.TCPConn) { io.Copy(io.Discard, c) })
	stream := conv.Step{Kind: conv.SendStream, Label: "stream", Size: 1<<20 + 3, Within: time.Second}
	tl, _ := timed(context.Background(), addr, stream)
	if e := tl.Events[1]; e.Kind != conv.EvSent || e.N != 1<<20+3 || e.Data != nil {
		t.Fatalf("event %+v", e)
	}
}

func TestConnectionRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	tl := Run(context.Background(), addr, conv.Script{Steps: []conv.Step{send("head", head)}}, Options{})
	if want := "connect to " + addr + ": connection refused"; tl.Err != want || tl.ErrCause != conv.CauseConnect {
		t.Fatalf("err %q (cause %q), want %q (cause %q)", tl.Err, tl.ErrCause, want, conv.CauseConnect)
	}
}

func TestHalfCloseAndCloseDelimited(t *testing.T) {
	addr := serve(t, func(c *net.TCPConn) {
		io.Copy(io.Discard, c) // until our FIN
		io.WriteString(c, "HTTP/1.0 200 OK\r\n\r\nall of it")
	})
	tl, _ := timed(context.Background(), addr, send("head", head), conv.Step{Kind: conv.HalfClose, Label: "fin"},
		await("final", conv.UntilClose, 0, 2*time.Second))
	if got := kinds(tl); got != "connect sent half-close recv message fin" {
		t.Fatalf("events: %s\n%s", got, tl.Transcript())
	}
	if m := tl.Finals()[0].Msg; m.Framing != "close" || string(m.Body) != "all of it" || m.Truncated || tl.State != conv.StateFIN {
		t.Fatalf("message %+v, state %q", m, tl.State)
	}
}

func TestTruncatedByClose(t *testing.T) {
	addr := serve(t, func(c *net.TCPConn) {
		readHead(bufio.NewReader(c))
		io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello")
	})
	tl, _ := timed(context.Background(), addr, send("head", head), await("final", conv.UntilFinals, 1, 2*time.Second))
	e, ok := tl.First(conv.EvParseError)
	if !ok || e.Cause != conv.CauseTruncated || !strings.Contains(e.Error, "after 5 of 10 content octets") || tl.State != conv.StateFIN {
		t.Fatalf("events: %s\n%s", kinds(tl), tl.Transcript())
	}
}

func TestAwaitAlreadySatisfied(t *testing.T) {
	addr := serve(t, func(c *net.TCPConn) {
		readHead(bufio.NewReader(c))
		io.WriteString(c, "HTTP/1.1 417 Expectation Failed\r\nContent-Length: 0\r\n\r\n")
		io.Copy(io.Discard, c)
	})
	tl, took := timed(context.Background(), addr, send("head", head), await("final", conv.UntilFinals, 1, time.Second),
		await("again", conv.UntilFinals, 1, time.Second))
	if got := kinds(tl); got != "connect sent recv message" || took > 800*time.Millisecond {
		t.Fatalf("events: %s after %v", got, took)
	}
}

func TestTranscript(t *testing.T) {
	addr := serve(t, func(c *net.TCPConn) {
		readHead(bufio.NewReader(c))
		io.WriteString(c, "HTTP/1.1 100 Continue\r\n\r\nnot http\x01")
	})
	tl, _ := timed(context.Background(), addr, send("head", head), await("first", conv.UntilClose, 0, time.Second))
	got := tl.Transcript()
	for _, want := range []string{
		"[head]  → POST /upload HTTP/1.1\\r\\nHost: t\\r\\n",
		"[first] ← HTTP/1.1 100 Continue\n",
		"parse error: status line: expected 'HTTP/1.x NNN ', got \"not http\\x01\"",
		"FIN (the peer closed the connection)",
		"connection: fin",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("transcript lacks %q:\n%s", want, got)
		}
	}
}

// TestResetWhileStreaming is the reason reading happens only in awaits: a server that answers
// 417 and closes with unread content resets the connection under a client that streams without
// reading. The reset is seen on the write side; the next await still reads what the kernel kept
// (on Linux, the 417), and the EOF that follows is not mistaken for a FIN.
func TestResetWhileStreaming(t *testing.T) {
	addr := serve(t, func(c *net.TCPConn) {
		readHead(bufio.NewReader(c))
		io.WriteString(c, "HTTP/1.1 417 Expectation Failed\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")
		time.Sleep(20 * time.Millisecond) // the content piles up unread, then Close resets
	})
	stream := conv.Step{Kind: conv.SendStream, Label: "stream", Size: 1 << 30, Within: 2 * time.Second}
	tl, _ := timed(context.Background(), addr, send("head", head), stream, await("final", conv.UntilFinals, 1, time.Second))
	e, ok := tl.Closed()
	if w, _ := tl.WriteError("stream"); !ok || e.Kind != conv.EvRST || e.Cause != conv.CauseReset || w.Cause != conv.CauseReset || e.Step != "stream" || tl.State != conv.StateRST {
		t.Fatalf("events: %s\n%s", kinds(tl), tl.Transcript())
	}
	if _, fin := tl.First(conv.EvFIN); fin {
		t.Fatalf("a FIN was recorded after the reset:\n%s", tl.Transcript())
	}
	if runtime.GOOS == "linux" && (len(tl.Finals()) != 1 || tl.Finals()[0].Msg.Status != 417) {
		t.Fatalf("the 417 received before the reset was not read:\n%s", tl.Transcript())
	}
}
