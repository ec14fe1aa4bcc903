package suite

import (
	"os/exec"
	"path/filepath"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gexec"

	"github.com/expectspec/expectspec/harness/recipes"
	"github.com/expectspec/expectspec/results"
)

// The TLS and h2c recipes as `make matrix` runs them, with the ones that need nothing installed
// (Go's net/http, started by the matrix as `expectspec serve`): a TLS recipe gets a certificate
// from an authority made for its start, and its run (--ca, --protocol auto) gives an HTTP/1.1
// row over TLS and an [h2] row; an h2c recipe gives one h2c row. The other TLS recipes (nginx,
// apache2, h2o, caddy, node) are started by harness/recipes' serve test where installed.
var _ = Describe("expectspec matrix over TLS and h2c", Label("matrix"), func() {
	It("gives a TLS recipe an http/1.1-over-TLS row and an [h2] row, and an h2c recipe an h2c row", func() {
		out := GinkgoT().TempDir()
		cmd := exec.Command(cliBinary(), "matrix", "--only", "go-net-http-tls,go-net-http-h2c", "--out", out)
		s, err := gexec.Start(cmd, GinkgoWriter, GinkgoWriter)
		Expect(err).NotTo(HaveOccurred())
		Eventually(s).WithTimeout(3 * time.Minute).Should(gexec.Exit(0))

		tlsRun, err := results.Read(filepath.Join(out, "go-net-http-tls.json"))
		Expect(err).NotTo(HaveOccurred())
		Expect(tlsRun.Targets).To(ConsistOf(
			And(HaveField("Name", "go-net-http-tls"), HaveField("TLS", ContainSubstring("ALPN http/1.1"))),
			And(HaveField("Name", "go-net-http-tls [h2]"), HaveField("TLS", ContainSubstring("ALPN h2")))))
		h2cRun, err := results.Read(filepath.Join(out, "go-net-http-h2c.json"))
		Expect(err).NotTo(HaveOccurred())
		Expect(h2cRun.Targets).To(ConsistOf(And(HaveField("Name", "go-net-http-h2c"), HaveField("TLS", BeEmpty()))))
		rows := map[string]int{}
		for _, f := range []*results.File{tlsRun, h2cRun} {
			for _, r := range f.Results {
				// a certificate the run could not verify, or a server that did not start, is an error
				Expect(r.Verdict).NotTo(Equal(results.Error), "%s %s: %s", r.Target, r.Case, r.Reason)
				rows[r.Target]++
			}
		}
		Expect(rows).To(HaveKey("go-net-http-tls [h2]"))
		Expect(rows["go-net-http-h2c"]).To(Equal(rows["go-net-http-tls [h2]"]), "the same HTTP/2 cases in h2c and in h2")
	})

	// A gateway over TLS needs an installed implementation: nginx's is the quickest to start.
	It("gives a TLS gateway recipe its authority, an http/1.1-over-TLS row and an [h2] row in front of the suite's origin", func() {
		r, err := recipes.Select([]string{"nginx-gateway-tls"})
		Expect(err).NotTo(HaveOccurred())
		if m := r[0].Missing(); m != "" {
			Skip("not installed: " + m)
		}
		out := GinkgoT().TempDir()
		cmd := exec.Command(cliBinary(), "matrix", "--only", "nginx-gateway-tls", "--out", out)
		s, err := gexec.Start(cmd, GinkgoWriter, GinkgoWriter)
		Expect(err).NotTo(HaveOccurred())
		Eventually(s).WithTimeout(3 * time.Minute).Should(gexec.Exit(0))

		run, err := results.Read(filepath.Join(out, "nginx-gateway-tls.json"))
		Expect(err).NotTo(HaveOccurred())
		Expect(run.Targets).To(ConsistOf(
			And(HaveField("Name", "nginx-gateway-tls"), HaveField("Role", "gateway"), HaveField("TLS", ContainSubstring("ALPN http/1.1"))),
			And(HaveField("Name", "nginx-gateway-tls [h2]"), HaveField("Role", "gateway"), HaveField("TLS", ContainSubstring("ALPN h2")))))
		rows := map[string]int{}
		for _, r := range run.Results {
			// a certificate the run could not verify, or a row whose contract check missed the
			// suite's origin, is an error
			Expect(r.Verdict).NotTo(Equal(results.Error), "%s %s: %s", r.Target, r.Case, r.Reason)
			rows[r.Target]++
		}
		Expect(rows).To(HaveKey("nginx-gateway-tls [h2]"))
	})
})
