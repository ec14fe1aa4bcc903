package cases_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/expectspec/expectspec/cases"
	"github.com/expectspec/expectspec/harness/conv"
)

// T30 through a gateway that forwards nothing and never answers: its verdict must not depend on
// the gateway's idle timeout. Silence until the client gives up and a close after the immediate
// bound are the same failure; only a close within the bound is the allowed close (a warning).
var _ = Describe("the T30 judge against a gateway that never answers", func() {
	judgeClosingAt := func(closeAt time.Duration) cases.Outcome {
		b := (&tlb{}).sent("head")
		if closeAt > 0 {
			b.now += closeAt
			b.fin("first")
		} else {
			b.deadline("first", 10*time.Second)
		}
		tl := b.sent("body").deadline("final", 5*time.Second).done()
		c, ok := cases.ByID("gateway/immediate-100-backend-continues")
		Expect(ok).To(BeTrue())
		env := cases.Env{Host: "t", Path: "/upload", Token: "tok", OriginAuthority: "127.0.0.1:1", Timing: cases.DefaultTiming(time.Millisecond, 1)}
		return c.Judge(env, cases.Observed{Client: tl, Origin: &conv.OriginRecord{Token: "tok"}})
	}

	It("fails silence and a close after the bound alike, naming the close", func() {
		silent := judgeClosingAt(0)
		Expect(silent.Verdict).To(Equal(cases.Fail), silent.String())
		for _, at := range []time.Duration{1100 * time.Millisecond, 4 * time.Second, 9999 * time.Millisecond} {
			o := judgeClosingAt(at)
			Expect(o.Verdict).To(Equal(cases.Fail), "%s: %s", at, o)
			Expect(o.Requirements).To(Equal(silent.Requirements), "%s", at)
			Expect(o.Reason).To(ContainSubstring("idle timeout"), "%s", at)
		}
	})

	It("warns on a close within the immediate bound", func() {
		o := judgeClosingAt(500 * time.Millisecond)
		Expect(o.Verdict).To(Equal(cases.Warn), o.String())
	})
})
