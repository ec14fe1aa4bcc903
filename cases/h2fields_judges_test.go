package cases_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/expectspec/expectspec/cases"
	"github.com/expectspec/expectspec/harness/conv"
)

// The T43 judges on made-up timelines: the request and its content sent at once, then what the
// server did about stream 1, with the events that race (the content's write against the
// server's reset or answer; a 400 against its reset) in both orders.
var _ = Describe("the HTTP/2 field-rule judges (T43)", func() {
	env := cases.Env{Host: "t", Path: "/upload", Protocol: conv.H2C,
		Timing: cases.Timing{RTT0: time.Millisecond, Immediate: time.Second, Max: 10 * time.Second, Response: 5 * time.Second, Quiet: 300 * time.Millisecond}}
	ids := []string{"origin/h2-uppercase-expect-name", "origin/h2-expect-leading-space", "origin/h2-connection-field-with-expect"}
	rules := map[string]string{ids[0]: "H2-FIELD-VALIDITY", ids[1]: "H2-FIELD-VALIDITY", ids[2]: "H2-CONN-SPECIFIC"}
	judge := func(id string, b *h2TL) cases.Outcome {
		c, ok := cases.ByID(id)
		Expect(ok).To(BeTrue(), id)
		Expect(c.AppliesTo(conv.H2C)).To(BeTrue(), id)
		Expect(c.AppliesTo(conv.H2)).To(BeTrue(), id)
		Expect(c.AppliesTo(conv.HTTP1)).To(BeFalse(), id)
		return c.Decide(env, cases.Observed{Client: &b.tl})
	}
	goaway := func(b *h2TL, ms int, code uint32) *h2TL {
		return b.add(ms, "answer", conv.Event{Kind: conv.EvFrame, Frame: &conv.FrameInfo{Type: "GOAWAY", Code: code, Length: 8}})
	}
	// before has the server react before the content was written, after once it was.
	before := func(react func(*h2TL) *h2TL) *h2TL {
		return react((&h2TL{}).sent(0, "head", "HEADERS")).sent(2, "body", "DATA")
	}
	after := func(react func(*h2TL) *h2TL) *h2TL {
		return react((&h2TL{}).sent(0, "head", "HEADERS").sent(0, "body", "DATA"))
	}
	both := func(react func(*h2TL) *h2TL) []*h2TL { return []*h2TL{before(react), after(react)} }
	check := func(react func(*h2TL) *h2TL, v cases.Verdict, reqs ...string) {
		for _, id := range ids {
			for _, b := range both(react) {
				o := judge(id, b)
				Expect(o.Verdict).To(Equal(v), id+": "+o.String())
				for _, r := range reqs {
					if r == "rule" {
						r = rules[id]
					}
					Expect(o.Requirements).To(ContainElement(r), id+": "+o.String())
				}
			}
		}
	}

	It("passes RST_STREAM(PROTOCOL_ERROR), before or after the content was written", func() {
		check(func(b *h2TL) *h2TL { return b.reset(1, "answer", conv.CodeProtocolError) }, cases.Pass, "rule", "H2-MALFORMED-STREAM-ERROR")
	})
	It("passes a 400, with the reset after it or none", func() {
		check(func(b *h2TL) *h2TL { return b.headers(1, "answer", 400, true) }, cases.Pass, "rule", "H2-MALFORMED-STREAM-ERROR")
		check(func(b *h2TL) *h2TL {
			return b.headers(1, "answer", 400, true).reset(1, "answer", conv.CodeProtocolError)
		}, cases.Pass, "rule")
	})
	It("passes GOAWAY(PROTOCOL_ERROR), and reads a reset and GOAWAY in either order", func() {
		check(func(b *h2TL) *h2TL { return goaway(b, 1, conv.CodeProtocolError) }, cases.Pass, "rule")
		check(func(b *h2TL) *h2TL {
			return goaway(b.reset(1, "answer", conv.CodeProtocolError), 1, conv.CodeProtocolError)
		}, cases.Pass, "rule")
		check(func(b *h2TL) *h2TL {
			return goaway(b, 1, conv.CodeProtocolError).reset(1, "answer", conv.CodeProtocolError)
		}, cases.Pass, "rule")
	})
	It("warns a reset with another code, and reports GOAWAY with another code as info", func() {
		check(func(b *h2TL) *h2TL { return b.reset(1, "answer", conv.CodeCancel) }, cases.Warn, "H2-MALFORMED-STREAM-ERROR")
		check(func(b *h2TL) *h2TL { return goaway(b, 1, conv.CodeNoError) }, cases.Info, "H2-MALFORMED-STREAM-ERROR")
	})
	It("fails a 2xx, and a 100 followed by a 2xx", func() {
		check(func(b *h2TL) *h2TL { return b.headers(1, "answer", 200, true) }, cases.Fail, "rule", "H2-MALFORMED-STREAM-ERROR")
		check(func(b *h2TL) *h2TL { return b.headers(1, "answer", 100, false).headers(3, "answer", 200, true) }, cases.Fail, "rule", "H2-MALFORMED-STREAM-ERROR")
	})
	It("warns a 100 followed by a reset, a refusal or nothing: RFC 9113 §8.1.1 lets a response precede the reset", func() {
		check(func(b *h2TL) *h2TL {
			return b.headers(1, "answer", 100, false).reset(2, "answer", conv.CodeProtocolError)
		}, cases.Warn, "rule")
		check(func(b *h2TL) *h2TL { return goaway(b.headers(1, "answer", 100, false), 2, conv.CodeProtocolError) }, cases.Warn, "rule")
		check(func(b *h2TL) *h2TL { return b.headers(1, "answer", 100, false).headers(3, "answer", 400, true) }, cases.Warn, "rule")
		check(func(b *h2TL) *h2TL {
			return b.headers(1, "answer", 100, false).add(5000, "answer", conv.Event{Kind: conv.EvDeadline, Cause: conv.CauseDeadline})
		}, cases.Warn, "rule")
	})
	It("warns an interim response other than 100, which proves no processing, whatever follows", func() {
		check(func(b *h2TL) *h2TL {
			return b.headers(1, "answer", 103, false).reset(2, "answer", conv.CodeProtocolError)
		}, cases.Warn, "rule")
	})
	It("reports another 4xx as info and a 5xx as a warning", func() {
		check(func(b *h2TL) *h2TL { return b.headers(1, "answer", 417, true) }, cases.Info, "rule")
		check(func(b *h2TL) *h2TL { return b.headers(1, "answer", 502, true) }, cases.Warn, "rule")
	})
	It("is na on silence and on a close without a word, which may be an idle timeout", func() {
		check(func(b *h2TL) *h2TL {
			return b.add(5000, "answer", conv.Event{Kind: conv.EvDeadline, Cause: conv.CauseDeadline})
		}, cases.NA)
		check(func(b *h2TL) *h2TL { return b.add(3000, "answer", conv.Event{Kind: conv.EvFIN}) }, cases.NA)
	})
	It("reads only stream 1 for resets and responses", func() {
		o := judge(ids[0], after(func(b *h2TL) *h2TL {
			return b.add(1, "answer", conv.Event{Kind: conv.EvFrame, Frame: &conv.FrameInfo{Type: "RST_STREAM", Stream: 3, Code: conv.CodeProtocolError}})
		}))
		Expect(o.Verdict).To(Equal(cases.NA), o.String())
	})
})
