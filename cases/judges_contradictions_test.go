package cases_test

import (
	"regexp"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/expectspec/expectspec/cases"
	"github.com/expectspec/expectspec/harness/conv"
)

// passedToo finds a requirement that a reason both breaks (the outcome's requirements) and lists
// as "pass REQ:" in its "also" part: a reason that contradicts itself.
func passedToo(o cases.Outcome) []string {
	var both []string
	for _, m := range regexp.MustCompile(`pass ([A-Z0-9-]+): `).FindAllStringSubmatch(o.Reason, -1) {
		for _, r := range o.Requirements {
			if r == m[1] {
				both = append(both, r)
			}
		}
	}
	return both
}

// Reasons seen contradicting themselves on real servers, on their timelines.
var _ = Describe("reasons that do not contradict themselves", func() {
	env := cases.Env{Host: "t", Path: "/upload", EarlyPath: "/nope",
		Timing: cases.Timing{RTT0: time.Millisecond, Immediate: time.Second, Max: 10 * time.Second, Response: 5 * time.Second, Quiet: 300 * time.Millisecond}}

	It("do not say 'waited for the content' after a 100 sent on the header section (cheroot 9.0, origin/ws-line-after-start)", func() {
		tl := spellTimeline().sent(0, "head").resp(2, "first", 100).sent(300, "body").resp(301, "final", 200, "Content-Length: 0")
		c, _ := cases.ByID("origin/ws-line-after-start")
		o := c.Judge(env, cases.Observed{Client: &tl.tl})
		Expect(o.Verdict).To(Equal(cases.Fail), o.String())
		Expect(o.Requirements).To(ContainElement("H1-WS-LINE-AFTER-START"))
		Expect(o.Reason).NotTo(ContainSubstring("waited for the content"))
		Expect(passedToo(o)).To(BeEmpty(), o.String())
	})

	It("do not call a 100 that came only after the content an answer, and report the missing final (mitmproxy 8.1 reverse mode, origin/list-*)", func() {
		for _, id := range []string{"origin/list-two-lines", "origin/list-with-unknown", "origin/list-repeated"} {
			b := spellTimeline().sent(0, "head").at(10000, conv.EvDeadline, "first", nil).sent(10000, "body").
				resp(10002, "final", 100).at(15000, conv.EvDeadline, "final", nil)
			c, _ := cases.ByID(id)
			o := c.Judge(env, cases.Observed{Client: &b.tl})
			Expect(o.Verdict).To(Equal(cases.Fail), id+": "+o.String())
			Expect(o.Reason).NotTo(ContainSubstring("answered only after the content was sent (100"), id)
			Expect(o.Reason).To(ContainSubstring("received only 100 and no final response"), id)
			Expect(o.Reason).To(ContainSubstring("EXP-FINAL-AFTER-100"), id+": the missing final after the 100 is reported")
		}
	})

	It("name the final after a late 100 when there was one", func() {
		b := spellTimeline().sent(0, "head").at(10000, conv.EvDeadline, "first", nil).sent(10000, "body").
			resp(10002, "final", 100).resp(10003, "final", 200, "Content-Length: 0")
		c, _ := cases.ByID("origin/list-two-lines")
		o := c.Judge(env, cases.Observed{Client: &b.tl})
		Expect(o.Reason).To(ContainSubstring("(100, then 200)"), o.String())
		Expect(passedToo(o)).To(BeEmpty(), o.String())
	})
})
