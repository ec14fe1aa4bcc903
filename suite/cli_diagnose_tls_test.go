package suite

import (
	"crypto/tls"
	"os/exec"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gexec"

	"github.com/expectspec/expectspec/harness/certs"
	"github.com/expectspec/expectspec/harness/reference"
)

// expectspec diagnose against https URLs on loopback, with a certificate made for the test: the
// diagnosis over TLS is the one the same server gets in cleartext (a 417 is a 417, a missing 100
// a stall), and a certificate the command cannot verify stops it with one line, status 2.
var _ = Describe("expectspec diagnose over TLS", Label("cli"), Ordered, func() {
	var (
		caFile string
		server *tls.Config
	)
	BeforeAll(func() {
		ca, err := certs.NewCA("expectspec diagnose test CA")
		Expect(err).NotTo(HaveOccurred())
		leaf, err := ca.Issue("127.0.0.1", "localhost")
		Expect(err).NotTo(HaveOccurred())
		files, err := certs.WriteFiles(GinkgoT().TempDir(), ca, leaf)
		Expect(err).NotTo(HaveOccurred())
		caFile = files.CA
		server = &tls.Config{Certificates: []tls.Certificate{leaf.TLS}, NextProtos: []string{"http/1.1"}}
	})
	finish := func(args ...string) (int, string, string) {
		s, err := gexec.Start(exec.Command(cliBinary(), append([]string{"diagnose"}, args...)...), GinkgoWriter, GinkgoWriter)
		Expect(err).NotTo(HaveOccurred())
		Eventually(s).WithTimeout(60 * time.Second).Should(gexec.Exit())
		return s.ExitCode(), string(s.Out.Contents()), strings.TrimSpace(string(s.Err.Contents()))
	}
	// serveTLS starts a reference server over TLS and returns its https URL.
	serveTLS := func(b reference.Behaviour) string {
		srv, err := reference.Start(b, reference.WithTLS(server))
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(srv.Close)
		Expect(srv.URL()).To(HavePrefix("https://"))
		return srv.URL()
	}
	first := func(s string) string { l, _, _ := strings.Cut(s, "\n"); return l }

	It("says uploads work at a healthy https origin, with --insecure and with --ca", func() {
		url := serveTLS(reference.Behaviour{Name: "ref-continue"})
		for _, flag := range [][]string{{"--insecure"}, {"--ca", caFile}} {
			code, stdout, stderr := finish(append([]string{url}, flag...)...)
			Expect(code).To(Equal(0), stdout+stderr)
			Expect(first(stdout)).To(HavePrefix("works: 100 Continue in"))
		}
	})

	It("says uploads fail with 417 at an https origin that refuses 100-continue, exit 1", func() {
		code, stdout, _ := finish(serveTLS(reference.Behaviour{Name: "mut-417-continue", Reject417Continue: true}), "--insecure")
		Expect(code).To(Equal(1))
		Expect(first(stdout)).To(ContainSubstring("fail here with 417"))
	})

	It("says uploads stall at an https origin that never sends 100, exit 1", func() {
		code, stdout, _ := finish(serveTLS(reference.Behaviour{Name: "mut-no-continue", NoContinue: true}), "--insecure", "--timeout-scale", "0.5")
		Expect(code).To(Equal(1))
		Expect(first(stdout)).To(ContainSubstring("stalls"))
	})

	It("stops in one line, status 2, when it cannot verify the certificate", func() {
		code, stdout, stderr := finish(serveTLS(reference.Behaviour{Name: "ref-continue"}))
		Expect(code).To(Equal(2))
		Expect(stderr + stdout).To(ContainSubstring("unknown authority"))
		Expect(strings.Count(strings.TrimSpace(stderr+stdout), "\n")).To(BeZero(), stderr+stdout)
	})
})
