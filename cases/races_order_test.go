package cases_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/expectspec/expectspec/cases"
	"github.com/expectspec/expectspec/harness/conv"
)

// A 1xx after the final response answers no request (RFC 9110 §15: zero or more 1xx, then
// exactly one final response; §15.2.1: a 100 says the request has not been rejected yet and that
// a final response will follow, both false once it has been answered). Whether the client reads
// it in the same read as the final or in a later one, before or after it sent the content,
// depends only on how the server's writes were segmented, so the verdict must be the same in
// every arrival: the scripts listen for a while after the final (quietAfterFinal), and the
// judges fail IR-SEQUENCE-ONE-FINAL in each of them.
var _ = Describe("a 1xx after the final response, whichever read it arrives in", func() {
	env := cases.Env{Host: "t", Path: "/upload", EarlyPath: "/nope", UpgradeProtocol: "x",
		Timing: cases.Timing{RTT0: time.Millisecond, Immediate: time.Second, Max: 10 * time.Second, Response: 5 * time.Second, Quiet: 300 * time.Millisecond}}

	judged := func(id string, b *spellTL) cases.Outcome {
		c, ok := cases.ByID(id)
		Expect(ok).To(BeTrue(), id)
		return c.Judge(env, cases.Observed{Client: &b.tl})
	}
	expectStray := func(o cases.Outcome) {
		Expect(o.Verdict).To(Equal(cases.Fail), o.String())
		Expect(o.Requirements).To(ContainElement("IR-SEQUENCE-ONE-FINAL"), o.String())
	}

	// The cases of T01's shape: 100, the content, the final, and a stray 100 after it.
	DescribeTable("T01's shape: a stray 100 in the final's read or in a later one",
		func(id string) {
			c, _ := cases.ByID(id)
			steps := c.Client(env).Steps
			last := steps[len(steps)-1]
			Expect(last.Kind).To(Equal(conv.Await), "%s must listen after its final response", id)
			Expect(last.Until).To(Equal(conv.UntilClose), id)
			Expect(last.Within).To(Equal(env.Timing.Quiet), id)
			final := steps[len(steps)-2].Label // the await that ends on the final response
			base := func() *spellTL {
				b := spellTimeline()
				for _, st := range steps {
					if st.Label == "partial-head" {
						b.sent(0, "partial-head").at(300, conv.EvDeadline, "early", nil)
					}
				}
				return b.sent(301, "head").resp(302, "first", 100).sent(303, "body").resp(304, final, 200, "Content-Length: 0")
			}
			sameRead := base().resp(304, final, 100).at(604, conv.EvDeadline, "after", nil)
			laterRead := base().resp(320, "after", 100).at(604, conv.EvDeadline, "after", nil)
			expectStray(judged(id, sameRead))
			expectStray(judged(id, laterRead))
		},
		Entry(nil, "origin/immediate-100"),
		Entry(nil, "origin/100-after-complete-head"),
		Entry(nil, "origin/name-title-value-title"),
		Entry(nil, "origin/list-two-lines"),
		Entry(nil, "origin/obs-fold"),
		Entry(nil, "origin/chunked-immediate-100"),
		Entry(nil, "origin/continue-before-switching-protocols"),
	)

	It("T04 with the content withheld: a 100 behind the early 417, in the 417's read (before the content) or after the content", func() {
		base := func() *spellTL { return spellTimeline().sent(0, "head").resp(2, "first", 417, "Content-Length: 0") }
		sameRead := base().resp(2, "first", 100).sent(3, "body").at(303, conv.EvDeadline, "after", nil)
		afterContent := base().sent(3, "body").resp(5, "after", 100).at(303, conv.EvDeadline, "after", nil)
		a, b := judged("origin/unknown-with-param-withheld", sameRead), judged("origin/unknown-with-param-withheld", afterContent)
		expectStray(a)
		expectStray(b)
		Expect(b.Reason).To(Equal(a.Reason))
		// the 417 itself stays the server's choice, reported as such
		Expect(a.Reason).To(ContainSubstring("info EXP-UNKNOWN-417-MAY: refused"))

		// no 100 at all: the choice alone, info
		clean := base().sent(3, "body").at(303, conv.EvDeadline, "after", nil)
		Expect(judged("origin/unknown-with-param-withheld", clean).Verdict).To(Equal(cases.Info))
	})

	It("T04 with the content sent: a 100 behind the 417, in its read or a later one", func() {
		base := func() *spellTL { return spellTimeline().sent(0, "request").resp(2, "final", 417, "Content-Length: 0") }
		expectStray(judged("origin/unknown-foo", base().resp(2, "final", 100).at(302, conv.EvDeadline, "after", nil)))
		expectStray(judged("origin/unknown-foo", base().resp(9, "after", 100).at(302, conv.EvDeadline, "after", nil)))
	})

	It("T04 with the content withheld listens after the final response", func() {
		c, _ := cases.ByID("origin/unknown-with-param-withheld")
		steps := c.Client(env).Steps
		last := steps[len(steps)-1]
		Expect(last.Until).To(Equal(conv.UntilClose))
		Expect(last.Within).To(Equal(env.Timing.Quiet))
	})
})
