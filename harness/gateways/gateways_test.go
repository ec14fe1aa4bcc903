package gateways_test

import (
	"runtime"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/expectspec/expectspec/harness/conv"
	"github.com/expectspec/expectspec/harness/gateways"
	"github.com/expectspec/expectspec/harness/origin"
)

var _ = Describe("Go's httputil.ReverseProxy", func() {
	var o *origin.Origin
	var addr string
	BeforeEach(func() {
		o = startOrigin()
		addr = startGateway(gateways.StartGoReverseProxy, o)
	})

	It("forwards the head with Expect at once and relays the origin's 100", func() {
		o.Register("go1", conv.OriginScript{OnHead: conv.HeadContinueAlways, Continue: "HTTP/1.1 100 Continue\r\nX-B: c\r\n\r\n"})
		c := dial(addr)
		c.send(post("go1", 5, "Expect: 100-continue"))
		// Go's server may write a 100 of its own first: its transport lets the body start (and
		// reading the body makes the server send its 100) before it hands the origin's 100 to
		// the proxy to relay. Either order, the origin's 100 comes through before the content.
		msgs := c.await(1)
		if msgs[0].Get("X-B") == nil {
			msgs = c.await(2)
		}
		relayed := msgs[len(msgs)-1]
		Expect(statuses(msgs)).To(HaveEach(100))
		Expect(relayed.Get("X-B")).To(Equal([]string{"c"}), "the origin's own 100, relayed")
		q := record(o, "go1", 1, nil).Requests[0]
		Expect(q.ExpectSeen).To(BeTrue())
		Expect(q.HeadBeforeContent).To(BeTrue())
		Expect(q.ContentAt).To(BeEmpty(), "the head went upstream before the client sent any content")

		interims := len(msgs)
		c.send("hello")
		msgs = c.await(interims + 1)
		Expect(msgs[interims].Status).To(Equal(200))
		Expect(msgs).To(HaveLen(interims+1), "no 100 after the relayed one")
		q = record(o, "go1", 1, complete).Requests[0]
		Expect(string(q.Content)).To(Equal("hello"))
		Expect(q.Has("X-Forwarded-For")).To(BeTrue())
	})

	It("closes its upstream connection when an early final leaves the body owed (observed)", func() {
		o.Register("go2", conv.OriginScript{OnHead: conv.HeadFinalIfExpect, Early: conv.Unauthorized401})
		o.Register("go2b", conv.OriginScript{})
		c := dial(addr)
		c.send(post("go2", len(smuggled), "Expect: 100-continue"))
		msgs := c.await(1)
		// Observed: Go's server sends its own 100 first (its transport starts reading the body
		// once a non-close final arrives), then the 401 with Connection: close after the
		// transport's 50 ms wait for the body, and closes the upstream connection.
		final := msgs[len(msgs)-1]
		if final.Interim() {
			final = c.await(len(msgs) + 1)[len(msgs)]
		}
		GinkgoWriter.Printf("client saw %v\n", statuses(c.msgs))
		Expect(final.Status).To(Equal(401))
		q := record(o, "go2", 1, closed).Requests[0]
		Expect(q.Complete).To(BeFalse())
		Expect(q.NextRequestOnConn).To(BeFalse())

		d := dial(addr)
		d.send("GET " + conv.OriginPath("go2b", "ok") + " HTTP/1.1\r\nHost: t\r\n\r\n")
		Expect(d.await(1)[0].Status).To(Equal(200))
		Expect(record(o, "go2b", 1, nil).Requests[0].Conn).NotTo(Equal(q.Conn), "no reuse of the connection with a body owed")
	})
})

var _ = Describe("the streaming reference gateway", func() {
	var o *origin.Origin
	var addr string
	BeforeEach(func() {
		o = startOrigin()
		addr = startGateway(gateways.StartStreaming, o)
	})

	It("forwards the head at once, relays every 1xx, streams the content, and reuses its upstream connection", func() {
		interims := []conv.RawMessage{"HTTP/1.1 102 Processing\r\n\r\n", "HTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload\r\n\r\n", "HTTP/1.1 199 Misc\r\nX-T: 1\r\n\r\n"}
		o.Register("s1", conv.OriginScript{Interims: interims})
		c := dial(addr)
		c.send(post("s1", 5, "Expect: 100-continue"))
		Expect(c.await(1)[0].Status).To(Equal(100))
		// The origin records what it sent once its write returns, which may be after the client
		// has read it.
		q := record(o, "s1", 1, func(q conv.OriginRequest) bool { return len(q.Sent) > 0 }).Requests[0]
		Expect(q.ExpectValues).To(Equal([]string{"100-continue"}))
		Expect(q.Get("Via")).To(Equal([]string{"1.1 expectspec-streaming"}))
		Expect(q.Sent[0].Msg).To(Equal(conv.Continue100), "the 100 the client got is the origin's")
		Expect(q.HeadBeforeContent).To(BeTrue())

		c.send("hel")
		// Streamed: the origin has the first part before the client sends the rest (a fixed
		// sleep would let a busy gateway read both parts at once and forward them in one write).
		record(o, "s1", 1, func(q conv.OriginRequest) bool { return q.ContentLen == 3 })
		c.send("lo")
		msgs := c.await(5)
		Expect(statuses(msgs)).To(Equal([]int{100, 102, 103, 199, 200}))
		Expect(msgs[2].Get("Link")).To(Equal([]string{"</s.css>; rel=preload"}))
		q = record(o, "s1", 1, complete).Requests[0]
		Expect(q.ContentAt).To(HaveLen(2), "streamed as it came")

		c.send(post("s1", 2) + "ok")
		c.await(7)
		rec := record(o, "s1", 2, complete)
		Expect(rec.Requests[1].Conn).To(Equal(rec.Requests[0].Conn))
	})

	It("repairs relayed 1xx: no Content-Length, no whitespace before a colon (T21b, T21c)", func() {
		o.Register("s2", conv.ScriptContinueWithContentLength())
		c := dial(addr)
		c.send(post("s2", 5, "Expect: 100-continue"))
		msgs := c.await(2)
		Expect(msgs[0].Has("Content-Length")).To(BeFalse())
		Expect(msgs[1].Status).To(Equal(200))
		Expect(string(msgs[1].Body)).To(Equal("ok\n"))

		o.Register("s3", conv.OriginScript{OnHead: conv.HeadContinueAlways, Continue: "HTTP/1.1 100 Continue\r\nX-A : b\r\n\r\n"})
		d := dial(addr)
		d.send(post("s3", 2, "Expect: 100-continue"))
		Expect(d.await(1)[0].Header).To(Equal([]conv.Field{{Name: "X-A", Value: "b"}}))
	})

	It("relays the rest of the body after an early final, so the upstream connection stays in step (T31)", func() {
		o.Register("s4", conv.OriginScript{OnHead: conv.HeadFinalIfExpect, Early: conv.Unauthorized401})
		c := dial(addr)
		c.send(post("s4", len(smuggled), "Expect: 100-continue"))
		msgs := c.await(1)
		Expect(msgs[0].Status).To(Equal(401))
		Expect(msgs[0].HasConnectionOption("close")).To(BeFalse(), "it intends to keep reading")
		c.send(smuggled)
		q := record(o, "s4", 1, complete).Requests[0]
		Expect(string(q.AfterBytes)).To(Equal(smuggled))
		Expect(q.NextRequestOnConn).To(BeFalse())
		c.send(post("s4", 2) + "ok") // no Expect: served
		Expect(statuses(c.await(2))).To(Equal([]int{401, 200}))
	})

	It("closes the upstream connection when the client abandons the body (T31)", func() {
		o.Register("s5", conv.OriginScript{OnHead: conv.HeadFinalIfExpect, Early: conv.Unauthorized401})
		o.Register("s5b", conv.OriginScript{})
		c := dial(addr)
		c.send(post("s5", len(smuggled), "Expect: 100-continue"))
		Expect(c.await(1)[0].Status).To(Equal(401))
		c.send("GET /__sm")
		_ = c.Close()
		q := record(o, "s5", 1, closed).Requests[0]
		Expect(q.ClosedBy).To(Equal(conv.ClosedByPeer))
		Expect(string(q.AfterBytes)).To(Equal("GET /__sm"))

		d := dial(addr)
		d.send("GET " + conv.OriginPath("s5b", "ok") + " HTTP/1.1\r\nHost: t\r\n\r\n")
		Expect(d.await(1)[0].Status).To(Equal(200))
		Expect(record(o, "s5b", 1, nil).Requests[0].Conn).NotTo(Equal(q.Conn))
		Expect(o.Record("s5").Requests[0].NextRequestOnConn).To(BeFalse())
	})

	It("sends no 1xx to an HTTP/1.0 client and drops its expectation", func() {
		o.Register("s6", conv.OriginScript{OnHead: conv.HeadContinueAlways, Interims: []conv.RawMessage{"HTTP/1.1 103 Early Hints\r\n\r\n"}})
		c := dial(addr)
		c.send("POST " + conv.OriginPath("s6", "echo") + " HTTP/1.0\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
		c.silent()
		c.send("hello")
		c.awaitClose()
		Expect(statuses(c.msgs)).To(Equal([]int{200}))
		q := record(o, "s6", 1, complete).Requests[0]
		Expect(q.ExpectSeen).To(BeFalse())
		Expect(q.Proto).To(Equal("HTTP/1.1"), "its own version upstream")
	})

	It("refuses what intermediaries could read differently (T27)", func() {
		o.Register("s7", conv.OriginScript{})
		c := dial(addr)
		c.send("POST " + conv.OriginPath("s7", "echo") + " HTTP/1.1\r\nHost: t\r\nExpect : 100-continue\r\nContent-Length: 2\r\n\r\nok")
		Expect(c.await(1)[0].Status).To(Equal(400))
		c.awaitClose()
		Expect(o.Record("s7").Requests).To(BeEmpty())
	})
})

var _ = Describe("the buffering reference gateway", func() {
	var o *origin.Origin
	var addr string
	BeforeEach(func() {
		o = startOrigin()
		addr = startGateway(gateways.StartBuffering, o)
	})

	It("answers 100 itself, then sends head and whole content upstream without Expect, relaying only the final", func() {
		o.Register("b1", conv.OriginScript{Interims: []conv.RawMessage{"HTTP/1.1 102 Processing\r\n\r\n"}})
		c := dial(addr)
		c.send(post("b1", 5, "Expect: 100-continue"))
		Expect(c.await(1)[0].Status).To(Equal(100))
		Consistently(func() int { return len(o.Record("b1").Requests) }).WithTimeout(quiet).Should(BeZero(), "nothing upstream before the content")

		c.send("hello")
		Expect(statuses(c.await(2))).To(Equal([]int{100, 200}))
		// The origin records a response once its write returned, which can be after the gateway
		// relayed it to the client: wait for both responses to be recorded.
		q := record(o, "b1", 1, func(q conv.OriginRequest) bool { return q.Complete && len(q.Sent) >= 2 }).Requests[0]
		Expect(q.ExpectSeen).To(BeFalse())
		Expect(q.HeadBeforeContent).To(BeFalse(), "head and content in one write")
		Expect(q.Get("Via")).To(Equal([]string{"1.1 expectspec-buffering"}))
		Expect(q.Sent).To(HaveLen(2), "the origin's 102 was not relayed")
	})

	It("decodes chunked content and sends it with a Content-Length", func() {
		o.Register("b2", conv.OriginScript{})
		c := dial(addr)
		c.send("POST " + conv.OriginPath("b2", "echo") + " HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n")
		Expect(c.await(1)[0].Status).To(Equal(100))
		c.send("3\r\nhel\r\n2\r\nlo\r\n0\r\n\r\n")
		Expect(c.await(2)[1].Status).To(Equal(200))
		q := record(o, "b2", 1, complete).Requests[0]
		Expect(q.Framing).To(Equal("content-length"))
		Expect(q.Has("Transfer-Encoding")).To(BeFalse())
		Expect(string(q.Content)).To(Equal("hello"))
	})
})

var _ = Describe("the gateways' goroutines", func() {
	DescribeTable("all end with stop, even with exchanges in flight",
		func(start func(string) (string, func(), error)) {
			before := runtime.NumGoroutine()
			o, err := origin.Start(origin.WithIdleTimeout(5 * time.Second))
			Expect(err).NotTo(HaveOccurred())
			addr, stop, err := start(o.Addr())
			Expect(err).NotTo(HaveOccurred())
			o.Register("g", conv.OriginScript{OnHead: conv.HeadWait})
			for range 3 {
				c := dial(addr)
				c.send(post("g", 100, "Expect: 100-continue")) // left with the body owed
			}
			c := dial(addr)
			c.send(post("g", 2) + "ok") // completed, its upstream connection pooled
			c.await(1)
			stop()
			Expect(o.Close()).To(Succeed())
			Eventually(runtime.NumGoroutine).WithTimeout(within).WithPolling(10 * time.Millisecond).
				Should(BeNumerically("<=", before))
		},
		Entry("Go's ReverseProxy", gateways.StartGoReverseProxy),
		Entry("streaming", gateways.StartStreaming),
		Entry("buffering", gateways.StartBuffering),
	)
})
