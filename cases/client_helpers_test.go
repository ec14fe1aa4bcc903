package cases_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/expectspec/expectspec/cases"
	"github.com/expectspec/expectspec/harness/conv"
)

// decideClient judges a client case on a made-up run: the command's report and the origin's
// record of the requests it made for token.
func decideClient(env cases.Env, id string, rep conv.ClientReport, reqs ...conv.OriginRequest) cases.Outcome {
	GinkgoHelper()
	c, found := cases.ByID(id)
	Expect(found).To(BeTrue(), id)
	rec := conv.OriginRecord{Token: env.Token, Requests: reqs}
	return c.Decide(env, cases.Observed{Origin: &rec, Reported: &rep})
}

// expectVerdict checks an outcome's verdict and, when req is given, that it names req.
func expectVerdict(o cases.Outcome, v cases.Verdict, req string) {
	GinkgoHelper()
	Expect(o.Verdict).To(Equal(v), o.String())
	if req != "" {
		Expect(o.Requirements).To(ContainElement(req), o.String())
	}
}
