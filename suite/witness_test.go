package suite

import (
	"sort"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/expectspec/expectspec/cases"
	"github.com/expectspec/expectspec/harness/conv"
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

func allWitnesses() []witness {
	var out []witness
	for _, ws := range [][]witness{witnessesBasic, witnessesSpelling, witnessesConnection} {
		out = append(out, ws...)
	}
	return out
}

var witnessesBasic = []witness{
	{Case: "origin/immediate-100", Mutant: "mut-no-continue", Verdict: cases.Fail, Requirement: "EXP-ORIGIN-IMMEDIATE"},
	{Case: "origin/immediate-100", Mutant: "mut-slow-continue", Verdict: cases.Warn, Requirement: "EXP-ORIGIN-IMMEDIATE"},
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
}

var _ = Describe("witnesses", Ordered, func() {
	var (
		refs    []target.Target
		mutants = map[string]target.Target{}
		runs    = map[string]run{}
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
		DeferCleanup(func() {
			for _, t := range refs {
				t.Stop()
			}
			for _, t := range mutants {
				t.Stop()
			}
		})

		// Every pair runs through the scheduler, as in `expectspec run`: concurrently, and a fail
		// or warn of a conforming reference is confirmed alone (mutants are meant to fail).
		sched := newScheduler(ctx)
		isRef := map[string]bool{}
		for _, t := range refs {
			isRef[t.Name] = true
		}
		sched.needConfirm = func(j *job) bool {
			name, _, _ := strings.Cut(j.key, "\x00")
			return isRef[name] && (j.outcome.Verdict == cases.Fail || j.outcome.Verdict == cases.Warn)
		}
		var keys []string
		addPair := func(t target.Target, c cases.Case) {
			env := Env(t, cases.DefaultTiming(time.Millisecond, witnessScale))
			sched.add(key(t.Name, c.ID), t.Address, env, c)
			keys = append(keys, key(t.Name, c.ID))
		}
		for _, t := range refs {
			for _, c := range cases.All() {
				addPair(t, c)
			}
		}
		for _, w := range allWitnesses() {
			c, ok := cases.ByID(w.Case)
			m, okm := mutants[w.Mutant]
			if ok && okm {
				addPair(m, c)
			}
		}
		sched.prefetch(24, func(string) bool { return true })
		for _, k := range keys {
			j, err := sched.result(ctx, k)
			Expect(err).NotTo(HaveOccurred())
			runs[k] = run{j.outcome, j.tl}
		}
		sched.wait()
	}, NodeTimeout(5*time.Minute))

	It("gives no conforming reference a fail, warn or error", func() {
		for _, t := range refs {
			for _, c := range cases.All() {
				r := runs[key(t.Name, c.ID)]
				Expect(r.outcome.Verdict).To(BeElementOf(cases.Pass, cases.Info, cases.NA),
					"%s on %s: %s\n%s", c.ID, t.Name, r.outcome, transcript(r.tl))
			}
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

	It("has a witness for every case", func() {
		covered := map[string]bool{}
		for _, w := range allWitnesses() {
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
})

func transcript(tl *conv.Timeline) string {
	if tl == nil {
		return "(no timeline)"
	}
	return tl.Transcript()
}
