package suite

import (
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gexec"

	"github.com/expectspec/expectspec/cases"
	"github.com/expectspec/expectspec/harness/reference"
	"github.com/expectspec/expectspec/harness/target"
	"github.com/expectspec/expectspec/results"
)

// Results on every exit: `expectspec run` against a hostile server that fails one of the checks
// before the cases (prepare.go) still writes results.json and junit.xml, every case error with a
// reason that names the check and what the server did, exits 2 within the check's deadline, and
// stays small. The servers are those of hostile_servers_test.go, plus one that answers the probe
// and the contract check and then nothing (the capacity measurement fails).

// checkRun is one run of the built CLI against one hostile server.
type checkRun struct {
	code   int
	wall   time.Duration
	maxRSS int64 // KiB, from the child's rusage
	stdout string
	stderr string
	out    string // the --out directory
}

// hostileCheck is a hostile server, the check it must fail, what the reason must say it did,
// and how long the run may take: the check's own deadline plus a margin for starting the
// process on a loaded machine.
type hostileCheck struct {
	server string
	check  string
	did    string
	within time.Duration
	args   []string
}

const cliCheckMargin = 4 * time.Second

var hostileChecksTable = []hostileCheck{
	{server: "silent", check: "the baseline probe", did: "did not answer a plain GET within 5 s", within: 5 * time.Second},
	{server: "garbage", check: "the baseline probe", did: "does not speak HTTP/1.x", within: 0},
	{server: "interim-forever", check: "the target-contract check", did: "interim (1xx) responses in 64 KiB and no final response", within: 0},
	// how many octets came by the probe's 5 s deadline, one a second from the first, depends on
	// when the first left: "HTTP/" or "HTTP/1" (seen under load)
	{server: "trickle", check: "the baseline probe", did: "octets of a status line (\"HTTP", within: 5 * time.Second},
	{server: "close-at-once", check: "the baseline probe", did: "closed it without answering a plain GET", within: 0},
	{server: "reset-mid-response", check: "the baseline probe", did: "octets of a status line", within: 0},
	// one round of 2 held connections (Immediate: 1 s at loopback), then the GET alone (5 s)
	{server: "answers-then-silent", check: "the capacity measurement", did: "did not answer a plain GET within 5s", within: 10 * time.Second,
		args: []string{"--concurrency", "2"}},
}

// answersThenSilent answers its first four connections (the probe's three GETs and the contract
// POST) with 200 and then holds every connection open without a word.
func answersThenSilent() hostileSpec {
	var n atomic.Int64
	return hostileSpec{Name: "answers-then-silent", What: "answers the probe and the contract check, then nothing",
		Serve: func(h *hostileServer, c *net.TCPConn) {
			if n.Add(1) > 4 {
				<-h.done
				return
			}
			if !readHead(c) {
				return
			}
			drain(h, c)
			if h.write(c, []byte("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")) == nil {
				closeGently(c)
			}
		}}
}

var _ = Describe("the expectspec command against a target that fails a check before the cases", Label("hostile", "cli"), Ordered, func() {
	runs := map[string]checkRun{}

	BeforeAll(func(ctx SpecContext) {
		specs := map[string]hostileSpec{"answers-then-silent": answersThenSilent()}
		for _, s := range hostileSpecs {
			specs[s.Name] = s
		}
		var servers []hostileSpec
		args := map[string][]string{}
		for _, hc := range hostileChecksTable {
			servers = append(servers, specs[hc.server])
			args[hc.server] = hc.args
		}
		runs = runHostile(ctx, servers, func(name string) []string { return args[name] })
	}, NodeTimeout(2*time.Minute))

	var rows []TableEntry
	for _, hc := range hostileChecksTable {
		rows = append(rows, Entry(hc.server+" fails "+hc.check, hc))
	}
	DescribeTable("writes both files, every case error naming the check, exit 2, in time and small", func(hc hostileCheck) {
		r, ok := runs[hc.server]
		Expect(ok).To(BeTrue())
		what := "stdout:\n" + r.stdout + "\nstderr:\n" + r.stderr
		Expect(r.code).To(Equal(2), what)
		Expect(r.wall).To(BeNumerically("<=", hc.within+cliCheckMargin), what)
		Expect(r.maxRSS).To(BeNumerically("<", 200<<10), "max RSS in KiB")

		f, err := results.Read(filepath.Join(r.out, "results.json"))
		Expect(err).NotTo(HaveOccurred(), what)
		Expect(f.Targets).To(ConsistOf(HaveField("Name", hc.server)))
		Expect(f.Results).To(HaveLen(len(applicable(cases.All(), "origin"))))
		for _, res := range f.Results {
			Expect(res.Verdict).To(Equal(results.Error), res.Case)
			Expect(res.NotRun).To(BeFalse(), "not_run is for interrupted runs")
			Expect(res.Reason).To(HavePrefix("not run: "+hc.check+" failed, so no case was sent: target "+hc.server+" "), res.Case)
			Expect(res.Reason).To(ContainSubstring(hc.did), res.Case)
		}

		junit, err := os.ReadFile(filepath.Join(r.out, "junit.xml"))
		Expect(err).NotTo(HaveOccurred())
		Expect(string(junit)).To(ContainSubstring(`<error message="not run: ` + hc.check + ` failed`))

		Expect(r.stderr).To(ContainSubstring(hc.did))
		Expect(strings.Count(strings.TrimSpace(r.stderr), "\n")).To(BeZero(), "one line on stderr")
		last := lastLine(r.stdout)
		Expect(last).To(HavePrefix("expectspec: " + hc.server + ": nothing was judged"))
		Expect(last).To(ContainSubstring(hc.check))
		Expect(last).To(ContainSubstring("results in " + r.out + " (results.json, junit.xml)"))
		Expect(r.stdout).To(ContainSubstring("ERROR  %d case(s): not run: %s failed", len(f.Results), hc.check))
		Expect(r.stdout).NotTo(ContainSubstring("SUCCESS!"))
	}, rows)
})

var _ = Describe("the expectspec command with one target that fails a check among others", Label("hostile", "cli"), func() {
	It("tests the others as usual, writes the failed one's cases as error, and exits 2", func(ctx SpecContext) {
		ref, err := target.StartReference(reference.Behaviour{Name: "ref-continue"})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(ref.Stop)
		var garbage hostileSpec
		for _, h := range hostileSpecs {
			if h.Name == "garbage" {
				garbage = h
			}
		}
		srv, err := startHostile(garbage)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(srv.stop)
		out := filepath.Join(GinkgoT().TempDir(), "out")
		cmd := exec.CommandContext(ctx, cliBinary(), "run", "--target", "http://"+ref.Address+ref.Path, "--target", "http://"+srv.addr+"/upload",
			"--focus", "origin/immediate-100$", "--out", out)
		s, err := gexec.Start(cmd, GinkgoWriter, GinkgoWriter)
		Expect(err).NotTo(HaveOccurred())
		Eventually(s).WithTimeout(time.Minute).Should(gexec.Exit(2))
		stdout := string(s.Out.Contents())

		f, err := results.Read(filepath.Join(out, "results.json"))
		Expect(err).NotTo(HaveOccurred())
		Expect(f.Results).To(HaveLen(2))
		Expect(f.Results[0].Target).To(Equal(ref.Address))
		Expect(f.Results[0].Verdict).To(Equal(results.Pass), f.Results[0].Reason)
		Expect(f.Results[1].Target).To(Equal(srv.addr))
		Expect(f.Results[1].Verdict).To(Equal(results.Error))
		Expect(f.Results[1].Reason).To(HavePrefix("not run: the baseline probe failed, so no case was sent: target " + srv.addr + " does not speak HTTP/1.x"))
		Expect(filepath.Join(out, "junit.xml")).To(BeAnExistingFile())
		Expect(lastLine(stdout)).To(ContainSubstring("not tested, having failed a check before its cases: " + srv.addr + " (the baseline probe)"))
		Expect(string(s.Err.Contents())).To(ContainSubstring("does not speak HTTP/1.x"))
	}, SpecTimeout(time.Minute))
})

// runHostile starts each hostile server and runs the CLI against it as a target named after it,
// with the server's extra arguments, all at once; it prints what it measured.
func runHostile(ctx context.Context, servers []hostileSpec, extra func(name string) []string) map[string]checkRun {
	bin := cliBinary()
	runs := map[string]checkRun{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, spec := range servers {
		srv, err := startHostile(spec)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(srv.stop)
		wg.Add(1)
		go func() {
			defer GinkgoRecover()
			defer wg.Done()
			r := runMeasured(ctx, bin, append([]string{"run", "--target", "http://" + srv.addr + "/upload", "--name", spec.Name}, extra(spec.Name)...))
			mu.Lock()
			runs[spec.Name] = r
			mu.Unlock()
		}()
	}
	wg.Wait()
	for _, spec := range servers {
		r := runs[spec.Name]
		GinkgoWriter.Printf("%-36s exit %d in %s, max RSS %.1f MiB; last line: %s\n", spec.Name, r.code, r.wall.Round(time.Millisecond),
			float64(r.maxRSS)/1024, lastLine(r.stdout))
	}
	return runs
}

// runMeasured runs the CLI with args and --out in a new directory, and measures its wall time
// and its peak resident memory (the child's rusage).
func runMeasured(ctx context.Context, bin string, args []string) checkRun {
	out := filepath.Join(GinkgoT().TempDir(), "out")
	cmd := exec.CommandContext(ctx, bin, append(args, "--out", out)...)
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.WaitDelay = time.Second
	start := time.Now()
	Expect(cmd.Start()).To(Succeed())
	_ = cmd.Wait() // the exit status is the caller's to check
	r := checkRun{wall: time.Since(start), stdout: stdout.String(), stderr: stderr.String(), out: out, code: cmd.ProcessState.ExitCode()}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.maxRSS = ru.Maxrss
	}
	return r
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return lines[len(lines)-1]
}
