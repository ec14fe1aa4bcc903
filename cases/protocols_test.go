package cases_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/expectspec/expectspec/cases"
	"github.com/expectspec/expectspec/harness/conv"
)

// A case applies to the protocols it names; one that names none is an HTTP/1.1 case, so every
// case written before HTTP/2 keeps running over HTTP/1.1 only, its scripts being HTTP/1.1 octets.
var _ = Describe("the protocols a case applies to", func() {
	It("is HTTP/1.1 only for a case that names none", func() {
		c := cases.Case{}
		Expect(c.AppliesTo(conv.HTTP1)).To(BeTrue())
		Expect(c.AppliesTo(conv.H2)).To(BeFalse())
		Expect(c.AppliesTo(conv.H2C)).To(BeFalse())
	})
	It("is the named ones otherwise", func() {
		c := cases.Case{Protocols: []conv.Protocol{conv.H2, conv.H2C}}
		Expect(c.AppliesTo(conv.HTTP1)).To(BeFalse())
		Expect(c.AppliesTo(conv.H2)).To(BeTrue())
		Expect(c.AppliesTo(conv.H2C)).To(BeTrue())
	})
	It("gives every case, over each protocol it applies to, a script of that protocol's steps", func() {
		for _, c := range cases.All() {
			if c.Client == nil {
				continue
			}
			for _, p := range []conv.Protocol{conv.HTTP1, conv.H2, conv.H2C} {
				if !c.AppliesTo(p) {
					continue
				}
				h2 := false
				for _, st := range c.Client(cases.Env{Host: "t", Path: "/upload", Token: "tok", Protocol: p, Timing: cases.DefaultTiming(0, 1)}).Steps {
					h2 = h2 || st.Kind >= conv.SendHeaders
				}
				Expect(h2).To(Equal(p.IsH2()), "%s over %s", c.ID, p)
			}
		}
	})
	It("leaves every case that names no protocol on HTTP/1.1, its script HTTP/1.1 octets", func() {
		for _, c := range cases.All() {
			if len(c.Protocols) == 0 {
				Expect(c.AppliesTo(conv.H2) || c.AppliesTo(conv.H2C)).To(BeFalse(), c.ID)
			}
		}
	})
})
