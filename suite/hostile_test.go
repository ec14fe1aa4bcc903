package suite

import (
	"context"
	"fmt"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync"
	"time"
	"unsafe"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/expectspec/expectspec/cases"
	"github.com/expectspec/expectspec/harness/conv"
	"github.com/expectspec/expectspec/harness/driver"
	"github.com/expectspec/expectspec/harness/h1"
	"github.com/expectspec/expectspec/harness/target"
)

// The "never hang, never crash" bar: the whole origin catalogue runs, through the scheduler as
// `expectspec run` does, against each hostile server of hostile_servers_test.go. Whatever the
// peer sends, every case must end in a verdict with a reason within its own deadline, no judge
// may panic, each run must end within a bound computed from the cases' budgets, the heap must
// stay bounded while servers flood the client, and nothing may be left running afterwards. The
// checks `expectspec run` makes before any case (Probe, CheckContract, Capacity) meet every server
// too, and a few runs keep the scheduler's confirmation on (the pool paused, a case played alone).

const (
	// hostileScale shrinks every wait so the catalogue runs stay fast; the verdicts do not matter
	// here, only that they come, and come in time.
	hostileScale = 0.2
	// hostileRTT stands in for the measured baseline: most hostile servers fail target.Probe
	// (which is run against them, to its end, on its own), and every server here is on loopback.
	hostileRTT = time.Millisecond
	// hostileConcurrency is the default of `expectspec run`.
	hostileConcurrency = 8
	// hostileSlack is what a case may take beyond its own waits (the Within of its awaits and
	// streams): connecting, writing a few octets on loopback, judging, a busy machine.
	hostileSlack = time.Second
	// hostileHeapLimit bounds the heap in use at any moment of the whole hostile run.
	hostileHeapLimit = 200 << 20
	// hostileSettle is how long stopped servers and finished cases get to let their goroutines go.
	hostileSettle = 5 * time.Second
)

// hostileConfirming are the targets run once more with the scheduler's confirmation on, and how
// many cases of the catalogue each runs (0: all): against a server that never answers, every
// case is confirmed alone and costs its full waits, one after the other.
var hostileConfirming = map[string]int{"garbage": 0, "reset-mid-response": 0, "silent": 4, "trickle": 4}

// hostileCase is one case's run against one hostile server. Its timeline is checked when the run
// ends and then dropped, so the heap of one run is not carried into the next.
type hostileCase struct {
	id       string
	outcome  cases.Outcome
	took     time.Duration // the case's own wall time, measured by the scheduler
	deadline time.Duration // caseTimeout: the per-entry deadline of `expectspec run`
	waits    time.Duration // the Within of the script's awaits and streams
	problems []string      // what broke the bar, each with the case's transcript
	misread  bool          // a judge described a truncated response as octets that are not HTTP
}

// hostileRun is the whole catalogue against one hostile server.
type hostileRun struct {
	spec      hostileSpec
	cases     []hostileCase
	wall      time.Duration
	bound     time.Duration // from caseTimeout: what the run may take at most
	tight     time.Duration // the same bound from the scripts' own waits plus hostileSlack
	overran   bool          // the run's context ended before the run did
	accepted  int64         // connections the server accepted
	written   int64         // octets the server wrote
	recvd     int64         // octets the client read, over every conversation
	kept      int64         // octets the timelines kept (events and their copies of octets)
	events    int           // events the timelines kept
	heap      heapWindow
	heapStart uint64 // heap in use when the run started
}

// heapWindow is a time window whose peak heap is read off the sampler afterwards.
type heapWindow struct{ from, to time.Time }

func (r *hostileRun) counts() map[cases.Verdict]int {
	out := map[cases.Verdict]int{}
	for _, c := range r.cases {
		out[c.outcome.Verdict]++
	}
	return out
}

func (r *hostileRun) slowest() hostileCase {
	var s hostileCase
	for _, c := range r.cases {
		if c.took > s.took {
			s = c
		}
	}
	return s
}

func (r *hostileRun) misreads() []string {
	var out []string
	for _, c := range r.cases {
		if c.misread {
			out = append(out, c.id+": "+c.outcome.String())
		}
	}
	return out
}

// waits is the part of a case's budget it can spend waiting on any peer: the deadlines of its
// awaits and streams. Its sends write a few octets (at most 64 KiB and a head) that loopback
// buffers take at once, so their 5 s write deadlines, which the budget counts, are never reached.
func waits(s conv.Script) time.Duration {
	var d time.Duration
	for _, st := range s.Steps {
		if st.Kind == conv.Await || st.Kind == conv.SendStream {
			d += st.Within
		}
	}
	return d
}

// listBound is what n workers take over jobs of the given lengths when each takes the next queued
// job as soon as it is free (the scheduler's workers do; the caller of result runs a job no worker
// has taken): at most the total over n plus the longest job, Graham's bound for list scheduling.
func listBound(jobs []time.Duration, n int) time.Duration {
	var sum, longest time.Duration
	for _, d := range jobs {
		sum += d
		longest = max(longest, d)
	}
	return sum/time.Duration(n) + longest
}

// confirmBound is what confirming every one of these jobs can add to a run: each waits for the
// jobs in flight to drain, then runs alone.
func confirmBound(jobs []time.Duration) time.Duration {
	var sum, longest time.Duration
	for _, d := range jobs {
		sum += d
		longest = max(longest, d)
	}
	return sum + time.Duration(len(jobs))*longest
}

// truncationMisread reports whether a reason calls a truncated response octets that are not HTTP.
func truncationMisread(reason string) bool {
	return strings.Contains(reason, "not a status line (truncated message") ||
		strings.Contains(reason, "not an HTTP/1.x response (truncated message")
}

// checkHostileCase lists what breaks the bar in one case's result.
func checkHostileCase(hc *hostileCase, tl *conv.Timeline, steps int) {
	o := hc.outcome
	what := func() string { return fmt.Sprintf("%s: %s\n%s", hc.id, o, transcript(tl)) }
	fail := func(format string, args ...any) {
		hc.problems = append(hc.problems, fmt.Sprintf(format, args...)+"\n"+what())
	}
	switch o.Verdict {
	case cases.Pass, cases.Fail, cases.Warn, cases.Info, cases.NA, cases.Error:
	default:
		fail("verdict %q is not one of pass, fail, warn, info, na, error", o.Verdict)
	}
	if strings.TrimSpace(o.Reason) == "" {
		fail("the verdict has no reason")
	}
	if strings.Contains(o.Reason, "panicked") {
		fail("a judge panicked (a defect of the suite)")
	}
	if strings.Contains(o.Reason, "interrupted") {
		fail("the case ran into its deadline instead of ending by itself")
	}
	if hc.took > hc.deadline {
		fail("took %s, more than its deadline of %s", hc.took, hc.deadline)
	}
	if hc.took > hc.waits+hostileSlack {
		fail("took %s, more than its waits of %s and %s", hc.took, hc.waits, hostileSlack)
	}
	if tl == nil {
		fail("no timeline")
		return
	}
	// Each conversation is bounded whatever the peer sends: octets read and events kept.
	var recv int64
	for _, e := range tl.Events {
		if e.Kind == conv.EvRecv {
			recv += e.N
		}
	}
	if recv > driver.DefaultMaxRecv {
		fail("read %d octets, more than the driver's bound of %d", recv, driver.DefaultMaxRecv)
	}
	if maxEvents := driver.DefaultMaxEvents + h1.DefaultMaxMessages + 2*steps + 2; len(tl.Events) > maxEvents {
		fail("kept %d events, more than the driver's bounds allow (%d)", len(tl.Events), maxEvents)
	}
	hc.misread = truncationMisread(o.Reason)
}

// hostileOptions vary a catalogue run.
type hostileOptions struct {
	// confirm turns on the scheduler's confirmation (every fail and warn found under
	// concurrency played again alone, the pool paused and drained), as the witness tests do.
	// Off, the run is what `expectspec run` does, which calibrates concurrency per target
	// instead (run.go); here every target gets the full concurrency, the most the driver meets.
	confirm bool
	// first, when not zero, runs only the first cases of the catalogue.
	first int
}

// runHostileCatalogue runs every origin case against one server the way runCatalogue does
// (newScheduler, add, prefetch, result), measuring each case and the whole run. The run's context
// ends at its bound plus a margin, so a hang shows up as an overrun instead of a stuck test.
func runHostileCatalogue(ctx context.Context, spec hostileSpec, srv *hostileServer, hs *heapSampler, opt hostileOptions) *hostileRun {
	env := cases.Env{Host: srv.addr, Path: "/upload", EarlyPath: "/expectspec-no-such-resource", UpgradeProtocol: "h2c",
		Protocol: conv.HTTP1, Timing: cases.DefaultTiming(hostileRTT, hostileScale)}
	all := applicable(cases.All(), "origin")
	if opt.first > 0 {
		all = all[:min(opt.first, len(all))]
	}
	r := &hostileRun{spec: spec}
	var deadlines, tight []time.Duration
	for _, c := range all {
		deadlines = append(deadlines, caseTimeout(c, env))
		tight = append(tight, waits(c.Client(env))+hostileSlack)
	}
	r.bound = listBound(deadlines, hostileConcurrency)
	r.tight = listBound(tight, hostileConcurrency)
	if opt.confirm {
		// Any case may be confirmed: the pool drains (at most the longest case in flight) and
		// the case runs again alone, one confirmation at a time.
		r.bound += confirmBound(deadlines)
		r.tight += confirmBound(tight)
	}
	runCtx, cancel := context.WithTimeout(ctx, r.bound+5*time.Second)
	defer cancel()

	r.heapStart = hs.now()
	start := time.Now()
	s := newScheduler(runCtx)
	s.needConfirm = func(j *job) bool {
		return opt.confirm && (j.outcome.Verdict == cases.Fail || j.outcome.Verdict == cases.Warn)
	}
	for _, c := range all {
		s.add(key(spec.Name, c.ID), target.Target{Name: spec.Name, Address: srv.addr}, env, c)
	}
	s.prefetch(hostileConcurrency, func(string) bool { return true })
	tls := make([]*conv.Timeline, len(all))
	for i, c := range all {
		hc := hostileCase{id: c.ID, deadline: deadlines[i], waits: tight[i] - hostileSlack}
		j, err := s.result(runCtx, key(spec.Name, c.ID))
		if err != nil {
			hc.problems = append(hc.problems, fmt.Sprintf("%s: no result within the run's bound of %s: %v", c.ID, r.bound, err))
		} else {
			hc.outcome, tls[i], hc.took = j.outcome, j.tl, j.took
		}
		r.cases = append(r.cases, hc)
	}
	s.wait()
	r.wall = time.Since(start)
	r.overran = runCtx.Err() != nil
	r.heap = heapWindow{from: start, to: time.Now()}
	r.accepted, r.written = srv.accepted.Load(), srv.written.Load()

	for i, c := range all {
		hc := &r.cases[i]
		if hc.problems == nil {
			checkHostileCase(hc, tls[i], len(c.Client(env).Steps))
		}
		if tl := tls[i]; tl != nil {
			r.events += len(tl.Events)
			r.kept += int64(cap(tl.Events)) * int64(unsafe.Sizeof(conv.Event{}))
			for _, e := range tl.Events {
				r.kept += int64(cap(e.Data))
				if e.Kind == conv.EvRecv {
					r.recvd += e.N
				}
			}
		}
	}
	return r
}

// hostileChecks is what the checks `expectspec run` makes before any case (target.Probe,
// target.CheckContract, target.Capacity) did against one hostile server, and their bounds.
type hostileChecks struct {
	probe, contract, capacity                time.Duration
	probeBound, contractBound, capacityBound time.Duration
	probeErr, contractErr, capacityErr       error
	n                                        int // the capacity found
}

const (
	// probeRounds is how many round trips `expectspec run` probes a target with.
	probeRounds = 3
	// checkDeadline bounds each round of Probe and CheckContract.
	checkDeadline = 5 * time.Second
	// capacityMargin is what Capacity allows a round beyond its wait (connecting, writing).
	capacityMargin = 3 * time.Second
)

// runHostileChecks runs the checks before a run against one server, each to its end (Run stops at
// the first that fails; here each one meets the peer), and bounds each by its own deadlines.
func runHostileChecks(ctx context.Context, srv *hostileServer) hostileChecks {
	t := target.Target{Name: srv.name, Role: "origin", Address: srv.addr, Host: srv.addr, Path: "/upload", Early: "/expectspec-no-such-resource"}
	wait := cases.DefaultTiming(hostileRTT, hostileScale).Immediate
	rounds := 0
	for n := hostileConcurrency; n > 1; n /= 2 { // Capacity halves n down to 2
		rounds++
	}
	hc := hostileChecks{
		probeBound:    probeRounds*checkDeadline + hostileSlack,
		contractBound: checkDeadline + hostileSlack,
		// the rounds, then a plain GET alone (target.Capacity's last check)
		capacityBound: time.Duration(rounds)*(wait+capacityMargin) + 5*time.Second + capacityMargin + hostileSlack,
	}
	start := time.Now()
	_, hc.probeErr = target.Probe(ctx, t, probeRounds)
	hc.probe = time.Since(start)
	start = time.Now()
	hc.contractErr = target.CheckContract(ctx, t)
	hc.contract = time.Since(start)
	start = time.Now()
	hc.n, hc.capacityErr = target.Capacity(ctx, t, hostileConcurrency, wait)
	hc.capacity = time.Since(start)
	return hc
}

func errText(err error) string {
	if err == nil {
		return "ok"
	}
	s := err.Error()
	if i := strings.Index(s, srvPrefix(s)); i >= 0 {
		s = s[i:]
	}
	if len(s) > 70 {
		s = s[:70] + "…"
	}
	return s
}

// srvPrefix drops "target NAME " from a check's error, which the table already names.
func srvPrefix(s string) string {
	if f := strings.Fields(s); len(f) > 2 && f[0] == "target" {
		return strings.Join(f[2:], " ")
	}
	return s
}

// heapSampler records the heap in use (HeapInuse: live and dead objects plus the free space of
// in-use spans) every few milliseconds, from runtime/metrics, which does not stop the world.
type heapSampler struct {
	mu      sync.Mutex
	samples []heapSample
	stop    chan struct{}
	done    chan struct{}
}

type heapSample struct {
	at    time.Time
	bytes uint64
}

func heapInUse() uint64 {
	ms := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/memory/classes/heap/unused:bytes"}}
	metrics.Read(ms)
	return ms[0].Value.Uint64() + ms[1].Value.Uint64()
}

func startHeapSampler(every time.Duration) *heapSampler {
	hs := &heapSampler{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(hs.done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			hs.now()
			select {
			case <-hs.stop:
				return
			case <-t.C:
			}
		}
	}()
	return hs
}

// now takes a sample at once and returns it.
func (hs *heapSampler) now() uint64 {
	s := heapSample{at: time.Now(), bytes: heapInUse()}
	hs.mu.Lock()
	hs.samples = append(hs.samples, s)
	hs.mu.Unlock()
	return s.bytes
}

func (hs *heapSampler) halt() {
	select {
	case <-hs.stop:
	default:
		close(hs.stop)
	}
	<-hs.done
}

// peak returns the highest sample in a window (the whole run for a zero window).
func (hs *heapSampler) peak(w heapWindow) uint64 {
	hs.mu.Lock()
	defer hs.mu.Unlock()
	var p uint64
	for _, s := range hs.samples {
		if w.from.IsZero() || !s.at.Before(w.from) && !s.at.After(w.to) {
			p = max(p, s.bytes)
		}
	}
	return p
}

func mib[T int64 | uint64](b T) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }

// leakedStacks returns the stacks of goroutines still running code of the hostile run: the
// hostile servers, the scheduler, the driver, the heap sampler.
func leakedStacks() []string {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	var out []string
	for _, g := range strings.Split(string(buf), "\n\n") {
		for _, mark := range []string{"suite.(*hostileServer)", "suite.startHostile", "suite.(*scheduler)", "suite.Play",
			"suite.startHeapSampler", "expectspec/harness/driver."} {
			if strings.Contains(g, mark) {
				out = append(out, g)
				break
			}
		}
	}
	return out
}

var _ = Describe("hostile targets", Label("hostile"), Ordered, ContinueOnFailure, func() {
	var (
		runs             = map[string]*hostileRun{}
		confirmRuns      = map[string]*hostileRun{}
		checks           = map[string]hostileChecks{}
		sampler          *heapSampler
		total            time.Duration
		floodsTook       time.Duration
		othersTook       time.Duration
		goroutinesBefore int
		goroutinesAfter  int
		leaked           []string
	)

	BeforeAll(func(ctx SpecContext) {
		goroutinesBefore = runtime.NumGoroutine()
		servers := map[string]*hostileServer{}
		DeferCleanup(func() { // if anything below fails before the servers are stopped
			for _, s := range servers {
				s.stop()
			}
		})
		var specs []hostileSpec
		for _, spec := range hostileSpecs {
			srv, err := startHostile(spec)
			Expect(err).NotTo(HaveOccurred())
			servers[spec.Name] = srv
			specs = append(specs, spec)
		}
		// The checks before a run and the confirmation runs get servers of their own, so the
		// counts of each run are its own.
		for _, spec := range specs {
			srv, err := startHostile(spec)
			Expect(err).NotTo(HaveOccurred())
			servers["checks:"+spec.Name] = srv
		}
		var confirming []hostileSpec
		for _, spec := range hostileSpecs {
			if _, ok := hostileConfirming[spec.Name]; ok {
				srv, err := startHostile(spec)
				Expect(err).NotTo(HaveOccurred())
				servers["confirm:"+spec.Name] = srv
				confirming = append(confirming, spec)
			}
		}

		// The floods run one after the other, so each one's heap peak is its own; the other
		// servers (which cost time, not memory) run at the same time, beside them.
		sampler = startHeapSampler(2 * time.Millisecond)
		start := time.Now()
		var mu sync.Mutex
		var wg sync.WaitGroup
		record := func(into map[string]*hostileRun, r *hostileRun) {
			mu.Lock()
			into[r.spec.Name] = r
			mu.Unlock()
		}
		wg.Add(1)
		go func() {
			defer GinkgoRecover()
			defer wg.Done()
			for _, spec := range specs {
				if spec.Flood {
					record(runs, runHostileCatalogue(ctx, spec, servers[spec.Name], sampler, hostileOptions{}))
				}
			}
			floodsTook = time.Since(start)
		}()
		var others sync.WaitGroup
		for _, spec := range specs {
			if !spec.Flood {
				others.Add(1)
				go func() {
					defer GinkgoRecover()
					defer others.Done()
					record(runs, runHostileCatalogue(ctx, spec, servers[spec.Name], sampler, hostileOptions{}))
				}()
			}
		}
		for _, spec := range specs {
			others.Add(1)
			go func() {
				defer GinkgoRecover()
				defer others.Done()
				hc := runHostileChecks(ctx, servers["checks:"+spec.Name])
				mu.Lock()
				checks[spec.Name] = hc
				mu.Unlock()
			}()
		}
		for _, spec := range confirming {
			others.Add(1)
			go func() {
				defer GinkgoRecover()
				defer others.Done()
				opt := hostileOptions{confirm: true, first: hostileConfirming[spec.Name]}
				record(confirmRuns, runHostileCatalogue(ctx, spec, servers["confirm:"+spec.Name], sampler, opt))
			}()
		}
		others.Wait()
		othersTook = time.Since(start)
		wg.Wait()
		total = time.Since(start)
		sampler.halt()

		for _, s := range servers {
			s.stop()
		}
		// Stopped servers and finished conversations let their goroutines go at once; poll
		// briefly for the runtime to reap them.
		deadline := time.Now().Add(hostileSettle)
		for {
			goroutinesAfter, leaked = runtime.NumGoroutine(), leakedStacks()
			if goroutinesAfter <= goroutinesBefore && len(leaked) == 0 || time.Now().After(deadline) {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}

		// The measurements, for the report.
		GinkgoWriter.Printf("hostile run: %s in all (floods one after the other: %s; the others side by side: %s); peak heap in use %s\n",
			total.Round(time.Millisecond), floodsTook.Round(time.Millisecond), othersTook.Round(time.Millisecond), mib(sampler.peak(heapWindow{})))
		GinkgoWriter.Printf("%-26s %8s %7s %7s  %-36s %10s %10s %10s %8s %9s %9s  %s\n", "target", "wall", "tight", "bound", "slowest case (took/waits)",
			"heap start", "heap peak", "wrote", "read", "kept", "events", "verdicts")
		for _, spec := range hostileSpecs {
			r := runs[spec.Name]
			if r == nil {
				continue
			}
			sl := r.slowest()
			GinkgoWriter.Printf("%-26s %8s %7s %7s  %-36s %10s %10s %10s %8s %9s %9d  %v\n",
				spec.Name, r.wall.Round(time.Millisecond), r.tight.Round(time.Second), r.bound.Round(time.Second),
				fmt.Sprintf("%s (%s/%s)", strings.TrimPrefix(sl.id, "origin/"), sl.took.Round(time.Millisecond), sl.waits),
				mib(r.heapStart), mib(sampler.peak(r.heap)), mib(r.written), mib(r.recvd), mib(r.kept), r.events, r.counts())
			if m := r.misreads(); len(m) > 0 {
				GinkgoWriter.Printf("%-26s %d cases describe a truncated response as octets that are not HTTP, e.g. %s\n", "", len(m), m[0])
			}
		}
		GinkgoWriter.Printf("checks before a run: %-26s %-44s %-44s %s\n", "target", "Probe (3 rounds)", "CheckContract", "Capacity")
		for _, spec := range specs {
			hc := checks[spec.Name]
			GinkgoWriter.Printf("                     %-26s %-44s %-44s %d in %s: %s\n", spec.Name,
				fmt.Sprintf("%s: %s", hc.probe.Round(time.Millisecond), errText(hc.probeErr)),
				fmt.Sprintf("%s: %s", hc.contract.Round(time.Millisecond), errText(hc.contractErr)), hc.n, hc.capacity.Round(time.Millisecond), errText(hc.capacityErr))
		}
		for _, spec := range confirming {
			r := confirmRuns[spec.Name]
			confirmed := 0
			for _, c := range r.cases {
				if v := c.outcome.Verdict; v == cases.Fail || v == cases.Warn {
					confirmed++
				}
			}
			GinkgoWriter.Printf("confirming alone, %-15s %2d cases, %2d fail or warn confirmed: wall %s (tight %s, bound %s)  verdicts %v\n",
				spec.Name, len(r.cases), confirmed, r.wall.Round(time.Millisecond), r.tight.Round(time.Second), r.bound.Round(time.Second), r.counts())
		}
		GinkgoWriter.Printf("goroutines: %d before the servers started, %d after they stopped\n", goroutinesBefore, goroutinesAfter)
	}, NodeTimeout(3*time.Minute))

	var rows []TableEntry
	for _, spec := range hostileSpecs {
		rows = append(rows, Entry(spec.Name+": "+spec.What, spec.Name))
	}
	DescribeTable("every case ends in a verdict, in time, within bounded memory", func(name string) {
		r := runs[name]
		Expect(r).NotTo(BeNil(), "no run recorded for %s", name)
		Expect(r.cases).To(HaveLen(len(applicable(cases.All(), "origin"))))
		var problems []string
		for _, c := range r.cases {
			problems = append(problems, c.problems...)
		}
		Expect(problems).To(BeEmpty(), "cases against %s broke the bar", name)
		Expect(r.overran).To(BeFalse(), "the run against %s did not end within its bound of %s", name, r.bound)
		Expect(r.wall).To(BeNumerically("<=", r.bound), "the run against %s took %s, more than its bound of %s", name, r.wall, r.bound)
		Expect(r.wall).To(BeNumerically("<=", r.tight), "the run against %s took %s, more than its waits allow (%s)", name, r.wall, r.tight)
		if r.spec.Flood {
			// The floods run one at a time, so the peak in a flood's window is its own (beside
			// the other servers, which hold little); the others' windows overlap the floods.
			Expect(r.written).To(BeNumerically(">", 0), "%s wrote nothing: the flood did not happen", name)
			Expect(sampler.peak(r.heap)).To(BeNumerically("<", uint64(hostileHeapLimit)),
				"the heap in use reached %s during the run against %s", mib(sampler.peak(r.heap)), name)
		}
	}, rows)

	It("confirms fail and warn verdicts alone without hanging on hostile peers", func() {
		Expect(confirmRuns).To(HaveLen(len(hostileConfirming)))
		for name, r := range confirmRuns {
			var problems []string
			for _, c := range r.cases {
				problems = append(problems, c.problems...)
			}
			Expect(problems).To(BeEmpty(), "cases against %s, confirmed alone, broke the bar", name)
			Expect(r.overran).To(BeFalse(), "the confirming run against %s did not end within its bound of %s", name, r.bound)
			Expect(r.wall).To(BeNumerically("<=", r.tight), "the confirming run against %s took %s, more than its waits allow (%s)", name, r.wall, r.tight)
		}
	})

	It("ends the checks before a run (Probe, CheckContract, Capacity) within their deadlines", func() {
		Expect(checks).NotTo(BeEmpty())
		for name, hc := range checks {
			Expect(hc.probe).To(BeNumerically("<=", hc.probeBound), "Probe against %s", name)
			Expect(hc.contract).To(BeNumerically("<=", hc.contractBound), "CheckContract against %s", name)
			Expect(hc.capacity).To(BeNumerically("<=", hc.capacityBound), "Capacity against %s", name)
			Expect(hc.n).To(BeNumerically(">=", 1), "Capacity against %s", name)
		}
	})

	It("keeps the heap bounded over the whole hostile run", func() {
		Expect(sampler.peak(heapWindow{})).To(BeNumerically("<", uint64(hostileHeapLimit)),
			"peak heap in use %s", mib(sampler.peak(heapWindow{})))
	})

	It("never describes a response cut short by a close as octets that are not HTTP", func() {
		var misread []string
		for _, spec := range hostileSpecs {
			if r := runs[spec.Name]; r != nil {
				for _, m := range r.misreads() {
					misread = append(misread, spec.Name+" "+m)
				}
			}
		}
		Expect(misread).To(BeEmpty())
	})

	It("leaves no goroutine behind once the servers stop", func() {
		Expect(leaked).To(BeEmpty(), "goroutines of the hostile run still running:\n%s", strings.Join(leaked, "\n\n"))
		Expect(goroutinesAfter).To(BeNumerically("<=", goroutinesBefore), "goroutines: %d before the servers started, %d after they stopped", goroutinesBefore, goroutinesAfter)
	})

	It("runs all hostile targets well within a minute", func() {
		Expect(total).To(BeNumerically("<", 50*time.Second))
	})
})
