package suite

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gexec"

	"github.com/expectspec/expectspec/harness/reference"
)

// expectspec diagnose as a user runs it: the verdict on the first line, the exit status, the
// JSON trace, and bad input refused in one line.
var _ = Describe("expectspec diagnose", Label("cli"), func() {
	finish := func(args ...string) (int, string, string) {
		s, err := gexec.Start(exec.Command(cliBinary(), args...), GinkgoWriter, GinkgoWriter)
		Expect(err).NotTo(HaveOccurred())
		Eventually(s).WithTimeout(60 * time.Second).Should(gexec.Exit())
		return s.ExitCode(), string(s.Out.Contents()), strings.TrimSpace(string(s.Err.Contents()))
	}
	serveRef := func(b reference.Behaviour) string {
		srv, err := reference.Start(b)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(srv.Close)
		return srv.URL()
	}

	It("says uploads work at a healthy origin, exit 0, and writes every probe with its trace", func() {
		out := filepath.Join(GinkgoT().TempDir(), "d.json")
		code, stdout, stderr := finish("diagnose", serveRef(reference.Behaviour{Name: "ref-continue"}), "--json", out, "--method", "PUT")
		Expect(code).To(Equal(0), stderr)
		Expect(stdout).To(HavePrefix("works: 100 Continue in"))
		raw, err := os.ReadFile(out)
		Expect(err).NotTo(HaveOccurred())
		var j struct {
			Exit      int
			Protocols []struct {
				Protocol string
				Probes   []struct {
					Name       string
					Transcript string
				}
			}
		}
		Expect(json.Unmarshal(raw, &j)).To(Succeed())
		Expect(j.Protocols).To(HaveLen(1))
		Expect(j.Protocols[0].Protocol).To(Equal("http/1.1"))
		Expect(j.Protocols[0].Probes).To(HaveLen(6))
		Expect(j.Protocols[0].Probes[1].Transcript).To(ContainSubstring("PUT /upload HTTP/1.1"))
	})

	It("says uploads fail with 417 at an origin that refuses 100-continue, exit 1", func() {
		code, stdout, _ := finish("diagnose", serveRef(reference.Behaviour{Name: "mut-417-continue", Reject417Continue: true}))
		Expect(code).To(Equal(1))
		first, _, _ := strings.Cut(stdout, "\n")
		Expect(first).To(ContainSubstring("fail here with 417"))
	})

	It("prints its usage with -h", func() {
		code, stdout, _ := finish("diagnose", "-h")
		Expect(code).To(Equal(0))
		Expect(stdout).To(HavePrefix("Usage: expectspec diagnose URL"))
	})

	DescribeTable("refuses what it cannot diagnose in one line, status 2", func(want string, args ...string) {
		code, stdout, stderr := finish(append([]string{"diagnose"}, args...)...)
		Expect(code).To(Equal(2))
		Expect(stderr + stdout).To(ContainSubstring(want))
		Expect(strings.Count(strings.TrimSpace(stderr+stdout), "\n")).To(BeZero(), stderr+stdout)
	},
		Entry("no URL", "diagnose needs the URL"),
		Entry("--insecure for an http URL", "--insecure applies to https:// URLs, and none was given", "http://127.0.0.1:1/upload", "--insecure"),
		Entry("a hop without a name", `--hop "http://127.0.0.1:1/" is not NAME=URL`, "--hop", "http://127.0.0.1:1/"),
		Entry("a method that uploads nothing", "--method must be POST or PUT", "http://127.0.0.1:1/upload", "--method", "GET"),
		Entry("a header it sets itself", "diagnose sets Expect itself", "http://127.0.0.1:1/upload", "--header", "Expect: 100-continue"),
		Entry("an unreachable URL", "cannot diagnose: connect to 127.0.0.1:1", "http://127.0.0.1:1/upload"),
		Entry("h2 for an http URL", "--protocol h2 is HTTP/2 over TLS and http://127.0.0.1:1/upload is cleartext", "http://127.0.0.1:1/upload", "--protocol", "h2"),
		Entry("h2c for a hop's https URL", "--hop lb: --protocol h2c is HTTP/2 in cleartext", "--hop", "lb=https://127.0.0.1:1/upload", "--protocol", "h2c", "--insecure"),
		Entry("a protocol it does not speak", `--protocol "h3" is not valid: expected h1, h2, h2c or auto`, "http://127.0.0.1:1/upload", "--protocol", "h3"),
	)
})
