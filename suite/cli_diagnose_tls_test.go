package suite

import (
	"crypto/tls"
	"encoding/json"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gexec"

	"github.com/expectspec/expectspec/harness/certs"
	"github.com/expectspec/expectspec/harness/reference"
	"github.com/expectspec/expectspec/harness/target"
)

// expectspec diagnose against https URLs on loopback, with a certificate made for the test: the
// diagnosis over TLS is the one the same server gets in cleartext (a 417 is a 417, a missing 100
// a stall), and a certificate the command cannot verify stops it with one line, status 2. Over
// HTTP/2: Go's net/http server (h2 and http/1.1 by ALPN) gets a verdict per protocol, the
// raw-frame h2 reference and its no-100 mutant (h2 alone) show that the h2 verdict is the h2
// path's, and the exit status is 1 when either protocol breaks uploads with Expect.
var _ = Describe("expectspec diagnose over TLS", Label("cli"), Ordered, func() {
	var (
		caFile string
		server *tls.Config
	)
	BeforeAll(func() {
		ca, leaf, err := certs.Loopback("expectspec diagnose test CA")
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

	// serveGo starts Go's net/http server with the upload resource over TLS, h2 and http/1.1.
	serveGo := func() string {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		Expect(err).NotTo(HaveOccurred())
		srv := target.NewNetHTTPServer()
		srv.TLSConfig = server.Clone()
		srv.TLSConfig.NextProtos = []string{"h2", "http/1.1"}
		go func() { _ = srv.ServeTLS(ln, "", "") }()
		DeferCleanup(func() { _ = srv.Close() })
		return "https://" + ln.Addr().String() + "/upload"
	}
	// serveH2 starts an HTTP/2 reference (h2 alone by ALPN) over TLS.
	serveH2 := func(name string) string {
		b, ok := reference.H2ByName(name)
		Expect(ok).To(BeTrue(), name)
		srv, err := reference.StartH2TLS(b, server.Clone())
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(srv.Close)
		return "https://" + srv.Addr() + reference.UploadPath
	}

	It("says uploads work over HTTP/1.1 and HTTP/2 at Go's server, with --insecure and with --ca, and writes both batteries", func() {
		url := serveGo()
		out := filepath.Join(GinkgoT().TempDir(), "d.json")
		for _, flag := range [][]string{{"--insecure"}, {"--ca", caFile, "--json", out}} {
			code, stdout, stderr := finish(append([]string{url}, flag...)...)
			Expect(code).To(Equal(0), stdout+stderr)
			Expect(first(stdout)).To(HavePrefix("works over HTTP/1.1 and HTTP/2 — HTTP/1.1: 100 Continue in"))
			Expect(stdout).To(ContainSubstring("http10-expect     not played: HTTP/2 has no HTTP/1.0 form"))
		}
		raw, err := os.ReadFile(out)
		Expect(err).NotTo(HaveOccurred())
		var j struct {
			Protocols []struct {
				Protocol string
				Probes   []struct{ Name, Transcript string }
			}
		}
		Expect(json.Unmarshal(raw, &j)).To(Succeed())
		Expect(j.Protocols).To(HaveLen(2))
		Expect(j.Protocols[1].Protocol).To(Equal("h2"))
		Expect(j.Protocols[1].Probes).To(HaveLen(5))
		Expect(j.Protocols[1].Probes[1].Transcript).To(ContainSubstring("expect: 100-continue"))
	})

	It("gives the h2 reference's verdict over HTTP/2: works, exit 0", func() {
		code, stdout, stderr := finish(serveH2("ref-h2-continue"), "--protocol", "h2", "--ca", caFile)
		Expect(code).To(Equal(0), stdout+stderr)
		Expect(first(stdout)).To(HavePrefix("over HTTP/2: works: 100 Continue in"))
	})

	It("says uploads stall over HTTP/2 at an h2 server that sends no 100, exit 1, with --protocol h2 and under auto", func() {
		url := serveH2("mut-h2-no-continue")
		code, stdout, _ := finish(url, "--protocol", "h2", "--insecure", "--timeout-scale", "0.5")
		Expect(code).To(Equal(1))
		Expect(first(stdout)).To(HavePrefix("over HTTP/2: each upload that sends Expect: 100-continue stalls about 1 s"))
		// Under auto, HTTP/1.1 reaches a server that speaks h2 alone (Go's TLS lets an
		// http/1.1 client in without ALPN): it cannot be diagnosed there, and h2's stall decides.
		code, stdout, _ = finish(url, "--insecure", "--timeout-scale", "0.5")
		Expect(code).To(Equal(1))
		Expect(first(stdout)).To(HavePrefix("over HTTP/1.1: could not be diagnosed; over HTTP/2: stalls — over HTTP/2, each upload"))
	})

	It("keeps --protocol h1 to HTTP/1.1 at a server that offers h2", func() {
		code, stdout, stderr := finish(serveGo(), "--protocol", "h1", "--insecure")
		Expect(code).To(Equal(0), stdout+stderr)
		Expect(first(stdout)).To(HavePrefix("works: 100 Continue in"))
		Expect(stdout).NotTo(ContainSubstring("HTTP/2"))
	})
})
