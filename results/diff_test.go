package results_test

import (
	"bytes"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/expectspec/expectspec/results"
)

// cellsOf is "target case old→new" for each change, to compare groups at a glance.
func cellsOf(cs []results.Change) []string {
	out := []string{}
	for _, c := range cs {
		s := c.Target + " " + c.Case + " "
		if c.Old != nil {
			s += string(c.Old.Verdict)
		}
		s += "→"
		if c.New != nil {
			s += string(c.New.Verdict)
		}
		out = append(out, s)
	}
	return out
}

var _ = Describe("Diff", func() {
	// one target, one case per transition under test
	pair := func(from, to results.Verdict) (*results.File, *results.File) {
		mk := func(v results.Verdict, reason string) *results.File {
			return &results.File{
				Schema:  results.Schema,
				Targets: []results.Target{{Name: "t"}},
				Cases:   []results.Case{{ID: "c"}},
				Results: []results.Result{{Target: "t", Case: "c", Verdict: v, Reason: reason}},
			}
		}
		return mk(from, "before"), mk(to, "after")
	}
	group := func(r results.Report) string {
		switch {
		case len(r.Regressions) > 0:
			return "regression"
		case len(r.Fixes) > 0:
			return "fix"
		case len(r.Changed) > 0:
			return "changed"
		case len(r.Reworded) > 0:
			return "reworded"
		}
		return "none"
	}

	DescribeTable("sorts each verdict change into one group",
		func(from, to results.Verdict, want string, regressed bool) {
			old, cur := pair(from, to)
			r := results.Diff(old, cur)
			Expect(group(r)).To(Equal(want))
			Expect(r.Regressed()).To(Equal(regressed))
			Expect(len(r.Regressions) + len(r.Fixes) + len(r.Changed) + len(r.Reworded)).To(Equal(1))
		},
		Entry("pass → fail", results.Pass, results.Fail, "regression", true),
		Entry("pass → error", results.Pass, results.Error, "regression", true),
		Entry("info → fail", results.Info, results.Fail, "regression", true),
		Entry("warn → fail", results.Warn, results.Fail, "regression", true),
		Entry("na → fail", results.NA, results.Fail, "regression", true),
		Entry("error → fail", results.Error, results.Fail, "regression", true),
		Entry("na → error", results.NA, results.Error, "regression", true),
		Entry("pass → warn", results.Pass, results.Warn, "regression", false),
		Entry("info → warn", results.Info, results.Warn, "regression", false),
		Entry("fail → pass", results.Fail, results.Pass, "fix", false),
		Entry("fail → warn", results.Fail, results.Warn, "fix", false),
		Entry("error → info", results.Error, results.Info, "fix", false),
		Entry("warn → pass", results.Warn, results.Pass, "fix", false),
		Entry("fail → error", results.Fail, results.Error, "changed", false),
		Entry("fail → na", results.Fail, results.NA, "changed", false),
		Entry("pass → info", results.Pass, results.Info, "changed", false),
		Entry("na → pass", results.NA, results.Pass, "changed", false),
		Entry("pass → na", results.Pass, results.NA, "changed", false),
		Entry("fail, reason changed", results.Fail, results.Fail, "reworded", false),
	)

	It("ignores trace and duration, and counts unchanged cells", func() {
		old, cur := sample(), sample()
		cur.Results[0].Trace = nil
		cur.Results[0].DurationMS = 999
		r := results.Diff(old, cur)
		Expect(r.Unchanged).To(Equal(len(old.Results)))
		Expect(r.Regressed()).To(BeFalse())
		var b bytes.Buffer
		Expect(r.Write(&b)).To(Succeed())
		Expect(b.String()).To(Equal("0 regressed, 0 fixed, 0 changed, 0 reworded, 0 added, 0 removed, 8 unchanged\n"))
	})

	It("reports added and removed cells, changed targets, and a go-cmp detail per changed cell", func() {
		old, cur := sample(), sample()
		cur.Results[0].Verdict = results.Fail                     // go immediate-100 pass → fail
		cur.Results[1].Verdict = results.Pass                     // go no-100-after-final fail → pass
		cur.Results[2].Reason = "answered 417 at once"            // reworded
		cur.Results[4].Fix = "send 100 as soon as the head is in" // reworded (fix only)
		cur.Results = cur.Results[:len(cur.Results)-1]            // squid forward-100 removed
		cur.Cases = append(cur.Cases, results.Case{ID: "new/case"})
		cur.Results = append(cur.Results, results.Result{Target: "squid", Case: "new/case", Verdict: results.Fail, Reason: "new"})
		cur.Targets[1].Version = "1.26.0"

		r := results.Diff(old, cur)
		Expect(cellsOf(r.Regressions)).To(Equal([]string{"go origin/immediate-100 pass→fail"}))
		Expect(cellsOf(r.Fixes)).To(Equal([]string{"go origin/no-100-after-final fail→pass"}))
		Expect(cellsOf(r.Changed)).To(BeEmpty())
		Expect(cellsOf(r.Reworded)).To(Equal([]string{"go origin/417-unknown info→info", "nginx origin/immediate-100 warn→warn"}))
		Expect(cellsOf(r.Added)).To(Equal([]string{"squid new/case →fail"}))
		Expect(cellsOf(r.Removed)).To(Equal([]string{"squid proxy/forward-100 pass→"}))
		Expect(r.Unchanged).To(Equal(3))
		Expect(r.Targets).To(Equal([]string{`nginx: version "1.24.0" → "1.26.0"`}))
		Expect(r.Regressed()).To(BeTrue())

		Expect(r.Regressions[0].Detail).To(And(ContainSubstring(`"pass"`), ContainSubstring(`"fail"`)))
		Expect(r.Regressions[0].Detail).NotTo(ContainSubstring("Trace"))
		Expect(r.Reworded[1].Detail).To(ContainSubstring("send 100 as soon as the head is in"))

		var b bytes.Buffer
		Expect(r.Write(&b)).To(Succeed())
		out := b.String()
		Expect(out).To(HavePrefix("1 regressed, 1 fixed, 0 changed, 2 reworded, 1 added, 1 removed, 3 unchanged\n"))
		Expect(out).To(ContainSubstring("Regressions (1):\n  go  origin/immediate-100  PASS → FAIL\n      100 after 0.4 ms\n"))
		Expect(out).To(ContainSubstring("Added (1):\n  squid  new/case  (new) FAIL\n      new\n"))
		Expect(out).To(ContainSubstring("Removed (1):\n  squid  proxy/forward-100  PASS (gone)\n      was: forwarded\n"))
		Expect(out).To(MatchRegexp(`(?m)^      - +Verdict: +"pass",$`))
		Expect(out).NotTo(ContainSubstring("\u00a0"))
		Expect(out).NotTo(ContainSubstring("\t"))
	})

	It("does not count a new failing cell as a regression", func() {
		old, cur := sample(), sample()
		old.Results = old.Results[2:]
		r := results.Diff(old, cur)
		Expect(r.Added).To(HaveLen(2))
		Expect(r.Regressed()).To(BeFalse())
	})

	It("accepts nil files", func() {
		r := results.Diff(nil, sample())
		Expect(r.Added).To(HaveLen(8))
		r = results.Diff(sample(), nil)
		Expect(r.Removed).To(HaveLen(8))
	})
})

var _ = Describe("Diff of two runs of a real server", func() {
	run := func(addr, reason string) *results.File {
		return &results.File{
			Schema:  results.Schema,
			Targets: []results.Target{{Name: "nginx", Address: addr, Version: "1.22.1"}},
			Cases:   []results.Case{{ID: "c"}},
			Results: []results.Result{{Target: "nginx", Case: "c", Verdict: results.Pass, Reason: reason}},
		}
	}

	It("takes a reason that differs only in its numbers, and a new port, for no change", func() {
		rep := results.Diff(run("127.0.0.1:4001", "100 Continue arrived 3.5 ms after the header section"),
			run("127.0.0.1:5002", "100 Continue arrived 19 ms after the header section"))
		Expect(rep.Reworded).To(BeEmpty())
		Expect(rep.Targets).To(BeEmpty())
		Expect(rep.Unchanged).To(Equal(1))
		Expect(rep.Retimed).To(Equal(1))
		var b bytes.Buffer
		Expect(rep.Write(&b)).To(Succeed())
		Expect(b.String()).To(HavePrefix("0 regressed, 0 fixed, 0 changed, 0 reworded, 0 added, 0 removed, 1 unchanged (1 with other timings)\n"))
	})

	It("still lists a reason whose words changed", func() {
		rep := results.Diff(run("a", "closed after 3 ms"), run("a", "kept the connection for 3 ms"))
		Expect(rep.Reworded).To(HaveLen(1))
	})
})
