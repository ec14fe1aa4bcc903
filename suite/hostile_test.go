package suite

import (
	"fmt"
	"runtime"
	"strings"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/expectspec/expectspec/cases"
)

// The "never hang, never crash" bar: the whole origin catalogue runs, through the scheduler as
// `expectspec run` does, against each hostile server of hostile_servers_test.go. Whatever the
// peer sends, every case must end in a verdict with a reason within its own deadline, no judge
// may panic, each run must end within a bound computed from the cases' budgets, the heap must
// stay bounded while servers flood the client, and nothing may be left running afterwards. The
// checks `expectspec run` makes before any case (Probe, CheckContract, Capacity) meet every server
// too, and a few runs keep the scheduler's confirmation on (the pool paused, a case played alone).

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
