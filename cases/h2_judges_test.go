package cases_test

import (
	"strconv"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/expectspec/expectspec/cases"
	"github.com/expectspec/expectspec/harness/conv"
)

// The HTTP/2 judges on made-up timelines, as the h2 driver records them: a frame event per frame
// received, and a message per response, a final placed where its header block arrived. The
// events that race (a 1xx against the final, a reset against the end of the listening) are
// played in both orders and in both reads.

// h2TL builds an h2 timeline; times are in milliseconds.
type h2TL struct{ tl conv.Timeline }

func (b *h2TL) add(ms int, step string, e conv.Event) *h2TL {
	e.At, e.Step = time.Duration(ms)*time.Millisecond, step
	b.tl.Events = append(b.tl.Events, e)
	return b
}

// sent records a step's frame as sent.
func (b *h2TL) sent(ms int, step, typ string) *h2TL {
	return b.add(ms, step, conv.Event{Kind: conv.EvSent, Frame: &conv.FrameInfo{Type: typ, Stream: 1}})
}

// headers records a response header block on stream 1 and, for a 1xx or a block with
// END_STREAM, its message; a final without END_STREAM is recorded by its data frame (final).
func (b *h2TL) headers(ms int, step string, code int, end bool) *h2TL {
	var flags uint8 = conv.FlagEndHeaders
	if end {
		flags |= conv.FlagEndStream
	}
	b.add(ms, step, conv.Event{Kind: conv.EvFrame, Frame: &conv.FrameInfo{Type: "HEADERS", Stream: 1, Flags: flags,
		Fields: []conv.Field{{Name: ":status", Value: itoa(code)}}}})
	return b.add(ms, step, conv.Event{Kind: conv.EvMessage, Msg: &conv.Response{Proto: "HTTP/2", Status: code, Framing: "stream"}})
}

func (b *h2TL) data(ms int, step string, end bool) *h2TL {
	var flags uint8
	if end {
		flags = conv.FlagEndStream
	}
	return b.add(ms, step, conv.Event{Kind: conv.EvFrame, Frame: &conv.FrameInfo{Type: "DATA", Stream: 1, Flags: flags, Length: 2}})
}

func (b *h2TL) reset(ms int, step string, code uint32) *h2TL {
	return b.add(ms, step, conv.Event{Kind: conv.EvFrame, Frame: &conv.FrameInfo{Type: "RST_STREAM", Stream: 1, Code: code, Length: 4}})
}

func (b *h2TL) quiet(ms int) *h2TL {
	return b.add(ms, "after", conv.Event{Kind: conv.EvDeadline, Cause: conv.CauseDeadline})
}

// truncateLast marks the last message cut short.
func (b *h2TL) truncateLast() *h2TL {
	for i := len(b.tl.Events) - 1; i >= 0; i-- {
		if b.tl.Events[i].Kind == conv.EvMessage {
			b.tl.Events[i].Msg.Truncated = true
			break
		}
	}
	return b
}

func itoa(n int) string { return strconv.Itoa(n) }

// h2Env is the environment the h2 judges are tried in: h2c, a 1 s immediate bound, a 10 s long
// wait, a 300 ms quiet wait.
var h2Env = cases.Env{Host: "t", Path: "/upload", EarlyPath: "/nope", Protocol: conv.H2C,
	Timing: cases.Timing{RTT0: time.Millisecond, Immediate: time.Second, Max: 10 * time.Second, Response: 5 * time.Second, Quiet: 300 * time.Millisecond}}

// decideH2 judges timeline b with case id, which must apply over h2c.
func decideH2(id string, b *h2TL) cases.Outcome {
	c, ok := cases.ByID(id)
	Expect(ok).To(BeTrue(), id)
	Expect(c.AppliesTo(conv.H2C)).To(BeTrue(), id)
	return c.Decide(h2Env, cases.Observed{Client: &b.tl})
}

// expectOutcome checks an outcome's verdict and that it names each of reqs.
func expectOutcome(o cases.Outcome, v cases.Verdict, reqs ...string) {
	Expect(o.Verdict).To(Equal(v), o.String())
	for _, r := range reqs {
		Expect(o.Requirements).To(ContainElement(r), o.String())
	}
}

var _ = Describe("the HTTP/2 judges", func() {
	judge, expect := decideH2, expectOutcome
	// withheld is T40's exchange up to the content: the 100 as a header block.
	withheld := func(endStreamOn100 bool) *h2TL {
		b := &h2TL{}
		return b.sent(0, "head", "HEADERS").headers(1, "first", 100, endStreamOn100).sent(2, "body", "DATA")
	}

	Describe("origin/h2-continue-as-headers (T40)", func() {
		It("passes a 100 without END_STREAM and the final after the content", func() {
			expect(judge("origin/h2-continue-as-headers", withheld(false).headers(3, "final", 200, false).data(3, "final", true).quiet(303)), cases.Pass)
		})
		It("fails DATA between the 100 and the final, and passes it after the final only", func() {
			b := &h2TL{}
			b.sent(0, "head", "HEADERS").headers(1, "first", 100, false).data(1, "first", false).sent(2, "body", "DATA")
			expect(judge("origin/h2-continue-as-headers", b.headers(3, "final", 200, false).data(3, "final", true).quiet(303)), cases.Fail, "IR-NO-CONTENT")
			o := judge("origin/h2-continue-as-headers", withheld(false).headers(3, "final", 200, false).data(3, "final", true).quiet(303))
			expect(o, cases.Pass, "IR-NO-CONTENT")
		})
		It("fails a 100 with END_STREAM", func() {
			expect(judge("origin/h2-continue-as-headers", withheld(true).headers(3, "final", 200, false).data(3, "final", true).quiet(303)), cases.Fail, "H2-1XX-NO-END-STREAM")
		})
		It("fails a 100 after the final's header block, inside its stream or after its end", func() {
			inside := withheld(false).headers(3, "final", 200, false).headers(3, "final", 100, false).data(4, "final", true).quiet(304)
			after := withheld(false).headers(3, "final", 200, false).data(3, "final", true).headers(50, "after", 100, false).quiet(303)
			for _, b := range []*h2TL{inside, after} {
				expect(judge("origin/h2-continue-as-headers", b), cases.Fail, "IR-SEQUENCE-ONE-FINAL", "H2-NO-HEADERS-AFTER-FINAL")
			}
		})
		It("fails silence while the content is withheld", func() {
			b := (&h2TL{}).sent(0, "head", "HEADERS").add(10000, "first", conv.Event{Kind: conv.EvDeadline, Cause: conv.CauseDeadline}).
				sent(10001, "body", "DATA").headers(10002, "final", 200, false).data(10002, "final", true).quiet(10302)
			expect(judge("origin/h2-continue-as-headers", b), cases.Fail, "EXP-ORIGIN-IMMEDIATE")
		})
	})

	Describe("origin/h2-no-interim-after-final (T42)", func() {
		content := func() *h2TL { return (&h2TL{}).sent(0, "head", "HEADERS").sent(0, "body", "DATA") }
		It("passes a final with or without a 100 before it", func() {
			expect(judge("origin/h2-no-interim-after-final", content().headers(1, "final", 100, false).headers(2, "final", 200, false).data(2, "final", true).quiet(302)), cases.Pass)
			expect(judge("origin/h2-no-interim-after-final", content().headers(2, "final", 200, true).quiet(302)), cases.Pass)
		})
		It("fails a 100 after the final, in the final's read or in a later one", func() {
			same := content().headers(2, "final", 200, false).headers(2, "final", 100, false).data(2, "final", true).quiet(302)
			later := content().headers(2, "final", 200, true).headers(40, "after", 100, false).quiet(302)
			for _, b := range []*h2TL{same, later} {
				expect(judge("origin/h2-no-interim-after-final", b), cases.Fail, "IR-SEQUENCE-ONE-FINAL", "H2-NO-HEADERS-AFTER-FINAL")
			}
		})
	})

	Describe("origin/h2-early-final-stream-end (T41a)", func() {
		early := func() *h2TL {
			return (&h2TL{}).sent(0, "head", "HEADERS").headers(1, "first", 404, false).data(1, "first", true).sent(2, "body", "DATA")
		}
		It("passes END_STREAM alone, and END_STREAM then RST_STREAM(NO_ERROR), in the answer's read or later", func() {
			expect(judge("origin/h2-early-final-stream-end", early().quiet(302)), cases.Pass)
			expect(judge("origin/h2-early-final-stream-end", early().reset(1, "first", conv.CodeNoError).quiet(302)), cases.Pass)
			expect(judge("origin/h2-early-final-stream-end", early().reset(40, "after", conv.CodeNoError).quiet(302)), cases.Pass)
		})
		It("warns RST_STREAM(CANCEL) after the complete response, in the answer's read or later", func() {
			for _, b := range []*h2TL{early().reset(1, "first", conv.CodeCancel).quiet(302), early().reset(40, "after", conv.CodeCancel).quiet(302)} {
				o := judge("origin/h2-early-final-stream-end", b)
				expect(o, cases.Warn, "H2-EARLY-RST-NO-ERROR")
				Expect(o.Reason).To(ContainSubstring("CANCEL (0x8)"))
			}
		})
		It("warns a reset before the response's END_STREAM, whatever its code", func() {
			b := (&h2TL{}).sent(0, "head", "HEADERS").headers(1, "first", 404, false).truncateLast().reset(1, "first", conv.CodeNoError).sent(2, "body", "DATA").quiet(302)
			expect(judge("origin/h2-early-final-stream-end", b), cases.Warn, "H2-EARLY-RST-NO-ERROR")
		})
		It("reports a final only after the content as info", func() {
			b := (&h2TL{}).sent(0, "head", "HEADERS").headers(1, "first", 100, false).add(301, "settle", conv.Event{Kind: conv.EvDeadline}).
				sent(302, "body", "DATA").headers(303, "final", 404, true).quiet(603)
			expect(judge("origin/h2-early-final-stream-end", b), cases.Info, "H2-EARLY-FINAL")
		})
	})

	Describe("origin/unknown-foo over HTTP/2: the judge reads only the responses", func() {
		sent := func() *h2TL { return (&h2TL{}).sent(0, "request", "HEADERS").sent(0, "content", "DATA") }
		It("reports ignoring or refusing the expectation as info", func() {
			expect(judge("origin/unknown-foo", sent().headers(2, "final", 200, true).quiet(302)), cases.Info, "EXP-UNKNOWN-417-MAY")
			expect(judge("origin/unknown-foo", sent().headers(2, "final", 417, true).quiet(302)), cases.Info, "EXP-UNKNOWN-417-MAY")
		})
		It("fails a 100 after the final, in the final's stream or after its end", func() {
			inside := sent().headers(2, "final", 200, false).headers(2, "final", 100, false).data(3, "final", true).quiet(303)
			after := sent().headers(2, "final", 200, true).headers(30, "after", 100, false).quiet(302)
			for _, b := range []*h2TL{inside, after} {
				expect(judge("origin/unknown-foo", b), cases.Fail, "IR-SEQUENCE-ONE-FINAL")
			}
		})
	})
})
