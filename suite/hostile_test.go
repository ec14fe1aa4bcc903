package suite

import (
	"context"
	"fmt"
	"runtime"
	"runtime/metrics"
	"sort"
	"strings"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/expectspec/expectspec/cases"
	"github.com/expectspec/expectspec/harness/conv"
	"github.com/expectspec/expectspec/harness/driver"
	"github.com/expectspec/expectspec/harness/h1"
)

// The "never hang, never crash" bar: the whole origin catalogue runs, through the scheduler as
// `expectspec run` does, against each hostile server of hostile_servers_test.go. Whatever the
// peer sends, every case must end in a verdict with a reason within its own deadline, no judge
// may panic, each run must end within a bound computed from the cases' budgets, the heap must
// stay bounded while servers flood the client, and nothing may be left running afterwards.

const (
	// hostileScale shrinks every wait so the twelve catalogue runs stay fast; the verdicts do not
	// matter here, only that they come, and come in time.
	hostileScale = 0.2
	// hostileRTT stands in for the measured baseline: a hostile server cannot be probed with a
	// plain GET, and every server here is on loopback.
	hostileRTT = time.Millisecond
	// hostileConcurrency is the default of `expectspec run`.
	hostileConcurrency = 8
	// hostileHeapLimit bounds the heap in use at any moment of the whole hostile run.
	hostileHeapLimit = 200 << 20
	// hostileSettle is how long stopped servers and finished cases get to let their goroutines go.
	hostileSettle = 5 * time.Second
)

// hostileCase is one case's run against one hostile server.
type hostileCase struct {
	id       string
	outcome  cases.Outcome
	tl       *conv.Timeline
	steps    int
	took     time.Duration // the case's own wall time, measured by the scheduler
	deadline time.Duration // caseTimeout: the per-entry deadline of `expectspec run`
	err      error         // set when the result did not come within the run's bound
}

// hostileRun is the whole catalogue against one hostile server.
type hostileRun struct {
	spec     hostileSpec
	cases    []hostileCase
	wall     time.Duration
	bound    time.Duration // from the budgets: what the run may take at most
	overran  bool          // the run's context ended before the run did
	accepted int64         // connections the server accepted
	written  int64         // octets the server wrote
	heap     heapWindow
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

// catalogueBound is what a run of these cases through n workers can take: each worker takes the
// next queued case when it is free, and each case ends by its deadline, so the run ends within
// the sum of the deadlines over n plus the longest one (the greedy list-scheduling bound).
func catalogueBound(all []cases.Case, env cases.Env, n int) time.Duration {
	var sum, longest time.Duration
	for _, c := range all {
		d := caseTimeout(c, env)
		sum += d
		longest = max(longest, d)
	}
	return sum/time.Duration(n) + longest
}

// runHostileCatalogue runs every origin case against one server the way runCatalogue does
// (newScheduler, add, prefetch, result), measuring each case and the whole run. The run's context
// ends at its bound plus a margin, so a hang shows up as an overrun instead of a stuck test.
func runHostileCatalogue(ctx context.Context, spec hostileSpec, srv *hostileServer) *hostileRun {
	env := cases.Env{Host: srv.addr, Path: "/upload", EarlyPath: "/expectspec-no-such-resource", UpgradeProtocol: "h2c",
		Timing: cases.DefaultTiming(hostileRTT, hostileScale)}
	all := applicable(cases.All(), "origin")
	r := &hostileRun{spec: spec, bound: catalogueBound(all, env, hostileConcurrency)}
	runCtx, cancel := context.WithTimeout(ctx, r.bound+5*time.Second)
	defer cancel()

	start := time.Now()
	s := newScheduler(runCtx)
	for _, c := range all {
		s.add(key(spec.Name, c.ID), srv.addr, env, c)
	}
	s.prefetch(hostileConcurrency, func(string) bool { return true })
	for _, c := range all {
		hc := hostileCase{id: c.ID, steps: len(c.Script(env).Steps), deadline: caseTimeout(c, env)}
		j, err := s.result(runCtx, key(spec.Name, c.ID))
		if err != nil {
			hc.err = err
		} else {
			hc.outcome, hc.tl, hc.took = j.outcome, j.tl, j.took
		}
		r.cases = append(r.cases, hc)
	}
	s.wait()
	r.wall = time.Since(start)
	r.overran = runCtx.Err() != nil
	r.heap = heapWindow{from: start, to: time.Now()}
	return r
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

func startHeapSampler(every time.Duration) *heapSampler {
	hs := &heapSampler{stop: make(chan struct{}), done: make(chan struct{})}
	ms := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/memory/classes/heap/unused:bytes"}}
	go func() {
		defer close(hs.done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			metrics.Read(ms)
			s := heapSample{at: time.Now(), bytes: ms[0].Value.Uint64() + ms[1].Value.Uint64()}
			hs.mu.Lock()
			hs.samples = append(hs.samples, s)
			hs.mu.Unlock()
			select {
			case <-hs.stop:
				return
			case <-t.C:
			}
		}
	}()
	return hs
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

func mib(b uint64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }

// leakedStacks returns the stacks of goroutines still running code of the hostile run: the
// hostile servers, the scheduler, the driver.
func leakedStacks() []string {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	var out []string
	for _, g := range strings.Split(string(buf), "\n\n") {
		for _, mark := range []string{"suite.(*hostileServer)", "suite.startHostile", "suite.(*scheduler)", "suite.(*heapSampler)",
			"suite.startHeapSampler", "expectspec/harness/driver.", "suite.RunCase", "suite.drain", "suite.flood"} {
			if strings.Contains(g, mark) {
				out = append(out, g)
				break
			}
		}
	}
	return out
}

var _ = Describe("hostile targets", Label("hostile"), Ordered, func() {
	var (
		runs              = map[string]*hostileRun{}
		sampler           *heapSampler
		total             time.Duration
		goroutinesBefore  int
		goroutinesAfter   int
		leaked            []string
		sequentialFloods  time.Duration
		concurrentStalled time.Duration
	)

	BeforeAll(func(ctx SpecContext) {
		goroutinesBefore = runtime.NumGoroutine()
		servers := map[string]*hostileServer{}
		DeferCleanup(func() { // if anything below fails before the servers are stopped
			for _, s := range servers {
				s.stop()
			}
		})
		for _, spec := range hostileSpecs {
			srv, err := startHostile(spec)
			Expect(err).NotTo(HaveOccurred())
			servers[spec.Name] = srv
		}

		// The flooding servers run one after the other, so each one's heap peak is its own; the
		// servers that stall (and cost time, not memory) run at the same time, beside them.
		sampler = startHeapSampler(2 * time.Millisecond)
		start := time.Now()
		var mu sync.Mutex
		var wg sync.WaitGroup
		record := func(r *hostileRun) {
			srv := servers[r.spec.Name]
			r.accepted, r.written = srv.accepted.Load(), srv.written.Load()
			mu.Lock()
			runs[r.spec.Name] = r
			mu.Unlock()
		}
		wg.Add(1)
		go func() {
			defer GinkgoRecover()
			defer wg.Done()
			t0 := time.Now()
			for _, spec := range hostileSpecs {
				if spec.Flood {
					record(runHostileCatalogue(ctx, spec, servers[spec.Name]))
				}
			}
			sequentialFloods = time.Since(t0)
		}()
		var stalled sync.WaitGroup
		t0 := time.Now()
		for _, spec := range hostileSpecs {
			if !spec.Flood {
				wg.Add(1)
				stalled.Add(1)
				go func() {
					defer GinkgoRecover()
					defer wg.Done()
					defer stalled.Done()
					record(runHostileCatalogue(ctx, spec, servers[spec.Name]))
				}()
			}
		}
		stalled.Wait()
		concurrentStalled = time.Since(t0)
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
		GinkgoWriter.Printf("hostile run: %s in all (floods one after the other: %s; stalling servers side by side: %s); peak heap in use %s\n",
			total.Round(time.Millisecond), sequentialFloods.Round(time.Millisecond), concurrentStalled.Round(time.Millisecond), mib(sampler.peak(heapWindow{})))
		for _, spec := range hostileSpecs {
			r := runs[spec.Name]
			if r == nil {
				continue
			}
			sl := r.slowest()
			GinkgoWriter.Printf("  %-26s wall %6s (bound %s)  slowest case %s (%s of %s)  peak heap %9s  accepted %3d  wrote %s  verdicts %v\n",
				spec.Name, r.wall.Round(time.Millisecond), r.bound.Round(time.Second), sl.id, sl.took.Round(time.Millisecond), sl.deadline,
				mib(sampler.peak(r.heap)), r.accepted, mib(uint64(r.written)), r.counts())
		}
		GinkgoWriter.Printf("goroutines: %d before the servers started, %d after they stopped\n", goroutinesBefore, goroutinesAfter)
	}, NodeTimeout(3*time.Minute))

	var rows []TableEntry
	for _, spec := range hostileSpecs {
		rows = append(rows, Entry(spec.Name+": "+spec.What, spec.Name))
	}
	DescribeTable("every case ends in a verdict, in time", func(name string) {
		r := runs[name]
		Expect(r).NotTo(BeNil(), "no run recorded for %s", name)
		Expect(r.cases).To(HaveLen(len(applicable(cases.All(), "origin"))))
		for _, c := range r.cases {
			Expect(c.err).NotTo(HaveOccurred(), "%s on %s: no result within the run's bound of %s", c.id, name, r.bound)
			what := fmt.Sprintf("%s on %s: %s\n%s", c.id, name, c.outcome, transcript(c.tl))
			Expect(c.outcome.Verdict).To(BeElementOf(cases.Pass, cases.Fail, cases.Warn, cases.Info, cases.NA, cases.Error), what)
			Expect(strings.TrimSpace(c.outcome.Reason)).NotTo(BeEmpty(), what)
			Expect(c.outcome.Reason).NotTo(ContainSubstring("panicked"), "a judge panicked (a defect of the suite): "+what)
			Expect(c.outcome.Reason).NotTo(ContainSubstring("interrupted"), "the case ran into its deadline instead of ending by itself: "+what)
			Expect(c.took).To(BeNumerically("<=", c.deadline), "%s took longer than its deadline\n%s", c.id, what)
			// Each conversation is bounded whatever the peer sends: octets read and events kept.
			Expect(c.tl).NotTo(BeNil(), what)
			var recv int64
			for _, e := range c.tl.Events {
				if e.Kind == conv.EvRecv {
					recv += e.N
				}
			}
			Expect(recv).To(BeNumerically("<=", driver.DefaultMaxRecv), what)
			Expect(len(c.tl.Events)).To(BeNumerically("<=", driver.DefaultMaxEvents+h1.DefaultMaxMessages+2*c.steps+2),
				"%s on %s kept %d events", c.id, name, len(c.tl.Events))
		}
		Expect(r.overran).To(BeFalse(), "the run against %s did not end within its bound of %s", name, r.bound)
		Expect(r.wall).To(BeNumerically("<=", r.bound), "the run against %s took %s, more than its bound of %s", name, r.wall, r.bound)
	}, rows)

	It("keeps the heap bounded while servers flood the client", func() {
		Expect(sampler.peak(heapWindow{})).To(BeNumerically("<", uint64(hostileHeapLimit)),
			"peak heap in use %s", mib(sampler.peak(heapWindow{})))
		var floods []string
		for _, spec := range hostileSpecs {
			if spec.Flood {
				floods = append(floods, spec.Name)
				Expect(runs[spec.Name].written).To(BeNumerically(">", 0), "%s wrote nothing: the flood did not happen", spec.Name)
			}
		}
		sort.Strings(floods)
		Expect(floods).NotTo(BeEmpty())
	})

	It("leaves no goroutine behind once the servers stop", func() {
		Expect(leaked).To(BeEmpty(), "goroutines of the hostile run still running:\n%s", strings.Join(leaked, "\n\n"))
		Expect(goroutinesAfter).To(BeNumerically("<=", goroutinesBefore), "goroutines: %d before the servers started, %d after they stopped", goroutinesBefore, goroutinesAfter)
	})

	It("finishes all hostile targets well within a minute", func() {
		Expect(total).To(BeNumerically("<", 50*time.Second))
	})
})
