package cases_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/expectspec/expectspec/cases"
	"github.com/expectspec/expectspec/harness/conv"
)

// What HTTP/2 does not make malformed (T43c, T43e), and the 417 check over HTTP/2, on made-up
// timelines. The withheld exchange: the header block at 0, the content only after a first
// response or the long wait; a reset races the content's write, so it is played before it
// (the server's reaction to the header block) and after it.
var _ = Describe("the HTTP/2 judges of valid requests (T43c, T43e) and of a 417", func() {
	judge := func(id string, b *h2TL) cases.Outcome {
		c, _ := cases.ByID(id)
		Expect(c.AppliesTo(conv.H2)).To(BeTrue(), id)
		return decideH2(id, b)
	}
	expect := expectOutcome
	head := func() *h2TL { return (&h2TL{}).sent(0, "head", "HEADERS") }
	// answered: the first response at 1 ms, the content at 2 ms.
	continued := func() *h2TL {
		return head().headers(1, "first", 100, false).sent(2, "body", "DATA").headers(3, "final", 200, false).data(3, "final", true).quiet(303)
	}
	// unanswered: nothing by the long wait, then the content and the final.
	unanswered := func(b *h2TL, ms int) *h2TL {
		return b.add(10000, "first", conv.Event{Kind: conv.EvDeadline, Cause: conv.CauseDeadline}).
			sent(10001, "body", "DATA").add(ms, "final", conv.Event{Kind: conv.EvDeadline, Cause: conv.CauseDeadline})
	}
	goaway := func(b *h2TL, ms int, step string, code uint32) *h2TL {
		return b.add(ms, step, conv.Event{Kind: conv.EvFrame, Frame: &conv.FrameInfo{Type: "GOAWAY", Code: code, Length: 8}})
	}

	Describe("origin/h2-te-trailers-with-expect (T43e)", func() {
		const id = "origin/h2-te-trailers-with-expect"
		It("passes a 100 then the final, or a final status at once", func() {
			expect(judge(id, continued()), cases.Pass, "H2-CONN-SPECIFIC", "EXP-ORIGIN-IMMEDIATE")
			expect(judge(id, head().headers(1, "first", 404, true).sent(2, "body", "DATA").quiet(302)), cases.Pass, "H2-CONN-SPECIFIC")
		})
		It("warns a 400, with or without a reset after it: a 400 names no rule, so te is the likely cause, not a proven one", func() {
			for _, b := range []*h2TL{
				head().headers(1, "first", 400, true).sent(2, "body", "DATA").quiet(302),
				head().headers(1, "first", 400, true).reset(1, "first", conv.CodeProtocolError).sent(2, "body", "DATA").quiet(302),
			} {
				o := judge(id, b)
				expect(o, cases.Warn, "H2-CONN-SPECIFIC")
				Expect(o.Reason).To(ContainSubstring("§8.2.2"))
			}
		})
		It("fails a reset with PROTOCOL_ERROR before any response, of the stream or the connection, before or after the content", func() {
			for _, b := range []*h2TL{
				unanswered(head().reset(1, "first", conv.CodeProtocolError), 15001),
				unanswered(head(), 15001).reset(10002, "final", conv.CodeProtocolError),
				unanswered(goaway(head(), 1, "first", conv.CodeProtocolError), 15001),
				goaway(head().reset(1, "first", conv.CodeProtocolError), 1, "first", conv.CodeProtocolError).add(2, "first", conv.Event{Kind: conv.EvFIN}),
			} {
				o := judge(id, b)
				expect(o, cases.Fail, "H2-CONN-SPECIFIC")
				Expect(o.Reason).To(ContainSubstring("PROTOCOL_ERROR"))
				Expect(o.Reason).NotTo(ContainSubstring("wait for the content"))
			}
		})
		It("warns a reset with another code before any response", func() {
			o := judge(id, unanswered(head().reset(1, "first", conv.CodeRefusedStream), 15001))
			expect(o, cases.Warn, "H2-CONN-SPECIFIC")
			Expect(o.Reason).To(ContainSubstring("REFUSED_STREAM"))
		})
		It("reads past a GOAWAY with another code, and judges what follows", func() {
			expect(judge(id, goaway(head(), 1, "first", conv.CodeNoError).headers(1, "first", 100, false).sent(2, "body", "DATA").
				headers(3, "final", 200, true).quiet(303)), cases.Pass, "H2-CONN-SPECIFIC")
		})
		It("reads a reset after the 100 as T01 does, not as a refusal of the field", func() {
			o := judge(id, head().headers(1, "first", 100, false).sent(2, "body", "DATA").reset(3, "final", conv.CodeProtocolError).
				add(5002, "final", conv.Event{Kind: conv.EvDeadline, Cause: conv.CauseDeadline}))
			Expect(o.Verdict).To(Equal(cases.Fail), o.String())
			Expect(o.Requirements).NotTo(ContainElement("H2-CONN-SPECIFIC"), o.String())
		})
		It("fails silence while the content is withheld as the immediate duty", func() {
			b := head().add(10000, "first", conv.Event{Kind: conv.EvDeadline, Cause: conv.CauseDeadline}).
				sent(10001, "body", "DATA").headers(10002, "final", 200, true).quiet(10302)
			expect(judge(id, b), cases.Fail, "EXP-ORIGIN-IMMEDIATE", "EXP-ORIGIN-NO-WAIT")
		})
	})

	Describe("origin/name-title-value-title over HTTP/2 (T43c)", func() {
		const id = "origin/name-title-value-title"
		It("runs the value spellings over HTTP/2, and not those that vary the name", func() {
			for _, other := range []string{"origin/name-title-value-upper", "origin/name-title-value-mixed"} {
				c, _ := cases.ByID(other)
				Expect(c.AppliesTo(conv.H2)).To(BeTrue(), other)
			}
			for _, other := range []string{"origin/name-lower-value-title", "origin/name-upper-value-lower", "origin/ows-around"} {
				c, _ := cases.ByID(other)
				Expect(c.AppliesTo(conv.H2)).To(BeFalse(), other)
			}
		})
		It("passes a 100 at once", func() {
			expect(judge(id, continued()), cases.Pass, "EXP-ORIGIN-IMMEDIATE")
		})
		It("fails silence, naming the value's case and quoting the field as sent over HTTP/2", func() {
			b := head().add(10000, "first", conv.Event{Kind: conv.EvDeadline, Cause: conv.CauseDeadline}).
				sent(10001, "body", "DATA").headers(10002, "final", 200, true).quiet(10302)
			o := judge(id, b)
			expect(o, cases.Fail, "EXP-VALUE-CASE", "EXP-ORIGIN-IMMEDIATE")
			Expect(o.Reason).To(ContainSubstring(`expect: "100-Continue"`))
		})
	})

	Describe("the 417 check over HTTP/2 (EXP-NO-417-FOR-100-CONTINUE)", func() {
		request := func(end bool, extra ...conv.Field) *h2TL {
			fields := append([]conv.Field{{Name: ":method", Value: "POST"}, {Name: ":scheme", Value: "http"},
				{Name: ":authority", Value: "t"}, {Name: ":path", Value: "/upload"}}, extra...)
			var flags uint8 = conv.FlagEndHeaders
			if end {
				flags |= conv.FlagEndStream
			}
			b := &h2TL{}
			return b.add(0, "head", conv.Event{Kind: conv.EvSent, Frame: &conv.FrameInfo{Type: "HEADERS", Stream: 1, Flags: flags, Fields: fields}})
		}
		refused := func(b *h2TL) *h2TL {
			return b.headers(1, "first", 417, true).sent(2, "body", "DATA").quiet(302)
		}
		length := conv.Field{Name: "content-length", Value: "5"}
		expect100 := conv.Field{Name: "expect", Value: "100-continue"}

		It("warns a 417 to a well-formed upload that expects 100-continue, te: trailers or not, its length declared or not", func() {
			for _, b := range []*h2TL{
				request(false, length, expect100),
				request(false, expect100),
				request(false, length, expect100, conv.Field{Name: "te", Value: "trailers"}),
			} {
				o := judge("origin/immediate-100", refused(b))
				expect(o, cases.Warn, "EXP-NO-417-FOR-100-CONTINUE")
				Expect(o.Reason).To(ContainSubstring("to an HTTP/2 request"))
				Expect(o.BreaksUploads).To(Equal(cases.Refuses100Continue))
			}
		})
		It("leaves a 417 to a malformed request, another expectation, or one without content to the case's judge", func() {
			for _, b := range []*h2TL{
				request(false, length, conv.Field{Name: "Expect", Value: "100-continue"}),
				request(false, length, conv.Field{Name: "expect", Value: " 100-continue"}),
				request(false, length, expect100, conv.Field{Name: "connection", Value: "keep-alive"}),
				request(false, length, expect100, conv.Field{Name: "te", Value: "gzip"}),
				request(false, length, expect100, conv.Field{Name: "expect", Value: "foo"}),
				request(false, length, conv.Field{Name: "expect", Value: "100-continue, foo"}),
				request(false, conv.Field{Name: "content-length", Value: "0"}, expect100),
				request(false, conv.Field{Name: "content-length", Value: "1099511627776"}, expect100),
				request(true, length, expect100),
			} {
				o := judge("origin/immediate-100", refused(b))
				Expect(o.BreaksUploads).To(BeEmpty(), o.String())
				Expect(o.Reason).NotTo(ContainSubstring("EXP-NO-417-FOR-100-CONTINUE"), o.String())
			}
		})
	})
})
