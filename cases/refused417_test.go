package cases_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/expectspec/expectspec/cases"
	"github.com/expectspec/expectspec/harness/conv"
)

// The 417 check of Case.Decide (EXP-NO-417-FOR-100-CONTINUE): a target's own 417 to a lone
// `Expect: 100-continue` is at least a warning in every case and every role, and marks the
// outcome as breaking uploads; what else may answer 417 is left to the case's judge.
var _ = Describe("Decide on a 417 to Expect: 100-continue", func() {
	const head = "POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n"
	timeline := func(sends []string, first int) *conv.Timeline {
		b := &tlb{}
		for _, s := range sends {
			b.ev(conv.EvSent, "head", conv.Event{Data: []byte(s), N: int64(len(s))})
		}
		return b.msg("first", first, "Connection: close").fin("first").done()
	}
	decide := func(id string, tl *conv.Timeline, rec *conv.OriginRecord) cases.Outcome {
		c, ok := cases.ByID(id)
		Expect(ok).To(BeTrue(), id)
		env := cases.Env{Host: "t", Path: "/upload", EarlyPath: "/nope", UpgradeProtocol: "x",
			Timing: cases.DefaultTiming(time.Millisecond, 1)}
		if rec != nil {
			env.Token, env.OriginAuthority, env.Role = "tok", "127.0.0.1:1", cases.Proxy
		}
		return c.Decide(env, cases.Observed{Client: tl, Origin: rec})
	}

	It("turns the immediate-response pass into a warning that says what fails and marks it", func() {
		plain := decide("origin/immediate-100", timeline([]string{head}, 200), nil)
		Expect(plain.BreaksUploads).To(BeEmpty())

		o := decide("origin/immediate-100", timeline([]string{head}, 417), nil)
		Expect(o.Verdict).To(Equal(cases.Warn), o.String())
		Expect(o.Requirements).To(Equal([]string{"EXP-NO-417-FOR-100-CONTINUE"}))
		Expect(o.Reason).To(ContainSubstring("only curl"))
		Expect(o.Reason).To(ContainSubstring("also: pass"))
		Expect(o.Fix).To(ContainSubstring("never 417"))
		Expect(o.BreaksUploads).To(Equal(cases.Refuses100Continue))
	})

	It("counts a chunked upload as a plain one", func() {
		chunked := "POST /upload HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n"
		Expect(decide("origin/immediate-100", timeline([]string{chunked}, 417), nil).BreaksUploads).NotTo(BeEmpty())
	})

	It("reads a header section sent in several writes", func() {
		o := decide("origin/100-after-complete-head", timeline([]string{head[:len(head)-2], "\r\n"}, 417), nil)
		Expect(o.Verdict).To(Equal(cases.Warn), o.String())
		Expect(o.BreaksUploads).NotTo(BeEmpty())
	})

	It("leaves HTTP/1.0, other expectations and a request without content to their judges", func() {
		for _, h := range []string{
			"POST /upload HTTP/1.0\r\nHost: t\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n",
			"POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nExpect: 100-continue, foo\r\n\r\n",
			"POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nExpect: 100-continue\r\nExpect: foo\r\n\r\n",
			"POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\nExpect: 100-continue\r\n\r\n",
			// not a plain upload: the 417 may be about the size, the length or the framing
			"POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 1099511627776\r\nExpect: 100-continue\r\n\r\n",
			"POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 5, 6\r\nExpect: 100-continue\r\n\r\n",
			"POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n",
			"POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nUpgrade: x\r\nConnection: Upgrade\r\nExpect: 100-continue\r\n\r\n",
		} {
			o := decide("origin/immediate-100", timeline([]string{h}, 417), nil)
			Expect(o.BreaksUploads).To(BeEmpty(), h)
			Expect(o.Reason).NotTo(ContainSubstring("EXP-NO-417-FOR-100-CONTINUE"), h)
		}
	})

	It("keeps a failure a failure and names the 417 beside it", func() {
		// A 417 followed by a late 100 breaks the one-final sequence (fail) as well.
		b := &tlb{}
		b.ev(conv.EvSent, "head", conv.Event{Data: []byte(head), N: int64(len(head))})
		tl := b.msg("first", 417).msg("first", 100).sent("body").deadline("final", 5*time.Second).done()
		o := decide("origin/immediate-100", tl, nil)
		Expect(o.Verdict).To(Equal(cases.Fail), o.String())
		Expect(o.Reason).To(ContainSubstring("also: warn EXP-NO-417-FOR-100-CONTINUE"))
		Expect(o.BreaksUploads).NotTo(BeEmpty())
	})

	It("does not blame an intermediary for relaying the origin's own 417", func() {
		q := conv.OriginRequest{Method: "POST", Proto: "HTTP/1.1", ExpectsContinue: true, HeadAt: time.Millisecond,
			Sent: []conv.Sent{{At: 2 * time.Millisecond, Msg: "HTTP/1.1 417 Expectation Failed\r\nContent-Length: 0\r\n\r\n"}}}
		rec := &conv.OriginRecord{Token: "tok", Requests: []conv.OriginRequest{q}}
		o := decide("chain/upstream-417-relayed", timeline([]string{head}, 417), rec)
		Expect(o.BreaksUploads).To(BeEmpty(), o.String())

		own := decide("proxy/head-forwarded-before-content", timeline([]string{head}, 417), &conv.OriginRecord{Token: "tok"})
		Expect(own.Verdict).To(Equal(cases.Warn), own.String())
		Expect(own.Reason).To(ContainSubstring("the forward proxy answered 417"))
	})
})
