package cases_test

import (
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/expectspec/expectspec/cases"
	"github.com/expectspec/expectspec/harness/conv"
)

// tlb builds a timeline by hand, for judge branches the reference servers do not reach. Each
// call advances the clock by a millisecond.
type tlb struct {
	tl  conv.Timeline
	now time.Duration
}

func (b *tlb) ev(kind conv.EventKind, step string, e conv.Event) *tlb {
	b.now += time.Millisecond
	e.At, e.Kind, e.Step = b.now, kind, step
	b.tl.Events = append(b.tl.Events, e)
	return b
}

func (b *tlb) sent(step string) *tlb { return b.ev(conv.EvSent, step, conv.Event{N: 5}) }

func (b *tlb) msg(step string, code int, fields ...string) *tlb {
	r := &conv.Response{Proto: "HTTP/1.1", Status: code}
	for _, f := range fields {
		name, value, _ := strings.Cut(f, ": ")
		r.Header = append(r.Header, conv.Field{Name: name, Value: value})
	}
	b.ev(conv.EvRecv, step, conv.Event{N: 40})
	return b.ev(conv.EvMessage, step, conv.Event{Msg: r})
}

// resp adds a parsed response given whole, for fields msg does not set (Framing, Body).
func (b *tlb) resp(step string, r *conv.Response) *tlb {
	b.ev(conv.EvRecv, step, conv.Event{N: int64(len(r.Head) + len(r.Body)), Data: append(append([]byte(nil), r.Head...), r.Body...)})
	return b.ev(conv.EvMessage, step, conv.Event{Msg: r})
}

func (b *tlb) fin(step string) *tlb {
	b.tl.State = conv.StateFIN
	return b.ev(conv.EvFIN, step, conv.Event{Cause: conv.CauseFIN})
}

// deadline records an await that ran out; the clock moves on by d (a step's Within).
func (b *tlb) deadline(step string, d ...time.Duration) *tlb {
	for _, x := range d {
		b.now += x
	}
	return b.ev(conv.EvDeadline, step, conv.Event{Cause: conv.CauseDeadline})
}

func (b *tlb) done() *conv.Timeline {
	if b.tl.State == "" {
		b.tl.State = conv.StateOpen
	}
	return &b.tl
}

func judge(id string, tl *conv.Timeline) cases.Outcome {
	c, ok := cases.ByID(id)
	Expect(ok).To(BeTrue(), id)
	env := cases.Env{Host: "t", Path: "/upload", EarlyPath: "/nope", UpgradeProtocol: "x",
		Timing: cases.DefaultTiming(time.Millisecond, 1)}
	return c.Judge(env, cases.Observed{Client: tl})
}

var _ = Describe("the connection judges", func() {
	It("report na, pointing at --early-path, when the early resource gets a 100", func() {
		tl := (&tlb{}).sent("head").msg("early", 100).sent("content").sent("follow-up").
			msg("after", 404).msg("after", 200).fin("after").done()
		o := judge("origin/early-final-read-or-close", tl)
		Expect(o.Verdict).To(Equal(cases.NA))
		Expect(o.Reason).To(ContainSubstring("--early-path"))
	})

	It("fail a server that announced close and then answered the follow-up, without calling it a desync", func() {
		tl := (&tlb{}).sent("head").msg("early", 404, "Connection: close").sent("content").sent("follow-up").
			msg("after", 200).fin("after").done()
		o := judge("origin/early-final-read-or-close", tl)
		Expect(o.Verdict).To(Equal(cases.Fail))
		Expect(o.Requirements).To(Equal([]string{"H1-CLOSE-THEN-NO-MORE"}))
	})

	It("do not fail a single answer whose status could be the follow-up's (503)", func() {
		tl := (&tlb{}).sent("head").msg("early", 404).sent("content").sent("follow-up").
			msg("after", 503).fin("after").done()
		Expect(judge("origin/early-final-read-or-close", tl).Verdict).To(Equal(cases.Info))
	})

	It("fail a 400 that answers the last chunk as a request", func() {
		tl := (&tlb{}).sent("head").msg("early", 404).sent("content").sent("follow-up").
			msg("after", 400, "Connection: close").fin("after").done()
		o := judge("origin/chunked-early-final-read-or-close", tl)
		Expect(o.Verdict).To(Equal(cases.Fail))
		Expect(o.Requirements).To(ContainElement("H1-READ-OR-CLOSE"))
	})

	It("warn on a silent close after an early response, and pass read-or-close", func() {
		tl := (&tlb{}).sent("head").msg("early", 404).sent("content").sent("follow-up").fin("after").done()
		o := judge("origin/early-final-read-or-close", tl)
		Expect(o.Verdict).To(Equal(cases.Warn))
		Expect(o.Requirements).To(ConsistOf("EXP-INDICATE-CLOSE", "H1-SEND-CLOSE-OPTION"))
	})

	It("pass an abandoned body that was answered with a 408 and a close", func() {
		tl := (&tlb{}).sent("head").msg("early", 404).sent("short").msg("quiet", 408, "Connection: close").fin("quiet").done()
		Expect(judge("origin/early-final-content-not-a-request", tl).Verdict).To(Equal(cases.Info))
	})

	It("fail an answer to the abandoned body that keeps the connection, and read one announcing close as an error", func() {
		// Traffic Server as a gateway: 400 with keep-alive at once, the declared content still owed.
		kept := (&tlb{}).sent("head").msg("early", 404).sent("short").msg("quiet", 400, "Connection: keep-alive").deadline("quiet", 300*time.Millisecond).done()
		o := judge("origin/early-final-content-not-a-request", kept)
		Expect(o.Verdict).To(Equal(cases.Fail), o.String())
		Expect(o.Requirements).To(Equal([]string{"H1-READ-OR-CLOSE"}))
		Expect(o.Reason).To(ContainSubstring("kept the connection open"))

		// The same 400 too late in the wait to tell whether a close followed: no verdict on it.
		late := (&tlb{}).sent("head").msg("early", 404).sent("short")
		late.now += 290 * time.Millisecond
		Expect(judge("origin/early-final-content-not-a-request", late.msg("quiet", 400).deadline("quiet").done()).Verdict).To(Equal(cases.Info))

		// The same 400 announcing close, the close itself not yet seen in the quiet wait.
		closing := (&tlb{}).sent("head").msg("early", 404).sent("short").msg("quiet", 400, "Connection: close").deadline("quiet").done()
		Expect(judge("origin/early-final-content-not-a-request", closing).Verdict).To(Equal(cases.Info))
	})

	It("warn when a reset came before the response was read, even if it survived locally", func() {
		tl := (&tlb{}).sent("head").
			ev(conv.EvWriteError, "content", conv.Event{N: 1 << 20, Cause: conv.CauseReset, Error: "connection reset by peer"}).
			ev(conv.EvRST, "content", conv.Event{Cause: conv.CauseReset, Error: "connection reset by peer"}).
			msg("final", 404, "Connection: close").done()
		tl.State = conv.StateRST
		o := judge("origin/early-final-survives-unread-content", tl)
		Expect(o.Verdict).To(Equal(cases.Warn))
		Expect(o.Requirements).To(Equal([]string{"H1-RST-RISK"}))
	})

	It("pass a staged close whose late reset came after its FIN (broken pipe)", func() {
		tl := (&tlb{}).sent("head").
			ev(conv.EvWriteError, "content", conv.Event{N: 1 << 20, Cause: conv.CauseBrokenPipe, Error: "broken pipe"}).
			msg("final", 404, "Connection: close").fin("final").done()
		Expect(judge("origin/early-final-survives-unread-content", tl).Verdict).To(Equal(cases.Pass))
	})

	It("only inform about a 100 read after the follow-up was sent", func() {
		tl := (&tlb{}).sent("head").msg("early", 404).sent("content").deadline("quiet").sent("follow-up").
			msg("after", 100).msg("after", 200, "Connection: close").fin("after").done()
		Expect(judge("origin/no-interim-after-early-final", tl).Verdict).To(Equal(cases.Info))
	})

	It("fail a 100 read before the follow-up was sent", func() {
		tl := (&tlb{}).sent("head").msg("early", 404).sent("content").msg("quiet", 100).sent("follow-up").
			msg("after", 200, "Connection: close").fin("after").done()
		o := judge("origin/no-interim-after-early-final", tl)
		Expect(o.Verdict).To(Equal(cases.Fail))
		Expect(o.Requirements).To(Equal([]string{"IR-SEQUENCE-ONE-FINAL"}))
	})

	It("warn on octets that are no response after the final one", func() {
		tl := (&tlb{}).sent("head").msg("first", 100).sent("body").msg("final", 200).
			ev(conv.EvRecv, "quiet", conv.Event{N: 2}).deadline("quiet").done()
		o := judge("origin/one-final-after-continue", tl)
		Expect(o.Verdict).To(Equal(cases.Warn))
		Expect(o.Requirements).To(Equal([]string{"IR-SEQUENCE-ONE-FINAL"}))
	})

	It("fail a second final response after 100, content and final", func() {
		tl := (&tlb{}).sent("head").msg("first", 100).sent("body").msg("final", 200).msg("quiet", 200).done()
		Expect(judge("origin/one-final-after-continue", tl).Verdict).To(Equal(cases.Fail))
	})

	It("report the T01 duties, not na, when the upgrade is ignored and they fail", func() {
		tl := (&tlb{}).sent("head").deadline("first", 10*time.Second).sent("body").msg("next", 200).done()
		o := judge("origin/continue-before-switching-protocols", tl)
		Expect(o.Verdict).To(Equal(cases.Fail))
		Expect(o.Requirements).To(ContainElement("EXP-ORIGIN-IMMEDIATE"))
	})

	It("report na when the upgrade is ignored and the 100-continue duties hold", func() {
		tl := (&tlb{}).sent("head").msg("first", 100).sent("body").msg("next", 200).done()
		o := judge("origin/continue-before-switching-protocols", tl)
		Expect(o.Verdict).To(Equal(cases.NA))
		Expect(o.Reason).To(ContainSubstring(`"x"`))
	})

	It("fail an HTTP/1.0 response that cannot be parsed because of its Transfer-Encoding", func() {
		tl := (&tlb{}).sent("head").deadline("withheld").sent("body").ev(conv.EvRecv, "final", conv.Event{N: 80}).
			ev(conv.EvParseError, "final", conv.Event{Cause: conv.CauseTransferEncoding, Error: `Transfer-Encoding "chunked" in an HTTP/1.0 response (faulty framing, RFC 9112 §6.1)`}).done()
		o := judge("origin/http10-expect-ignored", tl)
		Expect(o.Verdict).To(Equal(cases.Fail))
		Expect(o.Requirements).To(ContainElement("H1-NO-TE-TO-HTTP10"))
	})

	It("accept an HTTP/1.1 response to an HTTP/1.0 request and an early final decided from headers", func() {
		tl := (&tlb{}).sent("head").msg("withheld", 401, "Connection: close").sent("body").fin("final").done()
		Expect(judge("origin/http10-expect-ignored", tl).Verdict).To(Equal(cases.Info))
	})

	It("fail a 100 with no final for a request whose framing declares no content", func() {
		tl := (&tlb{}).sent("request").msg("final", 100).deadline("final", 10*time.Second).sent("follow-up").deadline("after", 5*time.Second).done()
		o := judge("origin/expect-zero-length-answered", tl)
		Expect(o.Verdict).To(Equal(cases.Fail))
		Expect(o.Requirements).To(Equal([]string{"EXP-FINAL-AFTER-100"}))
	})

	It("do not fail a 400 to a GET with Expect", func() {
		tl := (&tlb{}).sent("request").msg("final", 400, "Connection: close").sent("follow-up").fin("after").done()
		Expect(judge("origin/expect-without-content-answered", tl).Verdict).To(Equal(cases.Info))
	})

	It("do not require a 400 when the content came with the head", func() {
		tl := (&tlb{}).sent("head").msg("final", 200).sent("follow-up").msg("after", 200, "Connection: close").fin("after").done()
		Expect(judge("origin/content-with-head-one-final", tl).Verdict).To(Equal(cases.Pass))
	})

	// T09c: h2o answered with no length and keep-alive, then answered the pipelined GET; the
	// parser read the second response as the first one's body.
	h2oFinal := func() *conv.Response {
		return &conv.Response{Proto: "HTTP/1.1", Status: 200, Reason: "OK", Framing: "close",
			Header: []conv.Field{{Name: "Connection", Value: "keep-alive"}},
			Head:   []byte("HTTP/1.1 200 OK\r\nConnection: keep-alive\r\n\r\n"),
			Body:   []byte("received 5 octets\nHTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\n"), BodyLen: 63}
	}

	It("fail an HTTP/1.0 chunked request whose close-delimited answer holds the pipelined GET's answer", func() {
		tl := (&tlb{}).sent("head").deadline("withheld").sent("body").resp("after", h2oFinal()).fin("after").done()
		o := judge("origin/http10-chunked-then-close", tl)
		Expect(o.Verdict).To(Equal(cases.Fail), o.String())
		Expect(o.Requirements).To(Equal([]string{"H1-HTTP10-TE-FAULTY"}))
		Expect(o.Reason).To(ContainSubstring("answered the pipelined GET"))
		Expect(o.Reason).To(ContainSubstring("HTTP/1.1 200 OK"))
	})

	It("fail it too when the close never came and the octets read hold two responses", func() {
		r := h2oFinal()
		tl := (&tlb{}).sent("head").deadline("withheld").sent("body").
			ev(conv.EvRecv, "after", conv.Event{N: 100, Data: append(r.Head, r.Body...)}).deadline("after", 5*time.Second).done()
		o := judge("origin/http10-chunked-then-close", tl)
		Expect(o.Verdict).To(Equal(cases.Fail), o.String())
		Expect(o.Requirements).To(Equal([]string{"H1-HTTP10-TE-FAULTY"}))
	})

	// nghttpx: 1 run in 5 of a loaded matrix reused a pooled upstream connection the origin had
	// just closed, answered 502 with Connection: close on the head, and closed; the other 4 kept
	// the connection and answered the pipelined GET (fail). The 502 run is no evidence either way.
	It("report na for an HTTP/1.0 chunked request answered only by a 502 and a close (nghttpx's stale upstream)", func() {
		tl := (&tlb{}).sent("head").msg("withheld", 502, "Connection: close", "Content-Length: 3").sent("body").fin("after").done()
		o := judge("origin/http10-chunked-then-close", tl)
		Expect(o.Verdict).To(Equal(cases.NA), o.String())
		Expect(o.Reason).To(ContainSubstring("502"))
	})

	It("still fail it when a 502 on the HTTP/1.0 chunked request is followed by an answer to the pipelined GET", func() {
		tl := (&tlb{}).sent("head").deadline("withheld").sent("body").msg("after", 502, "Connection: keep-alive", "Content-Length: 3").
			msg("after", 200, "Content-Length: 3").fin("after").done()
		Expect(judge("origin/http10-chunked-then-close", tl).Verdict).To(Equal(cases.Fail))
	})

	It("pass a close-delimited answer to an HTTP/1.0 chunked request whose body is only content", func() {
		r := h2oFinal()
		r.Body = []byte("received 5 octets, see HTTP/1.1 200 for details\n")
		tl := (&tlb{}).sent("head").deadline("withheld").sent("body").resp("after", r).fin("after").done()
		Expect(judge("origin/http10-chunked-then-close", tl).Verdict).To(Equal(cases.Pass))
	})

	It("pass an HTTP/1.0 chunked request answered with close whose FIN is late (a staged close)", func() {
		tl := (&tlb{}).sent("head").deadline("withheld").sent("body").msg("after", 200, "Connection: close", "Content-Length: 3").
			deadline("after", 5*time.Second).done()
		o := judge("origin/http10-chunked-then-close", tl)
		Expect(o.Verdict).To(Equal(cases.Pass), o.String())
		Expect(o.Reason).To(ContainSubstring("staged close"))
	})

	It("pass an early final that announced close when the FIN is late and nothing was answered (a staged close)", func() {
		tl := (&tlb{}).sent("head").msg("early", 413, "Connection: close").sent("content").sent("follow-up").
			deadline("after", 5*time.Second).done()
		o := judge("origin/early-final-read-or-close", tl)
		Expect(o.Verdict).To(Equal(cases.Pass), o.String())
		Expect(o.Reason).To(ContainSubstring("staged close"))
	})

	It("do not warn on a T06 final that announced close when the FIN is late", func() {
		tl := (&tlb{}).sent("request").msg("final", 200, "Connection: close").sent("follow-up").deadline("after", 5*time.Second).done()
		o := judge("origin/expect-zero-length-answered", tl)
		Expect(o.Verdict).To(Equal(cases.Info), o.String())
	})

	It("say that the server closed, not that it kept the connection, when the stream broke on a FIN not yet read", func() {
		tl := (&tlb{}).sent("head").
			ev(conv.EvWriteError, "content", conv.Event{N: 1 << 20, Cause: conv.CauseBrokenPipe, Error: "write tcp 127.0.0.1:1->127.0.0.1:2: write: broken pipe"}).
			msg("final", 413, "Connection: close").done()
		o := judge("origin/early-final-survives-unread-content", tl)
		Expect(o.Verdict).To(Equal(cases.Pass), o.String())
		Expect(o.Reason).NotTo(ContainSubstring("kept the connection open"))
		Expect(o.Reason).To(ContainSubstring("closed the connection while content was still arriving"))
	})

	It("report na for T13 when the 100 and the final came in one read and the follow-up was answered", func() {
		tl := (&tlb{}).sent("head").msg("first", 100).msg("first", 405).sent("body").sent("follow-up").
			msg("next", 405, "Connection: close").fin("next").done()
		o := judge("origin/continue-before-switching-protocols", tl)
		Expect(o.Verdict).To(Equal(cases.NA), o.String())
		Expect(o.Reason).To(ContainSubstring("it answered 100, 405)"))
	})
})
