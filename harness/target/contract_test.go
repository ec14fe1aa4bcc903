package target

import (
	"bufio"
	"context"
	"net"
	"strings"
	"testing"
)

// A target that answers the contract's POST with a 100 and then closes did answer: the check
// says what it sent, not that it was silent.
func TestCheckContractInterimThenClose(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		r := bufio.NewReader(c)
		for { // the request's header section
			l, err := r.ReadString('\n')
			if err != nil || l == "\r\n" {
				break
			}
		}
		_, _ = c.Write([]byte("HTTP/1.1 100 Continue\r\nX-A: b\r\n")) // closed inside its header section
	}()
	tg, err := Parse("http://"+ln.Addr().String()+"/upload", "interim-then-close")
	if err != nil {
		t.Fatal(err)
	}
	err = CheckContract(context.Background(), tg)
	if err == nil {
		t.Fatal("a 100 and a close passed the contract check")
	}
	if msg := err.Error(); !strings.Contains(msg, "answered a plain POST") || !strings.Contains(msg, "and then no final response") || strings.Contains(msg, "did not answer") {
		t.Errorf("the reason does not say what the target sent: %s", msg)
	}
}
