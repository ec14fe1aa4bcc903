package suite

import (
	"bytes"
	"encoding/xml"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/reporters"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gbytes"
	"github.com/onsi/gomega/gexec"

	"github.com/expectspec/expectspec/results"
)

// Kill tests: the CLI as a user stops it, with SIGINT or SIGTERM at several points of a run
// (while it probes its targets, early, midway, near the end), and once with a second SIGINT.
// After each: the process is gone promptly (exitWithin) after the signal, with status 130 (SIGINT) or
// 143 (SIGTERM); results.json reads back and junit.xml is well-formed XML with a testcase per
// result; the cases that finished keep the verdicts an uninterrupted run gives them, every other
// selected case is not run; and nothing the run listened on still accepts connections.

// exitWithin is how long after the signal the process may take to be gone here. The promise is
// a second, and an idle machine keeps it with room (0.1-0.2 s); these specs run beside the other
// packages' tests on two busy cores, where an exit was once seen to take 1.4 s, so they allow
// more. A run that waited for its cases' deadlines instead would still take several seconds.
const exitWithin = 2500 * time.Millisecond

// started is what the run prints once its embedded servers listen.
const started = "no --target given"

// interruptFilter keeps the runs short: one conforming reference, whose verdicts do not change
// between runs, so a finished case's verdict can be compared with the uninterrupted run's.
const interruptFilter = "target:ref-continue"

var _ = Describe("interrupting expectspec run", Label("interrupt"), Ordered, func() {
	var (
		bin      string
		baseline map[string]results.Verdict // case → verdict of the uninterrupted run
		full     time.Duration              // how long the uninterrupted run took
	)

	BeforeAll(func() {
		bin = cliBinary()

		out := GinkgoT().TempDir()
		s, err := gexec.Start(exec.Command(bin, "run", "--out", out, "--label-filter", interruptFilter), GinkgoWriter, GinkgoWriter)
		Expect(err).NotTo(HaveOccurred())
		Eventually(s.Out).WithTimeout(30 * time.Second).Should(gbytes.Say(started))
		start := time.Now()
		Eventually(s).WithTimeout(time.Minute).Should(gexec.Exit(0))
		full = time.Since(start)
		f, err := results.Read(filepath.Join(out, "results.json"))
		Expect(err).NotTo(HaveOccurred())
		baseline = map[string]results.Verdict{}
		for _, r := range f.Results {
			baseline[r.Case] = r.Verdict
		}
		Expect(baseline).NotTo(BeEmpty())
		GinkgoWriter.Printf("uninterrupted run: %s, %d cases\n", full, len(baseline))
	})

	// interruptOnce runs the CLI with args, waits until ready returns (the run has started its
	// servers, or reached its probe), then for after, sends sig, and checks what every
	// interrupted run must leave. It returns the results file, or finished when the run had
	// ended on its own before the signal.
	interruptOnce := func(sig syscall.Signal, ready func(stdout *gbytes.Buffer), after time.Duration, args ...string) (*results.File, bool) {
		out := GinkgoT().TempDir()
		var stderr bytes.Buffer
		stdout := gbytes.NewBuffer()
		cmd := exec.Command(bin, append([]string{"run", "--out", out}, args...)...)
		cmd.Stdout, cmd.Stderr = stdout, &stderr
		Expect(cmd.Start()).To(Succeed())
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		ready(stdout)
		time.Sleep(after)
		signalled := time.Now()
		if err := cmd.Process.Signal(sig); errors.Is(err, os.ErrProcessDone) {
			<-exited
			finishedAlone(out, cmd)
			return nil, true // it had finished: no interrupt to check
		} else {
			Expect(err).NotTo(HaveOccurred())
		}
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
			Fail("the run did not exit within 10 s of " + sig.String())
		}
		took := time.Since(signalled)
		GinkgoWriter.Printf("%s after %s: exited %s later with %d\n", sig, after, took, cmd.ProcessState.ExitCode())
		if cmd.ProcessState.ExitCode() == 0 {
			finishedAlone(out, cmd)
			return nil, true // it had finished: no interrupt to check
		}
		Expect(took).To(BeNumerically("<", exitWithin), "stdout:\n%s\nstderr:\n%s", stdout.Contents(), stderr.String())
		Expect(cmd.ProcessState.ExitCode()).To(Equal(128+int(sig)), stderr.String())
		Expect(strings.TrimSpace(stderr.String())).NotTo(ContainSubstring("panic"))

		f, err := results.Read(filepath.Join(out, "results.json"))
		Expect(err).NotTo(HaveOccurred(), "stdout:\n%s\nstderr:\n%s", stdout.Contents(), stderr.String())
		Expect(f.Suite.Interrupted).To(BeTrue())
		checkJUnit(filepath.Join(out, "junit.xml"), f)
		name := map[syscall.Signal]string{syscall.SIGINT: "SIGINT", syscall.SIGTERM: "SIGTERM"}[sig]
		for _, r := range f.Results {
			if r.NotRun {
				Expect(r.Verdict).To(Equal(results.Error))
				Expect(r.Reason).To(Equal("not run: the run was interrupted by " + name))
			}
		}
		checkClosed(string(stdout.Contents()))
		checkNoProcess(bin)
		return f, false
	}
	// interrupted is interruptOnce until the signal lands.
	//
	// after is a fraction of the uninterrupted run's time, measured under whatever load the
	// machine had then; a run that meets less load can finish before the signal lands. That run
	// proves nothing about interrupts, so it is tried again with half the delay (up to 4 times)
	// rather than failed: the test's claim is about what an interrupt leaves, not about timing.
	interrupted := func(sig syscall.Signal, ready func(stdout *gbytes.Buffer), after time.Duration, args ...string) *results.File {
		for try := 1; ; try++ {
			f, finished := interruptOnce(sig, ready, after, args...)
			if !finished {
				return f
			}
			GinkgoWriter.Printf("the run finished before %s landed %s after it started; trying again with half the delay\n", sig, after)
			Expect(try).To(BeNumerically("<", 4), "the run kept finishing before the signal")
			after /= 2
		}
	}
	// serversStarted waits for the line the run prints once its servers listen (and its
	// signal handling is in place).
	serversStarted := func(stdout *gbytes.Buffer) {
		Eventually(stdout).WithTimeout(30 * time.Second).Should(gbytes.Say(started))
	}

	It("stops while it probes its targets: every selected case is not run", func() {
		silent, accepted := startSilent()
		defer silent.Close()
		probing := func(*gbytes.Buffer) { Eventually(accepted).WithTimeout(30 * time.Second).Should(Receive()) }
		f := interrupted(syscall.SIGINT, probing, 50*time.Millisecond,
			"--target", "http://"+silent.Addr().String()+"/upload", "--name", "silent", "--label-filter", "scenario:T01")
		Expect(f.Targets).To(HaveLen(1))
		Expect(f.Results).To(HaveLen(1))
		Expect(f.Results[0].NotRun).To(BeTrue())
	})

	for _, point := range []struct {
		name     string
		fraction float64
		sig      syscall.Signal
	}{
		{"early", 0.25, syscall.SIGINT},
		{"midway", 0.5, syscall.SIGINT},
		{"near the end", 0.85, syscall.SIGINT},
		{"midway, with SIGTERM", 0.5, syscall.SIGTERM},
	} {
		It("stops "+point.name+": finished cases keep their verdicts, the rest are not run", func() {
			f := interrupted(point.sig, serversStarted, time.Duration(point.fraction*float64(full)), "--label-filter", interruptFilter)
			Expect(f.Results).To(HaveLen(len(baseline)), "every selected case is in the file, run or not")
			notRun := 0
			for _, r := range f.Results {
				if r.NotRun {
					notRun++
					continue
				}
				Expect(r.Verdict).To(Equal(baseline[r.Case]), "%s: %s", r.Case, r.Reason)
			}
			GinkgoWriter.Printf("%d of %d cases not run\n", notRun, len(f.Results))
		})
	}

	It("exits at once on a second SIGINT, and any file it leaves is whole", func() {
		out := GinkgoT().TempDir()
		cmd := exec.Command(bin, "run", "--out", out, "--label-filter", interruptFilter)
		stdout := gbytes.NewBuffer()
		cmd.Stdout, cmd.Stderr = stdout, GinkgoWriter
		Expect(cmd.Start()).To(Succeed())
		serversStarted(stdout)
		time.Sleep(full / 4) // early enough that a run under less load than the timed one is still going
		Expect(cmd.Process.Signal(syscall.SIGINT)).To(Succeed())
		signalled := time.Now()
		time.Sleep(20 * time.Millisecond) // two signals sent together may arrive as one
		Expect(cmd.Process.Signal(syscall.SIGINT)).To(Succeed())
		err := cmd.Wait()
		Expect(time.Since(signalled)).To(BeNumerically("<", exitWithin))
		Expect(err).To(HaveOccurred())
		Expect(cmd.ProcessState.ExitCode()).To(Equal(130))
		if _, err := os.Stat(filepath.Join(out, "results.json")); err == nil {
			_, err := results.Read(filepath.Join(out, "results.json"))
			Expect(err).NotTo(HaveOccurred())
		}
		checkClosed(string(stdout.Contents()))
	})
})

// checkJUnit checks that path is well-formed JUnit XML with one testcase per result, and that
// every case not run is an error of type not_run.
func checkJUnit(path string, f *results.File) {
	GinkgoHelper()
	data, err := os.ReadFile(path)
	Expect(err).NotTo(HaveOccurred())
	dec := xml.NewDecoder(bytes.NewReader(data))
	for {
		_, err := dec.Token()
		if err != nil {
			Expect(err.Error()).To(Equal("EOF"), "junit.xml is not well-formed")
			break
		}
	}
	var suites reporters.JUnitTestSuites
	Expect(xml.Unmarshal(data, &suites)).To(Succeed())
	Expect(suites.Tests).To(Equal(len(f.Results)))
	notRun := 0
	for _, s := range suites.TestSuites {
		for _, tc := range s.TestCases {
			if tc.Error != nil && tc.Error.Type == "not_run" {
				notRun++
			}
		}
	}
	want := 0
	for _, r := range f.Results {
		if r.NotRun {
			want++
		}
	}
	Expect(notRun).To(Equal(want))
}

var listenedAt = regexp.MustCompile(`127\.0\.0\.1:\d+`)

// checkClosed dials every loopback address the run printed (its embedded targets and the
// suite's origin): none may still accept a connection.
func checkClosed(stdout string) {
	GinkgoHelper()
	for _, addr := range listenedAt.FindAllString(stdout, -1) {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			c.Close()
			Fail(addr + " still accepts connections after the run ended")
		}
	}
}

// checkNoProcess fails when a process of the binary is still running.
func checkNoProcess(bin string) {
	GinkgoHelper()
	procs, _ := filepath.Glob("/proc/[0-9]*/exe")
	for _, p := range procs {
		if exe, err := os.Readlink(p); err == nil && exe == bin {
			Fail("a process of " + bin + " is still running: " + p)
		}
	}
}

// startSilent listens on a loopback port, accepts connections and never answers, so a run
// against it stays in its probe until it is interrupted. accepted receives once per connection.
func startSilent() (net.Listener, chan struct{}) {
	GinkgoHelper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	Expect(err).NotTo(HaveOccurred())
	accepted := make(chan struct{}, 16)
	go func() {
		var held []net.Conn
		defer func() {
			for _, c := range held {
				c.Close()
			}
		}()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			held = append(held, c)
			select {
			case accepted <- struct{}{}:
			default:
			}
		}
	}()
	return ln, accepted
}

// finishedAlone checks that a run which exited before the signal reached it did finish on its
// own, every case run and the run not marked interrupted, so that a CLI that ignores the signal
// and exits 0 is not taken for one that was merely fast.
func finishedAlone(out string, cmd *exec.Cmd) {
	GinkgoHelper()
	Expect(cmd.ProcessState.ExitCode()).To(Equal(0))
	f, err := results.Read(filepath.Join(out, "results.json"))
	Expect(err).NotTo(HaveOccurred())
	Expect(f.Suite.Interrupted).To(BeFalse())
	for _, r := range f.Results {
		Expect(r.NotRun).To(BeFalse(), r.Case)
	}
}
