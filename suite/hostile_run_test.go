package suite

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unsafe"

	"github.com/expectspec/expectspec/cases"
	"github.com/expectspec/expectspec/harness/conv"
	"github.com/expectspec/expectspec/harness/driver"
	"github.com/expectspec/expectspec/harness/h1"
	"github.com/expectspec/expectspec/harness/target"
)

// One run of the origin catalogue against a hostile server (hostile_test.go), what each case
// must show, and the bounds a run is held to, computed from the cases' own waits.

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
