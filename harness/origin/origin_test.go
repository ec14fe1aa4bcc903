package origin_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/expectspec/expectspec/harness/conv"
	"github.com/expectspec/expectspec/harness/origin"
)

var _ = Describe("the scripted origin", func() {
	var o *origin.Origin
	BeforeEach(func() { o = startOrigin() })

	Describe("100 on the head (the zero script)", func() {
		It("answers 100 before the content, 200 after it, and records the exchange", func() {
			o.Register("c1", conv.OriginScript{})
			c := dial(o.Addr())
			c.send(post("c1", 5, "EXPECT: 100-Continue", "x-MiXeD-Case:  v \t"))
			c.expect(string(conv.Continue100))
			time.Sleep(20 * time.Millisecond) // the content goes out in a later read
			c.send("hello")
			c.expect(string(conv.OK200))

			q := requests(o, "c1", 1, sentN(2)).Requests[0]
			Expect(q.Conn).To(Equal(1))
			Expect(q.Seq).To(Equal(1))
			Expect(q.RequestLine).To(Equal("POST /__expectspec/c1/echo HTTP/1.1"))
			Expect([]string{q.Method, q.Target, q.Proto}).To(Equal([]string{"POST", "/__expectspec/c1/echo", "HTTP/1.1"}))
			Expect(q.Fields).To(Equal([]conv.Field{
				{Name: "Host", Value: "t"}, {Name: "Content-Length", Value: "5"},
				{Name: "EXPECT", Value: "100-Continue"}, {Name: "x-MiXeD-Case", Value: "v"},
			}))
			Expect(string(q.Head)).To(Equal(post("c1", 5, "EXPECT: 100-Continue", "x-MiXeD-Case:  v \t")))
			Expect(q.ExpectSeen).To(BeTrue())
			Expect(q.ExpectValues).To(Equal([]string{"100-Continue"}))
			Expect(q.ExpectsContinue).To(BeTrue())
			Expect(q.Framing).To(Equal("content-length"))
			Expect(q.DeclaredLength).To(Equal(int64(5)))
			Expect(q.HeadBeforeContent).To(BeTrue())
			Expect(q.ContentAt).To(HaveLen(1))
			Expect(q.ContentAt[0].N).To(Equal(5))
			Expect(q.ContentAt[0].At).To(BeNumerically(">=", q.HeadAt+15*time.Millisecond))
			Expect(q.HeadAt).To(BeNumerically(">=", q.StartAt))
			Expect(q.ContentLen).To(Equal(int64(5)))
			Expect(string(q.Content)).To(Equal("hello"))
			Expect(q.Complete).To(BeTrue())
			Expect(q.Sent).To(HaveLen(2))
			Expect(q.Sent[0].Msg).To(Equal(conv.Continue100))
			Expect(q.Sent[0].At).To(BeNumerically("<", q.ContentAt[0].At))
			Expect(q.Sent[1].Msg).To(Equal(conv.OK200))
			Expect(q.EarlyFinal).To(BeFalse())
			Expect(q.Closed).To(BeFalse())
		})

		It("keeps the connection, so a second request shows the reuse", func() {
			o.Register("c2", conv.OriginScript{})
			c := dial(o.Addr())
			c.send(post("c2", 2) + "ok")
			c.expect(string(conv.OK200))
			c.send(head("GET", conv.OriginPath("c2", "ok"), "HTTP/1.1"))
			c.expect(string(conv.OK200))

			rec := requests(o, "c2", 2, sentN(1))
			Expect(rec.Requests[0].Sent).To(HaveLen(1), "no 100 without Expect")
			Expect(rec.Requests[0].HeadBeforeContent).To(BeFalse(), "head and content came in one read")
			Expect(rec.Requests[1].Conn).To(Equal(rec.Requests[0].Conn))
			Expect(rec.Requests[1].Seq).To(Equal(2))
			Expect(rec.Requests[1].Framing).To(Equal("none"))
			Expect(rec.Conns).To(HaveLen(1))
			Expect(rec.Conns[0].Requests).To(Equal(2))
			Expect(rec.Conns[0].Remote).To(Equal(c.LocalAddr().String()))

			_ = c.Close()
			rec = requests(o, "c2", 2, closed)
			Expect(rec.Requests[1].ClosedBy).To(Equal(conv.ClosedByPeer))
			Expect(rec.Requests[0].Closed).To(BeFalse())
		})

		It("sends no 100 to an HTTP/1.0 request, and closes after answering it", func() {
			o.Register("c3", conv.OriginScript{})
			c := dial(o.Addr())
			c.send(head("POST", conv.OriginPath("c3", "echo"), "HTTP/1.0", "Content-Length: 5", "Expect: 100-continue"))
			c.silent()
			c.send("hello")
			c.expect(string(conv.OK200))
			c.expectClose()
			q := requests(o, "c3", 1, closed).Requests[0]
			Expect(q.Sent).To(HaveLen(1))
			Expect(q.ClosedBy).To(Equal(conv.ClosedByOrigin))
		})
	})

	It("waits for the content when the script says so (T30 mode ii)", func() {
		o.Register("w", conv.OriginScript{OnHead: conv.HeadWait})
		c := dial(o.Addr())
		c.send(post("w", 10, "Expect: 100-continue"))
		c.silent()
		c.send("01234")
		// Wait until the origin has read the first part before timing the gap to the second:
		// a fixed sleep alone lets a busy machine deliver both parts in one read.
		requests(o, "w", 1, contentLen(5))
		time.Sleep(30 * time.Millisecond)
		c.send("56789")
		c.expect(string(conv.OK200))

		q := requests(o, "w", 1, sentN(1)).Requests[0]
		Expect(q.ContentAt).To(HaveLen(2))
		Expect(q.ContentAt[1].At - q.ContentAt[0].At).To(BeNumerically(">=", 25*time.Millisecond))
		Expect(string(q.Content)).To(Equal("0123456789"))
		Expect(q.Sent).To(HaveLen(1))
	})

	Describe("an early final response", func() {
		It("keeps reading and logs the rest of the content, then serves the next request", func() {
			o.Register("e1", conv.ScriptEarly(conv.Unauthorized401, conv.EarlyKeepReading))
			c := dial(o.Addr())
			c.send(post("e1", len(smuggled), "Expect: 100-continue"))
			c.expect(string(conv.Unauthorized401))
			c.silent()
			c.send(smuggled)
			c.send(head("GET", conv.OriginPath("e1", "ok"), "HTTP/1.1"))
			c.expect(string(conv.Unauthorized401)) // the same script answers the second request

			rec := requests(o, "e1", 2, sentN(1))
			q := rec.Requests[0]
			Expect(q.EarlyFinal).To(BeTrue())
			Expect(q.Complete).To(BeTrue())
			Expect(string(q.AfterBytes)).To(Equal(smuggled), "the marker was read as content")
			Expect(q.AfterResponse).NotTo(BeEmpty())
			Expect(q.AfterResponse[0].At).To(BeNumerically(">", q.Sent[0].At))
			Expect(q.NextRequestOnConn).To(BeFalse())
			Expect(rec.Requests[1].Conn).To(Equal(q.Conn))
			Expect(rec.Requests[1].StartedInsideContent).To(BeFalse())
		})

		It("sees a next request that starts while the declared content is outstanding (desync evidence, T31)", func() {
			o.Register("e2", conv.ScriptEarly(conv.Unauthorized401, conv.EarlyKeepReading))
			o.Register("next", conv.OriginScript{})
			c := dial(o.Addr())
			c.send(post("e2", len(smuggled), "Expect: 100-continue"))
			c.expect(string(conv.Unauthorized401))
			c.send("GET /__sm") // part of the body, then the body is abandoned
			// The next request must come in a later read than the partial body, or both carry
			// the same time: wait until the origin has logged the partial body.
			Eventually(func() string { return string(o.Record("e2").Requests[0].AfterBytes) }).
				WithTimeout(within).WithPolling(5 * time.Millisecond).Should(Equal("GET /__sm"))
			c.send(head("GET", conv.OriginPath("next", "ok"), "HTTP/1.1"))
			c.expect(string(conv.OK200)) // the next request was served, not swallowed

			q := requests(o, "e2", 1).Requests[0]
			Expect(q.NextRequestOnConn).To(BeTrue())
			Expect(q.NextRequestLine).To(Equal("GET /__expectspec/next/ok HTTP/1.1"))
			Expect(q.NextRequestAt).To(BeNumerically(">", q.AfterResponse[0].At))
			Expect(string(q.AfterBytes)).To(Equal("GET /__sm"))
			Expect(q.Complete).To(BeFalse())
			n := requests(o, "next", 1, sentN(1)).Requests[0]
			Expect(n.StartedInsideContent).To(BeTrue())
			Expect(n.Conn).To(Equal(q.Conn))
		})

		It("reads a request inside the content as content when the script says the content is only content (T10b through a tunnel)", func() {
			s := conv.ScriptEarly(conv.Unauthorized401, conv.EarlyKeepReading)
			s.ContentIsContent = true
			o.Register("e5", s)
			o.Register("inner", conv.OriginScript{})
			inner := head("POST", conv.OriginPath("inner", "upload"), "HTTP/1.1", "Content-Length: 5") + "hello"
			c := dial(o.Addr())
			c.send(post("e5", len(inner)+8, "Expect: 100-continue"))
			c.expect(string(conv.Unauthorized401))
			c.send(inner)
			c.silent() // the inner request is not answered: it is content, 8 octets short

			q := requests(o, "e5", 1, func(q conv.OriginRequest) bool { return q.ContentLen == int64(len(inner)) }).Requests[0]
			Expect(q.NextRequestOnConn).To(BeFalse())
			Expect(q.Complete).To(BeFalse())
			Expect(o.Record("inner").Requests).To(BeEmpty())
		})

		It("finds a next request even in a read that also carries content", func() {
			o.Register("e3", conv.ScriptEarly(conv.Unauthorized401, conv.EarlyKeepReading))
			c := dial(o.Addr())
			c.send(post("e3", 100))
			c.expect(string(conv.Unauthorized401))
			c.send("abcPUT http://origin.test/__expectspec/e3/x HTTP/1.1\r\nHost: origin.test\r\nContent-Length: 0\r\n\r\n")
			c.expect(string(conv.Unauthorized401))
			rec := requests(o, "e3", 2, sentN(1))
			Expect(rec.Requests[0].NextRequestLine).To(Equal("PUT http://origin.test/__expectspec/e3/x HTTP/1.1"))
			Expect(string(rec.Requests[0].AfterBytes)).To(Equal("abc"))
			Expect(rec.Requests[1].Method).To(Equal("PUT"))
		})

		It("closes in stages when the script says so, logging what still arrives", func() {
			o.Register("e4", conv.ScriptEarly("HTTP/1.1 413 Content Too Large\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", conv.EarlyClose))
			c := dial(o.Addr())
			c.send(post("e4", 5, "Expect: 100-continue"))
			c.expect("HTTP/1.1 413 Content Too Large\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
			c.send("hello")
			c.expectClose()
			q := requests(o, "e4", 1, closed).Requests[0]
			Expect(q.ClosedBy).To(Equal(conv.ClosedByOrigin))
			Eventually(func() string { return string(o.Record("e4").Requests[0].AfterBytes) }).
				WithTimeout(within).Should(Equal("hello"))
		})

		It("answers 417 to Expect only, and serves the retry without it (T25)", func() {
			o.Register("t25", conv.Script417IfExpect())
			c := dial(o.Addr())
			c.send(post("t25", 5, "Expect: 100-continue"))
			c.expect(string(conv.ExpectationFailed417))
			c.send("hello") // the client sends the content anyway; the origin reads it
			c.send(post("t25", 5) + "hello")
			c.expect(string(conv.OK200))
			rec := requests(o, "t25", 2, sentN(1))
			Expect(rec.Requests[0].EarlyFinal).To(BeTrue())
			Expect(rec.Requests[1].EarlyFinal).To(BeFalse())
			Expect(rec.Requests[1].ExpectSeen).To(BeFalse())
		})
	})

	It("sends the interims after the content, in order, then the final (T21)", func() {
		interims := []conv.RawMessage{
			"HTTP/1.1 102 Processing\r\n\r\n",
			"HTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload\r\n\r\n",
			"HTTP/1.1 103 Early Hints\r\nLink: </a.js>; rel=preload\r\n\r\n",
			"HTTP/1.1 199 Misc\r\nX-T: 1\r\n\r\n",
		}
		final := conv.RawMessage("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
		o.Register("t21", conv.OriginScript{Interims: interims, Final: final})
		c := dial(o.Addr())
		c.send(post("t21", 5, "Expect: 100-continue"))
		c.expect(string(conv.Continue100))
		c.send("hello")
		c.expect(string(interims[0] + interims[1] + interims[2] + interims[3] + final))
		q := requests(o, "t21", 1, sentN(6)).Requests[0]
		Expect(q.Sent[5].Msg).To(Equal(final))
	})

	It("speaks HTTP/1.0: no 1xx, and a close after the response (T24)", func() {
		o.Register("t24", conv.ScriptHTTP10())
		c := dial(o.Addr())
		c.send(post("t24", 5, "Expect: 100-continue"))
		c.silent()
		c.send("hello")
		c.expect(string(conv.OK200HTTP10))
		c.expectClose()
		q := requests(o, "t24", 1, closed).Requests[0]
		Expect(q.Sent).To(HaveLen(1))
		Expect(q.ClosedBy).To(Equal(conv.ClosedByOrigin))
	})

	It("sends a 100 with Content-Length followed at once by the final (T21b)", func() {
		o.Register("t21b", conv.ScriptContinueWithContentLength())
		c := dial(o.Addr())
		c.send(post("t21b", 5, "Expect: 100-continue"))
		c.expect("HTTP/1.1 100 Continue\r\nContent-Length: 10\r\n\r\n" + string(conv.OK200))
		c.send("hello")
		q := requests(o, "t21b", 1, complete).Requests[0]
		Expect(string(q.AfterBytes)).To(Equal("hello"))
		Expect(q.Closed).To(BeFalse())
	})

	It("sends a custom 100 even without Expect when told to (T21c)", func() {
		o.Register("t21c", conv.OriginScript{OnHead: conv.HeadContinueAlways, Continue: "HTTP/1.1 100 Continue\r\nX-A : b\r\n\r\n"})
		c := dial(o.Addr())
		c.send(post("t21c", 2))
		c.expect("HTTP/1.1 100 Continue\r\nX-A : b\r\n\r\n")
		c.send("ok")
		c.expect(string(conv.OK200))
	})

	It("keeps field lines as received, whitespace before the colon and folds included (T27)", func() {
		o.Register("t27", conv.OriginScript{})
		c := dial(o.Addr())
		c.send("POST /__expectspec/t27/echo HTTP/1.1\r\nHost: t\r\nExpect : 100-continue\r\nX-Fold: a\r\n b\r\nX-Nul: a\x00b\nContent-Length: 2\r\n\r\nok")
		c.expect(string(conv.OK200))
		q := requests(o, "t27", 1, sentN(1)).Requests[0]
		Expect(q.Fields).To(Equal([]conv.Field{
			{Name: "Host", Value: "t"}, {Name: "Expect ", Value: "100-continue"}, {Name: "X-Fold", Value: "a"},
			{Name: "", Value: " b"}, {Name: "X-Nul", Value: "a\x00b"}, {Name: "Content-Length", Value: "2"},
		}))
		Expect(q.ExpectSeen).To(BeFalse(), "`Expect ` is not the field Expect")
		Expect(q.Has("expect ")).To(BeTrue())
	})

	It("frames chunked content and records the decoded octets", func() {
		o.Register("ch", conv.OriginScript{})
		c := dial(o.Addr())
		c.send(head("POST", conv.OriginPath("ch", "echo"), "HTTP/1.1", "Transfer-Encoding: chunked", "Expect: 100-continue"))
		c.expect(string(conv.Continue100))
		c.send("5\r\nhel")
		requests(o, "ch", 1, func(q conv.OriginRequest) bool { return len(q.ContentAt) == 1 }) // two reads, not one
		c.send("lo\r\n0\r\nX-Trailer: 1\r\n\r\n")
		c.expect(string(conv.OK200))
		q := requests(o, "ch", 1, sentN(2)).Requests[0]
		Expect(q.Framing).To(Equal("chunked"))
		Expect(q.ContentLen).To(Equal(int64(5)))
		Expect(string(q.Content)).To(Equal("hello"))
		Expect(q.ContentAt).To(HaveLen(2))
		Expect(q.ContentAt[0].N + q.ContentAt[1].N).To(Equal(len("5\r\nhello\r\n0\r\nX-Trailer: 1\r\n\r\n")))
	})

	It("answers 400 and closes on framing it cannot trust", func() {
		o.Register("bad", conv.OriginScript{})
		c := dial(o.Addr())
		c.send(post("bad", 5, "Content-Length: 6"))
		c.expect("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
		c.expectClose()
		q := requests(o, "bad", 1, closed).Requests[0]
		Expect(q.Framing).To(Equal("invalid"))
		Expect(q.FramingError).To(ContainSubstring("differing values"))
	})
})
