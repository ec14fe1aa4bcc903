package origin_test

import (
	"runtime"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/expectspec/expectspec/harness/conv"
	"github.com/expectspec/expectspec/harness/origin"
)

// The origin's records as the judges read them: which record a request lands in, that a record
// handed out does not change under its reader, what counts as still being sent, why a
// connection closed; and that Close leaves nothing running.
var _ = Describe("the scripted origin's records", func() {
	var o *origin.Origin
	BeforeEach(func() { o = startOrigin() })

	Describe("correlation", func() {
		It("serves unknown requests with a plain 200, recorded under the empty token", func() {
			c := dial(o.Addr())
			c.send(head("GET", "/healthz", "HTTP/1.1"))
			c.expect(string(conv.OK200))
			c.send(head("GET", conv.OriginPath("never-registered", "x"), "HTTP/1.1"))
			c.expect(string(conv.OK200))
			rec := requests(o, "", 2, sentN(1))
			Expect(rec.Requests[0].Target).To(Equal("/healthz"))
			Expect(o.Record("never-registered").Requests).To(BeEmpty())
		})

		It("falls back to the X-Expectspec-Case field", func() {
			o.Register("byfield", conv.ScriptEarly(conv.Unauthorized401, conv.EarlyKeepReading))
			c := dial(o.Addr())
			c.send(head("GET", "/rewritten", "HTTP/1.1", "X-Expectspec-Case: byfield"))
			c.expect(string(conv.Unauthorized401))
			Expect(requests(o, "byfield", 1).Requests[0].Target).To(Equal("/rewritten"))
		})

		It("starts a fresh record, with fresh offsets, when a token is registered again", func() {
			o.Register("again", conv.OriginScript{})
			c := dial(o.Addr())
			c.send(head("GET", conv.OriginPath("again", "x"), "HTTP/1.1"))
			c.expect(string(conv.OK200))
			requests(o, "again", 1)
			o.Register("again", conv.OriginScript{})
			Expect(o.Record("again").Requests).To(BeEmpty())
			c.send(head("GET", conv.OriginPath("again", "y"), "HTTP/1.1"))
			c.expect(string(conv.OK200))
			rec := requests(o, "again", 1)
			Expect(rec.Requests[0].Seq).To(Equal(2))
			Expect(rec.Conns[0].OpenedAt).To(BeNumerically("<", 0), "the connection predates the registration")
		})

		It("hands out copies that later arrivals do not change", func() {
			o.Register("copy", conv.OriginScript{OnHead: conv.HeadWait})
			c := dial(o.Addr())
			c.send(post("copy", 4) + "ab")
			rec := requests(o, "copy", 1, func(q conv.OriginRequest) bool { return q.ContentLen == 2 })
			c.send("cd")
			c.expect(string(conv.OK200))
			requests(o, "copy", 1, complete)
			Expect(rec.Requests[0].ContentLen).To(Equal(int64(2)))
			Expect(rec.Requests[0].Complete).To(BeFalse())
		})
	})

	It("counts a message as being sent until its write returns, so that a reader can wait for it", func() {
		big := conv.RawMessage("HTTP/1.1 200 OK\r\nContent-Length: 16777216\r\n\r\n" + strings.Repeat("x", 16<<20))
		o.Register("big", conv.OriginScript{Final: big})
		c := dial(o.Addr())
		c.send(post("big", 0)) // the client does not read: the write blocks on full buffers
		Eventually(func() int { return o.Record("big").Sending }).WithTimeout(within).Should(Equal(1))
		Expect(o.Record("big").Requests[0].Sent).To(BeEmpty())
		c.expect(string(big))
		q := requests(o, "big", 1, sentN(1)).Requests[0]
		Expect(q.Sent).To(HaveLen(1))
		Expect(o.Record("big").Sending).To(BeZero())
	})

	It("records the idle timeout and a shutdown as the causes of a close", func() {
		o2, err := origin.Start(origin.WithIdleTimeout(150 * time.Millisecond))
		Expect(err).NotTo(HaveOccurred())
		o2.Register("idle", conv.OriginScript{OnHead: conv.HeadWait})
		o2.Register("shut", conv.OriginScript{OnHead: conv.HeadWait})
		c := dial(o2.Addr())
		c.send(post("idle", 5))
		Expect(requests(o2, "idle", 1, closed).Requests[0].ClosedBy).To(Equal(conv.ClosedByIdle))
		d := dial(o2.Addr())
		d.send(post("shut", 5))
		requests(o2, "shut", 1)
		Expect(o2.Close()).To(Succeed())
		Expect(o2.Record("shut").Requests[0].ClosedBy).To(Equal(conv.ClosedByShutdown))
	})
})

var _ = Describe("the origin's goroutines", func() {
	It("all end with Close, whatever the connections were doing", func() {
		before := runtime.NumGoroutine()
		o, err := origin.Start(origin.WithIdleTimeout(5 * time.Second))
		Expect(err).NotTo(HaveOccurred())
		o.Register("g", conv.OriginScript{OnHead: conv.HeadWait})
		for range 5 {
			c := dial(o.Addr())
			c.send(post("g", 100, "Expect: 100-continue")) // left waiting for content
		}
		idle := dial(o.Addr()) // left waiting for a request
		_ = idle
		requests(o, "g", 5)
		Expect(o.Close()).To(Succeed())
		Eventually(runtime.NumGoroutine).WithTimeout(within).WithPolling(10 * time.Millisecond).
			Should(BeNumerically("<=", before))
	})
})
