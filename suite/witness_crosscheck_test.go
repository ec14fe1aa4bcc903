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
// checkEveryRequirementCanFail; the rows' own assertions stay with the declared rows (a derived
// row declares no verdict). One mutant per pair keeps the cost to a few dozen runs, most of them
// quick.
func derivedWitnesses(servers map[string]witnessServer) []witnessRow {
	named := map[string]bool{} // case ID + requirement
	originFor := map[string][]witnessRow{}
	chainFor := map[string][]witnessRow{}
	for _, r := range declaredRows() {
		s, ok := servers[r.w.Server]
		if !ok || !s.mutant {
			continue
		}
		named[r.c.ID+" "+r.w.Requirement] = true
		if s.role == cases.ClientUnderTest {
			continue // a client mutant witnesses the client cases by their own rows
		}
		if s.role == cases.Origin {
			originFor[r.w.Requirement] = append(originFor[r.w.Requirement], r)
		} else {
			chainFor[r.w.Requirement] = append(chainFor[r.w.Requirement], r)
		}
	}
	var out []witnessRow
	for _, c := range cases.All() {
		for _, req := range c.Requirements {
			if named[c.ID+" "+req] {
				continue
			}
			if _, _, allowed := cases.CannotFailOrWarn(c.ID, req); allowed {
				continue
			}
			if _, informs := cases.OnlyInforms(req); informs || hasRole(c, cases.ClientUnderTest) {
				continue
			}
			if c.Origin == nil {
				if hasRole(c, cases.Origin) {
					for _, m := range candidates(c, spokenBy(c, originFor[req], servers)) {
						out = append(out, witnessRow{c, cases.Witness{Server: m, Requirement: req}})
					}
				}
				continue
			}
			for _, r := range chainFor[req] {
				role := r.w.Role
				if role == "" || !hasRole(c, role) {
					role = ""
				}
				out = append(out, witnessRow{c, cases.Witness{Server: r.w.Server, Requirement: req, Role: role}})
				break
			}
		}
	}
	return out
}

// spokenBy keeps the rows whose server speaks a protocol case c applies to: an HTTP/2 mutant
// cannot witness an HTTP/1.1 case, nor the other way round.
func spokenBy(c cases.Case, rows []witnessRow, servers map[string]witnessServer) []witnessRow {
	var out []witnessRow
	for _, r := range rows {
		if c.AppliesTo(servers[r.w.Server].httpProtocol()) {
			out = append(out, r)
		}
	}
	return out
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
func candidates(c cases.Case, rows []witnessRow) []string {
	var same, other string
	for _, r := range rows {
		if same == "" && len(r.c.Scenario) >= 3 && len(c.Scenario) >= 3 && r.c.Scenario[:3] == c.Scenario[:3] {
			same = r.w.Server
		} else if other == "" {
			other = r.w.Server
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
