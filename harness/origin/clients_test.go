package origin_test

import (
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/expectspec/expectspec/harness/conv"
	"github.com/expectspec/expectspec/harness/origin"
)

// The behaviours the client cases (T60-T65) ask of the origin, each played by a raw client.
var _ = Describe("the scripted origin as the server of a client under test", func() {
	const tok = "cli"
	final := conv.RawMessage("HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nfinal\n")

	It("never answers the head: it waits for the content, then answers (T61)", func() {
		o := startOrigin()
		o.Register(tok, conv.OriginScript{OnHead: conv.HeadWait, Final: final})
		c := dial(o.Addr())
		c.send(post(tok, 3, "Expect: 100-continue"))
		c.silent()
		c.send("abc")
		c.expect(string(final))
		q := requests(o, tok, 1, complete).Requests[0]
		Expect(q.ExpectsContinue).To(BeTrue())
		// The content came in a read of its own, after the head. No margin of quiet between
		// them: the origin may read the head late on a busy machine, and silent() above
		// already showed that nothing was answered before the content.
		Expect(q.HeadBeforeContent).To(BeTrue())
		Expect(q.ContentAt[0].At).To(BeNumerically(">", q.HeadAt))
	})

	It("answers the head with 417 and serves the retry without Expect (T62)", func() {
		o := startOrigin()
		s := conv.Script417IfExpect()
		s.Final = final
		o.Register(tok, s)
		c := dial(o.Addr())
		c.send(post(tok, 3, "Expect: 100-continue"))
		c.expect(string(conv.ExpectationFailed417))
		c2 := dial(o.Addr())
		c2.send(post(tok, 3) + "abc")
		c2.expect(string(final))
		rec := requests(o, tok, 2, complete)
		Expect(rec.Requests[1].ExpectSeen).To(BeFalse())
		// The origin records a message after writing it, so the 417 can reach the client
		// before the record says it was sent: wait for it rather than read it once.
		Eventually(func() bool { return o.Record(tok).Requests[0].EarlyFinal }).
			WithTimeout(within).WithPolling(5 * time.Millisecond).Should(BeTrue())
	})

	DescribeTable("sends what the case gives as the 100, on every head, then the final after the content (T63)",
		func(cont conv.RawMessage, expect bool) {
			o := startOrigin()
			o.Register(tok, conv.OriginScript{OnHead: conv.HeadContinueAlways, Continue: cont, Final: final})
			c := dial(o.Addr())
			if expect {
				c.send(post(tok, 3, "Expect: 100-continue"))
			} else {
				c.send(post(tok, 3))
			}
			c.expect(string(cont))
			c.silent() // nothing more before the content: a client that frames the 1xx by its Content-Length waits here
			c.send("abc")
			c.expect(string(final))
			Expect(requests(o, tok, 1, complete, sentN(2)).Requests[0].Sent).To(HaveLen(2))
		},
		Entry("two 100s", conv.RawMessage("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 100 Continue\r\n\r\n"), true),
		Entry("a 100 to a request without Expect", conv.Continue100, false),
		Entry("102, 103 with fields and 199, then the 100", conv.RawMessage("HTTP/1.1 102 Processing\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload\r\n\r\nHTTP/1.1 199 Whatever\r\n\r\nHTTP/1.1 100 Continue\r\n\r\n"), true),
		Entry("a 100 with Content-Length", conv.RawMessage("HTTP/1.1 100 Continue\r\nContent-Length: 10\r\n\r\n"), true),
		Entry("a 100 without reason phrase", conv.RawMessage("HTTP/1.1 100 \r\n\r\n"), true),
	)

	Describe("an early final with a redirect the client may follow (T64)", func() {
		early := conv.RawMessage("HTTP/1.1 303 See Other\r\nLocation: " + conv.OriginPath(tok, "next") + "\r\nContent-Length: 6\r\n\r\nearly\n")
		next := conv.RawMessage("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nnext\n")
		startEarly := func() *origin.Origin {
			o := startOrigin()
			s := conv.ScriptEarly(early, conv.EarlyKeepReading)
			s.FollowUp = next
			o.Register(tok, s)
			return o
		}

		It("answers the follow-up GET on a new connection with FollowUp", func() {
			o := startEarly()
			c := dial(o.Addr())
			c.send(post(tok, 3, "Expect: 100-continue"))
			c.expect(string(early))
			c2 := dial(o.Addr())
			c2.send(head("GET", conv.OriginPath(tok, "next"), "HTTP/1.1"))
			c2.expect(string(next))
			rec := requests(o, tok, 2, sentN(1))
			Expect(rec.Requests[1].Conn).NotTo(Equal(rec.Requests[0].Conn))
			Expect(rec.Requests[1].Sent[0].Msg).To(Equal(next))
		})

		It("records a follow-up sent inside the content it did not finish (a client's desync)", func() {
			o := startEarly()
			c := dial(o.Addr())
			c.send(post(tok, 100, "Expect: 100-continue"))
			c.expect(string(early))
			c.send(head("GET", conv.OriginPath(tok, "next"), "HTTP/1.1"))
			c.expect(string(next))
			q := requests(o, tok, 2).Requests[0]
			Expect(q.NextRequestOnConn).To(BeTrue())
			Expect(q.Complete).To(BeFalse())
		})

		It("closes in stages after an early final with Connection: close, logging a request sent after it", func() {
			o := startOrigin()
			closing := conv.RawMessage("HTTP/1.1 303 See Other\r\nLocation: /x\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")
			o.Register(tok, conv.ScriptEarly(closing, conv.EarlyClose))
			c := dial(o.Addr())
			c.send(post(tok, 100, "Expect: 100-continue"))
			c.expect(string(closing))
			c.send(head("GET", conv.OriginPath(tok, "next"), "HTTP/1.1"))
			q := requests(o, tok, 1, closed).Requests[0]
			Eventually(func() string { return string(o.Record(tok).Requests[0].AfterBytes) }).
				WithTimeout(within).Should(ContainSubstring(conv.OriginPath(tok, "next")))
			Expect(q.ClosedBy).To(Equal(conv.ClosedByOrigin))
		})
	})

	DescribeTable("sends the early final once the content has started, while the rest is coming (T64)",
		func(after conv.AfterEarly) {
			o := startOrigin()
			early := conv.RawMessage("HTTP/1.1 303 See Other\r\nLocation: /x\r\nContent-Length: 0\r\n\r\n")
			o.Register(tok, conv.OriginScript{OnHead: conv.HeadContinueThenFinal, Early: early, AfterEarly: after})
			c := dial(o.Addr())
			c.send(post(tok, 100))
			c.expect(string(conv.Continue100))
			c.silent()
			c.send("0123456789")
			c.expect(string(early))
			c.send(strings.Repeat("x", 90))
			if after == conv.EarlyClose {
				q := requests(o, tok, 1, closed).Requests[0]
				Expect(q.EarlyFinal).To(BeTrue())
				return
			}
			c.send(post(tok, 0))
			c.expect(string(conv.Continue100)) // the next request on the connection, served by the same script
			q := requests(o, tok, 2).Requests[0]
			Expect(q.Complete).To(BeTrue())
			Expect(q.EarlyFinal).To(BeTrue())
			Expect(q.NextRequestOnConn).To(BeFalse())
		},
		Entry("then keeps reading", conv.EarlyKeepReading),
		Entry("then closes", conv.EarlyClose),
	)

	It("sends an orphan 100 right after the final, in the same write (T65)", func() {
		o := startOrigin()
		orphan := final + conv.Continue100
		o.Register(tok, conv.OriginScript{Final: orphan, FollowUp: "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"})
		c := dial(o.Addr())
		c.send(post(tok, 3) + "abc")
		c.expect(string(orphan))
		c.send(head("GET", conv.OriginPath(tok, "next"), "HTTP/1.1"))
		c.expect("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
		rec := requests(o, tok, 2, sentN(1))
		Expect(rec.Requests[1].Conn).To(Equal(rec.Requests[0].Conn))
		Expect(rec.Requests[0].Sent[len(rec.Requests[0].Sent)-1].Msg).To(Equal(orphan))
	})
})
