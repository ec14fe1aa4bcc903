package suite

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/google/go-cmp/cmp"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gexec"

	"github.com/expectspec/expectspec/harness/recipes"
	"github.com/expectspec/expectspec/results"
)

// Scaling past one machine: one results file per implementation, as `expectspec
// matrix --only NAME --out out/NAME` writes it in a CI job, merged by `expectspec report`, must
// give the same table as one run over every implementation.
var _ = Describe("report merges per-implementation results files", Label("report"), Ordered, func() {
	var bin string
	// published is a realistic table: every role, every verdict, flaky, not run, not installed.
	const published = "../results/testdata/table/published.json"

	BeforeAll(func() {
		bin = cliBinary()
	})

	report := func(args ...string) (int, string) {
		GinkgoHelper()
		s, err := gexec.Start(exec.Command(bin, append([]string{"report"}, args...)...), GinkgoWriter, GinkgoWriter)
		Expect(err).NotTo(HaveOccurred())
		Eventually(s).WithTimeout(time.Minute).Should(gexec.Exit())
		return s.ExitCode(), string(s.Err.Contents())
	}

	It("builds the same table from one file per implementation as from one run", func() {
		whole, err := results.Read(published)
		Expect(err).NotTo(HaveOccurred())
		dir := GinkgoT().TempDir()

		// One file per implementation, in the layout the CI workflow downloads its artifacts
		// into (out/results-NAME/NAME.json); each run started a second after the previous one.
		var total int64
		for i, t := range whole.Targets {
			part := &results.File{
				Schema:  results.Schema,
				Suite:   results.Suite{Version: whole.Suite.Version, Started: whole.Suite.Started.Add(time.Duration(i) * time.Second), Args: []string{"run", "--name", t.Name}},
				Targets: []results.Target{t},
				Cases:   whole.Cases,
			}
			for _, r := range whole.Results {
				if r.Target == t.Name {
					part.Results = append(part.Results, r)
					part.Suite.DurationMS += r.DurationMS
				}
			}
			total += part.Suite.DurationMS
			artifact := filepath.Join(dir, "out", "results-"+t.Name)
			Expect(os.MkdirAll(artifact, 0o755)).To(Succeed())
			Expect(results.Write(filepath.Join(artifact, t.Name+".json"), part)).To(Succeed())
		}
		// the one run those files add up to: earliest start, summed duration
		one := *whole
		one.Suite.DurationMS = total
		one.Suite.Args = nil
		onePath := filepath.Join(dir, "one.json")
		Expect(results.Write(onePath, &one)).To(Succeed())

		parts, err := filepath.Glob(filepath.Join(dir, "out", "*", "*.json")) // as the shell expands out/*/*.json
		Expect(err).NotTo(HaveOccurred())
		Expect(parts).To(HaveLen(len(whole.Targets)))
		args := []string{"--html", filepath.Join(dir, "merged.html"), "--md", filepath.Join(dir, "merged.md"), "--json", filepath.Join(dir, "merged.json")}
		code, stderr := report(append(args, parts...)...)
		Expect(code).To(BeZero(), stderr)
		code, stderr = report("--html", filepath.Join(dir, "one.html"), "--md", filepath.Join(dir, "one.md"), onePath)
		Expect(code).To(BeZero(), stderr)

		// the same cells, versions and summaries: the same page and the same Markdown, octet for octet
		for _, ext := range []string{"html", "md"} {
			merged, err := os.ReadFile(filepath.Join(dir, "merged."+ext))
			Expect(err).NotTo(HaveOccurred())
			single, err := os.ReadFile(filepath.Join(dir, "one."+ext))
			Expect(err).NotTo(HaveOccurred())
			Expect(cmp.Diff(string(single), string(merged))).To(BeEmpty(), ext)
		}
		md, err := os.ReadFile(filepath.Join(dir, "merged.md"))
		Expect(err).NotTo(HaveOccurred())
		Expect(string(md)).To(ContainSubstring("| proxy-a 5.7 | proxy-b 1.11.1 |"))
		Expect(string(md)).To(ContainSubstring("| proxy-a (Example Proxy A) | 5.7 | **fails 1 of 12 cases** |"))

		// and the merged results file holds every cell of the run, unchanged
		merged, err := results.Read(filepath.Join(dir, "merged.json"))
		Expect(err).NotTo(HaveOccurred())
		Expect(merged.Suite.Started).To(BeTemporally("==", whole.Suite.Started))
		Expect(merged.Suite.DurationMS).To(Equal(total))
		Expect(merged.Targets).To(ConsistOf(whole.Targets))
		Expect(cells(merged)).To(Equal(cells(whole)))
	})

	It("refuses two different implementations under one name, naming both", func() {
		dir := GinkgoT().TempDir()
		a, b := oneTargetFile("nginx", "1.22.1", results.Pass), oneTargetFile("nginx", "1.26.0", results.Pass)
		Expect(results.Write(filepath.Join(dir, "a.json"), a)).To(Succeed())
		Expect(results.Write(filepath.Join(dir, "b.json"), b)).To(Succeed())
		code, stderr := report("--html", filepath.Join(dir, "t.html"), filepath.Join(dir, "a.json"), filepath.Join(dir, "b.json"))
		Expect(code).To(Equal(2))
		Expect(stderr).To(ContainSubstring(`target "nginx" differs between ` + filepath.Join(dir, "a.json") + ` (`))
		Expect(stderr).To(ContainSubstring(`version "1.22.1"`))
		Expect(stderr).To(ContainSubstring(`version "1.26.0"`))
		Expect(stderr).To(ContainSubstring("rename one of them"))
		Expect(strings.Count(strings.TrimSpace(stderr), "\n")).To(BeZero(), "one line")
		Expect(filepath.Join(dir, "t.html")).NotTo(BeAnExistingFile())
	})

	It("refuses two files that disagree about one cell of one implementation", func() {
		dir := GinkgoT().TempDir()
		Expect(results.Write(filepath.Join(dir, "a.json"), oneTargetFile("nginx", "1.22.1", results.Pass))).To(Succeed())
		Expect(results.Write(filepath.Join(dir, "b.json"), oneTargetFile("nginx", "1.22.1", results.Fail))).To(Succeed())
		code, stderr := report("--md", filepath.Join(dir, "t.md"), filepath.Join(dir, "a.json"), filepath.Join(dir, "b.json"))
		Expect(code).To(Equal(2))
		Expect(stderr).To(ContainSubstring(`target "nginx", case "origin/immediate-100": ` + filepath.Join(dir, "a.json") + ` says pass (`))
		Expect(stderr).To(ContainSubstring(`but ` + filepath.Join(dir, "b.json") + ` says fail`))
		Expect(filepath.Join(dir, "t.md")).NotTo(BeAnExistingFile())

		// the same file twice (an artifact downloaded twice) is no conflict
		code, stderr = report("--md", filepath.Join(dir, "t.md"), filepath.Join(dir, "a.json"), filepath.Join(dir, "a.json"))
		Expect(code).To(BeZero(), stderr)
	})
})

// The example CI workflow runs one job per recipe; its list must be the recipes, with their
// Debian packages, or the published table silently loses an implementation.
var _ = Describe("the example CI workflow", Label("report"), func() {
	It("has one job per recipe, installing that recipe's Debian packages", func() {
		data, err := os.ReadFile("../.github/workflows/matrix.yml")
		Expect(err).NotTo(HaveOccurred())
		entry := regexp.MustCompile(`(?m)^\s*- \{ name: ([a-z0-9-]+), packages: "([^"]*)" \}\s*$`)
		inWorkflow := map[string]string{}
		for _, m := range entry.FindAllStringSubmatch(string(data), -1) {
			Expect(inWorkflow).NotTo(HaveKey(m[1]), "listed twice")
			inWorkflow[m[1]] = m[2]
		}
		want := map[string]string{}
		for _, r := range recipes.All() {
			want[r.Name] = strings.Join(r.Packages, " ")
		}
		Expect(inWorkflow).To(Equal(want), "update .github/workflows/matrix.yml to match harness/recipes")
		Expect(string(data)).To(ContainSubstring(`expectspec matrix --only "${{ matrix.name }}" --out "out/${{ matrix.name }}"`))
		Expect(string(data)).To(ContainSubstring("expectspec report --html table.html --md table.md --json results.json out/*/*.json"))
	})
})

func oneTargetFile(name, version string, v results.Verdict) *results.File {
	return &results.File{
		Schema:  results.Schema,
		Targets: []results.Target{{Name: name, Role: "origin", Address: "127.0.0.1:8080", Software: "nginx", Version: version}},
		Cases: []results.Case{{ID: "origin/immediate-100", Title: "100 at once", Roles: []string{"origin"},
			Requirements: []results.Requirement{{ID: "EXP-ORIGIN-IMMEDIATE", RFC: "9110", Section: "10.1.1", Keyword: "MUST"}}}},
		Results: []results.Result{{Target: name, Case: "origin/immediate-100", Verdict: v, Reason: fmt.Sprintf("%s on %s", v, version)}},
	}
}

// cells is every (target, case) → verdict and reason of f, sorted.
func cells(f *results.File) []string {
	var out []string
	for _, r := range f.Results {
		out = append(out, fmt.Sprintf("%s|%s|%s|%v|%v|%s", r.Target, r.Case, r.Verdict, r.Flaky, r.NotRun, r.Reason))
	}
	slices.Sort(out)
	return out
}
