package suite

import (
	"bufio"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gexec"

	"github.com/expectspec/expectspec/results"
)

// A flaky cell through the CLI: a server that answers its first request with Expect: 100-continue
// with a 100 and a 200 after the content, and closes the second at once, flips
// origin/immediate-100 between its two runs (--repeat 2); the results file, JUnit and the
// console keep what each run saw.
var _ = Describe("the expectspec command on a case that flips between runs", Label("cli"), func() {
	It("keeps every distinct reason of the flaky cell's runs", func(ctx SpecContext) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(ln.Close)
		var expects atomic.Int64
		go func() {
			for {
				c, err := ln.Accept()
				if err != nil {
					return
				}
				go serveFlipping(c, &expects)
			}
		}()

		out := filepath.Join(GinkgoT().TempDir(), "out")
		cmd := exec.CommandContext(ctx, cliBinary(), "run", "--target", "http://"+ln.Addr().String()+"/upload", "--name", "flipper",
			"--focus", "origin/immediate-100$", "--repeat", "2", "--concurrency", "1", "--out", out)
		s, err := gexec.Start(cmd, GinkgoWriter, GinkgoWriter)
		Expect(err).NotTo(HaveOccurred())
		Eventually(s).WithTimeout(time.Minute).Should(gexec.Exit())
		stdout := string(s.Out.Contents())

		f, err := results.Read(filepath.Join(out, "results.json"))
		Expect(err).NotTo(HaveOccurred(), stdout)
		Expect(f.Results).To(HaveLen(1))
		r := f.Results[0]
		Expect(r.Flaky).To(BeTrue(), stdout)
		Expect(r.Runs).To(HaveLen(2))
		Expect(r.Runs[0]).To(Equal(results.Pass))
		Expect(r.RunReasons).To(HaveLen(2))
		Expect(r.RunReasons[1].Verdict).To(Equal(results.Pass), "worst first: the pass comes last")
		Expect(r.RunReasons[1].Runs).To(Equal(1))
		Expect(r.RunReasons[1].Reason).To(ContainSubstring("100"))
		Expect(r.RunReasons[0].Verdict).To(Equal(r.Verdict))
		Expect(r.Reason).To(HaveSuffix(r.RunReasons[0].Reason))

		junit, err := os.ReadFile(filepath.Join(out, "junit.xml"))
		Expect(err).NotTo(HaveOccurred())
		Expect(string(junit)).To(ContainSubstring("the runs gave:"))
		Expect(string(junit)).To(ContainSubstring("  pass×1: "))
		Expect(stdout).To(ContainSubstring("FLAKY  origin/immediate-100"))
		Expect(stdout).To(ContainSubstring("\n         pass×1: "))
		Expect(stdout).To(ContainSubstring("\n         " + string(r.Verdict) + "×1: "))
	}, SpecTimeout(2*time.Minute))
})

// serveFlipping answers requests one per connection: one with Expect gets, on odd counts, a 100,
// then a 200 once its content is read; on even counts, a close at once. Any other gets a 200
// once its content is read.
func serveFlipping(c net.Conn, expects *atomic.Int64) {
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(30 * time.Second))
	r := bufio.NewReader(c)
	length, expect, ok := readRequestHead(r)
	if !ok {
		return
	}
	if expect {
		if expects.Add(1)%2 == 0 {
			return
		}
		if _, err := c.Write([]byte("HTTP/1.1 100 Continue\r\n\r\n")); err != nil {
			return
		}
	}
	if _, err := io.CopyN(io.Discard, r, int64(min(length, 1<<20))); err != nil {
		return
	}
	_, _ = c.Write([]byte("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"))
}

// readRequestHead reads a request's header section and returns its Content-Length and whether
// it carries Expect; ok is false when the connection ended first.
func readRequestHead(r *bufio.Reader) (length int, expect, ok bool) {
	for {
		l, err := r.ReadString('\n')
		if err != nil {
			return 0, false, false
		}
		if strings.TrimSpace(l) == "" {
			return length, expect, true
		}
		name, value, _ := strings.Cut(strings.TrimSpace(l), ":")
		switch strings.ToLower(strings.TrimSpace(name)) {
		case "content-length":
			length, _ = strconv.Atoi(strings.TrimSpace(value))
		case "expect":
			expect = true
		}
	}
}
