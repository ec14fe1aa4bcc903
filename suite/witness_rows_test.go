package suite

import (
	"fmt"
	"sort"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/expectspec/expectspec/cases"
)

// The rows of the cases' Witnesses, checked against each other and against what each mutant
// declares it breaks (reference.Mutant.Breaks, gateways.Named.Breaks), without playing anything:
// witness_test.go plays them.

// idleMutants are the mutants no case can fail or warn, with the reason.
var idleMutants = map[string]string{
	// It shows the other branch of a MAY (a 100 to a 1 TiB PUT instead of an early 413, RFC 9110
	// §15.5.14): no case may fail or warn it, and origin/content-length-1tib reports it as info.
	"mut-no-limit-413": "the other branch of a MAY (SRV-413), reported as info",
}

var _ = Describe("the witness rows", func() {
	servers := witnessServers()

	It("name servers the suite can start, each in a role its case applies to", func() {
		var bad []string
		for _, r := range declaredRows() {
			s, ok := servers[r.w.Server]
			where := fmt.Sprintf("%s names %s", r.c.ID, r.w.Server)
			switch {
			case !ok:
				bad = append(bad, where+", which is no reference, mutant origin or intermediary")
				continue
			case s.mutant && r.w.Verdict != cases.Fail && r.w.Verdict != cases.Warn:
				bad = append(bad, where+", a mutant, with "+string(r.w.Verdict)+" (a mutant row is fail or warn)")
			case !s.mutant && r.w.Verdict != cases.Pass && r.w.Verdict != cases.Info:
				bad = append(bad, where+", a reference, with "+string(r.w.Verdict)+" (a reference row is pass or info)")
			case !s.mutant && (r.w.Requirement != "" || r.w.Why != ""):
				bad = append(bad, where+", a reference, with a requirement or an explanation")
			case r.w.Role != "" && s.role != "":
				bad = append(bad, where+" as "+string(r.w.Role)+": only a mutant intermediary's role can be chosen")
			}
			if _, known := cases.Lookup(r.w.Requirement); s.mutant && !known {
				bad = append(bad, where+" for "+r.w.Requirement+", which is not in the catalogue")
			}
			if !r.c.AppliesTo(s.httpProtocol()) {
				bad = append(bad, where+", spoken to in "+string(s.httpProtocol())+", a protocol the case does not apply to")
			}
			if role := s.roleFor(r.w, r.c); !hasRole(r.c, role) {
				bad = append(bad, where+" as "+string(role)+", a role the case does not apply to")
			}
		}
		Expect(bad).To(BeEmpty())
	})

	It("give every case a reference it passes or reports as info, and a mutant it fails or warns", func() {
		var missing []string
		for _, c := range cases.All() {
			var ref, mutant bool
			for _, w := range c.Witnesses {
				if s, ok := servers[w.Server]; ok {
					ref, mutant = ref || !s.mutant, mutant || s.mutant
				}
			}
			if !ref {
				missing = append(missing, c.ID+": no reference")
			}
			if !mutant {
				missing = append(missing, c.ID+": no mutant")
			}
		}
		Expect(missing).To(BeEmpty())
	})

	It("use every mutant, or say why it cannot witness any case", func() {
		used := map[string]bool{}
		for _, r := range declaredRows() {
			used[r.w.Server] = true
		}
		var idle []string
		for _, name := range sortedNames(servers) {
			if servers[name].mutant && !used[name] && idleMutants[name] == "" {
				idle = append(idle, name)
			}
		}
		Expect(idle).To(BeEmpty(), "mutants that witness no case")
		for name := range idleMutants {
			Expect(used).NotTo(HaveKey(name), "%s witnesses a case, yet idleMutants says it cannot", name)
		}
	})

	It("agree with what each mutant declares it breaks", func() {
		var bad []string
		cited := map[string]bool{} // mutant + requirement
		for _, r := range declaredRows() {
			s, ok := servers[r.w.Server]
			if !ok || !s.mutant {
				continue
			}
			cited[r.w.Server+" "+r.w.Requirement] = true
			declared := false
			for _, b := range s.breaks {
				declared = declared || b == r.w.Requirement
			}
			switch {
			case !declared && r.w.Why == "":
				bad = append(bad, fmt.Sprintf("%s names %s for %s, which is not among what it breaks %v: say why (because) or correct its Breaks", r.c.ID, r.w.Server, r.w.Requirement, s.breaks))
			case declared && r.w.Why != "":
				bad = append(bad, fmt.Sprintf("%s names %s for %s and explains why, yet the mutant declares it breaks %s", r.c.ID, r.w.Server, r.w.Requirement, r.w.Requirement))
			}
		}
		for _, name := range sortedNames(servers) {
			s := servers[name]
			if !s.mutant || idleMutants[name] != "" {
				continue
			}
			Expect(s.breaks).NotTo(BeEmpty(), "%s declares nothing it breaks", name)
			for _, b := range s.breaks {
				if _, ok := cases.Lookup(b); !ok {
					bad = append(bad, fmt.Sprintf("%s declares it breaks %s, which is not in the catalogue", name, b))
				} else if !cited[name+" "+b] {
					bad = append(bad, fmt.Sprintf("%s declares it breaks %s, and no case names it for that", name, b))
				}
			}
		}
		Expect(bad).To(BeEmpty())
	})
})

func sortedNames(servers map[string]witnessServer) []string {
	names := make([]string, 0, len(servers))
	for n := range servers {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
