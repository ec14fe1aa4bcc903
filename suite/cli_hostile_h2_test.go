package suite

import (
	"os"
	"path/filepath"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/expectspec/expectspec/cases"
	"github.com/expectspec/expectspec/harness/conv"
	"github.com/expectspec/expectspec/results"
)

// Results on every exit, in HTTP/2: `expectspec run --protocol h2c` against a peer that
// misbehaves at the frame level (hostile_h2_servers_test.go) ends within the deadlines of its
// checks and cases, writes results.json and junit.xml with a verdict and a reason for every h2c
// case, and stays under 200 MiB, measured as cli_hostile_test.go measures the HTTP/1.1 runs.

// h2HostileWithin is how long a run against a peer may take beyond cliCheckMargin: a peer met by
// a check ends the run at that check's 5 s deadline or sooner; one met by the cases ends each
// case at its response bound (5 s at loopback) or sooner, with up to --concurrency (4) at once
// over the h2c cases.
func h2HostileWithin(name string) time.Duration {
	if strings.HasSuffix(name, "-on-expect") {
		n := len(applicableOver(cases.All(), "origin", conv.H2C))
		return 5*time.Second + time.Duration((n+3)/4)*5*time.Second
	}
	return 5 * time.Second
}

var _ = Describe("the expectspec command against hostile HTTP/2 peers", Label("hostile", "cli", "h2"), Ordered, func() {
	runs := map[string]checkRun{}

	BeforeAll(func(ctx SpecContext) {
		runs = runHostile(ctx, h2HostileSpecs, func(string) []string { return []string{"--protocol", "h2c"} })
	}, NodeTimeout(2*time.Minute))

	var rows []TableEntry
	for _, spec := range h2HostileSpecs {
		rows = append(rows, Entry(spec.Name+": "+spec.What, spec.Name))
	}
	DescribeTable("ends in time and small, with both files and a verdict for every h2c case", func(name string) {
		r, ok := runs[name]
		Expect(ok).To(BeTrue())
		what := "stdout:\n" + r.stdout + "\nstderr:\n" + r.stderr
		Expect(r.code).To(BeElementOf(1, 2), what) // fails found, or a check failed: never a crash
		Expect(r.wall).To(BeNumerically("<=", h2HostileWithin(name)+cliCheckMargin), what)
		Expect(r.maxRSS).To(BeNumerically("<", 200<<10), "max RSS in KiB")

		f, err := results.Read(filepath.Join(r.out, "results.json"))
		Expect(err).NotTo(HaveOccurred(), what)
		Expect(f.Targets).To(ConsistOf(HaveField("Name", name)))
		Expect(f.Targets[0].HTTPProtocol()).To(Equal("h2c"))
		Expect(f.Results).To(HaveLen(len(applicableOver(cases.All(), "origin", conv.H2C))), what)
		for _, res := range f.Results {
			Expect(res.Verdict).NotTo(BeEmpty(), res.Case)
			Expect(res.Reason).NotTo(BeEmpty(), res.Case)
		}
		junit, err := os.ReadFile(filepath.Join(r.out, "junit.xml"))
		Expect(err).NotTo(HaveOccurred())
		Expect(string(junit)).To(ContainSubstring("<testsuite"))
		Expect(lastLine(r.stdout)).To(ContainSubstring("results in " + r.out + " (results.json, junit.xml)"))
	}, rows)
})
