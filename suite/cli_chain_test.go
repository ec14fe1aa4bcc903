package suite

import (
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httputil"
	"path/filepath"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/expectspec/expectspec/cases"
	"github.com/expectspec/expectspec/harness/gateways"
	"github.com/expectspec/expectspec/results"
)

// The CLI against intermediaries, as a proxy maintainer runs it: a gateway configured first to
// forward to an address the suite's origin then listens on, and a forward proxy.
var _ = Describe("the expectspec command against intermediaries", Ordered, func() {
	It("tests a gateway named with --gateway in front of --origin", func() {
		originAddr := freeAddr()
		gw, stop, err := gateways.StartStreaming(originAddr) // configured first, as a user would
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(stop)

		out := GinkgoT().TempDir()
		// Every case that applies to gateways but the ones that take their full deadline on a
		// conforming gateway (the witness tests run those).
		slow := "!id:gateway.immediate-100-backend-waits"
		code, stdout, stderr := runCLI("run", "--out", out, "--gateway", "http://"+gw+"/", "--origin", originAddr, "--name", "mygateway", "--label-filter", slow)
		Expect(code).To(Equal(0), stdout+stderr)
		Expect(stdout).To(ContainSubstring("in front of the suite's origin at " + originAddr))
		f, err := results.Read(filepath.Join(out, "results.json"))
		Expect(err).NotTo(HaveOccurred())
		Expect(f.Targets).To(ConsistOf(HaveField("Role", "gateway")))
		Expect(len(f.Results)).To(BeNumerically(">=", len(applicable(cases.All(), "gateway"))-1))
		c := results.CountTarget(f, "mygateway")
		Expect(c.Fail+c.Warn+c.Error).To(BeZero(), stdout)

		// The origin's side is in the trace.
		var sawOrigin bool
		for _, r := range f.Results {
			if r.Case != "origin/immediate-100" {
				continue
			}
			for _, e := range r.Trace {
				if e.Dir == "origin" && strings.Contains(e.Data, "origin received head") && strings.Contains(e.Data, "Expect: 100-continue") {
					sawOrigin = true
				}
			}
		}
		Expect(sawOrigin).To(BeTrue(), "the trace of origin/immediate-100 shows what the origin received")
	})

	Describe("a gateway under a path prefix", func() {
		// A gateway mounted at /api/ in front of the origin: strip says whether it removes the
		// prefix before forwarding, as the suite requires.
		startPrefixed := func(originAddr string, strip bool) string {
			rp := &httputil.ReverseProxy{ErrorLog: quietLog, Rewrite: func(pr *httputil.ProxyRequest) {
				pr.Out.URL.Scheme, pr.Out.URL.Host = "http", originAddr
				if strip {
					pr.Out.URL.Path = strings.TrimPrefix(pr.In.URL.Path, "/api")
					pr.Out.URL.RawPath = ""
				}
			}}
			return serveHTTP(rp)
		}

		It("sends the gateway's prefix in front of every token path", func() {
			originAddr := freeAddr()
			gw := startPrefixed(originAddr, true)
			out := GinkgoT().TempDir()
			code, stdout, stderr := runCLI("run", "--out", out, "--gateway", "http://"+gw+"/api/", "--origin", originAddr, "--focus", "origin/immediate-100$")
			Expect(code).To(Equal(0), stdout+stderr)
			f, err := results.Read(filepath.Join(out, "results.json"))
			Expect(err).NotTo(HaveOccurred())
			Expect(f.Results).To(HaveLen(1))
			Expect(f.Results[0].Verdict).To(Equal(results.Pass), f.Results[0].Reason)
			Expect(f.Results[0].Trace).To(ContainElement(And(HaveField("Dir", "send"), HaveField("Data", HavePrefix("POST /api/__expectspec/")))))
		})

		It("runs the intermediary cases behind the prefix too", func() {
			originAddr := freeAddr()
			gw := startPrefixed(originAddr, true)
			out := GinkgoT().TempDir()
			code, stdout, stderr := runCLI("run", "--out", out, "--gateway", "http://"+gw+"/api/", "--origin", originAddr, "--focus", "gateway/immediate-100-backend-continues$")
			Expect(code).To(Equal(0), stdout+stderr)
			f, err := results.Read(filepath.Join(out, "results.json"))
			Expect(err).NotTo(HaveOccurred())
			Expect(f.Results).To(HaveLen(1))
			Expect(f.Results[0].Verdict).To(BeElementOf(results.Pass, results.Info), f.Results[0].Reason)
			Expect(f.Results[0].Trace).To(ContainElement(And(HaveField("Dir", "send"), HaveField("Data", HavePrefix("POST /api/__expectspec/")))))
		})

		It("says in one line that a gateway which keeps its prefix must strip it", func() {
			originAddr := freeAddr()
			gw := startPrefixed(originAddr, false)
			code, _, stderr := runCLI("run", "--out", GinkgoT().TempDir(), "--gateway", "http://"+gw+"/api/", "--origin", originAddr)
			Expect(code).To(Equal(2))
			Expect(strings.TrimSpace(stderr)).To(ContainSubstring("strip its own prefix"))
			Expect(strings.Count(strings.TrimSpace(stderr), "\n")).To(BeZero(), stderr)
		})
	})

	It("tests a forward proxy named with --proxy, in front of an origin on a free port", func() {
		// A tiny forward proxy: net/http parses the absolute-form request-target into URL, and
		// ReverseProxy sends the request on to that URL's host.
		proxy := serveHTTP(&httputil.ReverseProxy{ErrorLog: quietLog, Rewrite: func(pr *httputil.ProxyRequest) {
			pr.Out.Host = pr.In.Host
		}})
		out := GinkgoT().TempDir()
		code, stdout, stderr := runCLI("run", "--out", out, "--proxy", "http://"+proxy)
		Expect(stdout).To(ContainSubstring("the suite's origin listens on 127.0.0.1:"))
		Expect(stdout).To(ContainSubstring("(proxy) at " + proxy))
		f, err := results.Read(filepath.Join(out, "results.json"))
		Expect(err).NotTo(HaveOccurred(), stdout+stderr)
		Expect(f.Targets).To(ConsistOf(HaveField("Role", "proxy")))
		n := len(applicable(cases.All(), "proxy"))
		Expect(f.Results).To(HaveLen(n))
		if n == 0 {
			Expect(code).To(Equal(2), "nothing was judged")
		} else {
			Expect(code).To(BeNumerically("<=", 1), stdout+stderr)
		}
	})

	It("gives the reference forward proxy no fail, warn or error through --proxy", func() {
		// The streaming reference as a forward proxy, as in the default run's ref-proxy-streaming
		// row, but started apart and named on the command line like any proxy.
		proxy, stop, err := gateways.StartStreamingProxy("")
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(stop)
		out := GinkgoT().TempDir()
		code, stdout, stderr := runCLI("run", "--out", out, "--proxy", "http://"+proxy, "--name", "myproxy")
		Expect(code).To(Equal(0), stdout+stderr)
		f, err := results.Read(filepath.Join(out, "results.json"))
		Expect(err).NotTo(HaveOccurred())
		Expect(f.Results).To(HaveLen(len(applicable(cases.All(), "proxy"))))
		for _, r := range f.Results {
			Expect(r.Verdict).To(BeElementOf(results.Pass, results.Info, results.NA), "%s: %s", r.Case, r.Reason)
		}
	})

	DescribeTable("rejects bad intermediary input with a one-line error and status 2",
		func(want string, args func() []string) {
			code, _, stderr := runCLI(args()...)
			Expect(code).To(Equal(2))
			Expect(strings.TrimSpace(stderr)).To(ContainSubstring(want))
			Expect(strings.Count(strings.TrimSpace(stderr), "\n")).To(BeZero(), stderr)
		},
		Entry("a gateway without --origin", "--gateway needs --origin", func() []string {
			return []string{"run", "--gateway", "http://127.0.0.1:1/"}
		}),
		Entry("a gateway URL that is not a URL", "is not a URL", func() []string {
			return []string{"run", "--gateway", "::nope", "--origin", "127.0.0.1:0"}
		}),
		Entry("an https proxy", "a forward proxy is tested over cleartext HTTP/1.1", func() []string {
			return []string{"run", "--proxy", "https://127.0.0.1:3128"}
		}),
		Entry("a proxy URL with a path", "scheme, host and port only", func() []string {
			return []string{"run", "--proxy", "http://127.0.0.1:3128/x"}
		}),
		Entry("an origin address that is not host:port", "is not a host:port", func() []string {
			return []string{"run", "--proxy", "http://127.0.0.1:3128", "--origin", "nope"}
		}),
		Entry("an origin address already in use", "cannot listen there", func() []string {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			Expect(err).NotTo(HaveOccurred())
			DeferCleanup(ln.Close)
			return []string{"run", "--out", GinkgoT().TempDir(), "--proxy", "http://127.0.0.1:3128", "--origin", ln.Addr().String()}
		}),
		Entry("an unreachable proxy", "forward proxy 127.0.0.1:", func() []string {
			return []string{"run", "--out", GinkgoT().TempDir(), "--proxy", "http://" + freeAddr()}
		}),
		Entry("an unreachable gateway", "unreachable", func() []string {
			return []string{"run", "--out", GinkgoT().TempDir(), "--gateway", "http://" + freeAddr() + "/", "--origin", freeAddr()}
		}),
		Entry("a gateway that does not forward to the origin", "never reached the suite's origin", func() []string {
			answers := serveHTTP(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
			return []string{"run", "--out", GinkgoT().TempDir(), "--gateway", "http://" + answers + "/", "--origin", freeAddr()}
		}),
		Entry("--origin with an origin target only", "needs none", func() []string {
			return []string{"run", "--target", "http://127.0.0.1:1/", "--origin", "127.0.0.1:0"}
		}),
	)
})

// quietLog keeps the test proxies' complaints (the suite closes connections mid-request on
// purpose) out of the test output.
var quietLog = log.New(io.Discard, "", 0)

// freeAddr returns a loopback address nothing listens on (it did a moment ago).
func freeAddr() string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	Expect(err).NotTo(HaveOccurred())
	addr := ln.Addr().String()
	Expect(ln.Close()).To(Succeed())
	return addr
}

// serveHTTP serves h on a loopback port until the spec ends and returns its address.
func serveHTTP(h http.Handler) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	Expect(err).NotTo(HaveOccurred())
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second, ErrorLog: quietLog}
	go func() { _ = srv.Serve(ln) }()
	DeferCleanup(srv.Close)
	return ln.Addr().String()
}
