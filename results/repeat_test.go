package results_test

import (
	"bytes"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/reporters"
	. "github.com/onsi/gomega"

	"github.com/expectspec/expectspec/results"
)

// flakyAndNotRun is sample() with one flaky cell (run --repeat 20) and two cells an interrupted
// run did not finish.
func flakyAndNotRun() *results.File {
	f := sample()
	f.Suite.Interrupted = true
	runs := make([]results.Verdict, 20)
	for i := range runs {
		runs[i] = results.Pass
	}
	runs[7] = results.Fail
	reasons := make([]string, 20)
	for i := range reasons {
		reasons[i] = "100 after 0.4 ms"
	}
	reasons[3], reasons[7] = "100 after 0.9 ms", "no 100 within 1.2 s"
	f.Results[0] = results.Result{Target: "go", Case: "origin/immediate-100", Verdict: results.Fail,
		Reason: results.FlakyReason(runs, "no 100 within 1.2 s"), Runs: runs, Flaky: true,
		RunReasons:   results.RunReasonsOf(runs, reasons),
		Requirements: []string{"EXP-ORIGIN-IMMEDIATE"}}
	for _, i := range []int{5, 6} {
		f.Results[i].Verdict, f.Results[i].NotRun = results.Error, true
		f.Results[i].Reason = "not run: the run was interrupted by SIGINT"
	}
	return f
}

// flakyReasons are the run reasons of flakyAndNotRun's flaky cell.
var flakyReasons = []results.RunReason{
	{Verdict: results.Fail, Reason: "no 100 within 1.2 s", Runs: 1},
	{Verdict: results.Pass, Reason: "100 after 0.4 ms", Runs: 18},
	{Verdict: results.Pass, Reason: "100 after 0.9 ms", Runs: 1},
}

var _ = Describe("repeated runs and interrupted runs", func() {
	It("takes the worst verdict and names the counts of a flaky cell", func() {
		Expect(results.Worst(results.Pass, results.Info, results.Pass)).To(Equal(results.Info))
		Expect(results.Worst(results.Pass, results.Error, results.Fail)).To(Equal(results.Fail))
		Expect(results.Worst(results.NA, results.Warn)).To(Equal(results.Warn))
		Expect(results.Worst()).To(BeEmpty())
		Expect(results.Flaky([]results.Verdict{results.Pass, results.Pass})).To(BeFalse())
		Expect(results.Flaky([]results.Verdict{results.Pass, results.Warn})).To(BeTrue())
		runs := []results.Verdict{results.Fail, results.Pass, results.Pass}
		Expect(results.FlakyReason(runs, "late")).To(Equal("flaky: pass×2, fail×1 — late"))
		Expect(results.Result{Verdict: results.Fail, Flaky: true, Runs: runs}.CellLabel()).To(Equal("FLAKY pass×2 fail×1"))
		Expect(results.Result{Verdict: results.Error, NotRun: true}.CellLabel()).To(Equal("NOT RUN"))
		Expect(results.Result{Verdict: results.NA}.CellLabel()).To(Equal("n/a"))
	})

	It("keeps runs, flaky, not_run and interrupted through a write and a read", func() {
		p := filepath.Join(GinkgoT().TempDir(), "results.json")
		Expect(results.Write(p, flakyAndNotRun())).To(Succeed())
		f, err := results.Read(p)
		Expect(err).NotTo(HaveOccurred())
		Expect(f.Suite.Interrupted).To(BeTrue())
		Expect(f.Results[0].Runs).To(HaveLen(20))
		Expect(f.Results[0].Flaky).To(BeTrue())
		Expect(f.Results[0].RunReasons).To(Equal(flakyReasons))
		Expect(f.Results[5].NotRun).To(BeTrue())
		data, _ := os.ReadFile(p)
		Expect(string(data)).To(ContainSubstring(`"not_run": true`))
		Expect(string(data)).To(ContainSubstring(`"run_reasons": [`))
		Expect(string(data)).To(ContainSubstring(`"interrupted": true`))
	})

	It("refuses a run whose verdict is unknown", func() {
		f := sample()
		f.Results[0].Runs = []results.Verdict{results.Pass, "maybe"}
		_, err := results.Encode(f)
		Expect(err).To(MatchError(ContainSubstring(`a run with verdict "maybe"`)))
	})

	It("shows flaky cells and not-run cases in the console summary", func() {
		var buf bytes.Buffer
		results.Summary(&buf, flakyAndNotRun(), false)
		out := buf.String()
		Expect(out).To(ContainSubstring("go: 0 pass, 2 fail, 0 warn, 1 info, 1 na, 0 error, 1 flaky\n"))
		Expect(out).To(MatchRegexp(`FLAKY  origin/immediate-100  \[EXP-ORIGIN-IMMEDIATE\] flaky: pass×19, fail×1 — no 100 within 1.2 s`))
		Expect(out).To(ContainSubstring("nginx: 0 pass, 0 fail, 1 warn, 0 info, 0 na, 2 error, 2 not run\n"))
		Expect(out).To(ContainSubstring("NOT RUN  2 case(s): not run: the run was interrupted by SIGINT"))
		Expect(strings.Count(out, "not run: the run")).To(Equal(1))
		Expect(out).To(ContainSubstring("\n         fail×1: no 100 within 1.2 s\n         pass×18: 100 after 0.4 ms\n         pass×1: 100 after 0.9 ms\n"))
	})

	It("groups the runs' findings by verdict and reason, worst first", func() {
		Expect(flakyAndNotRun().Results[0].RunReasons).To(Equal(flakyReasons))
		Expect(results.RunReasonsOf(nil, nil)).To(BeEmpty())
	})

	It("refuses a run reason whose verdict is unknown", func() {
		f := flakyAndNotRun()
		f.Results[0].RunReasons[1].Verdict = "maybe"
		_, err := results.Encode(f)
		Expect(err).To(MatchError(ContainSubstring(`a run reason with verdict "maybe"`)))
	})

	It("lists the runs' findings of a flaky cell in the Markdown findings and the HTML cell", func() {
		var md bytes.Buffer
		Expect(results.Markdown(&md, flakyAndNotRun())).To(Succeed())
		Expect(md.String()).To(ContainSubstring("\n  - fail×1: no 100 within 1.2 s\n  - pass×18: 100 after 0.4 ms\n  - pass×1: 100 after 0.9 ms\n"))
		p := filepath.Join(GinkgoT().TempDir(), "t.html")
		Expect(results.WriteHTML(p, flakyAndNotRun())).To(Succeed())
		page, err := os.ReadFile(p)
		Expect(err).NotTo(HaveOccurred())
		Expect(string(page)).To(ContainSubstring("<li>pass×1: 100 after 0.9 ms</li>"))
	})

	It("does not count a flaky cell's run reasons as a change in diff", func() {
		old, cur := flakyAndNotRun(), flakyAndNotRun()
		cur.Results[0].RunReasons = cur.Results[0].RunReasons[:1]
		rep := results.Diff(old, cur)
		Expect(rep.Unchanged).To(Equal(len(cur.Results)))
		Expect(rep.Regressed()).To(BeFalse())
	})

	It("makes a flaky fail a JUnit failure that says flaky, and a not-run case an error", func() {
		data, err := results.EncodeJUnit(flakyAndNotRun())
		Expect(err).NotTo(HaveOccurred())
		var parsed reporters.JUnitTestSuites
		Expect(xml.Unmarshal(data, &parsed)).To(Succeed())
		flaky := parsed.TestSuites[0].TestCases[0]
		Expect(flaky.Failure).NotTo(BeNil())
		Expect(flaky.Failure.Type).To(Equal("flaky"))
		Expect(flaky.Failure.Message).To(HavePrefix("flaky: pass×19, fail×1 — "))
		Expect(flaky.Properties.WithName("runs")).To(HavePrefix("pass pass pass"))
		Expect(flaky.Failure.Description).To(ContainSubstring("the runs gave:\n  fail×1: no 100 within 1.2 s\n  pass×18: 100 after 0.4 ms\n  pass×1: 100 after 0.9 ms\n"))
		notRun := parsed.TestSuites[1].TestCases[1]
		Expect(notRun.Error).NotTo(BeNil())
		Expect(notRun.Error.Type).To(Equal("not_run"))
		Expect(notRun.Error.Message).To(ContainSubstring("interrupted by SIGINT"))
	})
})
