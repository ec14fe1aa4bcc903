package suite

import (
	"sort"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/expectspec/expectspec/cases"
	"github.com/expectspec/expectspec/harness/conv"
	"github.com/expectspec/expectspec/harness/gateways"
	"github.com/expectspec/expectspec/harness/origin"
	"github.com/expectspec/expectspec/harness/reference"
	"github.com/expectspec/expectspec/harness/target"
)

// A witness is a mutant reference server that breaks exactly the requirement a case checks: the
// case must fail it (or warn, for a SHOULD) and name that requirement. Each topic file declares
// its rows; every case needs at least one.
type witness struct {
	Case        string
	Mutant      string
	Verdict     cases.Verdict
	Requirement string
}

// A chain witness is a mutant intermediary (gateways.Mutants, by Name) that breaks exactly the
// requirement an intermediary case checks, run in front of the suite's scripted origin. The case
// runs against it as a gateway when the case applies to gateways, else as a forward proxy
// (absolute-form requests); Role overrides that choice. The rows are in witnesses_chain_test.go.
type chainWitness struct {
	Case, Gateway string
	Verdict       cases.Verdict
	Requirement   string
	Role          cases.Role // "" for the automatic choice
}

// role is the role the witness row's case runs in against its mutant.
func (w chainWitness) role(c cases.Case) cases.Role {
	if w.Role != "" {
		return w.Role
	}
	for _, r := range c.Roles {
		if r == cases.Gateway {
			return cases.Gateway
		}
	}
	return cases.Proxy
}

// conformingGateways are the reference gateways that no case applying to gateways may fail or
// warn: the embedded ones of `expectspec run`.
var conformingGateways = []struct {
	name  string
	start func(string) (string, func(), error)
}{
	{"ref-gateway-streaming", gateways.StartStreaming},
	{"ref-gateway-buffering", gateways.StartBuffering},
}

func allWitnesses() []witness {
	var out []witness
	for _, ws := range [][]witness{witnessesBasic, witnessesSpelling, witnessesConnection, witnessesRaces} {
		out = append(out, ws...)
	}
	return out
}

var witnessesBasic = []witness{
	{Case: "origin/immediate-100", Mutant: "mut-no-continue", Verdict: cases.Fail, Requirement: "EXP-ORIGIN-IMMEDIATE"},
	{Case: "origin/immediate-100", Mutant: "mut-slow-continue", Verdict: cases.Warn, Requirement: "EXP-ORIGIN-IMMEDIATE"},
	{Case: "origin/immediate-100", Mutant: "mut-417-continue", Verdict: cases.Warn, Requirement: "EXP-NO-417-FOR-100-CONTINUE"},
	{Case: "origin/immediate-100", Mutant: "mut-no-final-after-continue", Verdict: cases.Fail, Requirement: "EXP-FINAL-AFTER-100"},
	{Case: "origin/immediate-100", Mutant: "mut-continue-content-length", Verdict: cases.Fail, Requirement: "IR-NO-CONTENT-LENGTH"},
	{Case: "origin/immediate-100", Mutant: "mut-continue-transfer-encoding", Verdict: cases.Fail, Requirement: "IR-NO-TRANSFER-ENCODING"},
	{Case: "origin/immediate-100", Mutant: "mut-continue-with-content", Verdict: cases.Fail, Requirement: "IR-NO-CONTENT"},
	{Case: "origin/100-after-complete-head", Mutant: "mut-continue-before-head-end", Verdict: cases.Warn, Requirement: "SRV-WHOLE-HEADER-SECTION"},
}

// witnessScale is the default timing: the witnesses run while other test packages load both
// cores, and a tighter bound made conforming references look slow. The silent mutants cost
// their full 10 s, in parallel; the slow-continue mutant's 3 s falls between the immediate bound
// and the maximum.
const witnessScale = 1

type run struct {
	outcome cases.Outcome
	tl      *conv.Timeline
	recs    []conv.OriginRecord
}

var _ = Describe("witnesses", Ordered, func() {
	var (
		refs    []target.Target
		mutants = map[string]target.Target{}
		runs    = map[string]run{}
	)

	var (
		gwRefs     []target.Target
		tunnel     target.Target
		chainTargs = map[string]target.Target{} // mutant intermediaries by target name
	)

	BeforeAll(func(ctx SpecContext) {
		for _, b := range reference.Conforming() {
			t, err := target.StartReference(b)
			Expect(err).NotTo(HaveOccurred())
			refs = append(refs, t)
		}
		for _, b := range reference.Mutants() {
			t, err := target.StartReference(b)
			Expect(err).NotTo(HaveOccurred())
			mutants[b.Name] = t
		}
		// The intermediaries share one scripted origin, closed after all of them.
		o, err := origin.Start()
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(o.Close)
		for _, g := range conformingGateways {
			t, err := target.StartGateway(g.name, g.start, o)
			Expect(err).NotTo(HaveOccurred())
			gwRefs = append(gwRefs, t)
		}
		mutantGW := map[string]gateways.Named{}
		for _, m := range gateways.Mutants() {
			mutantGW[m.Name] = m
		}
		derivedOrigin, derivedChain := derivedWitnesses() // witness_crosscheck_test.go
		for _, w := range append(append([]chainWitness(nil), witnessesChain...), derivedChain...) {
			c, ok := cases.ByID(w.Case)
			m, okm := mutantGW[w.Gateway]
			if !ok || !okm {
				continue
			}
			name := chainTargetName(w, c)
			if _, started := chainTargs[name]; started {
				continue
			}
			start := target.StartGateway
			if w.role(c) == cases.Proxy {
				start = target.StartAsProxy
			}
			t, err := start(name, m.Start, o)
			Expect(err).NotTo(HaveOccurred())
			chainTargs[name] = t
		}
		DeferCleanup(func() {
			for _, t := range refs {
				t.Stop()
			}
			for _, t := range mutants {
				t.Stop()
			}
			for _, t := range gwRefs {
				t.Stop()
			}
			for _, t := range chainTargs {
				t.Stop()
			}
		})

		// Every pair runs through the scheduler, as in `expectspec run`: concurrently, and a fail
		// or warn of a conforming reference is confirmed alone (mutants are meant to fail).
		sched := newScheduler(ctx)
		isRef := map[string]bool{}
		for _, t := range append(append([]target.Target(nil), refs...), gwRefs...) {
			isRef[t.Name] = true
		}
		sched.needConfirm = func(j *job) bool {
			name, _, _ := strings.Cut(j.key, "\x00")
			return isRef[name] && (j.outcome.Verdict == cases.Fail || j.outcome.Verdict == cases.Warn)
		}
		var keys []string
		addPair := func(t target.Target, c cases.Case) {
			env := CaseEnv(t, Env(t, cases.DefaultTiming(time.Millisecond, witnessScale)), c)
			sched.addVia(key(t.Name, c.ID), t.Address, env, c, t.Origin)
			keys = append(keys, key(t.Name, c.ID))
		}
		paired := map[string]bool{}
		for _, w := range append(allWitnesses(), derivedOrigin...) {
			c, ok := cases.ByID(w.Case)
			m, okm := mutants[w.Mutant]
			if ok && okm && !paired[key(m.Name, c.ID)] {
				paired[key(m.Name, c.ID)] = true
				addPair(m, c)
			}
		}
		for _, w := range append(append([]chainWitness(nil), witnessesChain...), derivedChain...) {
			c, ok := cases.ByID(w.Case)
			t, okt := chainTargs[chainTargetName(w, c)]
			if ok && okt && !paired[key(t.Name, c.ID)] {
				paired[key(t.Name, c.ID)] = true
				addPair(t, c)
			}
		}
		// The mutants first: many of them cost a full deadline (a stall), so they start at once
		// and the quick conforming pairs fill the gaps, rather than queueing behind them.
		for _, t := range refs {
			for _, c := range applicable(cases.All(), "origin") {
				addPair(t, c)
			}
		}
		for _, t := range gwRefs {
			for _, c := range applicable(cases.All(), "gateway") {
				addPair(t, c)
			}
		}
		// The tunnel's runs (witness_tunnel_test.go) share this scheduler, so its longest wait
		// overlaps the mutants' instead of following them.
		tunnel, err = target.StartGateway("ref-tunnel", gateways.StartTunnel, o)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(tunnel.Stop)
		for _, c := range applicable(cases.All(), "gateway") {
			addPair(tunnel, c)
		}
		sched.prefetch(96, func(string) bool { return true })
		for _, k := range keys {
			j, err := sched.result(ctx, k)
			Expect(err).NotTo(HaveOccurred())
			runs[k] = run{j.outcome, j.tl, j.recs}
		}
		sched.wait()
	}, NodeTimeout(5*time.Minute))

	It("gives no conforming reference a fail, warn or error", func() {
		for _, t := range refs {
			for _, c := range applicable(cases.All(), "origin") {
				r := runs[key(t.Name, c.ID)]
				Expect(r.outcome.Verdict).To(BeElementOf(cases.Pass, cases.Info, cases.NA),
					"%s on %s: %s\n%s", c.ID, t.Name, r.outcome, transcript(r.tl))
			}
		}
	})

	It("gives no conforming reference gateway a fail, warn or error from any case that applies to gateways", func() {
		for _, t := range gwRefs {
			for _, c := range applicable(cases.All(), "gateway") {
				r := runs[key(t.Name, c.ID)]
				Expect(r.outcome.Verdict).To(BeElementOf(cases.Pass, cases.Info, cases.NA),
					"%s on %s: %s\n%s%s", c.ID, t.Name, r.outcome, transcript(r.tl), originTranscript(r.recs))
			}
		}
	})

	It("fails (or warns) every mutant intermediary for the requirement it breaks", func() {
		known := map[string]bool{}
		for _, m := range gateways.Mutants() {
			known[m.Name] = true
		}
		for _, w := range witnessesChain {
			Expect(known).To(HaveKey(w.Gateway), "chain witness row names an unknown mutant intermediary")
			c, ok := cases.ByID(w.Case)
			Expect(ok).To(BeTrue(), "chain witness row names an unknown case %s", w.Case)
			Expect(c.Origin).NotTo(BeNil(), "chain witness row names %s, which is not an intermediary case", w.Case)
			r, ok := runs[key(chainTargetName(w, c), w.Case)]
			Expect(ok).To(BeTrue())
			Expect(r.outcome.Verdict).To(Equal(w.Verdict), "%s on %s as %s: %s\n%s%s", w.Case, w.Gateway, w.role(c), r.outcome, transcript(r.tl), originTranscript(r.recs))
			Expect(r.outcome.Requirements).To(ContainElement(w.Requirement), "%s on %s as %s: %s", w.Case, w.Gateway, w.role(c), r.outcome)
		}
	})

	It("fails (or warns) every mutant for the requirement it breaks", func() {
		for _, w := range allWitnesses() {
			Expect(mutants).To(HaveKey(w.Mutant), "witness row names an unknown mutant")
			r, ok := runs[key(w.Mutant, w.Case)]
			Expect(ok).To(BeTrue(), "witness row names an unknown case %s", w.Case)
			Expect(r.outcome.Verdict).To(Equal(w.Verdict), "%s on %s: %s\n%s", w.Case, w.Mutant, r.outcome, transcript(r.tl))
			Expect(r.outcome.Requirements).To(ContainElement(w.Requirement), "%s on %s: %s", w.Case, w.Mutant, r.outcome)
		}
	})

	It("can find every requirement a case cites broken, with some mutant, or says why not", func() {
		checkEveryRequirementCanFail(runs)
	})

	It("gives no reason that says a requirement was both broken and held", func() {
		checkNoSelfContradiction(runs)
	})

	It("has a witness for every case", func() {
		covered := map[string]bool{}
		for _, w := range allWitnesses() {
			covered[w.Case] = true
		}
		for _, w := range witnessesChain {
			covered[w.Case] = true
		}
		var missing []string
		for _, c := range cases.All() {
			if !covered[c.ID] {
				missing = append(missing, c.ID)
			}
		}
		sort.Strings(missing)
		Expect(missing).To(BeEmpty(), "cases without a mutant witness")
	})

	It("has every mutant witness some case, or says why it cannot", func() {
		// mut-no-limit-413 shows the other branch of a MAY (a 100 to a 1 TiB PUT instead of an
		// early 413, RFC 9110 §15.5.14): no case may fail or warn it, and origin/content-length-1tib
		// reports it as info.
		mayOnly := map[string]bool{"mut-no-limit-413": true}
		used := map[string]bool{}
		for _, w := range allWitnesses() {
			used[w.Mutant] = true
		}
		for _, w := range witnessesChain {
			used[w.Gateway] = true
		}
		var idle []string
		for _, b := range reference.Mutants() {
			if !used[b.Name] && !mayOnly[b.Name] {
				idle = append(idle, b.Name)
			}
		}
		for _, m := range gateways.Mutants() {
			if !used[m.Name] && !strings.HasPrefix(m.Name, "gw-") {
				idle = append(idle, m.Name)
			}
		}
		Expect(idle).To(BeEmpty(), "mutants that witness no case")
	})

	tunnelSpecs(func() (target.Target, map[string]run) { return tunnel, runs })
})

// chainTargetName names the target a chain witness row runs against: the mutant's name, with
// "@proxy" when it is tested as a forward proxy.
func chainTargetName(w chainWitness, c cases.Case) string {
	if w.role(c) == cases.Proxy {
		return w.Gateway + "@proxy"
	}
	return w.Gateway
}

func transcript(tl *conv.Timeline) string {
	if tl == nil {
		return "(no timeline)"
	}
	return tl.Transcript()
}
