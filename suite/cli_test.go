package suite

import (
	"net"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/expectspec/expectspec/harness/reference"
	"github.com/expectspec/expectspec/harness/target"
	"github.com/expectspec/expectspec/results"
)

// The CLI as a user runs it: a built binary, real sockets, files on disk.
var _ = Describe("the expectspec command", Ordered, func() {
	var refURL string

	BeforeAll(func() {
		ref, err := target.StartReference(reference.Behaviour{Name: "ref-continue"})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(ref.Stop)
		refURL = "http://" + ref.Address + ref.Path
	})

	It("runs the embedded defaults and writes results.json and junit.xml", func() {
		out := GinkgoT().TempDir()
		code, stdout, stderr := runCLI("run", "--out", out)
		Expect(code).To(BeNumerically("<=", 1), "stdout:\n%s\nstderr:\n%s", stdout, stderr)
		f, err := results.Read(filepath.Join(out, "results.json"))
		Expect(err).NotTo(HaveOccurred())
		Expect(f.Targets).To(ContainElement(HaveField("Name", "go-net-http")))
		Expect(f.Results).NotTo(BeEmpty())
		Expect(filepath.Join(out, "junit.xml")).To(BeAnExistingFile())
		for _, r := range f.Results {
			if strings.HasPrefix(r.Target, "ref-") {
				Expect(r.Verdict).To(BeElementOf(results.Pass, results.Info, results.NA), "%s on %s: %s", r.Case, r.Target, r.Reason)
			}
		}
	})

	It("tests a server named with --target", func() {
		out := GinkgoT().TempDir()
		code, stdout, stderr := runCLI("run", "--out", out, "--target", refURL, "--name", "myserver")
		Expect(code).To(Equal(0), stdout+stderr)
		f, err := results.Read(filepath.Join(out, "results.json"))
		Expect(err).NotTo(HaveOccurred())
		Expect(f.Targets).To(HaveLen(1))
		Expect(f.Targets[0].Name).To(Equal("myserver"))
		Expect(results.CountTarget(f, "myserver").Fail).To(BeZero())
	})

	It("selects cases with --label-filter", func() {
		out := GinkgoT().TempDir()
		code, stdout, stderr := runCLI("run", "--out", out, "--label-filter", "scenario:T01 && target:go-net-http")
		Expect(code).To(BeNumerically("<=", 1), stdout+stderr)
		f, err := results.Read(filepath.Join(out, "results.json"))
		Expect(err).NotTo(HaveOccurred())
		Expect(f.Results).To(HaveLen(1))
		Expect(f.Results[0].Case).To(Equal("origin/immediate-100"))
	})

	DescribeTable("rejects bad input with a one-line error and status 2",
		func(want string, args ...string) {
			code, _, stderr := runCLI(args...)
			Expect(code).To(Equal(2))
			Expect(strings.TrimSpace(stderr)).To(ContainSubstring(want))
			Expect(strings.Count(strings.TrimSpace(stderr), "\n")).To(BeZero(), stderr)
		},
		Entry("a target that is not a URL", "is not a URL", "run", "--target", "::nope"),
		Entry("an ftp target", "only http:// and https:// URLs", "run", "--target", "ftp://127.0.0.1/"),
		Entry("a bad timeout scale", "--timeout-scale", "run", "--timeout-scale", "0"),
		Entry("an unwritable --out", "not writable", "run", "--out", "/proc/expectspec"),
		Entry("an unknown command", "unknown command", "frobnicate"),
		Entry("a bad label filter", "--label-filter", "run", "--label-filter", "a &&", "--target", "http://127.0.0.1:1/"),
	)

	It("says so in one line when the target is unreachable", func() {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		Expect(err).NotTo(HaveOccurred())
		addr := ln.Addr().String()
		ln.Close() // nothing listens there now
		code, _, stderr := runCLI("run", "--out", GinkgoT().TempDir(), "--target", "http://"+addr+"/upload")
		Expect(code).To(Equal(2))
		Expect(stderr).To(ContainSubstring("unreachable"))
	})

	It("refuses a target that breaks the contract (a POST must get 2xx)", func() {
		code, _, stderr := runCLI("run", "--out", GinkgoT().TempDir(), "--target", refURL+"-does-not-exist")
		Expect(code).To(Equal(2))
		Expect(stderr).To(ContainSubstring("breaks the target contract"))
		Expect(stderr).To(ContainSubstring("404"))
	})

	It("lists the catalogue", func() {
		code, stdout, _ := runCLI("cases")
		Expect(code).To(Equal(0))
		Expect(stdout).To(ContainSubstring("origin/immediate-100"))
		Expect(stdout).To(ContainSubstring("EXP-ORIGIN-IMMEDIATE"))
	})
})
