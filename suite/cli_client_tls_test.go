package suite

import (
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/expectspec/expectspec/results"
)

// Clients under test over TLS (run --client-tls): the suite's server speaks TLS with a
// certificate from an authority made for the run, {url} is https and {ca} that authority's PEM
// file. TLS changes the connection, never what a client case judges, so the reference client,
// curl (installed by .ci/run, as for the witness rows) and Go's client (built in) must get the
// verdicts they get in cleartext. Without --client-tls a command that names {ca} is refused in one line.
var _ = Describe("the expectspec command with --client-tls", Ordered, func() {
	var bin string
	BeforeAll(func() { bin = cliBinary() })

	runClient := func(args ...string) *results.File {
		out := GinkgoT().TempDir()
		code, stdout, stderr := runCLI(append([]string{"run", "--out", out, "--name", "c"}, args...)...)
		Expect(code).To(BeNumerically("<=", 1), stdout+stderr)
		f, err := results.Read(filepath.Join(out, "results.json"))
		Expect(err).NotTo(HaveOccurred())
		return f
	}

	DescribeTable("judges a client over TLS as it judges it in cleartext",
		func(clear, secure string) {
			c := runClient("--client", strings.ReplaceAll(clear, "{bin}", bin))
			s := runClient("--client-tls", "--client", strings.ReplaceAll(secure, "{bin}", bin))
			expectSameVerdicts(c, s)
			Expect(c.Targets[0].TLS).To(BeEmpty())
			Expect(s.Targets[0].TLS).To(Equal("TLS"))
			for _, r := range s.Results {
				Expect(r.Trace).NotTo(BeEmpty())
				Expect(r.Trace[0].Data).To(ContainSubstring(" https://127.0.0.1:"), r.Case)
				Expect(r.Verdict).NotTo(Equal(results.Error), r.Case+": "+r.Reason)
			}
		},
		Entry("the reference client", "{bin} ref-client {url} {file}", "{bin} ref-client --ca {ca} {url} {file}"),
		Entry("curl", "curl -sS --data-binary @{file} {url}", "curl -sS --cacert {ca} --data-binary @{file} {url}"),
		Entry("Go net/http (go-client)", "{bin} go-client {url} {file}", "{bin} go-client --ca {ca} {url} {file}"),
	)

	It("fails the client check of a client that does not trust the run's authority, in one line", func() {
		out := GinkgoT().TempDir()
		code, stdout, stderr := runCLI("run", "--out", out, "--client-tls", "--client", "curl -sS --data-binary @{file} {url}")
		Expect(code).To(Equal(2))
		Expect(stderr).To(ContainSubstring("made no request to https://127.0.0.1:"), stdout)
		Expect(stderr).To(ContainSubstring("must trust the run's authority, {ca}"))
		Expect(strings.TrimSpace(stderr)).NotTo(ContainSubstring("\n"))
	})

	It("refuses {ca} without --client-tls, and --client-tls without --client, in one line each", func() {
		code, _, stderr := runCLI("run", "--client", "curl --cacert {ca} --data-binary @{file} {url}")
		Expect(code).To(Equal(2))
		Expect(stderr).To(Equal("expectspec: --client \"curl --cacert {ca} --data-binary @{file} {url}\" uses {ca}, the CA file of the suite's TLS server, which exists only with --client-tls\n"))
		code, _, stderr = runCLI("run", "--client-tls")
		Expect(code).To(Equal(2))
		Expect(stderr).To(HavePrefix("expectspec: --client-tls makes the suite's server speak TLS"))
		Expect(strings.Count(stderr, "\n")).To(Equal(1))
	})
})
