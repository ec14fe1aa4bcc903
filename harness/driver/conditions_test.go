package driver

import (
	"bufio"
	"context"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/expectspec/expectspec/harness/conv"
)

// statuses lists the statuses of a timeline's messages, for compact expectations.
func statuses(tl *conv.Timeline) []int {
	var out []int
	for _, m := range tl.Messages() {
		out = append(out, m.Msg.Status)
	}
	return out
}

// UntilFinalOrSwitch waits past 1xx other than 101: a gateway's own 100 and then the origin's
// relayed one (Caddy) must not end the wait before the final response.
func TestUntilFinalOrSwitchWaitsPastInterims(t *testing.T) {
	addr := serve(t, func(c *net.TCPConn) {
		br := bufio.NewReader(c)
		if readHead(br) != nil {
			return
		}
		io.WriteString(c, "HTTP/1.1 100 Continue\r\n\r\n")
		if _, err := io.ReadFull(br, make([]byte, 5)); err != nil {
			return
		}
		io.WriteString(c, "HTTP/1.1 100 Continue\r\n\r\n")
		time.Sleep(20 * time.Millisecond)
		io.WriteString(c, "HTTP/1.1 103 Early Hints\r\n\r\n")
		time.Sleep(20 * time.Millisecond)
		io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
		io.Copy(io.Discard, c)
	})
	tl, _ := timed(context.Background(), addr,
		send("head", head), await("first", conv.UntilMessage, 0, time.Second),
		send("body", "hello"), await("next", conv.UntilFinalOrSwitch, 1, 2*time.Second))
	if got := statuses(tl); len(got) != 4 || got[3] != 200 {
		t.Fatalf("statuses %v, want 100 100 103 200\n%s", got, tl.Transcript())
	}
	if _, ok := tl.First(conv.EvDeadline); ok {
		t.Fatalf("the await ran out instead of ending on the final:\n%s", tl.Transcript())
	}
}

// A 101 ends the wait, and so does one that already arrived before the await began: a server
// that sends 100 and 101 in one read does not cost the await's deadline.
func TestUntilFinalOrSwitchEndsOnEarlier101(t *testing.T) {
	addr := serve(t, func(c *net.TCPConn) {
		br := bufio.NewReader(c)
		if readHead(br) != nil {
			return
		}
		io.WriteString(c, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\nConnection: Upgrade\r\n\r\n")
		io.Copy(io.Discard, c)
	})
	tl, took := timed(context.Background(), addr,
		send("head", head), await("first", conv.UntilMessage, 0, time.Second),
		send("body", "hello"), await("next", conv.UntilFinalOrSwitch, 1, 5*time.Second))
	if got := statuses(tl); len(got) != 2 || got[1] != 101 {
		t.Fatalf("statuses %v, want 100 101\n%s", got, tl.Transcript())
	}
	if took > 2*time.Second {
		t.Fatalf("took %v: the await waited although the 101 had arrived\n%s", took, tl.Transcript())
	}
}

// IfReusable ends the script, without sending, once a final response announced close; the
// client must not send on that connection (RFC 9112 §9.6).
func TestIfReusableSkipsAfterAnnouncedClose(t *testing.T) {
	for _, tc := range []struct{ name, answer string }{
		{"connection close", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"},
		{"http/1.0", "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := make(chan string, 1)
			addr := serve(t, func(c *net.TCPConn) {
				br := bufio.NewReader(c)
				if readHead(br) != nil {
					return
				}
				io.WriteString(c, tc.answer)
				rest, _ := io.ReadAll(br) // the client must send nothing more; it closes at the end
				got <- string(rest)
			})
			tl, _ := timed(context.Background(), addr,
				send("prime", "GET / HTTP/1.1\r\nHost: t\r\n\r\n"), await("primed", conv.UntilFinals, 1, time.Second),
				withReuse(send("head", head)), await("first", conv.UntilMessage, 0, time.Second))
			if k := kinds(tl); k != "connect sent recv message skipped" {
				t.Fatalf("events: %s\n%s", k, tl.Transcript())
			}
			e, _ := tl.First(conv.EvSkipped)
			if e.Step != "head" || e.Cause != conv.CauseAnnouncedClose || !strings.Contains(e.Error, "announced") {
				t.Fatalf("skipped event: %+v", e)
			}
			if rest := <-got; rest != "" {
				t.Fatalf("the server received %q after its answer", rest)
			}
		})
	}
}

// IfReusable plays the step on a connection that persists (HTTP/1.1 without close, or HTTP/1.0
// with keep-alive).
func TestIfReusablePlaysOnPersistentConnection(t *testing.T) {
	for _, answer := range []string{
		"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
		"HTTP/1.0 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nok",
	} {
		addr := serve(t, func(c *net.TCPConn) {
			br := bufio.NewReader(c)
			for readHead(br) == nil {
				io.WriteString(c, answer)
			}
		})
		tl, _ := timed(context.Background(), addr,
			send("prime", "GET / HTTP/1.1\r\nHost: t\r\n\r\n"), await("primed", conv.UntilFinals, 1, time.Second),
			withReuse(send("again", "GET / HTTP/1.1\r\nHost: t\r\n\r\n")), await("final", conv.UntilFinals, 2, time.Second))
		if got := statuses(tl); len(got) != 2 {
			t.Fatalf("%q: statuses %v\n%s", answer, got, tl.Transcript())
		}
	}
}

// IfReusable does not send on a connection the peer closed.
func TestIfReusableSkipsAfterClose(t *testing.T) {
	addr := serve(t, func(c *net.TCPConn) {
		br := bufio.NewReader(c)
		if readHead(br) != nil {
			return
		}
		io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
	})
	tl, _ := timed(context.Background(), addr,
		send("prime", "GET / HTTP/1.1\r\nHost: t\r\n\r\n"), await("primed", conv.UntilClose, 0, time.Second),
		withReuse(send("head", head)))
	if k := kinds(tl); k != "connect sent recv message fin skipped" {
		t.Fatalf("events: %s\n%s", k, tl.Transcript())
	}
}

func withReuse(st conv.Step) conv.Step {
	st.IfReusable = true
	return st
}
