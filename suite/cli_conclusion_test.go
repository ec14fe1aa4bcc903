package suite

import (
	"bufio"
	"io"
	"net"
	"os/exec"
	"path/filepath"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gexec"

	"github.com/expectspec/expectspec/results"
)

// The last line of a run is its conclusion (conclusion.go), never Ginkgo's "SUCCESS!".
var _ = Describe("the conclusion of a run", func() {
	file := func(rs ...results.Result) *results.File {
		return &results.File{Targets: []results.Target{{Name: "srv", Role: "origin"}}, Results: rs}
	}
	cell := func(v results.Verdict, reason string, reqs ...string) results.Result {
		return results.Result{Target: "srv", Verdict: v, Reason: reason, Requirements: reqs}
	}
	files := []string{"results.json", "junit.xml"}

	It("names the targets where uploads with Expect get 417, whatever the verdicts", func() {
		refused := cell(results.Warn, "417", "EXP-NO-417-FOR-100-CONTINUE")
		refused.BreaksUploads = "answers 417 (Expectation Failed) to Expect: 100-continue"
		f := file(refused, refused, cell(results.Pass, "ok"))
		Expect(conclusion(f, nil, "out", files)).To(Equal("expectspec: srv: 2 warn and no fail (1 pass, 2 warn) — 2 of them rest on EXP-NO-417-FOR-100-CONTINUE: " +
			"a request with Expect: 100-continue gets 417 (Expectation Failed), so uploads with Expect fail here unless the client repeats them without it (only curl does)" +
			"; uploads with Expect: 100-continue get 417 and fail at srv; results in out (results.json, junit.xml)"))
	})

	It("says what stalled uploads mean when every upload warns", func() {
		f := file(cell(results.Warn, "late", "EXP-ORIGIN-IMMEDIATE"), cell(results.Warn, "closed", "EXP-ORIGIN-IMMEDIATE", "H1-OBS-FOLD"),
			cell(results.Pass, "ok"), cell(results.Info, "choice"))
		Expect(conclusion(f, nil, "out", files)).To(Equal("expectspec: srv: 2 warn and no fail (1 pass, 2 warn, 1 info) — 2 of them rest on EXP-ORIGIN-IMMEDIATE: " +
			consequence["EXP-ORIGIN-IMMEDIATE"] + "; results in out (results.json, junit.xml)"))
		Expect(consequence["EXP-ORIGIN-IMMEDIATE"]).To(ContainSubstring("uploads with Expect stall here"))
	})

	It("counts the fails and names the requirement most of them rest on", func() {
		f := file(cell(results.Fail, "a", "H1-X"), cell(results.Fail, "b", "H1-X", "H1-Y"), cell(results.Fail, "c", "H1-Z"), cell(results.Warn, "d", "W"))
		Expect(conclusion(f, nil, "out", files)).To(HavePrefix("expectspec: srv: 3 fail (3 fail, 1 warn) — 2 of them rest on H1-X; results in out"))
	})

	It("names no requirement when none is shared by several results", func() {
		f := file(cell(results.Fail, "a", "H1-X"), cell(results.Fail, "b", "H1-Y"))
		Expect(conclusion(f, nil, "out", files)).To(Equal("expectspec: srv: 2 fail (2 fail); results in out (results.json, junit.xml)"))
	})

	It("says nothing was judged, and why, when every case is error", func() {
		f := file(cell(results.Error, "not run: the baseline probe failed, so no case was sent: target srv is unreachable"),
			cell(results.Error, "not run: the baseline probe failed, so no case was sent: target srv is unreachable"))
		Expect(conclusion(f, nil, "o", files)).To(Equal("expectspec: srv: nothing was judged: all 2 case(s) are error " +
			"(not run: the baseline probe failed, so no case was sent: target srv is unreachable); results in o (results.json, junit.xml)"))
	})

	It("says a run was interrupted, and that nothing was selected", func() {
		f := file(cell(results.Pass, "ok"))
		f.Suite.Interrupted = true
		Expect(conclusion(f, nil, "o", files)).To(HavePrefix("expectspec: srv: interrupted, 1 pass of what finished;"))
		Expect(conclusion(file(), nil, "o", files)).To(HavePrefix("expectspec: srv: no case was selected, nothing was judged;"))
	})

	It("ends a run whose every case warns with the conclusion, not Ginkgo's SUCCESS!", Label("cli"), func(ctx SpecContext) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(ln.Close)
		go func() {
			for {
				c, err := ln.Accept()
				if err != nil {
					return
				}
				go serveLateContinue(c, 2*time.Second)
			}
		}()
		out := filepath.Join(GinkgoT().TempDir(), "out")
		cmd := exec.CommandContext(ctx, cliBinary(), "run", "--target", "http://"+ln.Addr().String()+"/upload", "--name", "late",
			"--focus", "origin/immediate-100$", "--out", out)
		s, err := gexec.Start(cmd, GinkgoWriter, GinkgoWriter)
		Expect(err).NotTo(HaveOccurred())
		Eventually(s).WithTimeout(time.Minute).Should(gexec.Exit(0))
		stdout := string(s.Out.Contents())
		f, err := results.Read(filepath.Join(out, "results.json"))
		Expect(err).NotTo(HaveOccurred())
		Expect(f.Results).To(ConsistOf(HaveField("Verdict", results.Warn)), stdout)
		Expect(lastLine(stdout)).To(Equal("expectspec: late: 1 warn and no fail (1 warn) — it rests on EXP-ORIGIN-IMMEDIATE: " +
			consequence["EXP-ORIGIN-IMMEDIATE"] + "; results in " + out + " (results.json, junit.xml)"))
	}, SpecTimeout(time.Minute))
})

// serveLateContinue answers one request per connection: with Expect, a 100 only after late,
// then a 200 once the content is read; without, a 200 once the content is read.
func serveLateContinue(c net.Conn, late time.Duration) {
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(30 * time.Second))
	r := bufio.NewReader(c)
	length, expect, ok := readRequestHead(r)
	if !ok {
		return
	}
	if expect {
		time.Sleep(late)
		if _, err := c.Write([]byte("HTTP/1.1 100 Continue\r\n\r\n")); err != nil {
			return
		}
	}
	if _, err := io.CopyN(io.Discard, r, int64(min(length, 1<<20))); err != nil {
		return
	}
	_, _ = c.Write([]byte("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"))
}
