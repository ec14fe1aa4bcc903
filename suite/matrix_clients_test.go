package suite

import (
	"os/exec"
	"path/filepath"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gexec"

	"github.com/expectspec/expectspec/cases"
	"github.com/expectspec/expectspec/harness/conv"
	"github.com/expectspec/expectspec/harness/recipes"
	"github.com/expectspec/expectspec/results"
)

// The client recipes as `make matrix` runs them: nothing starts, the child run is the client's
// server. curl always runs (.ci/run installs it) and, at the version of its baseline, must get
// the baseline's verdicts; every other client runs where it is installed and is skipped, saying
// how to install it, where it is not.
var _ = Describe("expectspec matrix with client recipes", Label("matrix"), func() {
	It("runs curl as a client and gets the verdicts of its baseline", func() {
		expectBaselineVerdicts("curl", runClientRecipe("curl"))
	})

	DescribeTable("runs every other client recipe that is installed, with no error cell",
		func(name string) { runClientRecipe(skipUnlessInstalled(name)) },
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

// skipUnlessInstalled returns name, or skips the spec saying how to install its recipe.
func skipUnlessInstalled(name string) string {
	GinkgoHelper()
	rs, err := recipes.Select([]string{name})
	Expect(err).NotTo(HaveOccurred())
	if m := rs[0].Missing(); m != "" {
		Skip(name + " is not installed (" + m + " is missing): " + rs[0].Install())
	}
	return name
}

// runClientRecipe runs the client recipe name as `make matrix` does (`matrix --only`) and checks
// its results file: one client row, named as the recipe's row, in its protocol (HTTP/2 for an H2
// recipe), with a version and a cell for every client case of that protocol, none an error.
func runClientRecipe(name string) *results.File {
	GinkgoHelper()
	rs, err := recipes.Select([]string{name})
	Expect(err).NotTo(HaveOccurred())
	proto := conv.HTTP1
	if rs[0].H2 {
		proto = conv.H2
	}
	out := GinkgoT().TempDir()
	s, err := gexec.Start(exec.Command(cliBinary(), "matrix", "--only", name, "--out", out), GinkgoWriter, GinkgoWriter)
	Expect(err).NotTo(HaveOccurred())
	Eventually(s).WithTimeout(3 * time.Minute).Should(gexec.Exit(0))
	Expect(filepath.Join(out, "table.md")).To(BeAnExistingFile())
	f, err := results.Read(filepath.Join(out, name+".json"))
	Expect(err).NotTo(HaveOccurred())
	Expect(f.Targets).To(ConsistOf(And(HaveField("Name", rs[0].Row()), HaveField("Role", "client"),
		WithTransform(results.Target.HTTPProtocol, Equal(string(proto))), HaveField("Version", Not(BeEmpty())))))
	Expect(f.Results).To(HaveLen(len(applicableOver(cases.All(), recipes.Client, proto))))
	for _, r := range f.Results {
		Expect(r.Verdict).NotTo(Equal(results.Error), r.Case+": "+r.Reason)
	}
	return f
}

// expectBaselineVerdicts expects f, the results of recipe name, to have the verdicts of its
// committed baseline file, or skips when the client is not the baseline's version.
func expectBaselineVerdicts(name string, f *results.File) {
	GinkgoHelper()
	base, err := results.Read("../results/baseline/" + name + ".json")
	Expect(err).NotTo(HaveOccurred())
	if base.Targets[0].Version != f.Targets[0].Version {
		Skip(f.Targets[0].Name + " " + f.Targets[0].Version + " is not the baseline's " + base.Targets[0].Version + ": its verdicts may differ")
	}
	expectSameVerdicts(base, f)
}
