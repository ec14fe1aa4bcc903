package target

import (
	"context"
	"net"
	"strings"
	"time"
)

// Capacity measures how many cases may run at once against a target without the target's own
// queueing turning into verdicts. Many cases hold a connection open with content withheld, and
// a server with a few blocking workers (a sync worker pool) stops answering anyone while they
// are held; the late answers would then read as "not immediate". So: hold n connections with a
// request head whose content is withheld, then send a plain GET on one more connection. If it is
// answered within wait, n connections at once are safe; otherwise try half as many, down to 1.
// A conforming event-driven server passes the first round in one round trip.
func Capacity(ctx context.Context, t Target, max int, wait time.Duration) int {
	for n := max; n > 1; n /= 2 {
		if holdsUp(ctx, t, n, wait) {
			return n
		}
	}
	return 1
}

func holdsUp(ctx context.Context, t Target, n int, wait time.Duration) bool {
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
			return false
		}
		held = append(held, c)
		if _, err := c.Write([]byte(head)); err != nil {
			return false
		}
	}
	c, err := d.DialContext(ctx, "tcp", t.Address)
	if err != nil {
		return false
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(wait))
	defer context.AfterFunc(ctx, func() { _ = c.SetDeadline(time.Now()) })() // an interrupted run stops at once
	if _, err := c.Write([]byte("GET " + t.Path + " HTTP/1.1\r\nHost: " + t.Host + "\r\nConnection: close\r\n\r\n")); err != nil {
		return false
	}
	line, _ := readStatusLine(c)
	return strings.HasPrefix(line, "HTTP/1.")
}
