package suite

import (
	"bytes"
	"fmt"
	"net/http"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gbytes"
	"github.com/onsi/gomega/gexec"
)

// What a new user meets first: the command list, serve's own usage, and serve go-net-http as a
// plain upload origin with a content limit of the user's choosing.
var _ = Describe("the expectspec command's help and serve", Label("cli"), func() {
	every := []string{"run", "cases", "report", "diff", "matrix", "serve", "diagnose", "version"}

	start := func(args ...string) *gexec.Session {
		s, err := gexec.Start(exec.Command(cliBinary(), args...), GinkgoWriter, GinkgoWriter)
		Expect(err).NotTo(HaveOccurred())
		return s
	}
	finish := func(args ...string) (int, string, string) {
		s := start(args...)
		Eventually(s).WithTimeout(30 * time.Second).Should(gexec.Exit())
		return s.ExitCode(), string(s.Out.Contents()), strings.TrimSpace(string(s.Err.Contents()))
	}

	It("lists every command in --help", func() {
		code, stdout, _ := finish("--help")
		Expect(code).To(Equal(0))
		for _, c := range every {
			Expect(stdout).To(MatchRegexp(`(?m)^  expectspec %s\b`, c), "--help lists %s", c)
		}
	})

	It("lists every command when the command is unknown, in one line", func() {
		code, _, stderr := finish("frobnicate")
		Expect(code).To(Equal(2))
		Expect(strings.Count(stderr, "\n")).To(BeZero(), stderr)
		for _, c := range every {
			Expect(stderr).To(MatchRegexp(`\b%s\b`, c))
		}
	})

	DescribeTable("prints serve's usage", func(args ...string) {
		code, stdout, stderr := finish(args...)
		Expect(code).To(Equal(0), stderr)
		Expect(stdout).To(HavePrefix("Usage: expectspec serve SERVER"))
		Expect(stdout).To(ContainSubstring("--max-content"))
		Expect(stderr).NotTo(ContainSubstring("unknown server"))
	},
		Entry("serve --help", "serve", "--help"),
		Entry("serve -h", "serve", "-h"),
		Entry("serve go-net-http --help", "serve", "go-net-http", "--help"),
	)

	DescribeTable("refuses bad serve input in one line, status 2", func(want string, args ...string) {
		code, _, stderr := finish(args...)
		Expect(code).To(Equal(2))
		Expect(stderr).To(ContainSubstring(want))
		Expect(strings.Count(stderr, "\n")).To(BeZero(), stderr)
	},
		Entry("no server", "serve needs a server", "serve"),
		Entry("an unknown server", `unknown server "nginx"`, "serve", "nginx"),
		Entry("a size that is not one", `--max-content "10x": expected a size`, "serve", "go-net-http", "--max-content", "10x"),
		Entry("a size of 0", "expected a size from 1 octet", "serve", "go-net-http", "--max-content", "0"),
		Entry("--max-content for the proxy", "--max-content is for go-net-http", "serve", "go-reverseproxy", "--origin", "127.0.0.1:1", "--max-content", "1KiB"),
		Entry("--origin for the origin", "--origin is for go-reverseproxy", "serve", "go-net-http", "--origin", "127.0.0.1:1"),
	)

	// upload POSTs n octets to the server's /upload and returns the status.
	upload := func(addr string, n int) int {
		resp, err := http.Post("http://"+addr+"/upload", "application/octet-stream", bytes.NewReader(make([]byte, n)))
		Expect(err).NotTo(HaveOccurred())
		defer resp.Body.Close()
		return resp.StatusCode
	}
	serveNetHTTP := func(args ...string) (*gexec.Session, string) {
		s := start(append([]string{"serve", "go-net-http"}, args...)...)
		DeferCleanup(func() {
			s.Signal(syscall.SIGINT)
			Eventually(s).WithTimeout(10 * time.Second).Should(gexec.Exit(0))
		})
		Eventually(s.Out).WithTimeout(10 * time.Second).Should(gbytes.Say(`listening on (127\.0\.0\.1:\d+)`))
		m := regexp.MustCompile(`listening on (127\.0\.0\.1:\d+)`).FindStringSubmatch(string(s.Out.Contents()))
		Expect(m).To(HaveLen(2))
		return s, m[1]
	}

	It("serves go-net-http with the contract's 1 KiB by default", func() {
		_, addr := serveNetHTTP()
		Expect(upload(addr, 1024)).To(Equal(http.StatusOK))
		Expect(upload(addr, 1025)).To(Equal(http.StatusRequestEntityTooLarge))
	})

	It("serves go-net-http as an upload origin for larger content with --max-content", func() {
		_, addr := serveNetHTTP("--max-content", "64KiB")
		Expect(upload(addr, 64<<10)).To(Equal(http.StatusOK), fmt.Sprintf("64 KiB to %s", addr))
		Expect(upload(addr, 64<<10+1)).To(Equal(http.StatusRequestEntityTooLarge))
	})
})
