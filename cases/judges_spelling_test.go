package cases_test

import (
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/expectspec/expectspec/cases"
	"github.com/expectspec/expectspec/harness/conv"
)

// Judges of T02–T05 and T11 on timelines no reference server produces: conforming choices the
// references do not make (ignoring a malformed line, reading and discarding after a 413) and
// defects they do not have. Each timeline is written event by event.

// spellTL builds a timeline; times are milliseconds from the start.
type spellTL struct{ tl conv.Timeline }

func spellTimeline() *spellTL { return &spellTL{tl: conv.Timeline{State: conv.StateOpen}} }

func (b *spellTL) at(ms int, kind conv.EventKind, step string, msg *conv.Response) *spellTL {
	b.tl.Events = append(b.tl.Events, conv.Event{At: time.Duration(ms) * time.Millisecond, Kind: kind, Step: step, Msg: msg})
	switch kind {
	case conv.EvFIN:
		b.tl.State = conv.StateFIN
	case conv.EvRST:
		b.tl.State = conv.StateRST
	}
	return b
}

func (b *spellTL) sent(ms int, step string) *spellTL { return b.at(ms, conv.EvSent, step, nil) }
func (b *spellTL) fin(ms int) *spellTL               { return b.at(ms, conv.EvFIN, "", nil) }

// resp adds a parsed response; fields are "Name: value" strings.
func (b *spellTL) resp(ms int, step string, code int, fields ...string) *spellTL {
	r := &conv.Response{Proto: "HTTP/1.1", Status: code}
	for _, f := range fields {
		n, v, _ := strings.Cut(f, ": ")
		r.Header = append(r.Header, conv.Field{Name: n, Value: v})
	}
	return b.at(ms, conv.EvMessage, step, r)
}

var _ = Describe("the judges of T02–T05 and T11", func() {
	env := cases.Env{Host: "t", Path: "/upload", EarlyPath: "/nope",
		Timing: cases.Timing{RTT0: time.Millisecond, Immediate: time.Second, Max: 10 * time.Second, Response: 5 * time.Second, Quiet: 300 * time.Millisecond}}

	DescribeTable("verdicts",
		func(id string, b *spellTL, verdict cases.Verdict, req string) {
			c, ok := cases.ByID(id)
			Expect(ok).To(BeTrue(), id)
			o := c.Judge(env, cases.Observed{Client: &b.tl})
			Expect(o.Verdict).To(Equal(verdict), o.String())
			if req != "" {
				Expect(o.Requirements).To(ContainElement(req), o.String())
			}
		},
		Entry("T02 canonical: a 417 is a final status the duty allows",
			"origin/name-title-value-lower",
			spellTimeline().sent(0, "head").resp(2, "first", 417).sent(3, "body"),
			cases.Info, "S417-CHAIN-SIGNAL"),
		Entry("T02 silence names the spelling rule, not a late answer after the content",
			"origin/name-title-value-upper",
			spellTimeline().sent(0, "head").sent(10000, "body").resp(10002, "final", 200),
			cases.Fail, "EXP-VALUE-CASE"),
		Entry("T03e: a 417 for the foo member is allowed",
			"origin/list-two-lines",
			spellTimeline().sent(0, "head").resp(1, "first", 417).sent(2, "body"),
			cases.Info, "EXP-UNKNOWN-417-MAY"),
		Entry("T04: the content answered as a second request",
			"origin/unknown-foo",
			spellTimeline().sent(0, "request").resp(1, "final", 417).resp(2, "after", 400),
			cases.Fail, "H1-READ-OR-CLOSE"),
		Entry("T04: a 100 after the final response",
			"origin/unknown-foo",
			spellTimeline().sent(0, "request").resp(1, "final", 200).resp(2, "after", 100),
			cases.Fail, "IR-SEQUENCE-ONE-FINAL"),
		Entry("T04: no answer at all to a complete request",
			"origin/unknown-quoted",
			spellTimeline().sent(0, "request"),
			cases.Warn, "EXP-UNKNOWN-417-MAY"),
		Entry("T04 withheld: silence, then 200 after the content",
			"origin/unknown-with-param-withheld",
			spellTimeline().sent(0, "head").sent(300, "body").resp(301, "final", 200),
			cases.Info, ""),
		Entry("T05a: 417 is not the 400 the rule names",
			"origin/ws-before-colon",
			spellTimeline().sent(0, "head").resp(1, "first", 417).sent(2, "body"),
			cases.Fail, "H1-WS-BEFORE-COLON"),
		Entry("T05b: a 417 after replacing the fold is reported, not failed",
			"origin/obs-fold",
			spellTimeline().sent(0, "head").resp(1, "first", 417).sent(2, "body"),
			cases.Info, "H1-OBS-FOLD"),
		Entry("T05c: the line ignored, the content awaited, then 200",
			"origin/ws-line-after-start",
			spellTimeline().sent(0, "head").sent(300, "body").resp(301, "final", 200),
			cases.Pass, "H1-WS-LINE-AFTER-START"),
		Entry("T05c: a 100 after the content still shows the line was processed",
			"origin/ws-line-after-start",
			spellTimeline().sent(0, "head").sent(300, "body").resp(301, "final", 100).resp(302, "final", 200),
			cases.Fail, "H1-WS-LINE-AFTER-START"),
		Entry("T05c: a close without a response is a rejection",
			"origin/ws-line-after-start",
			spellTimeline().sent(0, "head").fin(1).sent(300, "body"),
			cases.Info, ""),
		Entry("T05e: CR taken as SP, `100- continue` ignored, 200 after the content",
			"origin/bare-cr-in-value",
			spellTimeline().sent(0, "head").sent(300, "body").resp(301, "final", 200),
			cases.Pass, "H1-BARE-CR"),
		Entry("T05e: CR taken as SP and the unknown value refused",
			"origin/bare-cr-in-value",
			spellTimeline().sent(0, "head").resp(1, "first", 417).sent(2, "body"),
			cases.Info, "EXP-UNKNOWN-417-MAY"),
		Entry("T05d: silence, then 200 after the content (the NUL kept, or replaced after trimming)",
			"origin/nul-in-value",
			spellTimeline().sent(0, "head").sent(10000, "body").resp(10002, "final", 200),
			cases.Warn, "FLD-CR-LF-NUL"),
		Entry("T05d: the NUL replaced and the 100-continue answered",
			"origin/nul-in-value",
			spellTimeline().sent(0, "head").resp(1, "first", 100).sent(2, "body").resp(3, "final", 200),
			cases.Pass, "FLD-CR-LF-NUL"),
		Entry("T05f: silence is still a failure",
			"origin/oversize-expect",
			spellTimeline().sent(0, "head").sent(10000, "body").resp(10002, "final", 200),
			cases.Fail, "FLD-OVERSIZE-4XX"),
		Entry("T11a: 413 with close, and the FIN late (a staged close)",
			"origin/content-length-1tib",
			spellTimeline().sent(0, "head").resp(1, "first", 413, "Connection: close").sent(2, "follow-up"),
			cases.Info, "SRV-413"),
		Entry("T11c: 400 with close, and the FIN late (a staged close)",
			"origin/content-length-list",
			spellTimeline().sent(0, "head").resp(1, "first", 400, "Connection: close"),
			cases.Pass, "H1-INVALID-CL-400"),
		Entry("T11d: 400 with close, and the FIN late (a staged close)",
			"origin/content-length-and-chunked",
			spellTimeline().sent(0, "head").resp(1, "first", 400, "Connection: close").sent(2, "body"),
			cases.Info, "H1-CL-AND-TE-CLOSE"),
		Entry("T11d: 200 without close, the connection kept open",
			"origin/content-length-and-chunked",
			spellTimeline().sent(0, "head").resp(1, "first", 100).sent(2, "body").resp(3, "final", 200),
			cases.Warn, "H1-CL-AND-TE-CLOSE"),
		Entry("T05f: 431 for the large field",
			"origin/oversize-expect",
			spellTimeline().sent(0, "head").resp(1, "first", 431, "Connection: close").fin(2).sent(3, "body"),
			cases.Pass, "FLD-OVERSIZE-4XX"),
		Entry("T05f: a close without the 4xx",
			"origin/oversize-expect",
			spellTimeline().sent(0, "head").fin(2).sent(3, "body"),
			cases.Warn, "FLD-OVERSIZE-4XX"),
		Entry("T11a: 413 without close, then read and discard",
			"origin/content-length-1tib",
			spellTimeline().sent(0, "head").resp(1, "first", 413).sent(2, "follow-up"),
			cases.Info, "SRV-413"),
		Entry("T11a: 413 without close, then the follow-up answered",
			"origin/content-length-1tib",
			spellTimeline().sent(0, "head").resp(1, "first", 413).sent(2, "follow-up").resp(3, "after", 404, "Connection: close").fin(4),
			cases.Fail, "H1-READ-OR-CLOSE"),
		Entry("T11a: 413, then a close without saying so",
			"origin/content-length-1tib",
			spellTimeline().sent(0, "head").resp(1, "first", 413).fin(2).sent(3, "follow-up"),
			cases.Warn, "EXP-INDICATE-CLOSE"),
		Entry("T11a: a 100 and then two answers",
			"origin/content-length-1tib",
			spellTimeline().sent(0, "head").resp(1, "first", 100).sent(2, "follow-up").resp(3, "after", 413).resp(4, "after", 404),
			cases.Fail, "H1-READ-OR-CLOSE"),
		Entry("T11a: a 100, then a 413 and a close during the upload",
			"origin/content-length-1tib",
			spellTimeline().sent(0, "head").resp(1, "first", 100).sent(2, "follow-up").resp(3, "after", 413, "Connection: close").fin(4),
			cases.Info, "SRV-413"),
		Entry("T11b: 413 and the connection kept for discarding",
			"origin/content-length-overflow",
			spellTimeline().sent(0, "head").resp(1, "first", 413).sent(2, "octet"),
			cases.Pass, "SRV-CL-LARGE-NUMBERS"),
		Entry("T11b: 400 with the connection left open",
			"origin/content-length-overflow",
			spellTimeline().sent(0, "head").resp(1, "first", 400).sent(2, "octet"),
			cases.Warn, "H1-INVALID-CL-400"),
		Entry("T11b: a 100 and the rest awaited (no wrap)",
			"origin/content-length-overflow",
			spellTimeline().sent(0, "head").resp(1, "first", 100).sent(2, "octet"),
			cases.Info, "SRV-CL-LARGE-NUMBERS"),
		Entry("T11b: silence, then 200 after one octet (wrapped, no 100)",
			"origin/content-length-overflow",
			spellTimeline().sent(0, "head").sent(10000, "octet").resp(10001, "after", 200),
			cases.Fail, "SRV-CL-LARGE-NUMBERS"),
		Entry("T11c: 400 and a close",
			"origin/content-length-list",
			spellTimeline().sent(0, "head").resp(1, "first", 400, "Connection: close").fin(2),
			cases.Pass, "H1-INVALID-CL-400"),
		Entry("T11c: 400 and the connection kept open",
			"origin/content-length-list",
			spellTimeline().sent(0, "head").resp(1, "first", 400),
			cases.Fail, "H1-INVALID-CL-400"),
		Entry("T11c: a 100 and no 400",
			"origin/content-length-list",
			spellTimeline().sent(0, "head").resp(1, "first", 100),
			cases.Fail, "H1-INVALID-CL-400"),
		Entry("T11d: rejected with 400 and closed",
			"origin/content-length-and-chunked",
			spellTimeline().sent(0, "head").resp(1, "first", 400, "Connection: close").fin(2).sent(3, "body"),
			cases.Info, "H1-CL-AND-TE-CLOSE"),
		Entry("T11d: rejected with 400, kept open, and the content answered as a request",
			"origin/content-length-and-chunked",
			spellTimeline().sent(0, "head").resp(1, "first", 400).sent(2, "body").resp(3, "after", 400),
			cases.Fail, "H1-CL-AND-TE-CLOSE"),
	)

	DescribeTable("reasons",
		func(id string, b *spellTL, want ...string) {
			c, ok := cases.ByID(id)
			Expect(ok).To(BeTrue(), id)
			o := c.Judge(env, cases.Observed{Client: &b.tl})
			for _, w := range want {
				Expect(o.Reason).To(ContainSubstring(w), o.String())
			}
		},
		Entry("T02: a 417 only after the content (Apache) is named as such",
			"origin/name-title-value-upper",
			spellTimeline().sent(0, "head").sent(10000, "body").resp(10002, "final", 417),
			"answered only after the content was sent (417)"),
		Entry("T03d: the RFC 7231 note on a failed list form",
			"origin/list-repeated",
			spellTimeline().sent(0, "head").sent(10000, "body").resp(10002, "final", 200),
			"RFC 9110 restored the list syntax of Expect", "answered only after the content was sent (200)"),
		Entry("T03b: the note on whitespace around the value too",
			"origin/ows-around",
			spellTimeline().sent(0, "head").sent(10000, "body"),
			"RFC 7231 allowed only the single token"),
		Entry("T05d: silence names both readings",
			"origin/nul-in-value",
			spellTimeline().sent(0, "head").sent(10000, "body").resp(10002, "final", 200),
			"GEN-ERROR-RECOVERY", "cannot be told apart"),
		Entry("T05f: silence points at the list form",
			"origin/oversize-expect",
			spellTimeline().sent(0, "head").sent(10000, "body"),
			"if origin/list-repeated also fails on this target", "EXP-ABNF-LIST"),
		Entry("T11a: a staged close is named",
			"origin/content-length-1tib",
			spellTimeline().sent(0, "head").resp(1, "first", 413, "Connection: close").sent(2, "follow-up"),
			"staged close"),
	)
})
