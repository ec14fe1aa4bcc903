package cases_test

import (
	"regexp"
	"slices"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/expectspec/expectspec/cases"
)

// The catalogue is data; these specs keep it well-formed: stable unique IDs, cited requirements
// that exist, roles, and scripts whose every wait has a deadline.
var _ = Describe("the catalogue", func() {
	env := cases.Env{Host: "t", Path: "/upload", EarlyPath: "/nope", UpgradeProtocol: "x",
		Timing: cases.DefaultTiming(time.Millisecond, 1)}
	idShape := regexp.MustCompile(`^(origin|gateway|proxy|chain|client)/[a-z0-9]+(-[a-z0-9]+)*$`)

	It("has unique, semantic IDs", func() {
		seen := map[string]bool{}
		for _, c := range cases.All() {
			Expect(c.ID).To(MatchRegexp(idShape.String()), "case %q", c.ID)
			Expect(seen).NotTo(HaveKey(c.ID), "duplicate case ID")
			seen[c.ID] = true
		}
		Expect(seen).NotTo(BeEmpty())
	})

	It("cites only requirements of the catalogue, and gives every case a claim, a scenario and roles", func() {
		for _, c := range cases.All() {
			Expect(c.Title).NotTo(BeEmpty(), c.ID)
			Expect(c.Scenario).To(MatchRegexp(`^T\d\d[a-z]?$`), c.ID)
			Expect(c.Roles).NotTo(BeEmpty(), c.ID)
			Expect(c.Requirements).NotTo(BeEmpty(), c.ID)
			for _, id := range c.Requirements {
				_, ok := cases.Lookup(id)
				Expect(ok).To(BeTrue(), "%s cites unknown requirement %s", c.ID, id)
			}
			// A case is played by the suite's client, with an Origin side too for an
			// intermediary; a client case (the target is the client) has the Origin side alone.
			if slices.Equal(c.Roles, []cases.Role{cases.ClientUnderTest}) {
				Expect(c.Client).To(BeNil(), c.ID)
				Expect(c.Origin).NotTo(BeNil(), c.ID)
			} else {
				Expect(c.Client).NotTo(BeNil(), c.ID)
				Expect(c.Roles).NotTo(ContainElement(cases.ClientUnderTest), c.ID)
			}
			Expect(c.Judge).NotTo(BeNil(), c.ID)
			if slices.Contains(c.Roles, cases.Proxy) {
				Expect(c.Origin).NotTo(BeNil(), "%s runs through a forward proxy, so needs the suite's origin", c.ID)
			}
		}
	})

	It("gives every step of every script a deadline", func() {
		for _, c := range cases.All() {
			if c.Client == nil {
				cenv := env
				cenv.Role = cases.ClientUnderTest
				Expect(c.Budget(cenv)).To(BeNumerically("==", cenv.Timing.Max+cenv.Timing.Response), c.ID)
				continue
			}
			for _, s := range c.Client(env).Steps {
				Expect(s.Within).To(BeNumerically(">", 0), "%s step %q", c.ID, s.Label)
			}
			Expect(c.Budget(env)).To(BeNumerically("<", 60*time.Second), c.ID)
		}
	})

	It("gives every requirement an RFC number and a section", func() {
		for _, r := range cases.Catalogue() {
			Expect(r.RFC).To(MatchRegexp(`^\d{4}$`), r.ID)
			Expect(r.Section).NotTo(BeEmpty(), r.ID)
		}
	})
})
