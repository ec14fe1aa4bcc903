package suite

import (
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gexec"

	"github.com/expectspec/expectspec/harness/target"
	"github.com/expectspec/expectspec/results"
)

// --protocol against Go's net/http server: auto gives an https target that selects h2 by ALPN a
// second row, NAME [h2], spoken to in h2; h2c names a cleartext target's protocol; each row
// runs the cases of its protocol and the results file records it.
var _ = Describe("the expectspec command in HTTP/2", Ordered, func() {
	run := func(args ...string) (*results.File, string) {
		out := GinkgoT().TempDir()
		s, err := gexec.Start(exec.Command(cliBinary(), append([]string{"run", "--out", out}, args...)...), GinkgoWriter, GinkgoWriter)
		Expect(err).NotTo(HaveOccurred())
		Eventually(s).WithTimeout(2 * time.Minute).Should(gexec.Exit())
		Expect(s.ExitCode()).To(BeNumerically("<=", 1), string(s.Out.Contents())+string(s.Err.Contents()))
		f, err := results.Read(filepath.Join(out, "results.json"))
		Expect(err).NotTo(HaveOccurred())
		return f, string(s.Out.Contents())
	}
	rows := func(f *results.File) map[string]string {
		out := map[string]string{}
		for _, t := range f.Targets {
			out[t.Name] = t.HTTPProtocol()
		}
		return out
	}
	casesOf := func(f *results.File, name string) []string {
		var ids []string
		for _, r := range f.Results {
			if r.Target == name {
				ids = append(ids, r.Case)
			}
		}
		return ids
	}

	It("runs an https target that offers h2 in HTTP/1.1 and in h2 (auto)", func() {
		tg, err := target.StartNetHTTPH2(true)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(tg.Stop)
		f, stdout := run("--target", "https://"+tg.Address+"/upload", "--insecure", "--name", "go", "--focus", "immediate-100|h2-")
		Expect(rows(f)).To(Equal(map[string]string{"go": "http/1.1", "go [h2]": "h2"}))
		Expect(stdout).To(ContainSubstring("target go selects h2 by ALPN: its HTTP/2 cases run as the row go [h2]"))
		Expect(casesOf(f, "go [h2]")).To(ContainElements("origin/immediate-100", "origin/h2-continue-as-headers", "origin/h2-early-final-stream-end"))
		for _, id := range casesOf(f, "go") {
			Expect(strings.HasPrefix(id, "origin/h2-")).To(BeFalse(), id)
		}
	})

	It("runs a cleartext target in h2c with --protocol h2c", func() {
		tg, err := target.StartNetHTTPH2(false)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(tg.Stop)
		f, _ := run("--target", "http://"+tg.Address+"/upload", "--protocol", "h2c", "--name", "go", "--focus", "h2-")
		Expect(rows(f)).To(Equal(map[string]string{"go": "h2c"}))
		// Go's server resets an uppercase name and a connection-specific field with
		// PROTOCOL_ERROR, but takes an expect value with a leading space for 100-continue and
		// sends a 100, where RFC 9113 §8.2.1 has the request malformed.
		for _, r := range f.Results {
			want := results.Verdict("pass")
			if r.Case == "origin/h2-expect-leading-space" {
				want = results.Verdict("fail")
				Expect(r.Requirements).To(ContainElement("H2-FIELD-VALIDITY"))
			}
			if r.Case == "origin/h2-over-limit-length" {
				want = results.Verdict("info") // Go invites the declared 1 TiB with a 100 (SRV-413, a MAY)
			}
			Expect(r.Verdict).To(Equal(want), "%s: %s", r.Case, r.Reason)
		}
		Expect(f.Results).To(HaveLen(9)) // T40–T43, T41's in-flight DATA and over-limit cases, and T43e (te: trailers)
		// the trace shows the frames, with their streams, flags and decoded fields
		var trace []string
		for _, r := range f.Results {
			if r.Case == "origin/h2-continue-as-headers" {
				for _, e := range r.Trace {
					trace = append(trace, e.Dir+" "+e.Data)
				}
			}
		}
		Expect(trace).To(ContainElement(HavePrefix("send HEADERS stream=1 flags=END_HEADERS")))
		Expect(trace).To(ContainElement(ContainSubstring("expect: 100-continue")))
		Expect(trace).To(ContainElement("recv HEADERS stream=1 flags=END_HEADERS len=4 {:status: 100}"))
		Expect(trace).To(ContainElement(HavePrefix("send DATA stream=1 flags=END_STREAM")))
	})
})
