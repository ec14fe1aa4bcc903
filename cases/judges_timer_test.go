package cases_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/expectspec/expectspec/cases"
	"github.com/expectspec/expectspec/harness/conv"
)

// T30 mode ii through Go's httputil.ReverseProxy: the backend never answers 100 and the gateway
// sends its own after its 1 s ExpectContinueTimeout, which used to land on either side of the
// immediate bound (RTT0 + 1 s) from run to run.
var _ = Describe("the T30 backend-waits judge", func() {
	judgeAt := func(after time.Duration) cases.Outcome {
		b := (&tlb{}).sent("head")
		b.now += after
		tl := b.msg("first", 100).sent("body").msg("final", 200).done()
		q := conv.OriginRequest{Method: "POST", Proto: "HTTP/1.1", Framing: "content-length", DeclaredLength: 5, ContentLen: 5, Complete: true,
			ExpectsContinue: true, HeadAt: time.Millisecond, ContentAt: []conv.Arrival{{At: after + 3*time.Millisecond, N: 5}},
			Fields: []conv.Field{{Name: "Host", Value: "t"}, {Name: "Expect", Value: "100-continue"}, {Name: "Content-Length", Value: "5"}}}
		rec := conv.OriginRecord{Token: "tok", Requests: []conv.OriginRequest{q}}
		c, ok := cases.ByID("gateway/immediate-100-backend-waits")
		Expect(ok).To(BeTrue())
		env := cases.Env{Host: "t", Path: "/upload", Token: "tok", OriginAuthority: "127.0.0.1:1", Timing: cases.DefaultTiming(time.Millisecond, 1)}
		return c.Judge(env, cases.Observed{Client: tl, Origin: &rec})
	}

	It("reports a gateway's own 100 at its 1 s timer as info on both sides of the bound", func() {
		for _, at := range []time.Duration{999 * time.Millisecond, 1000 * time.Millisecond, 1002 * time.Millisecond} {
			o := judgeAt(at)
			Expect(o.Verdict).To(Equal(cases.Info), "%s: %s", at, o)
			Expect(o.Reason).To(ContainSubstring("by a timer"))
		}
	})

	It("passes a gateway that answers 100 on the header section", func() {
		Expect(judgeAt(2 * time.Millisecond).Verdict).To(Equal(cases.Pass))
	})
})
