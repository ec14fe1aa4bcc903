package cases_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/expectspec/expectspec/cases"
	"github.com/expectspec/expectspec/harness/conv"
)

// Chain judges reviewed against real intermediaries (the matrix): each timeline and origin
// record has the shape the server's trace had.
var _ = Describe("chain judges reviewed against real intermediaries", func() {
	chainEnv := func(proxy bool) cases.Env {
		env := cases.Env{Host: "t", Path: "/upload", Token: "tok", Role: cases.Gateway, OriginAuthority: "127.0.0.1:1",
			Timing: cases.DefaultTiming(time.Millisecond, 1)}
		if proxy {
			env.Role = cases.Proxy
		}
		return env
	}
	chainJudge := func(id string, proxy bool, tl *conv.Timeline, rec conv.OriginRecord) cases.Outcome {
		c, ok := cases.ByID(id)
		Expect(ok).To(BeTrue(), id)
		return c.Judge(chainEnv(proxy), cases.Observed{Client: tl, Origin: &rec})
	}
	primed := conv.OriginRequest{Method: "GET", Proto: "HTTP/1.1", Sent: []conv.Sent{{At: time.Millisecond, Msg: "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok"}}}
	onlyPrimed := conv.OriginRecord{Token: "tok", Requests: []conv.OriginRequest{primed}}
	prime := func(fields ...string) *tlb {
		return (&tlb{}).sent("prime").msg("primed", 200, fields...)
	}

	for _, id := range []string{"chain/http10-next-hop-head-forwarded", "chain/http10-next-hop-no-chunked"} {
		It("report na for "+id+" when the priming answer announced close and the second request was not sent (nghttpx)", func() {
			tl := prime("Connection: close").ev(conv.EvSkipped, "head", conv.Event{Cause: conv.CauseAnnouncedClose, Error: "the final HTTP/1.1 200 announced that the connection closes"}).done()
			o := chainJudge(id, false, tl, onlyPrimed)
			Expect(o.Verdict).To(Equal(cases.NA), o.String())
			Expect(o.Reason).To(ContainSubstring("could not test: the intermediary closed the priming connection (allowed"))
		})

		It("report na for "+id+" when the intermediary relayed HTTP/1.0 without keep-alive and the client sent on (tinyproxy)", func() {
			b := (&tlb{}).sent("prime")
			b.tl.Events = append(b.tl.Events, conv.Event{At: 2 * time.Millisecond, Kind: conv.EvMessage, Step: "primed",
				Msg: &conv.Response{Proto: "HTTP/1.0", Status: 200, Reason: "OK"}})
			b.now = 2 * time.Millisecond
			tl := b.sent("head").fin("withheld").done()
			o := chainJudge(id, true, tl, onlyPrimed)
			Expect(o.Verdict).To(Equal(cases.NA), o.String())
			Expect(o.Reason).To(ContainSubstring("announced that it closes the connection"))
		})

		It("report na for "+id+" when the priming connection closed before the content, with nothing answered or forwarded", func() {
			tl := prime().sent("head").fin("withheld").done()
			o := chainJudge(id, false, tl, onlyPrimed)
			Expect(o.Verdict).To(Equal(cases.NA), o.String())
		})
	}

	It("still fail T24 when the connection persisted and the intermediary held the head until the content", func() {
		tl := prime().sent("head").deadline("withheld", time.Second).sent("body").msg("final", 200).done()
		held := conv.OriginRequest{Method: "POST", Proto: "HTTP/1.1", HeadAt: 1100 * time.Millisecond, Framing: "content-length", DeclaredLength: 5,
			ContentAt: []conv.Arrival{{At: 1100 * time.Millisecond, N: 5}}, ContentLen: 5, Complete: true}
		rec := conv.OriginRecord{Token: "tok", Requests: []conv.OriginRequest{primed, held}}
		o := chainJudge("chain/http10-next-hop-head-forwarded", false, tl, rec)
		Expect(o.Verdict).To(Equal(cases.Fail), o.String())
	})

	t26 := func(value string) (*conv.Timeline, conv.OriginRecord) {
		tl := (&tlb{}).sent("head").msg("first", 100).sent("body").msg("final", 200).done()
		q := conv.OriginRequest{Method: "POST", Proto: "HTTP/1.1", Framing: "content-length", DeclaredLength: 5, ContentLen: 5, Complete: true,
			Fields: []conv.Field{{Name: "Host", Value: "t"}, {Name: "Expect", Value: value}, {Name: "Content-Length", Value: "5"}}}
		return tl, conv.OriginRecord{Token: "tok", Requests: []conv.OriginRequest{q}}
	}

	It("take an Expect in another spelling at the origin for the intermediary's own (Apache mod_proxy adds `100-Continue`)", func() {
		tl, rec := t26("100-Continue")
		o := chainJudge("chain/connection-named-expect-removed", false, tl, rec)
		Expect(o.Verdict).To(Equal(cases.Info), o.String())
		Expect(o.Reason).To(ContainSubstring("own expectation"))
	})

	It("still fail T26 when the client's own spelling reaches the origin", func() {
		c, _ := cases.ByID("chain/connection-named-expect-removed")
		head := string(c.Client(chainEnv(false)).Steps[0].Data)
		Expect(head).To(ContainSubstring("Expect: 100-cOnTiNuE\r\n"))
		tl, rec := t26("100-cOnTiNuE")
		o := chainJudge("chain/connection-named-expect-removed", false, tl, rec)
		Expect(o.Verdict).To(Equal(cases.Fail), o.String())
	})

	It("report info, not warn, when the intermediary answered the obs-folded expectation with 100 itself and forwarded no Expect (Varnish)", func() {
		tl := (&tlb{}).sent("head").msg("first", 100).sent("body").msg("final", 200).done()
		q := conv.OriginRequest{Method: "POST", Proto: "HTTP/1.1", Framing: "content-length", DeclaredLength: 5, ContentLen: 5, Complete: true,
			Fields: []conv.Field{{Name: "Host", Value: "t"}, {Name: "Content-Length", Value: "5"}}, Head: []byte("POST /x HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\n")}
		rec := conv.OriginRecord{Token: "tok", Requests: []conv.OriginRequest{q}}
		o := chainJudge("chain/obs-fold-not-forwarded", false, tl, rec)
		Expect(o.Verdict).To(Equal(cases.Info), o.String())
		Expect(o.Reason).To(ContainSubstring("acted on the field as the 100-continue expectation"))

		// without the 100, dropping the expectation is still a warning
		silent := (&tlb{}).sent("head").deadline("first", time.Second).sent("body").msg("final", 200).done()
		Expect(chainJudge("chain/obs-fold-not-forwarded", false, silent, rec).Verdict).To(Equal(cases.Warn))
	})

	t20 := func() conv.OriginRecord {
		q := conv.OriginRequest{Method: "POST", Proto: "HTTP/1.1", HeadAt: 12 * time.Millisecond, HeadBeforeContent: true, ExpectSeen: true,
			ExpectValues: []string{"100-continue"}, ExpectsContinue: true, Framing: "content-length", DeclaredLength: 5,
			ContentAt: []conv.Arrival{{At: 11019 * time.Millisecond, N: 5}}, ContentLen: 5, Complete: true,
			Sent: []conv.Sent{{At: 12 * time.Millisecond, Msg: "HTTP/1.1 100 Continue\r\n\r\n"}, {At: 11020 * time.Millisecond, Msg: "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"}}}
		return conv.OriginRecord{Token: "tok", Requests: []conv.OriginRequest{q}}
	}

	It("say when a late-forwarded 100 arrived, and warn rather than fail (tinyproxy relays it with the final)", func() {
		tl := (&tlb{}).sent("head").deadline("first", 10*time.Second).deadline("withheld", time.Second).sent("body").
			msg("final", 100).msg("final", 200).done()
		o := chainJudge("proxy/head-forwarded-before-content", true, tl, t20())
		Expect(o.Verdict).To(Equal(cases.Warn), o.String())
		Expect(o.Requirements).To(ContainElement("IR-PROXY-FORWARD-1XX"))
		Expect(o.Reason).To(ContainSubstring("the client received it only 11"))
		Expect(o.Reason).To(ContainSubstring("with the final 200"))
		Expect(o.Reason).NotTo(ContainSubstring("did not forward"))
	})

	It("fail T20 when the origin's 100 never reached the client", func() {
		tl := (&tlb{}).sent("head").deadline("first", 10*time.Second).deadline("withheld", time.Second).sent("body").
			msg("final", 200).done()
		o := chainJudge("proxy/head-forwarded-before-content", true, tl, t20())
		Expect(o.Verdict).To(Equal(cases.Fail), o.String())
		Expect(o.Reason).To(ContainSubstring("did not forward it"))
	})

	It("wait past a gateway's own 100 and the relayed one in T13 (Caddy): no EXP-FINAL-AFTER-100 failure", func() {
		c, _ := cases.ByID("origin/continue-before-switching-protocols")
		steps := c.Client(chainEnv(false)).Steps
		// the await after the content (the last one but the negative wait after the final)
		Expect(steps[len(steps)-2].Label).To(Equal("next"))
		Expect(steps[len(steps)-2].Until).To(Equal(conv.UntilFinalOrSwitch))
		tl := (&tlb{}).sent("head").msg("first", 100).sent("body").msg("next", 100).msg("next", 200).done()
		o := judge("origin/continue-before-switching-protocols", tl)
		Expect(o.Verdict).To(Equal(cases.NA), o.String())
		Expect(o.Reason).To(ContainSubstring("100, 100, 200"))
	})

	// T21 through Varnish 7.1: it closes the upstream connection on the 102 and answers 503. The
	// origin writes 102, 103, 103, 199 and 200 one after the other; whether the 200 is written
	// before the reset arrives is a race (10 of 20 runs each way), so both shapes fail.
	t21 := func(sent ...conv.RawMessage) conv.OriginRecord {
		q := conv.OriginRequest{Method: "POST", Proto: "HTTP/1.1", Framing: "content-length", DeclaredLength: 5, ContentLen: 5, Complete: true,
			Closed: true, ClosedBy: conv.ClosedByReset}
		for i, m := range sent {
			q.Sent = append(q.Sent, conv.Sent{At: time.Duration(i+1) * 30 * time.Microsecond, Msg: m})
		}
		return conv.OriginRecord{Token: "tok", Requests: []conv.OriginRequest{q}}
	}
	varnish503 := func() *conv.Timeline {
		return (&tlb{}).sent("head").msg("first", 100).sent("body").msg("final", 503).done()
	}
	hints := []conv.RawMessage{"HTTP/1.1 102 Processing\r\n\r\n", "HTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload\r\n\r\n",
		"HTTP/1.1 103 Early Hints\r\nLink: </a.js>; rel=preload\r\n\r\n", "HTTP/1.1 199 Misc\r\nX-T: 1\r\n\r\n"}

	It("fail T21 when the intermediary answered 503 after the origin's 1xx and its final was written (Varnish)", func() {
		o := chainJudge("chain/interim-responses-relayed", false, varnish503(), t21(append(hints, conv.OK200)...))
		Expect(o.Verdict).To(Equal(cases.Fail), o.String())
		Expect(o.Reason).To(ContainSubstring("received 503"))
	})

	It("fail T21 the same when the intermediary's reset cut the origin short before its final (Varnish)", func() {
		o := chainJudge("chain/interim-responses-relayed", false, varnish503(), t21(hints[:3]...))
		Expect(o.Verdict).To(Equal(cases.Fail), o.String())
		Expect(o.Reason).To(ContainSubstring("closed the upstream connection (RST) before the origin could send its final response, and the client received 503"))
	})

	It("stay info on T21 when the content never reached the origin", func() {
		rec := t21()
		rec.Requests[0].Complete = false
		o := chainJudge("chain/interim-responses-relayed", false, varnish503(), rec)
		Expect(o.Verdict).To(Equal(cases.Info), o.String())
		Expect(o.Reason).To(ContainSubstring("the content did not reach it"))
	})
})
