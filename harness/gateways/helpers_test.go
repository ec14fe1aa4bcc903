package gateways_test

import (
	"errors"
	"io"
	"net"
	"strconv"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/expectspec/expectspec/harness/conv"
	"github.com/expectspec/expectspec/harness/h1"
	"github.com/expectspec/expectspec/harness/origin"
)

// Every wait has a deadline; see the origin's specs for the reasoning behind the two values.
const (
	quiet  = 100 * time.Millisecond
	within = 3 * time.Second
)

// smuggled is a 37-octet marker body: a complete request sent as content.
const smuggled = "GET /__smuggled HTTP/1.1\r\nHost: t\r\n\r\n"

// startOrigin runs a scripted origin for the current spec.
func startOrigin() *origin.Origin {
	GinkgoHelper()
	o, err := origin.Start(origin.WithIdleTimeout(5*time.Second), origin.WithLinger(200*time.Millisecond))
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(func() { _ = o.Close() })
	return o
}

// startGateway runs a gateway in front of o for the current spec.
func startGateway(start func(string) (string, func(), error), o *origin.Origin) string {
	GinkgoHelper()
	addr, stop, err := start(o.Addr())
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(stop)
	return addr
}

// client is a raw connection whose responses are parsed by the suite's own strict parser.
type client struct {
	net.Conn
	p    *h1.Parser
	msgs []*conv.Response
	eof  bool
}

func dial(addr string) *client {
	GinkgoHelper()
	c, err := net.DialTimeout("tcp", addr, within)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(func() { _ = c.Close() })
	return &client{Conn: c, p: h1.NewParser(h1.Limits{})}
}

func (c *client) send(s string) {
	GinkgoHelper()
	_ = c.SetWriteDeadline(time.Now().Add(within))
	_, err := io.WriteString(c, s)
	Expect(err).NotTo(HaveOccurred())
}

// read reads once, with a deadline, and parses what came; false on a timeout.
func (c *client) read(d time.Duration) bool {
	GinkgoHelper()
	_ = c.SetReadDeadline(time.Now().Add(d))
	buf := make([]byte, 4096)
	n, err := c.Read(buf)
	msgs, perr := c.p.Feed(buf[:n])
	Expect(perr).NotTo(HaveOccurred())
	c.msgs = append(c.msgs, msgs...)
	var ne net.Error
	switch {
	case errors.As(err, &ne) && ne.Timeout():
		return false
	case errors.Is(err, io.EOF):
		c.eof = true
		m, perr := c.p.EOF()
		Expect(perr).NotTo(HaveOccurred())
		if m != nil {
			c.msgs = append(c.msgs, m)
		}
		return false
	}
	Expect(err).NotTo(HaveOccurred())
	return true
}

// await returns once n messages in all have arrived on the connection.
func (c *client) await(n int) []*conv.Response {
	GinkgoHelper()
	deadline := time.Now().Add(within)
	for len(c.msgs) < n && !c.eof && time.Now().Before(deadline) {
		c.read(time.Until(deadline))
	}
	Expect(len(c.msgs)).To(BeNumerically(">=", n), "messages so far: %v", statuses(c.msgs))
	return c.msgs
}

// silent checks that no octet arrives within quiet.
func (c *client) silent() {
	GinkgoHelper()
	before := len(c.msgs)
	Expect(c.read(quiet)).To(BeFalse(), "unexpected octets")
	Expect(c.eof).To(BeFalse(), "unexpected close")
	Expect(c.msgs).To(HaveLen(before))
}

// awaitClose returns once the peer has closed the connection.
func (c *client) awaitClose() {
	GinkgoHelper()
	deadline := time.Now().Add(within)
	for !c.eof && time.Now().Before(deadline) {
		c.read(time.Until(deadline))
	}
	Expect(c.eof).To(BeTrue(), "the connection stayed open")
}

func statuses(msgs []*conv.Response) []int {
	var out []int
	for _, m := range msgs {
		out = append(out, m.Status)
	}
	return out
}

// post is an upload head for a case, with more field lines.
func post(token string, n int, fields ...string) string {
	s := "POST " + conv.OriginPath(token, "echo") + " HTTP/1.1\r\nHost: t\r\nContent-Length: " + strconv.Itoa(n) + "\r\n"
	for _, f := range fields {
		s += f + "\r\n"
	}
	return s + "\r\n"
}

// record waits until the origin has n requests for token, the last satisfying done.
func record(o *origin.Origin, token string, n int, done func(conv.OriginRequest) bool) conv.OriginRecord {
	GinkgoHelper()
	var rec conv.OriginRecord
	Eventually(func() bool {
		rec = o.Record(token)
		return len(rec.Requests) >= n && (done == nil || done(rec.Requests[n-1]))
	}).WithTimeout(within).WithPolling(5 * time.Millisecond).Should(BeTrue())
	return rec
}

func complete(q conv.OriginRequest) bool { return q.Complete }
func closed(q conv.OriginRequest) bool   { return q.Closed }
