package gateways_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/expectspec/expectspec/harness/conv"
	"github.com/expectspec/expectspec/harness/gateways"
	"github.com/expectspec/expectspec/harness/origin"
)

var _ = Describe("the streaming reference as a forward proxy", func() {
	var o *origin.Origin
	var addr string
	BeforeEach(func() {
		o = startOrigin()
		addr = startGateway(gateways.StartStreamingProxy, o)
	})

	absolute := func(authority, token string) string {
		return "http://" + authority + conv.OriginPath(token, "echo")
	}

	It("sends an absolute-form request to the authority it names, in origin-form with that Host, and streams it as the gateway does", func() {
		o.Register("p1", conv.OriginScript{})
		c := dial(addr)
		c.send("POST " + absolute(o.Addr(), "p1") + " HTTP/1.1\r\nHost: elsewhere.test\r\nContent-Length: 5\r\nExpect: 100-continue\r\nProxy-Connection: keep-alive\r\n\r\n")
		Expect(c.await(1)[0].Status).To(Equal(100), "the origin's 100, relayed")
		q := record(o, "p1", 1, nil).Requests[0]
		Expect(q.RequestLine).To(Equal("POST " + conv.OriginPath("p1", "echo") + " HTTP/1.1"))
		Expect(q.Get("Host")).To(Equal([]string{o.Addr()}), "RFC 9112 §3.2.2: the Host of the request-target")
		Expect(q.Get("Via")).To(Equal([]string{"1.1 expectspec-proxy"}))
		Expect(q.Has("Proxy-Connection")).To(BeFalse())
		Expect(q.HeadBeforeContent).To(BeTrue())
		c.send("hello")
		Expect(statuses(c.await(2))).To(Equal([]int{100, 200}))

		c.send("POST " + absolute(o.Addr(), "p1") + " HTTP/1.1\r\nHost: " + o.Addr() + "\r\nContent-Length: 2\r\n\r\nok")
		c.await(3)
		rec := record(o, "p1", 2, complete)
		Expect(rec.Requests[1].Conn).To(Equal(rec.Requests[0].Conn), "the upstream connection is pooled per authority")
	})

	DescribeTable("refuses what it will not forward, and forwards nothing",
		func(line string, code int) {
			c := dial(addr)
			c.send(line + "\r\nHost: t\r\nContent-Length: 0\r\n\r\n")
			Expect(c.await(1)[0].Status).To(Equal(code))
			c.awaitClose()
			Expect(o.Record("p2").Requests).To(BeEmpty())
		},
		Entry("origin-form", "GET "+conv.OriginPath("p2", "echo")+" HTTP/1.1", 400),
		Entry("a non-loopback authority", "GET http://192.0.2.1"+conv.OriginPath("p2", "echo")+" HTTP/1.1", 403),
		Entry("a host name other than localhost", "GET http://example.com"+conv.OriginPath("p2", "echo")+" HTTP/1.1", 403),
		Entry("userinfo", "GET http://u@127.0.0.1:1"+conv.OriginPath("p2", "echo")+" HTTP/1.1", 400),
		Entry("https", "GET https://127.0.0.1:1"+conv.OriginPath("p2", "echo")+" HTTP/1.1", 501),
		Entry("CONNECT", "CONNECT 127.0.0.1:1 HTTP/1.1", 501),
	)
})
