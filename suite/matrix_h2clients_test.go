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

// The HTTP/2 client recipes as `make matrix` runs them: the child run's server speaks HTTP/2
// over TLS (--client-tls --client-protocol h2), the row is "NAME [h2]" and holds the HTTP/2
// client cases only. As for HTTP/1.1, curl (which .ci/run installs) must get its baseline's
// verdicts at the baseline's version; every other h2 client runs where it is installed.
var _ = Describe("expectspec matrix with HTTP/2 client recipes", Label("matrix"), func() {
	var bin string
	BeforeEach(func() { bin = cliBinary() })

	runRecipe := func(name string) *results.File {
		GinkgoHelper()
		rs, err := recipes.Select([]string{name})
		Expect(err).NotTo(HaveOccurred())
		row := rs[0].Row()
		out := GinkgoT().TempDir()
		s, err := gexec.Start(exec.Command(bin, "matrix", "--only", name, "--out", out), GinkgoWriter, GinkgoWriter)
		Expect(err).NotTo(HaveOccurred())
		Eventually(s).WithTimeout(3 * time.Minute).Should(gexec.Exit(0))
		Expect(filepath.Join(out, "table.md")).To(BeAnExistingFile())
		f, err := results.Read(filepath.Join(out, name+".json"))
		Expect(err).NotTo(HaveOccurred())
		Expect(f.Targets).To(ConsistOf(And(HaveField("Name", row), HaveField("Role", "client"),
			HaveField("Protocol", string(conv.H2)), HaveField("Version", Not(BeEmpty())))))
		Expect(f.Results).To(HaveLen(len(applicableOver(cases.All(), recipes.Client, conv.H2))))
		for _, r := range f.Results {
			Expect(r.Verdict).NotTo(Equal(results.Error), r.Case+": "+r.Reason)
			Expect(r.Verdict).NotTo(Equal(results.NA), r.Case+": the client did not speak h2: "+r.Reason)
		}
		return f
	}

	It("runs curl over HTTP/2 as the row curl [h2] and gets the verdicts of its baseline", func() {
		f := runRecipe("curl-h2")
		base, err := results.Read("../results/baseline/curl-h2.json")
		Expect(err).NotTo(HaveOccurred())
		if base.Targets[0].Version != f.Targets[0].Version {
			Skip("curl " + f.Targets[0].Version + " is not the baseline's " + base.Targets[0].Version + ": its verdicts may differ")
		}
		expectSameVerdicts(base, f)
	})

	DescribeTable("runs every other HTTP/2 client recipe that is installed, with no error cell",
		func(name string) {
			rs, err := recipes.Select([]string{name})
			Expect(err).NotTo(HaveOccurred())
			if m := rs[0].Missing(); m != "" {
				Skip(name + " is not installed (" + m + " is missing): " + rs[0].Install())
			}
			runRecipe(name)
		},
		Entry(nil, "go-http-client-h2"), Entry(nil, "node-http2-h2"),
	)

	It("has a spec above for every HTTP/2 client recipe, each named NAME-h2 with the row NAME [h2]", func() {
		rows := map[string]string{}
		for _, r := range recipes.All() {
			if r.Role == recipes.Client && r.H2 {
				rows[r.Name] = r.Row()
			}
		}
		Expect(rows).To(Equal(map[string]string{"curl-h2": "curl [h2]", "go-http-client-h2": "go-http-client [h2]",
			"node-http2-h2": "node-http2 [h2]"}))
	})
})
