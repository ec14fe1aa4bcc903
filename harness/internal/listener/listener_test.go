package listener

import (
	"io"
	"net"
	"testing"
	"time"
)

// Close ends a handler blocked in a read and returns only after it has returned.
func TestCloseEndsBlockedHandlers(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	started, ended := make(chan struct{}), make(chan struct{})
	l := Serve(ln, func(c net.Conn) {
		defer close(ended)
		close(started)
		_, _ = io.ReadAll(c) // blocks until Close closes c
	})
	c, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	// Wait for the handler itself, not a fixed time: a connection still in the backlog when
	// Close stops accepting never gets a handler, and the check below would fail.
	select {
	case <-started:
	case <-time.After(5 * time.Second):
		t.Fatal("the handler did not start")
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ended:
	default:
		t.Fatal("Close returned before the handler did")
	}
	select {
	case <-l.Done():
	default:
		t.Fatal("Done not closed")
	}
	if _, err := net.DialTimeout("tcp", l.Addr().String(), 200*time.Millisecond); err == nil {
		t.Fatal("still accepting after Close")
	}
	_ = l.Close() // a second Close is harmless
}
