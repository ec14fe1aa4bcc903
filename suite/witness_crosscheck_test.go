package suite

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/expectspec/expectspec/cases"
)

// A requirement a case cites must be one the case can find broken: some mutant (a reference
// mutant or a mutant intermediary) gets fail or warn on it from that case, or the case's entry in
// cases.CannotFailOrWarn says why it cannot (a descriptive or MAY row that only informs, a rule
// whose breach only another case's conversation can show, named there and checked here). A cited requirement that can only pass is a check that
// cannot fail: it makes the table look more tested than it is.

// alsoFinding finds the findings listed after the worst ones in a reason: "(also: warn REQ: …".
var alsoFinding = regexp.MustCompile(`(?:\(also: |; )(fail|warn) ([A-Z0-9][A-Z0-9-]+): `)

// brokenRequirements lists, per case ID, the requirements some run found broken (fail or warn).
func brokenRequirements(runs map[string]run) map[string]map[string]bool {
	out := map[string]map[string]bool{}
	mark := func(caseID, req string) {
		if out[caseID] == nil {
			out[caseID] = map[string]bool{}
		}
		out[caseID][req] = true
	}
	for k, r := range runs {
		_, caseID, _ := strings.Cut(k, "\x00")
		if r.outcome.Verdict == cases.Fail || r.outcome.Verdict == cases.Warn {
			for _, req := range r.outcome.Requirements {
				mark(caseID, req)
			}
		}
		for _, m := range alsoFinding.FindAllStringSubmatch(r.outcome.Reason, -1) {
			mark(caseID, m[2])
		}
	}
	return out
}

// checkEveryRequirementCanFail is run by the witnesses container over its runs.
func checkEveryRequirementCanFail(runs map[string]run) {
	broken := brokenRequirements(runs)
	var missing, stale []string
	for _, c := range cases.All() {
		for _, req := range c.Requirements {
			if _, informs := cases.OnlyInforms(req); informs {
				continue
			}
			why, witnessedIn, allowed := cases.CannotFailOrWarn(c.ID, req)
			switch {
			case broken[c.ID][req] && allowed:
				stale = append(stale, fmt.Sprintf("%s %s (a mutant breaks it, yet the allow-list says: %s)", c.ID, req, why))
			case allowed && witnessedIn != "" && !broken[witnessedIn][req]:
				stale = append(stale, fmt.Sprintf("%s %s (the allow-list says a mutant breaks it in %s, and none did)", c.ID, req, witnessedIn))
			case !broken[c.ID][req] && !allowed:
				missing = append(missing, c.ID+" "+req)
			}
		}
	}
	sort.Strings(missing)
	sort.Strings(stale)
	if len(missing) > 0 {
		GinkgoWriter.Println(strings.Join(missing, "\n"))
	}
	Expect(missing).To(BeEmpty(), "requirements a case cites that no mutant gets fail or warn on, and no allow-list entry explains (add a mutant and a witness row, or an entry with its reason in cases/cannot_fail.go)")
	Expect(stale).To(BeEmpty(), "allow-list entries that a mutant now contradicts")
}

// derivedWitnesses pairs each requirement a case cites, and that no witness row of that case
// names, with a mutant that a row of another case names for the same requirement: the same
// breach, met through this case's conversation. The runs count only towards
// checkEveryRequirementCanFail; the rows' own assertions stay with the explicit rows. One mutant
// per pair keeps the cost to a few dozen runs, most of them quick.
func derivedWitnesses() ([]witness, []chainWitness) {
	named := map[string]bool{} // case ID + requirement
	originFor := map[string][]witness{}
	chainFor := map[string][]chainWitness{}
	for _, w := range allWitnesses() {
		named[w.Case+" "+w.Requirement] = true
		originFor[w.Requirement] = append(originFor[w.Requirement], w)
	}
	for _, w := range witnessesChain {
		named[w.Case+" "+w.Requirement] = true
		chainFor[w.Requirement] = append(chainFor[w.Requirement], w)
	}
	var origins []witness
	var chains []chainWitness
	for _, c := range cases.All() {
		for _, req := range c.Requirements {
			if named[c.ID+" "+req] {
				continue
			}
			if _, _, allowed := cases.CannotFailOrWarn(c.ID, req); allowed {
				continue
			}
			if _, informs := cases.OnlyInforms(req); informs {
				continue
			}
			if c.Origin == nil {
				if hasRole(c, cases.Origin) {
					for _, m := range candidates(c, originFor[req]) {
						origins = append(origins, witness{Case: c.ID, Mutant: m, Requirement: req})
					}
				}
				continue
			}
			for _, w := range chainFor[req] {
				role := w.Role
				if role == "" || !hasRole(c, role) {
					role = ""
				}
				chains = append(chains, chainWitness{Case: c.ID, Gateway: w.Gateway, Requirement: req, Role: role})
				break
			}
		}
	}
	return origins, chains
}

func hasRole(c cases.Case, r cases.Role) bool {
	for _, x := range c.Roles {
		if x == r {
			return true
		}
	}
	return false
}

// candidates picks at most two mutants for a derived pair: one from a row of the same scenario
// family (T08 for T08b: the same judge, most likely), and the first other one.
func candidates(c cases.Case, rows []witness) []string {
	var same, other string
	for _, w := range rows {
		wc, ok := cases.ByID(w.Case)
		if !ok {
			continue
		}
		if same == "" && len(wc.Scenario) >= 3 && len(c.Scenario) >= 3 && wc.Scenario[:3] == c.Scenario[:3] {
			same = w.Mutant
		} else if other == "" {
			other = w.Mutant
		}
	}
	var out []string
	for _, m := range []string{same, other} {
		if m != "" && (len(out) == 0 || out[0] != m) {
			out = append(out, m)
		}
	}
	return out
}

// alsoPassed finds the requirements a reason lists as held in its "also" part: "pass REQ: …".
var alsoPassed = regexp.MustCompile(`(?:\(also: |; )pass ([A-Z0-9][A-Z0-9-]+): `)

// checkNoSelfContradiction fails a reason that says a requirement was broken (the outcome's
// requirements) and also that it held: cheroot's origin/ws-line-after-start once read "sent 100
// (Continue) 2.2 ms after the header section … (also: pass … waited for the content)".
func checkNoSelfContradiction(runs map[string]run) {
	var both []string
	for k, r := range runs {
		if r.outcome.Verdict != cases.Fail && r.outcome.Verdict != cases.Warn {
			continue
		}
		for _, m := range alsoPassed.FindAllStringSubmatch(r.outcome.Reason, -1) {
			for _, req := range r.outcome.Requirements {
				if req == m[1] {
					target, caseID, _ := strings.Cut(k, "\x00")
					both = append(both, fmt.Sprintf("%s on %s: %s", caseID, target, r.outcome))
				}
			}
		}
	}
	sort.Strings(both)
	Expect(both).To(BeEmpty(), "reasons that say a requirement was broken and held")
}
