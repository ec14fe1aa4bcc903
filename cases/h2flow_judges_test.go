package cases_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/expectspec/expectspec/cases"
	"github.com/expectspec/expectspec/harness/conv"
)

// The T41 judges of h2flow*.go on made-up timelines. What races on the wire — the server's
// RST_STREAM against the client's in-flight DATA, its credit against the next round — is played
// in both orders, and the verdict must not move.

// flowTL builds the timeline of origin/h2-early-final-discarded-data.
type flowTL struct {
	h2TL
	ms int
}

func (b *flowTL) tick() int { b.ms++; return b.ms }

// recv records a frame received.
func (b *flowTL) recv(step string, f conv.FrameInfo) *flowTL {
	b.add(b.tick(), step, conv.Event{Kind: conv.EvFrame, Frame: &f, N: int64(f.Length)})
	return b
}

// send records a step's frame sent, with n octets.
func (b *flowTL) send(step string, typ string, stream uint32, n int64) *flowTL {
	b.add(b.tick(), step, conv.Event{Kind: conv.EvSent, Frame: &conv.FrameInfo{Type: typ, Stream: stream, Length: uint32(n)}, N: n})
	return b
}

func (b *flowTL) credit(step string, n uint32) *flowTL {
	return b.recv(step, conv.FrameInfo{Type: "WINDOW_UPDATE", Length: 4, Increment: n})
}

func (b *flowTL) reset(step string, stream, code uint32) *flowTL {
	return b.recv(step, conv.FrameInfo{Type: "RST_STREAM", Stream: stream, Length: 4, Code: code})
}

func (b *flowTL) goaway(step string, code uint32) *flowTL {
	return b.recv(step, conv.FrameInfo{Type: "GOAWAY", Length: 8, Code: code})
}

// answer records a complete final response on a stream, in one HEADERS frame.
func (b *flowTL) answer(step string, stream uint32, code int) *flowTL {
	b.recv(step, conv.FrameInfo{Type: "HEADERS", Stream: stream, Flags: conv.FlagEndHeaders | conv.FlagEndStream,
		Fields: []conv.Field{{Name: ":status", Value: itoa(code)}}})
	b.add(b.ms, step, conv.Event{Kind: conv.EvMessage, Msg: &conv.Response{Proto: "HTTP/2", Status: code, Framing: "stream"}})
	return b
}

// round plays one round on a stream: the head, the early 404, n octets in flight and the
// client's cancel. code >= 0 has the server reset the stream with it, before the in-flight DATA
// was sent when resetFirst, after it otherwise; credit > 0 is the WINDOW_UPDATE on stream 0
// that follows.
func (b *flowTL) round(stream uint32, n int64, code int, resetFirst bool, credit uint32) *flowTL {
	b.send("early-head", "HEADERS", stream, 40).answer("early-end", stream, 404)
	if code >= 0 && resetFirst {
		b.reset("in-flight", stream, uint32(code))
	}
	b.send("in-flight", "DATA", stream, n)
	if code >= 0 && !resetFirst {
		b.reset("cancel", stream, uint32(code))
	}
	b.send("cancel", "RST_STREAM", stream, 4)
	if credit > 0 {
		b.credit("early-head", credit)
	}
	return b
}

// upload ends the script: the upload answered 200, or its content stuck on the connection's
// window.
func (b *flowTL) upload(stuck bool) *flowTL {
	b.send("upload-head", "HEADERS", 33, 30)
	if stuck {
		b.add(b.tick()+5000, "upload-body", conv.Event{Kind: conv.EvWriteError, Cause: conv.CauseConnectionWindow,
			Frame: &conv.FrameInfo{Type: "DATA", Stream: 33}})
		b.ms += 10000
		b.add(b.tick(), "upload-end", conv.Event{Kind: conv.EvDeadline, Cause: conv.CauseDeadline})
	} else {
		b.send("upload-body", "DATA", 33, 5).answer("upload-end", 33, 200)
	}
	b.ms += 300
	return b.quietEnd()
}

func (b *flowTL) quietEnd() *flowTL {
	b.add(b.tick(), "after", conv.Event{Kind: conv.EvDeadline, Cause: conv.CauseDeadline})
	return b
}

// rounds plays k rounds of 65535 octets against a 65535-octet window, each credited back.
func (b *flowTL) rounds(k, code int, resetFirst bool) *flowTL {
	for i := 0; i < k; i++ {
		b.round(uint32(2*i+1), 65535, code, resetFirst, 65535)
	}
	return b
}

var _ = Describe("the T41 flow-control judges", func() {
	env := cases.Env{Host: "t", Path: "/upload", EarlyPath: "/nope", Protocol: conv.H2C,
		Timing: cases.Timing{RTT0: time.Millisecond, Immediate: time.Second, Max: 10 * time.Second, Response: 5 * time.Second, Quiet: 300 * time.Millisecond}}
	judge := func(id string, tl *conv.Timeline) cases.Outcome {
		c, ok := cases.ByID(id)
		Expect(ok).To(BeTrue(), id)
		return c.Decide(env, cases.Observed{Client: tl})
	}
	expect := func(o cases.Outcome, v cases.Verdict, reqs ...string) {
		Expect(o.Verdict).To(Equal(v), o.String())
		for _, r := range reqs {
			Expect(o.Requirements).To(ContainElement(r), o.String())
		}
	}
	const discarded = "origin/h2-early-final-discarded-data"
	bothOrders := func(check func(resetFirst bool)) {
		check(true)
		check(false)
	}

	Describe(discarded, func() {
		It("passes resets with NO_ERROR, credit back and the upload answered, whichever came first: the reset or the DATA", func() {
			bothOrders(func(resetFirst bool) {
				o := judge(discarded, &(&flowTL{}).rounds(4, int(conv.CodeNoError), resetFirst).upload(false).tl)
				expect(o, cases.Pass)
				Expect(o.Reason).To(ContainSubstring("more than the 65535-octet connection window"))
			})
		})
		It("passes credit that came only after the window was spent (the client blocked, then credited)", func() {
			b := &flowTL{}
			b.round(1, 65535, 0, true, 0).round(3, 0, 0, true, 0).credit("early-end", 65535).round(5, 65535, 0, false, 65535)
			expect(judge(discarded, &b.upload(false).tl), cases.Pass)
		})
		It("fails REFUSED_STREAM after the early final, before or after the DATA", func() {
			bothOrders(func(resetFirst bool) {
				expect(judge(discarded, &(&flowTL{}).rounds(3, int(conv.CodeRefusedStream), resetFirst).upload(false).tl), cases.Fail, "H2-NO-REFUSED-AFTER-PROCESSING")
			})
		})
		It("fails a GOAWAY with an error code after the in-flight DATA, whether the reset came before the DATA or not", func() {
			bothOrders(func(resetFirst bool) {
				b := (&flowTL{}).round(1, 65535, 0, resetFirst, 0)
				b.goaway("early-head", 0x5)
				o := judge(discarded, &b.upload(false).tl)
				expect(o, cases.Fail, "H2-AFTER-RST-DISCARD")
				Expect(o.Requirements).NotTo(ContainElement("H2-FLOW-ACCOUNT"), o.String())
			})
		})
		It("fails a connection window that never comes back: the upload stuck on it, whichever came first", func() {
			bothOrders(func(resetFirst bool) {
				b := (&flowTL{}).round(1, 65535, 0, resetFirst, 0)
				for s := uint32(3); s < 32; s += 2 {
					b.round(s, 0, 0, resetFirst, 0)
				}
				o := judge(discarded, &b.upload(true).tl)
				expect(o, cases.Fail, "H2-FLOW-ACCOUNT")
				Expect(o.Reason).To(ContainSubstring("no WINDOW_UPDATE on stream 0"))
			})
		})
		It("passes rounds that used the window up exactly when the upload after them still went out, whichever came first", func() {
			bothOrders(func(resetFirst bool) {
				b := (&flowTL{}).round(1, 65535, 0, resetFirst, 0)
				for s := uint32(3); s < 32; s += 2 {
					b.round(s, 0, 0, resetFirst, 0)
				}
				b.credit("upload-head", 65535)
				expect(judge(discarded, &b.upload(false).tl), cases.Pass, "H2-FLOW-ACCOUNT")
			})
		})
		It("fails a window that stops coming back after some credit", func() {
			b := (&flowTL{}).rounds(2, 0, true).round(5, 65535, 0, true, 0)
			expect(judge(discarded, &b.upload(true).tl), cases.Fail, "H2-FLOW-ACCOUNT")
		})
		It("reports a connection window too large to spend (info), not a pass, though credit came back", func() {
			b := &flowTL{}
			b.credit("early-end", 1<<31-1-65535)
			for i := 0; i < 16; i++ {
				b.round(uint32(2*i+1), 65535, 0, i%2 == 0, 65535)
			}
			o := judge(discarded, &b.upload(false).tl)
			expect(o, cases.Info, "H2-FLOW-ACCOUNT")
			Expect(o.Reason).To(ContainSubstring("was not put to the test"))
		})
		It("reports a server that resets none of the streams (info): the closed-state rule is not exercised", func() {
			o := judge(discarded, &(&flowTL{}).rounds(3, -1, true).upload(false).tl)
			expect(o, cases.Info, "H2-AFTER-RST-DISCARD")
			Expect(o.Reason).To(ContainSubstring("pass H2-FLOW-ACCOUNT"))
		})
		It("reports a graceful GOAWAY and ENHANCE_YOUR_CALM as info", func() {
			for _, code := range []uint32{conv.CodeNoError, conv.CodeEnhanceYourCalm} {
				b := (&flowTL{}).rounds(2, 0, false)
				b.goaway("early-end", code)
				expect(judge(discarded, &b.upload(false).tl), cases.Info, "H2-AFTER-RST-DISCARD")
			}
		})
		It("warns a connection that ends without GOAWAY after the DATA", func() {
			b := (&flowTL{}).rounds(2, 0, true)
			b.add(b.tick(), "early-end", conv.Event{Kind: conv.EvFIN, Cause: conv.CauseFIN})
			b.tl.State = conv.StateFIN
			expect(judge(discarded, &b.upload(true).tl), cases.Warn, "H2-AFTER-RST-DISCARD")
		})
		It("reports a connection reset after the DATA as info: a GOAWAY before it may have been lost with it", func() {
			b := (&flowTL{}).rounds(2, 0, true)
			b.add(b.tick(), "early-end", conv.Event{Kind: conv.EvRST, Cause: conv.CauseReset})
			b.tl.State = conv.StateRST
			expect(judge(discarded, &b.upload(true).tl), cases.Info, "H2-AFTER-RST-DISCARD")
		})
		It("is na when stream 1 got no early final", func() {
			b := &flowTL{}
			b.send("early-head", "HEADERS", 1, 40)
			b.add(10000, "early-end", conv.Event{Kind: conv.EvDeadline, Cause: conv.CauseDeadline})
			expect(judge(discarded, &b.upload(false).tl), cases.NA)
		})
		It("passes RST_STREAM(NO_ERROR), then STREAM_CLOSED for the DATA that follows (RFC 9113 §6.1), as Go does, in either order against the DATA", func() {
			bothOrders(func(resetFirst bool) {
				b := &flowTL{}
				for s := uint32(1); s < 8; s += 2 {
					b.round(s, 65535, 0, resetFirst, 0).reset("early-head", s, conv.CodeStreamClosed).credit("early-head", 65535)
				}
				expect(judge(discarded, &b.upload(false).tl), cases.Pass)
			})
		})
		It("reports STREAM_CLOSED as the first reset, with no NO_ERROR before it, as info", func() {
			o := judge(discarded, &(&flowTL{}).rounds(3, int(conv.CodeStreamClosed), false).upload(false).tl)
			expect(o, cases.Info, "H2-EARLY-RST-NO-ERROR")
		})
		It("reports a reset code other than NO_ERROR as info, leaving its warning to origin/h2-early-final-stream-end", func() {
			o := judge(discarded, &(&flowTL{}).rounds(3, int(conv.CodeCancel), true).upload(false).tl)
			expect(o, cases.Info, "H2-EARLY-RST-NO-ERROR")
			Expect(o.Reason).To(ContainSubstring("CANCEL"))
		})
	})

	const overLimit = "origin/h2-over-limit-length"
	// refusal is a 413 decided from the header block, then a reset with code (-1: none) read
	// before the first await ended (early) or during the quiet wait.
	refusal := func(code int, early bool) *conv.Timeline {
		b := &flowTL{}
		b.send("head", "HEADERS", 1, 40).answer("first", 1, 413)
		step := "after"
		if early {
			step = "first"
		}
		if code >= 0 {
			b.reset(step, 1, uint32(code))
		}
		b.ms += 300
		return &b.quietEnd().tl
	}

	Describe(overLimit, func() {
		It("reports a 413 with RST_STREAM(NO_ERROR), or none, as info on SRV-413, in either read", func() {
			for _, code := range []int{-1, int(conv.CodeNoError)} {
				bothOrders(func(early bool) { expect(judge(overLimit, refusal(code, early)), cases.Info, "SRV-413") })
			}
		})
		It("fails REFUSED_STREAM after the 413 and warns another code", func() {
			bothOrders(func(early bool) {
				expect(judge(overLimit, refusal(int(conv.CodeRefusedStream), early)), cases.Fail, "H2-NO-REFUSED-AFTER-PROCESSING")
				expect(judge(overLimit, refusal(int(conv.CodeCancel), early)), cases.Warn, "H2-EARLY-RST-NO-ERROR")
			})
		})
		It("reports a 100 as info: the server invites the upload", func() {
			b := &flowTL{}
			b.send("head", "HEADERS", 1, 40)
			b.recv("first", conv.FrameInfo{Type: "HEADERS", Stream: 1, Flags: conv.FlagEndHeaders, Fields: []conv.Field{{Name: ":status", Value: "100"}}})
			b.add(b.ms, "first", conv.Event{Kind: conv.EvMessage, Msg: &conv.Response{Proto: "HTTP/2", Status: 100, Framing: "stream"}})
			b.ms += 300
			o := judge(overLimit, &b.quietEnd().tl)
			expect(o, cases.Info, "SRV-413")
			Expect(o.Reason).To(ContainSubstring("invited the upload"))
		})
		It("fails silence while the content is withheld", func() {
			b := &flowTL{}
			b.send("head", "HEADERS", 1, 40)
			b.add(10000, "first", conv.Event{Kind: conv.EvDeadline, Cause: conv.CauseDeadline})
			expect(judge(overLimit, &b.tl), cases.Fail, "EXP-ORIGIN-IMMEDIATE")
		})
	})
})
