package target

import (
	"context"
	"fmt"
	"net"
	"strings"
	"time"
)

// aloneWait is how long the last round of Capacity waits for the answer to a plain GET with no
// other connection held: the probe's own deadline, since a target that answers that late alone
// is slow, not gone.
const aloneWait = 5 * time.Second

// Capacity measures how many cases may run at once against a target without the target's own
// queueing turning into verdicts. Many cases hold a connection open with content withheld, and
// a server with a few blocking workers (a sync worker pool) stops answering anyone while they
// are held; the late answers would then read as "not immediate". So: hold n connections with a
// request head whose content is withheld, then send a plain GET on one more connection. If it is
// answered within wait, n connections at once are safe; otherwise try half as many, down to 1.
// A conforming event-driven server passes the first round in one round trip.
//
// When no round holds up, the GET is sent once more with no connection held: a target that does
// not answer even that has stopped answering since the probe (it crashed, or served the probe
// and the contract check and nothing after), and no case could be judged; the error says what it
// did. With max 1 nothing is measured.
func Capacity(ctx context.Context, t Target, max int, wait time.Duration) (int, error) {
	if max <= 1 {
		return 1, nil
	}
	for n := max; n > 1; n /= 2 {
		if holdsUp(ctx, t, n, wait) == nil {
			return n, nil
		}
	}
	if err := holdsUp(ctx, t, 0, aloneWait); err != nil {
		return 1, fmt.Errorf("%s %v (while none of the suite's connections was held; the probe and the contract check before were answered)", describe(t), err)
	}
	return 1, nil
}

// holdsUp holds n connections with content withheld and reports, as an error, what a plain GET
// on one more connection got when it was not answered within wait.
func holdsUp(ctx context.Context, t Target, n int, wait time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, wait+3*time.Second)
	defer cancel()
	var d net.Dialer
	head := "POST " + t.Path + " HTTP/1.1\r\nHost: " + t.Host + "\r\nContent-Length: 5\r\n\r\n"
	var held []net.Conn
	defer func() {
		for _, c := range held {
			c.Close()
		}
	}()
	for i := 0; i < n; i++ {
		c, err := d.DialContext(ctx, "tcp", t.Address)
		if err != nil {
			return fmt.Errorf("refused connection %d of %d held open (%v)", i+1, n, err)
		}
		held = append(held, c)
		if _, err := c.Write([]byte(head)); err != nil {
			return fmt.Errorf("did not take the head of held connection %d of %d (%v)", i+1, n, err)
		}
	}
	c, err := d.DialContext(ctx, "tcp", t.Address)
	if err != nil {
		return fmt.Errorf("refused the connection of a plain GET (%v)", err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(wait))
	defer context.AfterFunc(ctx, func() { _ = c.SetDeadline(time.Now()) })() // an interrupted run stops at once
	if _, err := c.Write([]byte("GET " + t.Path + " HTTP/1.1\r\nHost: " + t.Host + "\r\nConnection: close\r\n\r\n")); err != nil {
		return fmt.Errorf("did not take a plain GET (%v)", err)
	}
	line, err := readStatusLine(c)
	switch {
	case strings.HasPrefix(line, "HTTP/1."):
		return nil
	case line == "":
		return fmt.Errorf("did not answer a plain GET within %s (%v)", wait.Round(time.Millisecond), err)
	}
	return fmt.Errorf("answered a plain GET with %q, not an HTTP/1.x status line", truncate(line, 40))
}
