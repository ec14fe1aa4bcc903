package suite

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"

	"github.com/expectspec/expectspec/cases"
	"github.com/expectspec/expectspec/harness/target"
	"github.com/expectspec/expectspec/results"
)

// Config is one run of the suite.
type Config struct {
	Targets      []target.Target
	Out          string // directory for results.json and junit.xml
	TimeoutScale float64
	LabelFilter  string
	Focus        []string
	Concurrency  int
	// Repeat is how many times every selected case runs against each target (run --repeat;
	// 0 means 1). The runs of one case follow each other; different cases run concurrently.
	Repeat  int
	Version string
	Args    []string
	Stdout  io.Writer
	Verbose bool
}

const suiteDescription = "expectspec"

// prepared is a target with the timing measured for it.
type prepared struct {
	t        target.Target
	env      cases.Env
	capacity int // how many of its cases may run at once (target.Capacity)
}

// Run probes every target, runs the selected cases against each under Ginkgo, writes the results
// files and returns the exit status (0, 1 on any fail, 2 when nothing could be judged or a
// target failed a check before its cases, prepare.go: the files are written all the same).
// Ginkgo allows one RunSpecs per process, so Run is called once, by the CLI.
//
// When ctx is cancelled with an Interrupted cause (NotifyInterrupt), at any point, Run stops
// within moments, still writes both files — the cases that finished with their verdicts, every
// other selected case not run — and returns 128+signal (interrupt.go).
func Run(ctx context.Context, cfg Config) (int, error) {
	started := time.Now()
	cfg.Repeat = max(cfg.Repeat, 1)
	defer removeContentFiles()
	selected, err := selector(cfg)
	if err != nil {
		return 2, err
	}
	cfg.Targets = slices.Clone(cfg.Targets) // prepareTargets notes what each TLS handshake settled
	ps, failed, interrupted := prepareTargets(ctx, cfg)
	if interrupted {
		return finishInterrupted(ctx, cfg, failed, selected, started)
	}
	if len(ps) == 0 && len(failed) > 0 {
		// nothing to run: the files say why, cell by cell, without starting Ginkgo (whose
		// "Ran 0 of 0 Specs … SUCCESS!" would say the opposite)
		file := buildFile(ctx, cfg, nil, failed, selected, nil, started)
		if err := writeOutputs(cfg, file); err != nil {
			return 2, errors.Join(checksFailed(failed), err)
		}
		printSummary(cfg, file, failed)
		return 2, checksFailed(failed)
	}

	sched := newScheduler(ctx)
	catalogue := cases.All()
	for _, p := range ps {
		sched.limit(p.t.Address, p.capacity)
		applicable := applicableOver(catalogue, p.t.Role, p.t.HTTPProtocol())
		if len(applicable) == 0 {
			fmt.Fprintf(cfg.Stdout, "no case of this version applies to role %s: nothing to run against %s\n", p.t.Role, p.t.Name)
		}
		for _, c := range applicable {
			sched.addRuns(key(p.t.Name, c.ID), p.t, runEnvs(p, c, cfg.Repeat), c, p.t.Origin)
		}
	}
	// Each target has its own limit (its capacity, at most --concurrency); the workers are
	// enough for every target to be at its limit at once, so targets do not queue behind each
	// other (the embedded defaults are 11 targets).
	sched.prefetch(cfg.Concurrency*len(ps), func(k string) bool {
		name, id, _ := strings.Cut(k, "\x00")
		c, _ := cases.ByID(id)
		return selected(fullText(name, c), labels(targetRole(ps, name), name, c))
	})
	defer func() {
		if ctx.Err() != nil {
			// the results are written (Run waited for the cancelled cases first): a case
			// that ignores its cancelled context must not hold the exit back
			sched.waitAtMost(200 * time.Millisecond)
		} else {
			sched.wait()
		}
	}()

	for _, p := range ps {
		Describe(p.t.Name, Label("target:"+labelSafe(p.t.Name), "role:"+string(p.t.Role)), func() {
			DescribeTable("Expect handling", func(sctx SpecContext, k string) {
				j, err := sched.result(sctx, k)
				if i, ok := InterruptOf(ctx); ok {
					// not a verdict of the spec: the results file says not run
					Skip("not run: " + i.Error())
				}
				if err != nil {
					Fail(fmt.Sprintf("ERROR %s: the case did not finish: %v", j.c.ID, err))
				}
				report(j)
			}, entries(p, cfg.Repeat))
		})
	}
	// ReportAfterSuite only keeps Ginkgo's report: the files are written after RunSpecs returns.
	// Ginkgo interrupts its own nodes when it sees the signal too, and a node that outlives the
	// grace period is abandoned, so a file written inside one could be lost to a signal that
	// lands while it is being written (seen in CI under load).
	var (
		reportMu     sync.Mutex
		ginkgoReport *Report
	)
	ReportAfterSuite("expectspec results", func(r Report) {
		reportMu.Lock()
		defer reportMu.Unlock()
		ginkgoReport = &r
	})

	sc, rc := GinkgoConfiguration()
	sc.LabelFilter = cfg.LabelFilter
	sc.FocusStrings = cfg.Focus
	sc.RandomSeed = 1 // stable order of targets between runs
	sc.Timeout = 24 * time.Hour
	sc.GracePeriod = 2 * time.Second
	rc.Succinct = !cfg.Verbose
	rc.Verbose = cfg.Verbose
	rc.SilenceSkips = true
	rc.NoColor = !isTerminal(cfg.Stdout)
	RunSpecs(&ginkgoT{}, suiteDescription, sc, rc)
	reportMu.Lock()
	r := ginkgoReport
	reportMu.Unlock()
	if r == nil || slices.Contains(r.SpecialSuiteFailureReasons, "Interrupted by User") {
		// Ginkgo saw a signal (or stopped before its report); ours, sent the same signal,
		// cancels ctx within moments: wait for it, so the file says not run whichever
		// handler ran first
		select {
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
	}
	if ctx.Err() != nil {
		sched.waitAtMost(300 * time.Millisecond) // the cases in flight were cancelled: moments
	}
	file := buildFile(ctx, cfg, sched, failed, selected, r, started)
	if err := writeOutputs(cfg, file); err != nil {
		fmt.Fprintf(cfg.Stdout, "expectspec: %v\n", err)
	}
	printSummary(cfg, file, failed)
	// The status follows the file: a signal that lands after the file was written as a whole
	// run (every case finished) does not turn it into an interrupted one.
	if i, ok := InterruptOf(ctx); ok && file.Suite.Interrupted {
		return i.ExitCode(), nil
	}
	if len(failed) > 0 {
		return 2, checksFailed(failed)
	}
	return results.ExitCode(file), nil
}

// finishInterrupted ends a run interrupted before its cases started: every selected case of
// every target is not run (or error, for a target that failed a check), and the files say so.
func finishInterrupted(ctx context.Context, cfg Config, failed []checkFailure, selected selection, started time.Time) (int, error) {
	file := buildFile(ctx, cfg, nil, failed, selected, nil, started)
	if err := writeOutputs(cfg, file); err != nil {
		return 2, err
	}
	printSummary(cfg, file, failed)
	i, _ := InterruptOf(ctx)
	return i.ExitCode(), nil
}

// runEnvs are the Envs of a case's runs on a target: the case's own first, then, for run i of
// --repeat, the Env of a target named "<name>#i", which gives an intermediary's runs tokens of
// their own at the suite's origin (an origin target's Env is the same for every run).
func runEnvs(p prepared, c cases.Case, repeat int) []cases.Env {
	envs := []cases.Env{CaseEnv(p.t, p.env, c)}
	for i := 2; i <= repeat; i++ {
		t := p.t
		t.Name = fmt.Sprintf("%s#%d", p.t.Name, i)
		envs = append(envs, CaseEnv(t, p.env, c))
	}
	return envs
}

type ginkgoT struct{}

func (ginkgoT) Fail() {}

// entries generates one table entry per applicable case, labelled and with its own deadline.
func entries(p prepared, repeat int) []TableEntry {
	var out []TableEntry
	all := applicableOver(cases.All(), p.t.Role, p.t.HTTPProtocol())
	var longest time.Duration
	for _, c := range all {
		longest = max(longest, caseTimeout(c, p.env))
	}
	for _, c := range all {
		// The wait for a free slot behind the longest case (all its runs), the entry's own runs,
		// then, if it must be confirmed, the run alone.
		timeout := time.Duration(repeat)*(caseTimeout(c, p.env)+longest) + caseTimeout(c, p.env)
		out = append(out, Entry(c.ID, key(p.t.Name, c.ID),
			Label(labels(p.t.Role, p.t.Name, c)...), SpecTimeout(timeout)))
	}
	return out
}

// report turns an outcome into the Ginkgo spec's state: fail and error fail the spec with a
// message that names the requirement, what was sent and received, and the fix; na skips it.
func report(j *job) {
	o := j.outcome
	AddReportEntry("verdict", string(o.Verdict), ReportEntryVisibilityNever)
	switch o.Verdict {
	case cases.Fail:
		Fail(failureMessage(j))
	case cases.Error:
		Fail("ERROR (the suite could not carry out the case): " + o.Reason)
	case cases.NA:
		Skip("n/a: " + o.Reason)
	case cases.Warn, cases.Info:
		AddReportEntry(string(o.Verdict), o.Reason, ReportEntryVisibilityFailureOrVerbose)
	}
}

func failureMessage(j *job) string {
	o := j.outcome
	var b strings.Builder
	fmt.Fprintf(&b, "FAIL %s — %s\n", j.c.ID, j.c.Title)
	for _, id := range o.Requirements {
		if r, ok := cases.Lookup(id); ok {
			fmt.Fprintf(&b, "  breaks %s (RFC %s §%s, %s) %s\n", r.ID, r.RFC, r.Section, r.Keyword, r.Anchor())
		}
	}
	fmt.Fprintf(&b, "  why: %s\n", o.Reason)
	if o.Fix != "" {
		fmt.Fprintf(&b, "  fix: %s\n", o.Fix)
	}
	if j.tl != nil {
		fmt.Fprintf(&b, "  conversation:\n%s", indent(j.tl.Transcript(), "    "))
	}
	b.WriteString(clientSide(j.rep))
	if side := originTranscript(j.recs); side != "" {
		fmt.Fprintf(&b, "  at the suite's origin (times from the case's registration there, %s):\n%s", registeredWhen(j.rep), indent(side, "    "))
	}
	return b.String()
}

func indent(s, prefix string) string {
	var b strings.Builder
	for _, l := range strings.Split(strings.TrimRight(s, "\n"), "\n") {
		b.WriteString(prefix + l + "\n")
	}
	return b.String()
}

func key(target, caseID string) string { return target + "\x00" + caseID }

// isTerminal reports whether w is a character device, so colours are only sent to a person.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
