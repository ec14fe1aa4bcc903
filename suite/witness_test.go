package suite

import (
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/expectspec/expectspec/cases"
	"github.com/expectspec/expectspec/harness/conv"
	"github.com/expectspec/expectspec/harness/origin"
	"github.com/expectspec/expectspec/harness/target"
)

// Every case names its witnesses beside it (cases.Case.Witnesses): conforming references it
// passes (or reports as info), and mutants, each a reference with one knob broken, that it must
// fail or warn naming the requirement the knob breaks. This container plays every row, every
// conforming reference against every case that applies to its role, and the reference tunnel;
// witness_crosscheck_test.go checks the rows against each other and against what each mutant
// declares it breaks, without playing anything.

// witnessRow is one row of a case's Witnesses, with its case.
type witnessRow struct {
	c cases.Case
	w cases.Witness
}

// declaredRows are the rows of every case, in catalogue order.
func declaredRows() []witnessRow {
	var out []witnessRow
	for _, c := range cases.All() {
		for _, w := range c.Witnesses {
			out = append(out, witnessRow{c, w})
		}
	}
	return out
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

// playWitness queues case c against target t as `expectspec run` plays it, and returns the key of
// its run: the one place the witnesses run a case.
func playWitness(sched *scheduler, t target.Target, c cases.Case) string {
	base := Env(t, cases.DefaultTiming(time.Millisecond, witnessScale))
	if t.Role == target.RoleClient {
		base.ClientShowsContent = clientShows(t, base.Timing)
	}
	env := CaseEnv(t, base, c)
	k := key(t.Name, c.ID)
	sched.addVia(k, t, env, c, t.Origin)
	return k
}

var _ = Describe("witnesses", Ordered, func() {
	servers := witnessServers()
	var (
		refs   []target.Target // the conforming references, each in its role
		tunnel target.Target
		runs   = map[string]run{}
	)
	// rowKey is the key of the run that decides row r.
	rowKey := func(r witnessRow) string {
		s := servers[r.w.Server]
		return key(s.targetName(s.roleFor(r.w, r.c)), r.c.ID)
	}

	BeforeAll(func(ctx SpecContext) {
		// The intermediaries share one scripted origin, closed after all of them.
		o, err := origin.Start()
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(o.Close)
		started := map[string]target.Target{}
		DeferCleanup(func() {
			for _, t := range started {
				t.Stop()
			}
		})
		startAs := func(s witnessServer, r cases.Role) target.Target {
			if t, ok := started[s.targetName(r)]; ok {
				return t
			}
			t, err := s.startAs(r, o)
			Expect(err).NotTo(HaveOccurred())
			started[t.Name] = t
			return t
		}

		// Every pair runs through the scheduler, as in `expectspec run`: concurrently, and a fail
		// or warn of a conforming reference is confirmed alone (mutants are meant to fail).
		sched := newScheduler(ctx)
		sched.needConfirm = func(j *job) bool {
			name, _, _ := strings.Cut(j.key, "\x00")
			s, ok := servers[name]
			return ok && !s.mutant && (j.outcome.Verdict == cases.Fail || j.outcome.Verdict == cases.Warn)
		}
		var keys []string
		queued := map[string]bool{}
		play := func(t target.Target, c cases.Case) {
			if k := key(t.Name, c.ID); !queued[k] {
				queued[k] = true
				keys = append(keys, playWitness(sched, t, c))
			}
		}
		// The mutants first: many of them cost a full deadline (a stall), so they start at once
		// and the quick conforming pairs fill the gaps, rather than queueing behind them. Rows
		// naming an unknown server are reported by witness_crosscheck_test.go.
		for _, r := range append(declaredRows(), derivedWitnesses(servers)...) {
			if s, ok := servers[r.w.Server]; ok && s.mutant {
				play(startAs(s, s.roleFor(r.w, r.c)), r.c)
			}
		}
		for _, name := range sortedNames(servers) {
			if s := servers[name]; !s.mutant {
				refs = append(refs, startAs(s, s.role))
			}
		}
		for _, t := range refs {
			for _, c := range applicableOver(cases.All(), t.Role, t.HTTPProtocol()) {
				play(t, c)
			}
		}
		// The tunnel's runs (witness_tunnel_test.go) share this scheduler, so its longest wait
		// overlaps the mutants' instead of following them.
		tunnel, err = startTunnel(o)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(tunnel.Stop)
		for _, c := range applicable(cases.All(), cases.Gateway) {
			play(tunnel, c)
		}
		sched.prefetch(96, func(string) bool { return true })
		for _, k := range keys {
			j, err := sched.result(ctx, k)
			Expect(err).NotTo(HaveOccurred())
			runs[k] = run{j.outcome, j.tl, j.recs}
		}
		sched.wait()
	}, NodeTimeout(5*time.Minute))

	It("gives no conforming reference a fail, warn or error from any case that applies to its role", func() {
		for _, t := range refs {
			for _, c := range applicableOver(cases.All(), t.Role, t.HTTPProtocol()) {
				r := runs[key(t.Name, c.ID)]
				Expect(r.outcome.Verdict).To(BeElementOf(cases.Pass, cases.Info, cases.NA),
					"%s on %s as %s: %s\n%s%s", c.ID, t.Name, t.Role, r.outcome, transcript(r.tl), originTranscript(r.recs))
			}
		}
	})

	It("gives every reference a case names the verdict the row declares (pass, or info for an allowed choice)", func() {
		for _, r := range declaredRows() {
			if s, ok := servers[r.w.Server]; !ok || s.mutant {
				continue
			}
			got, ok := runs[rowKey(r)]
			Expect(ok).To(BeTrue(), "%s names %s, which did not run it: the case does not apply to the reference's role", r.c.ID, r.w.Server)
			Expect(got.outcome.Verdict).To(Equal(r.w.Verdict), "%s on %s: %s\n%s%s", r.c.ID, r.w.Server, got.outcome, transcript(got.tl), originTranscript(got.recs))
		}
	})

	It("fails (or warns) every mutant a case names, for the requirement the row names", func() {
		for _, r := range declaredRows() {
			s, ok := servers[r.w.Server]
			if !ok || !s.mutant {
				continue
			}
			role := s.roleFor(r.w, r.c)
			got, ok := runs[rowKey(r)]
			Expect(ok).To(BeTrue(), "%s on %s did not run", r.c.ID, r.w.Server)
			Expect(got.outcome.Verdict).To(Equal(r.w.Verdict), "%s on %s as %s: %s\n%s%s", r.c.ID, r.w.Server, role, got.outcome, transcript(got.tl), originTranscript(got.recs))
			Expect(got.outcome.Requirements).To(ContainElement(r.w.Requirement), "%s on %s as %s: %s", r.c.ID, r.w.Server, role, got.outcome)
		}
	})

	It("can find every requirement a case cites broken, with some mutant, or says why not", func() {
		checkEveryRequirementCanFail(runs)
	})

	It("gives no reason that says a requirement was both broken and held", func() {
		checkNoSelfContradiction(runs)
	})

	tunnelSpecs(func() (target.Target, map[string]run) { return tunnel, runs })
})

func transcript(tl *conv.Timeline) string {
	if tl == nil {
		return "(no timeline)"
	}
	return tl.Transcript()
}
