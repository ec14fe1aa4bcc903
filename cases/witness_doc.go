package cases

import (
	"fmt"
	"strings"
)

// witnessesIntro opens the cases section of CATALOGUE.md on what a case's witnesses are.
const witnessesIntro = "Each case lists its witnesses, the servers the project's own tests play it against: conforming\n" +
	"reference servers it passes (or reports as info, where the reference makes a choice the RFC leaves\n" +
	"open), and mutants, each a reference with one knob broken, that it must fail or warn, naming the\n" +
	"requirement given. Intermediary witnesses run in front of the suite's origin: as a gateway when\n" +
	"the case applies to gateways, else as a forward proxy, unless the row says \"as proxy\".\n\n"

// writeWitnesses writes a case's witnesses as a list: the references by verdict, then each
// mutant (once per role and verdict) with the requirements its verdict names.
func writeWitnesses(p printer, c Case) {
	if len(c.Witnesses) == 0 {
		return
	}
	p("Witnesses:\n\n")
	for _, v := range []Verdict{Pass, Info} {
		var names []string
		for _, w := range c.Witnesses {
			if w.Verdict == v {
				names = append(names, "`"+w.Server+"`")
			}
		}
		if len(names) > 0 {
			p("- %s %s\n", witnessVerbs[v], strings.Join(names, ", "))
		}
	}
	var order []string
	reqs := map[string][]string{}
	for _, w := range c.Witnesses {
		if !w.Mutant() {
			continue
		}
		line := witnessVerbs[w.Verdict] + " `" + w.Server + "`"
		if w.Role != "" {
			line += " as " + string(w.Role)
		}
		if _, seen := reqs[line]; !seen {
			order = append(order, line)
		}
		r := fmt.Sprintf("[%s](#%s)", w.Requirement, reqAnchor(w.Requirement))
		if w.Why != "" {
			r += " (" + w.Why + ")"
		}
		reqs[line] = append(reqs[line], r)
	}
	for _, line := range order {
		p("- %s for %s\n", line, strings.Join(reqs[line], " and "))
	}
	p("\n")
}

var witnessVerbs = map[Verdict]string{Pass: "passes", Info: "reports as info", Fail: "fails", Warn: "warns"}
