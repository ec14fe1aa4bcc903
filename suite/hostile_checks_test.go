package suite

import (
	"context"
	"fmt"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync"
	"time"

	"github.com/expectspec/expectspec/cases"
	"github.com/expectspec/expectspec/harness/target"
)

// The checks before the cases against a hostile server, and the heap sampler and leak check
// the hostile runs share (hostile_test.go).

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
