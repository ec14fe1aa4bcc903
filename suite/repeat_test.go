package suite

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/expectspec/expectspec/cases"
	"github.com/expectspec/expectspec/results"
)

// combineRuns: what a cell says when its case ran several times (run --repeat N).
var _ = Describe("the runs of a repeated case", func() {
	run := func(v cases.Verdict, reason string, ms int) played {
		return played{o: cases.Outcome{Verdict: v, Reason: reason}, took: time.Duration(ms) * time.Millisecond}
	}

	It("keeps a single run as it is, without a list of runs", func() {
		p, runs, reasons := combineRuns([]played{run(cases.Pass, "ok", 1)})
		Expect(p.o.Reason).To(Equal("ok"))
		Expect(runs).To(BeNil())
		Expect(reasons).To(BeNil())
	})

	It("reports runs that agree as the first of them, with every run's verdict", func() {
		p, runs, reasons := combineRuns([]played{run(cases.Info, "417 after 1 ms", 1), run(cases.Info, "417 after 2 ms", 2)})
		Expect(p.o.Verdict).To(Equal(cases.Info))
		Expect(p.o.Reason).To(Equal("417 after 1 ms"))
		Expect(runs).To(Equal([]cases.Verdict{cases.Info, cases.Info}))
		Expect(reasons).To(BeNil(), "runs that agree are not flaky")
	})

	It("reports runs that disagree as the first run with the worst verdict, its reason prefixed with the counts", func() {
		p, runs, _ := combineRuns([]played{run(cases.Pass, "ok", 1), run(cases.Warn, "late 100", 2), run(cases.Fail, "no 100", 3), run(cases.Fail, "no 100 again", 4)})
		Expect(p.o.Verdict).To(Equal(cases.Fail))
		Expect(p.o.Reason).To(Equal("flaky: pass×1, fail×2, warn×1 — no 100"))
		Expect(p.took).To(Equal(3*time.Millisecond), "the worst run's own time, to go with its trace")
		Expect(runs).To(Equal([]cases.Verdict{cases.Pass, cases.Warn, cases.Fail, cases.Fail}))
	})

	It("keeps every distinct reason of a flaky case's runs, counted, worst verdict first", func() {
		_, _, reasons := combineRuns([]played{run(cases.Pass, "100 at once", 1), run(cases.Fail, "no 100", 2), run(cases.Pass, "100 at once", 3),
			run(cases.Warn, "late 100", 4), run(cases.Fail, "closed without 100", 5), run(cases.Fail, "no 100", 6)})
		Expect(reasons).To(Equal([]results.RunReason{
			{Verdict: results.Fail, Reason: "no 100", Runs: 2},
			{Verdict: results.Fail, Reason: "closed without 100", Runs: 1},
			{Verdict: results.Warn, Reason: "late 100", Runs: 1},
			{Verdict: results.Pass, Reason: "100 at once", Runs: 2},
		}))
	})
})
