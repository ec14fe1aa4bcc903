package cases_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/expectspec/expectspec/cases"
	"github.com/expectspec/expectspec/harness/conv"
)

// The chain judges that read the request the origin received say once, the same way, that
// nothing reached it (onForwarded), whether or not the client was answered.
var _ = Describe("an intermediary case where nothing reached the origin", func() {
	env := cases.Env{Host: "t", Path: "/upload", Token: "tok", Role: cases.Gateway, OriginAuthority: "127.0.0.1:1",
		Timing: cases.DefaultTiming(time.Millisecond, 1)}
	answered := func() *conv.Timeline {
		return &conv.Timeline{Events: []conv.Event{{Kind: conv.EvMessage, At: time.Millisecond, Step: "first",
			Msg: &conv.Response{Proto: "HTTP/1.1", Status: 502, Reason: "Bad Gateway"}}}}
	}
	DescribeTable("is info on the case's first requirement, naming what the client received",
		func(id, requirement string) {
			c, ok := cases.ByID(id)
			Expect(ok).To(BeTrue(), id)
			for _, tl := range []*conv.Timeline{{}, answered()} {
				o := c.Judge(env, cases.Observed{Client: tl})
				Expect(o.Verdict).To(Equal(cases.Info), o.String())
				Expect(o.Requirements).To(Equal([]string{requirement}), o.String())
				Expect(o.Reason).To(ContainSubstring("nothing reached the origin"), o.String())
			}
			o := c.Judge(env, cases.Observed{Client: answered(), Origin: &conv.OriginRecord{Token: "tok"}})
			Expect(o.Reason).To(ContainSubstring("502 Bad Gateway"), o.String())
		},
		Entry(nil, "chain/interim-responses-relayed", "IR-PROXY-FORWARD-1XX"),
		Entry(nil, "chain/interim-with-content-length-framed-by-headers", "IR-FRAMING-ENDS-AT-HEADERS"),
		Entry(nil, "chain/added-expect-no-indefinite-wait", "IR-PROXY-OWN-EXPECT"),
		Entry(nil, "chain/upstream-417-relayed", "S417-MEANING"),
		Entry(nil, "chain/connection-named-expect-removed", "INT-CONNECTION-HOP-BY-HOP"),
	)
})
