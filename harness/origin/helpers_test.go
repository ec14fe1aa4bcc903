package origin_test

import (
	"errors"
	"io"
	"net"
	"strconv"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/expectspec/expectspec/harness/conv"
	"github.com/expectspec/expectspec/harness/origin"
)

// Every wait has a deadline. On loopback the origin answers in well under a millisecond, so
// "nothing within quiet" stands in for silence and "within" bounds anything that should come.
const (
	quiet  = 100 * time.Millisecond
	within = 2 * time.Second
)

// smuggled is a 37-octet marker body: it looks like a request but is
// content.
const smuggled = "GET /__smuggled HTTP/1.1\r\nHost: t\r\n\r\n"

// startOrigin runs an origin for the current spec with short idle and linger times.
func startOrigin() *origin.Origin {
	GinkgoHelper()
	o, err := origin.Start(origin.WithIdleTimeout(2*time.Second), origin.WithLinger(200*time.Millisecond))
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(func() { _ = o.Close() })
	return o
}

// client is a raw connection to the origin.
type client struct{ net.Conn }

func dial(addr string) *client {
	GinkgoHelper()
	c, err := net.DialTimeout("tcp", addr, within)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(func() { _ = c.Close() })
	return &client{c}
}

func (c *client) send(s string) {
	GinkgoHelper()
	_ = c.SetWriteDeadline(time.Now().Add(within))
	_, err := io.WriteString(c, s)
	Expect(err).NotTo(HaveOccurred())
}

// expect reads exactly len(want) octets within the deadline and compares them.
func (c *client) expect(want string) {
	GinkgoHelper()
	_ = c.SetReadDeadline(time.Now().Add(within))
	got := make([]byte, len(want))
	n, err := io.ReadFull(c, got)
	Expect(string(got[:n])).To(Equal(want), "read error: %v", err)
}

// silent checks that nothing arrives within quiet.
func (c *client) silent() {
	GinkgoHelper()
	_ = c.SetReadDeadline(time.Now().Add(quiet))
	var b [64]byte
	n, err := c.Read(b[:])
	Expect(n).To(BeZero(), "unexpected %q", b[:n])
	var ne net.Error
	Expect(errors.As(err, &ne) && ne.Timeout()).To(BeTrue(), "expected silence, got %v", err)
}

// expectClose checks that the origin closes the connection (EOF) within the deadline, with
// nothing more before it.
func (c *client) expectClose() {
	GinkgoHelper()
	_ = c.SetReadDeadline(time.Now().Add(within))
	b, err := io.ReadAll(c)
	Expect(err).NotTo(HaveOccurred())
	Expect(string(b)).To(BeEmpty())
}

// post is a request head for a case resource with a Content-Length and more field lines.
func post(token string, n int, fields ...string) string {
	return head("POST", conv.OriginPath(token, "echo"), "HTTP/1.1",
		append([]string{"Content-Length: " + strconv.Itoa(n)}, fields...)...)
}

func head(method, target, proto string, fields ...string) string {
	var b strings.Builder
	b.WriteString(method + " " + target + " " + proto + "\r\nHost: t\r\n")
	for _, f := range fields {
		b.WriteString(f + "\r\n")
	}
	b.WriteString("\r\n")
	return b.String()
}

// requests waits until the origin has recorded n requests for token, the LAST of them
// satisfying every done, and returns the record. Earlier requests on the same connection are
// settled by then (one goroutine serves a connection in order), except for a close or octets
// logged after it; a request on another connection may still be updating: wait for it on its
// own before asserting on it.
func requests(o *origin.Origin, token string, n int, done ...func(conv.OriginRequest) bool) conv.OriginRecord {
	GinkgoHelper()
	var rec conv.OriginRecord
	Eventually(func() bool {
		rec = o.Record(token)
		if len(rec.Requests) < n {
			return false
		}
		for _, f := range done {
			if !f(rec.Requests[n-1]) {
				return false
			}
		}
		return true
	}).WithTimeout(within).WithPolling(5 * time.Millisecond).Should(BeTrue())
	return rec
}

func complete(q conv.OriginRequest) bool { return q.Complete }
func contentLen(n int) func(conv.OriginRequest) bool {
	return func(q conv.OriginRequest) bool { return q.ContentLen == int64(n) }
}
func sentN(n int) func(conv.OriginRequest) bool {
	return func(q conv.OriginRequest) bool { return len(q.Sent) >= n }
}
func closed(q conv.OriginRequest) bool { return q.Closed }
