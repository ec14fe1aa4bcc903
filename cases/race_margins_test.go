package cases_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/expectspec/expectspec/cases"
	"github.com/expectspec/expectspec/harness/conv"
)

// Verdicts that once flipped between runs against one and the same server (expectspec run
// --repeat 20 with the other core busy). Each entry gives the judge both sides of the race it
// was exposed to; the verdict must be the same on both.

var _ = Describe("judges with no verdict boundary on a race", func() {
	env := cases.Env{Host: "t", Path: "/upload", EarlyPath: "/nope",
		Timing: cases.Timing{RTT0: time.Millisecond, Immediate: time.Second, Max: 10 * time.Second, Response: 5 * time.Second, Quiet: 300 * time.Millisecond}}

	It("T08's race variant: a 100 before the final or none, as the content's segment happened to arrive", func() {
		c, ok := cases.ByID("origin/content-after-head-one-final")
		Expect(ok).To(BeTrue())
		with100 := spellTimeline().sent(0, "head").sent(0, "content").resp(1, "final", 100).resp(2, "final", 200, "Content-Length: 0").
			sent(3, "follow-up").resp(4, "after", 200, "Content-Length: 0").fin(5)
		without := spellTimeline().sent(0, "head").sent(0, "content").resp(2, "final", 200, "Content-Length: 0").
			sent(3, "follow-up").resp(4, "after", 200, "Content-Length: 0").fin(5)
		a, b := c.Judge(env, cases.Observed{Client: &with100.tl}), c.Judge(env, cases.Observed{Client: &without.tl})
		Expect(a.Verdict).To(Equal(cases.Pass), a.String())
		Expect(b.Verdict).To(Equal(a.Verdict), b.String())

		// T08 itself (content in the head's own write) still reports the server's choice
		t08, ok := cases.ByID("origin/content-with-head-one-final")
		Expect(ok).To(BeTrue())
		o := t08.Judge(env, cases.Observed{Client: &with100.tl})
		Expect(o.Verdict).To(Equal(cases.Info), o.String())
		Expect(o.Requirements).To(ContainElement("EXP-MAY-OMIT-100"))
	})

	It("T24 on a gateway: its 100 sent when its own 1 s timer runs out, just before or just after the client's 1 s wait ends", func() {
		c, ok := cases.ByID("chain/http10-next-hop-head-forwarded")
		Expect(ok).To(BeTrue())
		gw := env
		gw.Token = "tok"
		// the origin's view, the same in both runs: the head forwarded at once, the content 1 s later
		rec := conv.OriginRecord{Token: "tok", Requests: []conv.OriginRequest{
			{Method: "GET", Proto: "HTTP/1.1", Sent: []conv.Sent{{At: time.Millisecond}}},
			{Method: "POST", Proto: "HTTP/1.1", HeadAt: 10 * time.Millisecond, HeadBeforeContent: true, Framing: "content-length", DeclaredLength: 5,
				ContentAt: []conv.Arrival{{At: 1010 * time.Millisecond, N: 5}}, ContentLen: 5, Complete: true, Sent: []conv.Sent{{At: 1011 * time.Millisecond}}},
		}}
		run := func(continueAt int) *spellTL {
			b := spellTimeline().sent(0, "prime").resp(2, "primed", 200, "Content-Length: 0").sent(5, "head")
			if continueAt < 1005 {
				b.resp(continueAt, "withheld", 100)
			}
			b.sent(1005, "body")
			if continueAt >= 1005 {
				b.resp(continueAt, "final", 100)
			}
			return b.resp(1012, "final", 200, "Content-Length: 0")
		}
		early, late := run(1004), run(1006)
		a, b := c.Judge(gw, cases.Observed{Client: &early.tl, Origin: &rec}), c.Judge(gw, cases.Observed{Client: &late.tl, Origin: &rec})
		Expect(a.Verdict).To(Equal(b.Verdict), "100 just before the body: %s\n100 just after: %s", a, b)
		Expect(a.Verdict).To(Equal(cases.Info), a.String())
		Expect(a.Reason).To(ContainSubstring("got no 100 (Continue) within 500 ms"))

		// a 100 well inside the client's wait is the gateway's own answer, and no note is added
		prompt := c.Judge(gw, cases.Observed{Client: &run(20).tl, Origin: &rec})
		Expect(prompt.Reason).NotTo(ContainSubstring("got no 100"), prompt.String())
	})
})
