package suite

import (
	"crypto/tls"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/expectspec/expectspec/harness/certs"
	"github.com/expectspec/expectspec/harness/gateways"
	"github.com/expectspec/expectspec/harness/reference"
	"github.com/expectspec/expectspec/results"
)

// The CLI against https targets, on loopback with a certificate made for the test: the suite's
// own servers served over TLS must get the verdicts they get in cleartext (what TLS changes is
// the connection, never what a case judges), and a certificate the suite cannot verify stops
// the run before any case with one line that says why.
var _ = Describe("the expectspec command over TLS", Ordered, func() {
	var (
		files  certs.Files
		server *tls.Config
	)

	BeforeAll(func() {
		ca, leaf, err := certs.Loopback("expectspec test CA")
		Expect(err).NotTo(HaveOccurred())
		files, err = certs.WriteFiles(GinkgoT().TempDir(), ca, leaf)
		Expect(err).NotTo(HaveOccurred())
		server = &tls.Config{Certificates: []tls.Certificate{leaf.TLS}, NextProtos: []string{"http/1.1"}}
	})

	// runFile runs the CLI into a fresh directory and reads its results.
	runFile := func(wantCode int, args ...string) *results.File {
		out := GinkgoT().TempDir()
		code, stdout, stderr := runCLI(append([]string{"run", "--out", out}, args...)...)
		Expect(code).To(Equal(wantCode), stdout+stderr)
		f, err := results.Read(filepath.Join(out, "results.json"))
		Expect(err).NotTo(HaveOccurred())
		return f
	}
	startReference := func(tlsCfg *tls.Config) string {
		var opts []reference.Option
		if tlsCfg != nil {
			opts = append(opts, reference.WithTLS(tlsCfg))
		}
		srv, err := reference.Start(reference.Conforming()[0], opts...)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(srv.Close)
		return srv.URL()
	}
	// originFlags are what a reference origin needs beyond its URL.
	originFlags := []string{"--upgrade-protocol", reference.UpgradeProtocol}

	It("judges an https origin verified with --ca as it judges the same origin in cleartext", func() {
		clear := runFile(0, append(originFlags, "--target", startReference(nil), "--name", "ref")...)
		secure := runFile(0, append(originFlags, "--target", startReference(server), "--name", "ref", "--ca", files.CA)...)
		expectSameVerdicts(clear, secure)
		Expect(clear.Targets[0]).To(And(HaveField("Protocol", "http/1.1"), HaveField("TLS", "")))
		Expect(secure.Targets[0]).To(And(HaveField("Protocol", "http/1.1"), HaveField("TLS", "TLS 1.3, ALPN http/1.1")))
		Expect(secure.Results[0].Trace[0].Data).To(Equal("connect over TLS 1.3, ALPN http/1.1"))
	})

	It("skips verification with --insecure", func() {
		f := runFile(0, append(originFlags, "--target", startReference(server), "--insecure", "--focus", "origin/immediate-100$")...)
		Expect(f.Results).To(HaveLen(1))
		Expect(f.Results[0].Verdict).To(Equal(results.Pass), f.Results[0].Reason)
	})

	It("stops before any case, in one line, when the certificate cannot be verified", func() {
		url := startReference(server)
		out := GinkgoT().TempDir()
		code, stdout, stderr := runCLI(append([]string{"run", "--out", out, "--target", url}, originFlags...)...)
		Expect(code).To(Equal(2), stdout)
		Expect(strings.Count(strings.TrimSpace(stderr), "\n")).To(BeZero(), stderr)
		Expect(stderr).To(ContainSubstring("TLS handshake with 127.0.0.1:"))
		Expect(stderr).To(ContainSubstring("signed by an unknown authority"))
		f, err := results.Read(filepath.Join(out, "results.json"))
		Expect(err).NotTo(HaveOccurred())
		Expect(filepath.Join(out, "junit.xml")).To(BeAnExistingFile())
		Expect(f.Results).NotTo(BeEmpty())
		for _, r := range f.Results {
			Expect(r.Verdict).To(Equal(results.Error))
			Expect(r.Reason).To(HavePrefix("not run: the TLS handshake failed, so no case was sent: target 127.0.0.1:"))
			Expect(r.Reason).To(ContainSubstring("signed by an unknown authority"))
		}
		Expect(f.Targets[0].TLS).To(Equal("TLS"))
	})

	It("judges an https gateway as it judges the same gateway in cleartext", func() {
		// the gateway case that takes its full deadline on a conforming gateway is left out, as
		// in the cleartext CLI tests (the witness tests run it)
		slow := "!id:gateway.immediate-100-backend-waits"
		run := func(secure bool) *results.File {
			originAddr := freeAddr()
			scheme, args := "http://", []string{}
			var addr string
			var stop func()
			var err error
			if secure {
				addr, stop, err = gateways.StartStreamingTLS(originAddr, server)
				scheme, args = "https://", []string{"--ca", files.CA}
			} else {
				addr, stop, err = gateways.StartStreaming(originAddr)
			}
			Expect(err).NotTo(HaveOccurred())
			defer stop()
			return runFile(0, append(args, "--gateway", scheme+addr+"/", "--origin", originAddr, "--name", "gw", "--label-filter", slow)...)
		}
		clear, secure := run(false), run(true)
		expectSameVerdicts(clear, secure)
		Expect(secure.Targets[0].TLS).To(HavePrefix("TLS 1.3"))
	})
})

// expectSameVerdicts checks that two runs of the same cases gave every case the same verdict
// (reasons may differ in their times).
func expectSameVerdicts(a, b *results.File) {
	GinkgoHelper()
	verdicts := func(f *results.File) map[string]results.Verdict {
		m := map[string]results.Verdict{}
		for _, r := range f.Results {
			m[r.Case] = r.Verdict
		}
		return m
	}
	va, vb := verdicts(a), verdicts(b)
	Expect(va).NotTo(BeEmpty())
	for id, v := range va {
		Expect(vb).To(HaveKeyWithValue(id, v), "case %s", id)
	}
	Expect(vb).To(HaveLen(len(va)))
	rep := results.Diff(a, b)
	Expect(rep.Regressions).To(BeEmpty())
	Expect(rep.Changed).To(BeEmpty())
}
