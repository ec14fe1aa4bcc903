package cases_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/expectspec/expectspec/cases"
	"github.com/expectspec/expectspec/harness/conv"
)

// T45's judges on made-up timelines: what an h2 client saw through a gateway, and the origin's
// record of what reached it.
var _ = Describe("the T45 judges (an h2 front end to an HTTP/1.1 origin)", func() {
	env := cases.Env{Host: "t", Role: cases.Gateway, Protocol: conv.H2C, Token: "tok",
		Timing: cases.Timing{RTT0: time.Millisecond, Immediate: time.Second, Max: 10 * time.Second, Response: 5 * time.Second, Quiet: 300 * time.Millisecond}}
	forwarded := &conv.OriginRecord{Token: "tok", Requests: []conv.OriginRequest{{Method: "POST", Proto: "HTTP/1.1", ExpectsContinue: true}}}
	// answered is the client's view: a 100, then the final with these fields.
	answered := func(final ...conv.Field) *conv.Timeline {
		b := &h2TL{}
		b.sent(0, "head", "HEADERS").sent(0, "body", "DATA").headers(1, "final", 100, false)
		b.add(2, "final", conv.Event{Kind: conv.EvMessage, Msg: &conv.Response{Proto: "HTTP/2", Status: 200, Framing: "stream", Header: final}})
		return &b.tl
	}
	judge := func(tl *conv.Timeline, rec *conv.OriginRecord) cases.Outcome {
		c, ok := cases.ByID("gateway/h2-no-connection-fields-relayed")
		Expect(ok).To(BeTrue())
		return c.Decide(env, cases.Observed{Client: tl, Origin: rec})
	}

	It("passes a final without the origin's connection-specific fields", func() {
		o := judge(answered(conv.Field{Name: "content-type", Value: "text/plain"}), forwarded)
		Expect(o.Verdict).To(Equal(cases.Pass), o.String())
	})
	It("fails each connection-specific field relayed, naming it", func() {
		for _, f := range []string{"connection", "keep-alive", "upgrade", "transfer-encoding", "proxy-connection"} {
			o := judge(answered(conv.Field{Name: f, Value: "x"}), forwarded)
			Expect(o.Verdict).To(Equal(cases.Fail), f)
			Expect(o.Requirements).To(ContainElement("H2-CONN-SPECIFIC"))
			Expect(o.Reason).To(ContainSubstring(f + ": x"))
		}
	})
	It("fails the field the origin's Connection named, for the hop-by-hop rule", func() {
		o := judge(answered(conv.Field{Name: "x-hop", Value: "1"}), forwarded)
		Expect(o.Verdict).To(Equal(cases.Fail), o.String())
		Expect(o.Requirements).To(ContainElement("INT-CONNECTION-HOP-BY-HOP"))
	})
	It("says nothing of the relay when the client got another final than the origin's 200", func() {
		b := &h2TL{}
		b.sent(0, "head", "HEADERS").headers(1, "final", 502, true)
		o := judge(&b.tl, forwarded)
		Expect(o.Verdict).To(Equal(cases.NA), o.String())
	})
	It("reports info when nothing reached the origin", func() {
		o := judge(answered(), &conv.OriginRecord{Token: "tok"})
		Expect(o.Verdict).To(Equal(cases.Info), o.String())
	})
})
