package cases_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/expectspec/expectspec/cases"
	"github.com/expectspec/expectspec/harness/conv"
)

// Judge branches found by running real servers (the matrix), each with the trace shape seen.
var _ = Describe("judges reviewed against real servers", func() {
	It("fail Content-Length + chunked when octets that are no response follow the response (python http.server answers the chunked remains as HTTP/0.9)", func() {
		tl := (&tlb{}).sent("head").msg("first", 100).sent("body").msg("final", 200).
			ev(conv.EvRecv, "final", conv.Event{N: 120}).
			ev(conv.EvParseError, "final", conv.Event{Cause: conv.CauseStatusLine, Error: `status line: expected 'HTTP/1.x NNN ', got "<!DOCTYPE HTML>"`}).
			fin("after").done()
		o := judge("origin/content-length-and-chunked", tl)
		Expect(o.Verdict).To(Equal(cases.Fail))
		Expect(o.Requirements).To(ContainElement("H1-CL-AND-TE-CLOSE"))
		Expect(o.Reason).To(ContainSubstring("not part of it"))
	})

	It("put a silent combined spelling on the immediate duty, not on the field name's case", func() {
		tl := (&tlb{}).sent("head").deadline("withheld", 10*time.Second).sent("body").msg("final", 200).done()
		o := judge("origin/name-upper-value-title", tl)
		Expect(o.Verdict).To(Equal(cases.Fail))
		Expect(o.Requirements).To(ContainElement("EXP-ORIGIN-IMMEDIATE"))
		Expect(o.Requirements).NotTo(ContainElement("FLD-NAME-CASE"))
		Expect(o.Requirements).NotTo(ContainElement("EXP-VALUE-CASE"))
		Expect(o.Reason).To(ContainSubstring("origin/name-upper-value-lower"))
		Expect(o.Reason).To(ContainSubstring("origin/name-title-value-title"))
	})

	It("still put a silent name-only spelling on the field name's case", func() {
		tl := (&tlb{}).sent("head").deadline("withheld", 10*time.Second).sent("body").msg("final", 200).done()
		o := judge("origin/name-upper-value-lower", tl)
		Expect(o.Verdict).To(Equal(cases.Fail))
		Expect(o.Requirements).To(ContainElement("FLD-NAME-CASE"))
	})

	It("find an early final that follows its 100 within the settle wait", func() {
		tl := (&tlb{}).sent("head").msg("early", 100).msg("settle", 404).sent("content").sent("follow-up").
			msg("after", 200).fin("after").done()
		o := judge("origin/early-final-read-or-close", tl)
		Expect(o.Verdict).NotTo(Equal(cases.NA), o.Reason)
		Expect(o.Reason).To(ContainSubstring("404"))
	})
})
