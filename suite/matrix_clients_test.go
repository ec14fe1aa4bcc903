package suite

import (
	"os/exec"
	"path/filepath"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gexec"

	"github.com/expectspec/expectspec/cases"
	"github.com/expectspec/expectspec/harness/recipes"
	"github.com/expectspec/expectspec/results"
)

// The client recipes as `make matrix` runs them: nothing starts, the child run is the client's
// server. curl always runs (.ci/run installs it) and, at the version of its baseline, must get
// the baseline's verdicts; every other client runs where it is installed and is skipped, saying
// how to install it, where it is not.
var _ = Describe("expectspec matrix with client recipes", Label("matrix"), func() {
	var bin string
	BeforeEach(func() { bin = cliBinary() })

	runRecipe := func(name string) *results.File {
		GinkgoHelper()
		out := GinkgoT().TempDir()
		s, err := gexec.Start(exec.Command(bin, "matrix", "--only", name, "--out", out), GinkgoWriter, GinkgoWriter)
		Expect(err).NotTo(HaveOccurred())
		Eventually(s).WithTimeout(3 * time.Minute).Should(gexec.Exit(0))
		Expect(filepath.Join(out, "table.md")).To(BeAnExistingFile())
		f, err := results.Read(filepath.Join(out, name+".json"))
		Expect(err).NotTo(HaveOccurred())
		Expect(f.Targets).To(ConsistOf(And(HaveField("Name", name), HaveField("Role", "client"), HaveField("Version", Not(BeEmpty())))))
		Expect(f.Results).To(HaveLen(len(applicable(cases.All(), recipes.Client))))
		for _, r := range f.Results {
			Expect(r.Verdict).NotTo(Equal(results.Error), r.Case+": "+r.Reason)
		}
		return f
	}

	It("runs curl as a client and gets the verdicts of its baseline", func() {
		f := runRecipe("curl")
		base, err := results.Read("../results/baseline/curl.json")
		Expect(err).NotTo(HaveOccurred())
		if base.Targets[0].Version != f.Targets[0].Version {
			Skip("curl " + f.Targets[0].Version + " is not the baseline's " + base.Targets[0].Version + ": its verdicts may differ")
		}
		expectSameVerdicts(base, f)
	})

	DescribeTable("runs every other client recipe that is installed, with no error cell",
		func(name string) {
			rs, err := recipes.Select([]string{name})
			Expect(err).NotTo(HaveOccurred())
			if m := rs[0].Missing(); m != "" {
				Skip(name + " is not installed (" + m + " is missing): " + rs[0].Install())
			}
			runRecipe(name)
		},
		Entry(nil, "wget"), Entry(nil, "python-urllib"), Entry(nil, "python-requests"),
		Entry(nil, "node-http-request"), Entry(nil, "java-httpclient"),
		Entry(nil, "go-http-client"), Entry(nil, "node-fetch"), Entry(nil, "python-aiohttp"), Entry(nil, "python-boto3"),
	)

	It("has a spec above for every HTTP/1.1 client recipe", func() {
		var names []string
		for _, r := range recipes.All() {
			if r.Role == recipes.Client && !r.H2 { // the HTTP/2 ones: matrix_h2clients_test.go
				names = append(names, r.Name)
			}
		}
		Expect(names).To(ConsistOf("curl", "wget", "python-urllib", "python-requests", "node-http-request", "java-httpclient",
			"go-http-client", "node-fetch", "python-aiohttp", "python-boto3"))
	})
})
