package suite

import (
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/expectspec/expectspec/cases"
	"github.com/expectspec/expectspec/harness/origin"
	"github.com/expectspec/expectspec/harness/origin/gateways"
	"github.com/expectspec/expectspec/harness/target"
)

// A plain TCP relay (pen 0.34 as --gateway, here the reference tunnel gateways.StartTunnel) is no
// HTTP intermediary (RFC 9110 §3.7): what the client sees through it is the suite's own origin.
// Before the suite recognised it, the origin's own parsing became the relay's verdict: pen failed
// origin/early-final-content-not-a-request (the origin served a request it found inside the
// content) and the T27 chain cases, 5 runs of 5. Every case through it must now be na naming
// the tunnel, or a verdict with no finding against it.
var _ = Describe("a plain TCP relay as a gateway", Ordered, func() {
	runs := map[string]run{}
	var tunnel target.Target

	BeforeAll(func(ctx SpecContext) {
		o, err := origin.Start()
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(o.Close)
		tunnel, err = target.StartGateway("ref-tunnel", gateways.StartTunnel, o)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(tunnel.Stop)
		sched := newScheduler(ctx)
		var keys []string
		for _, c := range applicable(cases.All(), "gateway") {
			env := CaseEnv(tunnel, Env(tunnel, cases.DefaultTiming(time.Millisecond, witnessScale)), c)
			sched.addVia(key(tunnel.Name, c.ID), tunnel.Address, env, c, tunnel.Origin)
			keys = append(keys, key(tunnel.Name, c.ID))
		}
		sched.prefetch(32, func(string) bool { return true })
		for _, k := range keys {
			j, err := sched.result(ctx, k)
			Expect(err).NotTo(HaveOccurred())
			runs[k] = run{j.outcome, j.tl, j.recs}
		}
		sched.wait()
	}, NodeTimeout(2*time.Minute))

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
