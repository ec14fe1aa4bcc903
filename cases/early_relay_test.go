package cases_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/expectspec/expectspec/cases"
	"github.com/expectspec/expectspec/harness/conv"
)

// T31b and T31c on made-up timelines: the client's content and the relayed early final race, so
// both orders are judged.
var _ = Describe("the judges of the origin's early final on its way back", func() {
	env := cases.Env{Host: "t", Token: "tok", Timing: cases.Timing{RTT0: time.Millisecond, Immediate: time.Second, Max: 10 * time.Second, Response: 5 * time.Second, Quiet: 300 * time.Millisecond}}
	ms := func(n int) time.Duration { return time.Duration(n) * time.Millisecond }
	// early is the origin's record: the head arrived at 1 ms, the 401 went out at once, the
	// content followed at contentAt (0: never).
	early := func(final conv.RawMessage, contentAt int) conv.OriginRecord {
		q := conv.OriginRequest{HeadAt: ms(1), Proto: "HTTP/1.1", HeadBeforeContent: true, EarlyFinal: true, DeclaredLength: 5, Framing: "content-length",
			Sent: []conv.Sent{{At: ms(1), Msg: final}}}
		if contentAt > 0 {
			q.ContentAt = []conv.Arrival{{At: ms(contentAt), N: 5}}
		}
		return conv.OriginRecord{Token: "tok", Requests: []conv.OriginRequest{q}}
	}
	// lateHead is early for a head the intermediary forwarded only at headAt (its own timer).
	lateHead := func(headAt, contentAt int) conv.OriginRecord {
		r := early(conv.Unauthorized401, contentAt)
		r.Requests[0].HeadAt, r.Requests[0].Sent[0].At = ms(headAt), ms(headAt)
		return r
	}
	judge := func(id string, e cases.Env, b *spellTL, rec conv.OriginRecord) cases.Outcome {
		c, ok := cases.ByID(id)
		Expect(ok).To(BeTrue())
		return c.Judge(e, cases.Observed{Client: &b.tl, Origin: &rec})
	}
	proxy := env
	proxy.Role = cases.Proxy

	DescribeTable("T31c: the early 401 and the content, in both orders",
		func(e cases.Env, b *spellTL, rec conv.OriginRecord, verdict cases.Verdict, req string) {
			o := judge("chain/early-final-relayed-promptly", e, b, rec)
			Expect(o.Verdict).To(Equal(verdict), o.String())
			if req != "" {
				Expect(o.Requirements).To(ContainElement(req), o.String())
			}
		},
		Entry("401 before the content: pass", env,
			spellTimeline().sent(0, "head").resp(3, "first", 401).sent(4, "body"), early(conv.Unauthorized401, 5), cases.Pass, "EXP-ORIGIN-IMMEDIATE"),
		Entry("content (after T_max) before the 401, gateway: fail", env,
			spellTimeline().sent(0, "head").at(10000, conv.EvDeadline, "first", nil).sent(10000, "body").resp(10002, "final", 401), early(conv.Unauthorized401, 10001), cases.Fail, "EXP-ORIGIN-IMMEDIATE"),
		Entry("content (after T_max) before the 401, proxy: warn", proxy,
			spellTimeline().sent(0, "head").at(10000, conv.EvDeadline, "first", nil).sent(10000, "body").resp(10002, "final", 401), early(conv.Unauthorized401, 10001), cases.Warn, "EXP-PROXY-IMMEDIATE"),
		Entry("401 late but before the content: warn", env,
			spellTimeline().sent(0, "head").resp(3000, "first", 401).sent(3001, "body"), early(conv.Unauthorized401, 3002), cases.Warn, "EXP-ORIGIN-IMMEDIATE"),
		Entry("its own 100 first, then the 401 after the content: info", env,
			spellTimeline().sent(0, "head").resp(2, "first", 100).sent(3, "body").resp(5, "final", 401), early(conv.Unauthorized401, 4), cases.Info, ""),
		Entry("the head forwarded by a timer just before T_max, its 401 just before the content: the held head's, as just after", env,
			spellTimeline().sent(0, "head").resp(9999, "first", 401).sent(10000, "body"), lateHead(9998, 10001), cases.Info, ""),
		Entry("the head held until the content: not this case's finding", env,
			spellTimeline().sent(0, "head").at(10000, conv.EvDeadline, "first", nil).sent(10000, "body").resp(10002, "final", 401), early(conv.Unauthorized401, 1), cases.Info, ""),
	)

	DescribeTable("T31b: the early 401 with a close",
		func(b *spellTL, verdict cases.Verdict) {
			o := judge("gateway/early-final-then-close-relayed", env, b, early("HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n", 0))
			Expect(o.Verdict).To(Equal(verdict), o.String())
			if verdict != cases.Pass {
				Expect(o.Requirements).To(ContainElement("CLI-STOP-ON-CLOSE"), o.String())
			}
		},
		Entry("401 relayed, then the close: pass", spellTimeline().sent(0, "head").resp(3, "first", 401).fin(4).sent(5, "body"), cases.Pass),
		Entry("401 relayed after the content was sent: pass (promptness is T31c's)", spellTimeline().sent(0, "head").resp(2, "first", 100).sent(3, "body").resp(5, "final", 401).fin(6), cases.Pass),
		Entry("a 502 of its own: warn", spellTimeline().sent(0, "head").resp(2, "first", 100).sent(3, "body").resp(5, "final", 502).fin(6), cases.Warn),
		Entry("a close and no response: warn", spellTimeline().sent(0, "head").fin(3).sent(4, "body"), cases.Warn),
	)
})
