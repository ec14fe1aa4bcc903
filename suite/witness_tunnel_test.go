package suite

import (
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/expectspec/expectspec/cases"
	"github.com/expectspec/expectspec/harness/target"
)

// A plain TCP relay (pen 0.34 as --gateway, here the reference tunnel gateways.StartTunnel) is no
// HTTP intermediary (RFC 9110 §3.7): what the client sees through it is the suite's own origin.
// Before the suite recognised it, the origin's own parsing became the relay's verdict: pen failed
// origin/early-final-content-not-a-request (the origin served a request it found inside the
// content) and the T27 chain cases, 5 runs of 5. Every case through it must now be na naming
// the tunnel, or a verdict with no finding against it.
//
// tunnelSpecs are the tunnel's specs, inside the witnesses' ordered container, whose BeforeAll
// plays every gateway case through the reference tunnel (gateways.StartTunnel) along with the
// witness runs.
func tunnelSpecs(got func() (target.Target, map[string]run)) {
	Describe("a plain TCP relay as a gateway", func() {
		var tunnel target.Target
		runs := map[string]run{}
		BeforeEach(func() { tunnel, runs = got() })

		It("is never failed or warned for what the suite's origin did", func() {
			for _, c := range applicable(cases.All(), "gateway") {
				r := runs[key(tunnel.Name, c.ID)]
				Expect(r.outcome.Verdict).To(BeElementOf(cases.Pass, cases.Info, cases.NA),
					"%s through the tunnel: %s\n%s%s", c.ID, r.outcome, transcript(r.tl), originTranscript(r.recs))
			}
		})

		It("says it is a tunnel where the case saw the origin through it", func() {
			for _, id := range []string{"origin/early-final-content-not-a-request", "origin/ws-before-colon", "origin/obs-fold",
				"chain/ws-before-colon-not-forwarded", "chain/obs-fold-not-forwarded", "gateway/immediate-100-backend-continues"} {
				r := runs[key(tunnel.Name, id)]
				Expect(r.outcome.Verdict).To(Equal(cases.NA), "%s: %s", id, r.outcome)
				Expect(r.outcome.Reason).To(ContainSubstring("as a tunnel does"), id)
				Expect(strings.Count(r.outcome.Reason, "RFC 9110 §3.7")).To(BeNumerically(">=", 1), id)
			}
		})
	})
}
