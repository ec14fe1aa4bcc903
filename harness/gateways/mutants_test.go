package gateways_test

import (
	"runtime"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/expectspec/expectspec/harness/conv"
	"github.com/expectspec/expectspec/harness/gateways"
	"github.com/expectspec/expectspec/harness/origin"
)

// The mutants are the streaming gateway with one knob turned: away from their knob they serve
// plain requests, and like the references they end every goroutine with stop.
var _ = Describe("the mutant intermediaries", func() {
	It("have unique mut-gw- names, apart from the conforming ones", func() {
		seen := map[string]bool{}
		for _, n := range gateways.Conforming() {
			Expect(seen).NotTo(HaveKey(n.Name))
			seen[n.Name] = true
		}
		for _, n := range gateways.Mutants() {
			Expect(n.Name).To(HavePrefix("mut-gw-"))
			Expect(seen).NotTo(HaveKey(n.Name))
			seen[n.Name] = true
		}
	})

	It("say which requirements each mutant breaks, and that a conforming one breaks none", func() {
		for _, n := range gateways.Conforming() {
			Expect(n.Breaks).To(BeEmpty(), n.Name)
		}
		for _, n := range gateways.Mutants() {
			Expect(n.Breaks).NotTo(BeEmpty(), n.Name)
			for _, id := range n.Breaks {
				Expect(id).To(MatchRegexp(`^[A-Z0-9]+(-[A-Z0-9]+)+$`), n.Name)
			}
		}
	})

	for _, n := range append(gateways.Conforming(), gateways.Mutants()...) {
		It(n.Name+" serves a plain upload and ends every goroutine with stop", func() {
			before := runtime.NumGoroutine()
			o, err := origin.Start(origin.WithIdleTimeout(5 * time.Second))
			Expect(err).NotTo(HaveOccurred())
			addr, stop, err := n.Start(o.Addr())
			Expect(err).NotTo(HaveOccurred())
			o.Register("m", conv.OriginScript{})
			o.Register("w", conv.OriginScript{OnHead: conv.HeadWait})
			c := dial(addr)
			c.send(post("m", 2) + "ok")
			msgs := c.await(1)
			if msgs[0].Interim() { // mut-gw-add-expect-wait relays the 100 it asked for
				msgs = c.await(2)[1:]
			}
			Expect(msgs[0].Status).To(Equal(200))
			d := dial(addr)
			d.send(post("w", 100, "Expect: 100-continue")) // left with the content owed
			stop()
			Expect(o.Close()).To(Succeed())
			Eventually(runtime.NumGoroutine).WithTimeout(within).WithPolling(10 * time.Millisecond).
				Should(BeNumerically("<=", before))
		})
	}
})
