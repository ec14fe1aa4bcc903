package suite

import (
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gexec"

	"github.com/expectspec/expectspec/harness/certs"
	"github.com/expectspec/expectspec/harness/recipes"
	"github.com/expectspec/expectspec/results"
)

// A real server over TLS: nginx from the committed config nginx-tls-origin (the nginx origin
// recipe's config with its listener on TLS), given a certificate made for the test. It runs
// where nginx is installed (.ci/run installs it) and is skipped, saying so, where it is not.
var _ = Describe("the expectspec command against nginx over TLS", func() {
	It("runs the catalogue over TLS with the certificate's authority given by --ca", func() {
		base, err := recipes.Select([]string{"nginx"})
		Expect(err).NotTo(HaveOccurred())
		if missing := base[0].Missing(); missing != "" {
			Skip("nginx is not installed (" + missing + "): install the Debian package nginx to run the nginx-over-TLS test")
		}
		ca, leaf, err := certs.Loopback("expectspec nginx test CA")
		Expect(err).NotTo(HaveOccurred())
		caDir := GinkgoT().TempDir()
		files, err := certs.WriteFiles(caDir, ca, leaf)
		Expect(err).NotTo(HaveOccurred())

		r := *base[0]
		r.Name, r.Configs = "nginx-tls", "nginx-tls-origin"
		r.Prepare = func(_ context.Context, in *recipes.Instance) error {
			for _, f := range []string{files.Cert, files.Key} {
				data, err := os.ReadFile(f)
				if err != nil {
					return err
				}
				if err := os.WriteFile(filepath.Join(in.Dir, filepath.Base(f)), data, 0o600); err != nil {
					return err
				}
			}
			return nil
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		in, err := recipes.Start(ctx, &r, recipes.Options{Dir: filepath.Join(GinkgoT().TempDir(), "nginx-tls")})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(in.Stop)

		out := GinkgoT().TempDir()
		s, err := gexec.Start(exec.Command(cliBinary(), "run", "--out", out, "--name", "nginx-tls", "--software", "nginx",
			"--target", "https://localhost:"+portOf(in.Addr())+in.UploadPath(), "--early-path", r.Early, "--ca", files.CA),
			GinkgoWriter, GinkgoWriter)
		Expect(err).NotTo(HaveOccurred())
		Eventually(s).WithTimeout(2 * time.Minute).Should(gexec.Exit())
		// 0 or 1: nginx may have findings; 2 would mean the run itself failed
		Expect(s.ExitCode()).To(BeNumerically("<=", 1), string(s.Out.Contents())+string(s.Err.Contents()))
		f, err := results.Read(filepath.Join(out, "results.json"))
		Expect(err).NotTo(HaveOccurred())
		Expect(f.Targets[0].TLS).To(HaveSuffix("ALPN http/1.1"), "nginx selects http/1.1 by ALPN")
		var immediate *results.Result
		for i, res := range f.Results {
			Expect(res.Verdict).NotTo(Equal(results.Error), "%s: %s", res.Case, res.Reason)
			if res.Case == "origin/immediate-100" {
				immediate = &f.Results[i]
			}
		}
		Expect(immediate).NotTo(BeNil())
		Expect(immediate.Verdict).To(Equal(results.Pass), immediate.Reason)
	})
})

// portOf is the port of host:port.
func portOf(addr string) string {
	_, port, _ := net.SplitHostPort(addr)
	return port
}
