package results_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/expectspec/expectspec/results"
)

var _ = Describe("the results file", func() {
	var dir string
	BeforeEach(func() { dir = GinkgoT().TempDir() })

	It("round-trips: Write then Read gives an equal value", func() {
		f := sample()
		p := filepath.Join(dir, "results.json")
		Expect(results.Write(p, f)).To(Succeed())
		got, err := results.Read(p)
		Expect(err).NotTo(HaveOccurred())
		Expect(cmp.Diff(f, got, cmpopts.EquateEmpty())).To(BeEmpty())
	})

	It("writes the published field names and RFC 3339 time", func() {
		data, err := results.Encode(sample())
		Expect(err).NotTo(HaveOccurred())
		var m map[string]any
		Expect(json.Unmarshal(data, &m)).To(Succeed())
		Expect(m).To(HaveKeyWithValue("schema", results.Schema))
		Expect(m["suite"]).To(HaveKeyWithValue("started", "2025-11-24T15:04:05.123456789+01:00"))
		Expect(m["suite"]).To(HaveKeyWithValue("duration_ms", 4321.0))
		Expect(m["targets"].([]any)[0]).To(HaveKey("software"))
		c := m["cases"].([]any)[0].(map[string]any)
		Expect(c).To(HaveKey("roles"))
		Expect(c["requirements"].([]any)[0]).To(And(HaveKey("rfc"), HaveKey("section"), HaveKey("keyword")))
		r := m["results"].([]any)[0].(map[string]any)
		Expect(r).To(And(HaveKey("target"), HaveKey("case"), HaveKey("verdict"), HaveKey("reason"), HaveKey("duration_ms"), HaveKey("trace")))
		Expect(r["trace"].([]any)[1]).To(HaveKeyWithValue("t_ms", 0.412))
		Expect(r["trace"].([]any)[1]).To(HaveKeyWithValue("dir", "recv"))
	})

	It("writes empty lists as [] rather than null", func() {
		data, err := results.Encode(&results.File{Cases: []results.Case{{ID: "a"}}, Targets: []results.Target{{Name: "t"}}, Results: []results.Result{{Target: "t", Case: "a", Verdict: results.Pass}}})
		Expect(err).NotTo(HaveOccurred())
		Expect(string(data)).NotTo(ContainSubstring("null"))
		Expect(string(data)).To(ContainSubstring(`"schema": "expectspec/results/v1"`))
	})

	It("sorts results by target order, then case order, without touching the caller's File", func() {
		f := sample()
		for i, j := 0, len(f.Results)-1; i < j; i, j = i+1, j-1 {
			f.Results[i], f.Results[j] = f.Results[j], f.Results[i]
		}
		before := sample()
		before.Results = append([]results.Result(nil), f.Results...)
		p := filepath.Join(dir, "r.json")
		Expect(results.Write(p, f)).To(Succeed())
		Expect(cmp.Diff(before, f)).To(BeEmpty())
		got, err := results.Read(p)
		Expect(err).NotTo(HaveOccurred())
		Expect(cmp.Diff(sample().Results, got.Results, cmpopts.EquateEmpty())).To(BeEmpty())
	})

	It("writes atomically: no temporary file is left, and a refused File leaves the old one intact", func() {
		p := filepath.Join(dir, "results.json")
		Expect(results.Write(p, sample())).To(Succeed())
		Expect(results.Write(p, sample())).To(Succeed())
		old, err := os.ReadFile(p)
		Expect(err).NotTo(HaveOccurred())

		bad := sample()
		bad.Results[0].Verdict = "flaky"
		Expect(results.Write(p, bad)).To(MatchError(ContainSubstring(`verdict "flaky"`)))
		bad = sample()
		bad.Results[0].Trace[0].TMS = posInf()
		Expect(results.Write(p, bad)).To(HaveOccurred())

		now, err := os.ReadFile(p)
		Expect(err).NotTo(HaveOccurred())
		Expect(now).To(Equal(old))
		entries, err := os.ReadDir(dir)
		Expect(err).NotTo(HaveOccurred())
		Expect(entries).To(HaveLen(1))
		info, err := os.Stat(p)
		Expect(err).NotTo(HaveOccurred())
		Expect(info.Mode().Perm()).To(Equal(os.FileMode(0o644)))
	})

	It("reports a directory it cannot write to", func() {
		Expect(results.Write(filepath.Join(dir, "missing", "r.json"), sample())).To(MatchError(ContainSubstring("cannot write")))
	})

	DescribeTable("refuses bad input with an error that says what is wrong",
		func(input string, want string) {
			_, err := results.Decode(strings.NewReader(input))
			Expect(err).To(MatchError(ContainSubstring(want)))
			p := filepath.Join(dir, "results.json")
			Expect(os.WriteFile(p, []byte(input), 0o644)).To(Succeed())
			_, err = results.Read(p)
			Expect(err).To(MatchError(And(ContainSubstring(p), ContainSubstring(want))))
		},
		Entry("empty", "", "is empty"),
		Entry("only whitespace", " \n\t", "is empty"),
		Entry("not JSON", "schema: v1\n", "is not JSON: invalid character 's'"),
		Entry("HTML", "<html>", "is not JSON"),
		Entry("truncated", `{"schema": "expectspec/results/v1", "targets": [`, "is truncated"),
		Entry("trailing garbage", `{"schema": "expectspec/results/v1"} x`, "is not JSON"),
		Entry("an array", `[1,2]`, "the top level is an array"),
		Entry("a string", `"x"`, "the top level is a string"),
		Entry("null", `null`, "the top level is null"),
		Entry("no schema", `{"targets": []}`, `has no "schema" field; this expectspec reads expectspec/results/v1`),
		Entry("another schema", `{"schema": "x"}`, `has schema "x"; this expectspec reads expectspec/results/v1`),
		Entry("a newer schema", `{"schema": "expectspec/results/v2"}`, "a newer or older expectspec"),
		Entry("schema not a string", `{"schema": 1}`, "not a string"),
		Entry("wrong type", `{"schema": "expectspec/results/v1", "targets": {}}`, `"targets" holds a JSON object, want an array`),
		Entry("wrong type deep", `{"schema": "expectspec/results/v1", "results": [{"duration_ms": "1"}]}`, "want a number"),
		Entry("bad time", `{"schema": "expectspec/results/v1", "suite": {"started": "yesterday"}}`, "yesterday"),
		Entry("unknown target", `{"schema": "expectspec/results/v1", "cases": [{"id": "c"}], "results": [{"target": "t", "case": "c", "verdict": "pass"}]}`,
			`(target "t", case "c") names a target that is not in "targets"`),
		Entry("unknown case", `{"schema": "expectspec/results/v1", "targets": [{"name": "t"}], "results": [{"target": "t", "case": "c", "verdict": "pass"}]}`,
			`names a case that is not in "cases"`),
		Entry("unknown verdict", `{"schema": "expectspec/results/v1", "targets": [{"name": "t"}], "cases": [{"id": "c"}], "results": [{"target": "t", "case": "c", "verdict": "PASS"}]}`,
			`has verdict "PASS"`),
		Entry("duplicate cell", `{"schema": "expectspec/results/v1", "targets": [{"name": "t"}], "cases": [{"id": "c"}], "results": [{"target": "t", "case": "c", "verdict": "pass"}, {"target": "t", "case": "c", "verdict": "fail"}]}`,
			"second result"),
		Entry("duplicate target", `{"schema": "expectspec/results/v1", "targets": [{"name": "t"}, {"name": "t"}]}`, `target "t" is listed twice`),
		Entry("duplicate case", `{"schema": "expectspec/results/v1", "cases": [{"id": "c"}, {"id": "c"}]}`, `case "c" is listed twice`),
		Entry("nameless target", `{"schema": "expectspec/results/v1", "targets": [{}]}`, "targets[0] has no name"),
	)

	It("accepts fields it does not know (adding fields keeps the schema)", func() {
		f, err := results.Decode(strings.NewReader(`{"schema": "expectspec/results/v1", "extra": 1, "targets": [{"name": "t", "colour": "red"}]}`))
		Expect(err).NotTo(HaveOccurred())
		Expect(f.Targets).To(HaveLen(1))
	})

	It("refuses a file larger than MaxFileSize without reading it all", func() {
		defer results.SetMaxFileSize(1000)()
		big := bytes.NewReader(make([]byte, 1010))
		_, err := results.Decode(big)
		Expect(err).To(MatchError(ContainSubstring("larger than")))
	})

	It("reports a missing file", func() {
		_, err := results.Read(filepath.Join(dir, "nope.json"))
		Expect(errors.Is(err, fs.ErrNotExist)).To(BeTrue())
		Expect(err).To(MatchError(HaveSuffix("nope.json does not exist")))
	})

	It("reports a directory", func() {
		_, err := results.Read(dir)
		Expect(err).To(MatchError(ContainSubstring("is a directory, not a results file")))
	})
})

var _ = Describe("ExitCode", func() {
	with := func(vs ...results.Verdict) *results.File {
		f := &results.File{Targets: []results.Target{{Name: "t"}}}
		for i, v := range vs {
			id := string(rune('a' + i))
			f.Cases = append(f.Cases, results.Case{ID: id})
			f.Results = append(f.Results, results.Result{Target: "t", Case: id, Verdict: v})
		}
		return f
	}
	DescribeTable("is 0 normally, 1 on any fail, 2 when nothing ran",
		func(f *results.File, code int) { Expect(results.ExitCode(f)).To(Equal(code)) },
		Entry("nil", nil, 2),
		Entry("no results", with(), 2),
		Entry("only errors", with(results.Error, results.Error), 2),
		Entry("all pass", with(results.Pass, results.Pass), 0),
		Entry("warn, info, na", with(results.Warn, results.Info, results.NA), 0),
		Entry("an error among passes", with(results.Pass, results.Error), 0),
		Entry("one fail", with(results.Pass, results.Fail, results.Error), 1),
		Entry("fail among errors", with(results.Error, results.Fail), 1),
	)
})

var _ = Describe("Counts", func() {
	It("counts each verdict per target", func() {
		f := sample()
		Expect(results.CountTarget(f, "go")).To(Equal(results.Counts{Pass: 1, Fail: 1, Info: 1, NA: 1}))
		all := results.CountAll(f)
		Expect(all).To(HaveLen(3))
		Expect(all["nginx"]).To(Equal(results.Counts{Pass: 1, Warn: 1, Error: 1}))
		Expect(all["nginx"].Total()).To(Equal(3))
		Expect(all["go"].String()).To(Equal("1 pass, 1 fail, 0 warn, 1 info, 1 na, 0 error"))
		Expect(results.CountTarget(f, "nobody").Total()).To(BeZero())
	})
})

var _ = Describe("Merge", func() {
	split := func() (*results.File, *results.File) {
		a, b := sample(), sample()
		a.Targets, b.Targets = a.Targets[:1], b.Targets[1:]
		a.Results, b.Results = nil, nil
		for _, r := range sample().Results {
			if r.Target == "go" {
				a.Results = append(a.Results, r)
			} else {
				b.Results = append(b.Results, r)
			}
		}
		b.Cases = append(b.Cases[2:], b.Cases[:2]...) // different order, same cases
		b.Suite.Started = a.Suite.Started.Add(-60e9)
		return a, b
	}

	It("unions targets, cases and results", func() {
		a, b := split()
		m, err := results.Merge(a, b)
		Expect(err).NotTo(HaveOccurred())
		want := sample()
		Expect(m.Targets).To(Equal(want.Targets))
		Expect(m.Cases).To(Equal(want.Cases))
		Expect(cmp.Diff(want.Results, m.Results, cmpopts.EquateEmpty())).To(BeEmpty())
		Expect(m.Suite.Started).To(Equal(b.Suite.Started))
		Expect(m.Suite.DurationMS).To(Equal(2 * want.Suite.DurationMS))
		Expect(m.Suite.Args).To(BeNil())
		Expect(m.Schema).To(Equal(results.Schema))
		_, err = results.Encode(m)
		Expect(err).NotTo(HaveOccurred())
	})

	It("de-duplicates identical targets and cells", func() {
		m, err := results.Merge(sample(), sample())
		Expect(err).NotTo(HaveOccurred())
		Expect(cmp.Diff(sample().Results, m.Results)).To(BeEmpty())
		Expect(m.Targets).To(HaveLen(3))
	})

	It("refuses a target name with different details", func() {
		a, b := sample(), sample()
		b.Targets[1].Version = "1.26.0"
		_, err := results.Merge(a, b)
		Expect(err).To(MatchError(And(ContainSubstring(`target "nginx" differs between file 1`), ContainSubstring("rename"))))
	})

	It("refuses conflicting cells", func() {
		a, b := sample(), sample()
		b.Results[0].Verdict = results.Fail
		_, err := results.Merge(a, b)
		Expect(err).To(MatchError(ContainSubstring(`file 1 says pass (100 after 0.4 ms) but file 2 says fail`)))
	})

	It("refuses nothing, nil and invalid files", func() {
		_, err := results.Merge()
		Expect(err).To(HaveOccurred())
		_, err = results.Merge(sample(), nil)
		Expect(err).To(MatchError(ContainSubstring("file 2")))
		bad := sample()
		bad.Results[0].Target = "ghost"
		_, err = results.Merge(bad)
		Expect(err).To(MatchError(ContainSubstring("file 1")))
	})

	It("does not modify its inputs", func() {
		a, b := split()
		a2, b2 := deepCopy(a), deepCopy(b)
		_, err := results.Merge(b, a)
		Expect(err).NotTo(HaveOccurred())
		Expect(cmp.Diff(a2, a)).To(BeEmpty())
		Expect(cmp.Diff(b2, b)).To(BeEmpty())
	})
})

func deepCopy(f *results.File) *results.File {
	data, err := json.Marshal(f)
	Expect(err).NotTo(HaveOccurred())
	var out results.File
	Expect(json.Unmarshal(data, &out)).To(Succeed())
	return &out
}

func posInf() float64 {
	var zero float64
	return 1 / zero
}
