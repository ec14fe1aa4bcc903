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

// UntilFinalHead ends as soon as a final's header section has arrived, even while its body never
// ends, and records that head as an EvHead; the 1xx before it do not end the wait.
func TestUntilFinalHeadEndsOnTheHeadOfAnEndlessBody(t *testing.T) {
	addr := serve(t, func(c *net.TCPConn) {
		if readHead(bufio.NewReader(c)) != nil {
			return
		}
		io.WriteString(c, "HTTP/1.1 100 Continue\r\n\r\n")
		time.Sleep(20 * time.Millisecond)
		io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\nsome")
		io.Copy(io.Discard, c) // the body never comes; ends when the client closes
	})
	tl, took := timed(context.Background(), addr, send("request", head+"hello"), await("answer", conv.UntilFinalHead, 1, 3*time.Second))
	if took > time.Second {
		t.Fatalf("took %s: the await waited for the body\n%s", took, tl.Transcript())
	}
	h, ok := tl.First(conv.EvHead)
	if !ok || h.Msg.Status != 200 || h.Step != "answer" {
		t.Fatalf("no EvHead of the 200 (%v)\n%s", h, tl.Transcript())
	}
	if got := statuses(tl); len(got) != 1 || got[0] != 100 {
		t.Fatalf("messages %v, want only the 100 (the 200 is not complete)\n%s", got, tl.Transcript())
	}
	if _, ok := tl.First(conv.EvDeadline); ok {
		t.Fatalf("the await ran out\n%s", tl.Transcript())
	}
}

// A final that completes ends UntilFinalHead as a message, with no EvHead; a 101 ends it too.
func TestUntilFinalHeadOnCompleteFinals(t *testing.T) {
	for _, answer := range []string{"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", "HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\n\r\n"} {
		addr := serve(t, func(c *net.TCPConn) {
			if readHead(bufio.NewReader(c)) != nil {
				return
			}
			io.WriteString(c, answer)
			io.Copy(io.Discard, c)
		})
		tl, took := timed(context.Background(), addr, send("request", head), await("answer", conv.UntilFinalHead, 1, 3*time.Second))
		if _, ok := tl.First(conv.EvHead); ok || took > time.Second || len(tl.Finals())+len(statuses(tl)) == 0 {
			t.Fatalf("%q: took %s\n%s", answer, took, tl.Transcript())
		}
	}
}

// Observe sees each event as it is recorded, before Run returns: a caller can tell that a head
// was sent while the conversation still waits.
func TestObserveSeesTheSendBeforeRunEnds(t *testing.T) {
	addr := serve(t, func(c *net.TCPConn) { io.Copy(io.Discard, c) })
	sent := make(chan conv.Event, 1)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan *conv.Timeline)
	go func() {
		done <- Run(ctx, addr, conv.Script{Steps: []conv.Step{send("head", head), await("hold", conv.UntilClose, 0, 10*time.Second)}},
			Options{Observe: func(e conv.Event) {
				if e.Kind == conv.EvSent {
					sent <- e
				}
			}})
	}()
	select {
	case e := <-sent:
		if !strings.HasPrefix(string(e.Data), "POST") {
			t.Errorf("observed %q", e.Data)
		}
	case <-done:
		t.Fatal("Run ended before the send was observed")
	case <-time.After(3 * time.Second):
		t.Fatal("the send was not observed")
	}
	cancel()
	select {
	case tl := <-done:
		if _, ok := tl.First(conv.EvDeadline); !ok {
			t.Errorf("the cancelled hold is not on the timeline\n%s", tl.Transcript())
		}
	case <-time.After(3 * time.Second):
		t.Fatal("Run did not end on cancellation")
	}
}

// An await ends at its context's deadline, as a cancellation, when that comes before its own:
// the read deadline is the context's, so no octet that arrives after it is read.
func TestAwaitEndsAtTheContextsDeadline(t *testing.T) {
	addr := serve(t, func(c *net.TCPConn) {
		if readHead(bufio.NewReader(c)) != nil {
			return
		}
		io.WriteString(c, "HTTP/1.1 ")
		time.Sleep(400 * time.Millisecond) // well after the context's deadline
		io.WriteString(c, "200 OK\r\nContent-Length: 0\r\n\r\n")
		io.Copy(io.Discard, c)
	})
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	tl, took := timed(ctx, addr, send("request", head+"hello"), await("answer", conv.UntilFinalHead, 1, 5*time.Second))
	e, ok := tl.First(conv.EvDeadline)
	// took is bounded well below the await's own 5 s, not within a few scheduler slices of the
	// context's 200 ms: on a busy machine the run can return a few hundred ms late.
	if !ok || e.Error != "cancelled" || took > 1500*time.Millisecond || len(tl.Messages()) > 0 {
		t.Fatalf("took %s, want the context's 200 ms (not the await's 5 s) and a cancellation\n%s", took, tl.Transcript())
	}
}
