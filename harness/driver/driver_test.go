package driver

import (
	"bufio"
	"context"
	"crypto/tls"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/expectspec/expectspec/harness/conv"
)

// serve runs handle for every connection accepted on a loopback listener and returns its
// address. Cleanup closes the listener and waits for every handler, so a handler that does not
// end when the client goes away fails the test by hanging it.
func serve(t testing.TB, handle func(c *net.TCPConn)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return serveOn(t, ln, func(c net.Conn) { handle(c.(*net.TCPConn)) })
}

// serveOn is serve on a listener of the caller's (a TLS one, say).
func serveOn(t testing.TB, ln net.Listener, handle func(c net.Conn)) string {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				handle(c)
			}()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		wg.Wait()
	})
	return ln.Addr().String()
}

// readHead reads a request's header section, through its empty line.
func readHead(br *bufio.Reader) error {
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return err
		}
		if line == "\r\n" {
			return nil
		}
	}
}

const head = "POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n"

func send(label, data string) conv.Step {
	return conv.Step{Kind: conv.Send, Label: label, Data: []byte(data), Within: time.Second}
}

func await(label string, until conv.Until, count int, within time.Duration) conv.Step {
	return conv.Step{Kind: conv.Await, Label: label, Until: until, Count: count, Within: within}
}

// kinds lists a timeline's event kinds, for compact expectations.
func kinds(tl *conv.Timeline) string {
	var out []string
	for _, e := range tl.Events {
		out = append(out, string(e.Kind))
	}
	return strings.Join(out, " ")
}

// timed runs a script and returns the timeline and how long the run took.
func timed(ctx context.Context, addr string, steps ...conv.Step) (*conv.Timeline, time.Duration) {
	start := time.Now()
	tl := Run(ctx, addr, conv.Script{Steps: steps}, Options{})
	return tl, time.Since(start)
}

func TestContinueThenFinal(t *testing.T) {
	addr := serve(t, func(c *net.TCPConn) {
		continueThenOK(c)
		io.Copy(io.Discard, c)
	})
	tl, _ := timed(context.Background(), addr,
		send("head", head), await("first", conv.UntilMessage, 0, time.Second),
		send("body", "hello"), await("final", conv.UntilFinals, 1, time.Second))
	if got := kinds(tl); got != "connect sent recv message sent recv message" {
		t.Fatalf("events: %s\n%s", got, tl.Transcript())
	}
	msgs := tl.Messages()
	if msgs[0].Msg.Status != 100 || msgs[0].Step != "first" || msgs[1].Msg.Status != 200 || string(msgs[1].Msg.Body) != "ok" {
		t.Fatalf("messages: %+v", msgs)
	}
	if tl.State != conv.StateOpen || tl.Err != "" {
		t.Fatalf("state %q, err %q", tl.State, tl.Err)
	}
	for i := 1; i < len(tl.Events); i++ {
		if tl.Events[i].At < tl.Events[i-1].At {
			t.Fatalf("offsets go backwards:\n%s", tl.Transcript())
		}
	}
	if e := tl.Events[1]; string(e.Data) != head || e.N != int64(len(head)) || e.Step != "head" {
		t.Fatalf("sent event: %+v", e)
	}
}

func TestImmediateClose(t *testing.T) {
	addr := serve(t, func(c *net.TCPConn) {})
	tl, took := timed(context.Background(), addr,
		await("first", conv.UntilMessage, 0, 2*time.Second),
		await("again", conv.UntilClose, 0, 2*time.Second), // returns at once: the read side is over
		send("head", head))
	if got := kinds(tl); !strings.HasPrefix(got, "connect fin sent") && !strings.HasPrefix(got, "connect fin write-error") {
		t.Fatalf("events: %s\n%s", got, tl.Transcript())
	}
	if tl.State != conv.StateFIN || took > time.Second {
		t.Fatalf("state %q after %v", tl.State, took)
	}
}

func TestResetMidResponse(t *testing.T) {
	addr := serve(t, func(c *net.TCPConn) {
		if readHead(bufio.NewReader(c)) != nil {
			return
		}
		io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc")
		time.Sleep(50 * time.Millisecond)
		c.SetLinger(0)
	})
	tl, _ := timed(context.Background(), addr, send("head", head), await("final", conv.UntilFinals, 1, 2*time.Second))
	// The head was complete, so the 200 is on the timeline, marked Truncated, before the RST.
	msgs := tl.Messages()
	if tl.State != conv.StateRST || len(msgs) != 1 || !msgs[0].Msg.Truncated || string(msgs[0].Msg.Body) != "abc" {
		t.Fatalf("state %q, events: %s\n%s", tl.State, kinds(tl), tl.Transcript())
	}
	if e, _ := tl.Closed(); e.Kind != conv.EvRST || e.Cause != conv.CauseReset || e.Error != "connection reset by peer" {
		t.Fatalf("closed by %+v", e)
	}
}

func TestSilentServer(t *testing.T) {
	addr := serve(t, func(c *net.TCPConn) { io.Copy(io.Discard, c) })
	tl, took := timed(context.Background(), addr,
		send("head", head), await("first", conv.UntilMessage, 0, 150*time.Millisecond),
		await("quiet", conv.UntilClose, 0, 100*time.Millisecond))
	if got := kinds(tl); got != "connect sent deadline deadline" {
		t.Fatalf("events: %s", got)
	}
	if e := tl.Events[2]; e.Step != "first" || e.Cause != conv.CauseDeadline || e.Error != "" || e.At < 150*time.Millisecond {
		t.Fatalf("deadline event %+v", e)
	}
	if tl.State != conv.StateOpen || took > time.Second {
		t.Fatalf("state %q after %v", tl.State, took)
	}
}

func TestGarbageStatusLine(t *testing.T) {
	addr := serve(t, func(c *net.TCPConn) {
		io.WriteString(c, "SSH-2.0-OpenSSH_9.6\r\n")
		time.Sleep(50 * time.Millisecond)
		io.WriteString(c, "more garbage")
		io.Copy(io.Discard, c)
	})
	tl, _ := timed(context.Background(), addr, send("head", head), await("first", conv.UntilMessage, 0, 300*time.Millisecond))
	// The octets after the parse error are still read and recorded, until the deadline.
	var total int64
	for _, e := range tl.Events {
		if e.Kind == conv.EvRecv {
			total += e.N
		}
	}
	got := kinds(tl)
	if !strings.HasPrefix(got, "connect sent recv parse-error") || !strings.HasSuffix(got, "recv deadline") || total != 33 {
		t.Fatalf("events: %s (%d octets)\n%s", got, total, tl.Transcript())
	}
	e, _ := tl.First(conv.EvParseError)
	if e.Cause != conv.CauseStatusLine || !strings.Contains(e.Error, `status line: expected 'HTTP/1.x NNN ', got "SSH-2.0`) || e.At > 200*time.Millisecond {
		t.Fatalf("parse error %+v", e)
	}
}

func TestInterimForever(t *testing.T) {
	addr := serve(t, func(c *net.TCPConn) {
		batch := []byte(strings.Repeat("HTTP/1.1 100 Continue\r\n\r\n", 100))
		for {
			if _, err := c.Write(batch); err != nil {
				return
			}
		}
	})
	tl, took := timed(context.Background(), addr, send("head", head), await("final", conv.UntilFinals, 1, 5*time.Second))
	last := tl.Events[len(tl.Events)-1]
	if n := len(tl.Messages()); n != 1000 || last.Kind != conv.EvLimit || last.Cause != conv.CauseLimitMessages || !strings.Contains(last.Error, "more than 1000 messages") {
		t.Fatalf("%d messages, last event %+v", n, last)
	}
	if took > 2*time.Second {
		t.Fatalf("took %v", took)
	}
}

// TestFlood checks that a peer sending without end costs at most MaxRecv octets of reading,
// and that a huge close-delimited body is kept only up to the parser's body limit.
func TestFlood(t *testing.T) {
	flood := func(prefix string, then int) func(c *net.TCPConn) {
		return func(c *net.TCPConn) {
			io.WriteString(c, prefix)
			chunk := make([]byte, 64<<10)
			for i := 0; then < 0 || i < then; i++ {
				if _, err := c.Write(chunk); err != nil {
					return
				}
			}
		}
	}
	t.Run("endless content", func(t *testing.T) {
		addr := serve(t, flood("HTTP/1.1 200 OK\r\nContent-Length: 10000000000\r\n\r\n", -1))
		tl, took := timed(context.Background(), addr, await("final", conv.UntilFinals, 1, 5*time.Second))
		var total int64
		for _, e := range tl.Events {
			if e.Kind == conv.EvRecv {
				total += e.N
				if len(e.Data) > DefaultMaxRecord {
					t.Fatalf("recv event keeps %d octets", len(e.Data))
				}
			}
		}
		if last := tl.Events[len(tl.Events)-1]; total != DefaultMaxRecv || last.Kind != conv.EvLimit || last.Cause != conv.CauseLimitOctets || took > 3*time.Second {
			t.Fatalf("read %d octets in %v, last event %+v", total, took, last)
		}
	})
	t.Run("close-delimited", func(t *testing.T) {
		addr := serve(t, flood("HTTP/1.1 200 OK\r\n\r\n", 48)) // 3 MiB, then close
		tl, _ := timed(context.Background(), addr, await("final", conv.UntilClose, 0, 5*time.Second))
		finals := tl.Finals()
		if len(finals) != 1 || tl.State != conv.StateFIN {
			t.Fatalf("events: %s", kinds(tl))
		}
		if m := finals[0].Msg; m.BodyLen != 48<<16 || len(m.Body) != 64<<10 || m.Framing != "close" {
			t.Fatalf("body %d of %d octets kept, framing %q", len(m.Body), m.BodyLen, m.Framing)
		}
	})
}

func TestForKnowsEachProtocolAndItsTransport(t *testing.T) {
	secure := Options{TLS: &tls.Config{}}
	for _, c := range []struct {
		p   conv.Protocol
		opt Options
	}{{conv.HTTP1, Options{}}, {conv.HTTP1, secure}, {conv.H2, secure}, {conv.H2C, Options{}}} {
		if d, err := For(c.p, c.opt); err != nil || d == nil {
			t.Errorf("For(%q, TLS %v) = %v, %v; want a driver", c.p, c.opt.TLS != nil, d, err)
		}
	}
	for _, c := range []struct {
		p   conv.Protocol
		opt Options
	}{{"", Options{}}, {"h3", secure}, {conv.H2, Options{}}, {conv.H2C, secure}} {
		if _, err := For(c.p, c.opt); err == nil {
			t.Errorf("For(%q, TLS %v) gave a driver; want an error", c.p, c.opt.TLS != nil)
		}
	}
}
