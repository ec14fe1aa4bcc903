package suite

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/expectspec/expectspec/cases"
	"github.com/expectspec/expectspec/harness/conv"
	"github.com/expectspec/expectspec/harness/origin"
	"github.com/expectspec/expectspec/harness/target"
	"github.com/expectspec/expectspec/results"
)

// The scheduler runs cases concurrently while Ginkgo walks the tree one entry at a time: entries
// selected by the filters are queued up front and worked off by a bounded pool; an entry whose
// case has not started yet when Ginkgo reaches it runs it at once itself, so queueing never eats
// into an entry's own deadline.
//
// Concurrency must never turn into a verdict: a server with two workers answers the ninth
// concurrent request late, and that is not the server failing "immediate". The run measures each
// target's capacity first (target.Capacity) and never runs more of its cases at once (limit).
// A caller may also ask for a fail or warn found under concurrency to be confirmed by running the
// case again alone, the pool paused and drained (needConfirm); the witness tests do, for the
// conforming references, since other test packages load the machine meanwhile.

type jobState int

const (
	queued jobState = iota
	running
	done
)

type job struct {
	key string
	t   target.Target // the target, reached at t.Address
	env cases.Env
	// envs are the Envs of the repeated runs after the first (run --repeat): each its own token
	// at the suite's origin, so a late request of one run cannot land in the next run's record.
	envs []cases.Env
	c    cases.Case
	// via is the suite's scripted origin when the target is an intermediary, else nil.
	via     *origin.Origin
	state   jobState
	doneCh  chan struct{}
	outcome cases.Outcome
	tl      *conv.Timeline
	// recs is what the origin recorded for the case's tokens (intermediaries only).
	recs []conv.OriginRecord
	// rep is what a client under test reported (role client only).
	rep       *conv.ClientReport
	took      time.Duration
	confirmed bool
	// runs are the verdicts of every run, in order, when the case ran more than once.
	runs []cases.Verdict
	// runReasons are the distinct verdicts and reasons of the runs when they disagreed.
	runReasons []results.RunReason
	// interrupted is set when the run was cancelled (SIGINT, SIGTERM) before the case finished:
	// its outcome is then not a verdict.
	interrupted bool
}

type scheduler struct {
	ctx         context.Context
	mu          sync.Mutex
	cond        *sync.Cond // signals changes of paused, inflight and job states
	jobs        map[string]*job
	queue       []*job
	wg          sync.WaitGroup
	workers     int
	paused      bool
	inflight    int
	needConfirm func(*job) bool
	limits      map[string]int // per target address: how many cases may run at once
	busy        map[string]int // per target address: cases running now
	active      int            // workers still taking jobs
}

func newScheduler(ctx context.Context) *scheduler {
	s := &scheduler{ctx: ctx, jobs: map[string]*job{}, limits: map[string]int{}, busy: map[string]int{},
		needConfirm: func(*job) bool { return false }}
	s.cond = sync.NewCond(&s.mu)
	context.AfterFunc(ctx, func() {
		s.mu.Lock()
		s.cond.Broadcast()
		s.mu.Unlock()
	})
	return s
}

// limit sets how many cases may run at once against a target address (target.Capacity).
func (s *scheduler) limit(addr string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.limits[addr] = max(n, 1)
}

// free reports whether one more case may start against addr. Callers hold s.mu.
func (s *scheduler) free(addr string) bool {
	n, ok := s.limits[addr]
	return !ok || s.busy[addr] < n
}

// start marks a job running. Callers hold s.mu.
func (s *scheduler) start(j *job) {
	j.state = running
	s.inflight++
	s.busy[j.t.Address]++
}

// add registers a case for an origin target; it does not start it.
func (s *scheduler) add(key string, t target.Target, env cases.Env, c cases.Case) {
	s.addVia(key, t, env, c, nil)
}

// addVia registers a case for a target with the suite's scripted origin o behind it (nil for an
// origin target); it does not start it.
func (s *scheduler) addVia(key string, t target.Target, env cases.Env, c cases.Case, o *origin.Origin) {
	s.addRuns(key, t, []cases.Env{env}, c, o)
}

// addRuns registers a case that runs once per Env in envs, one run after the other (run
// --repeat): the repeats of one case never overlap, so they cannot race each other.
func (s *scheduler) addRuns(key string, t target.Target, envs []cases.Env, c cases.Case, o *origin.Origin) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.jobs[key]; ok {
		return
	}
	j := &job{key: key, t: t, env: envs[0], envs: envs[1:], c: c, via: o, doneCh: make(chan struct{})}
	s.jobs[key] = j
	s.queue = append(s.queue, j)
}

// prefetch starts n workers over the queued jobs whose keys are selected.
func (s *scheduler) prefetch(n int, selected func(key string) bool) {
	s.mu.Lock()
	var q []*job
	for _, j := range s.queue {
		if selected(j.key) {
			q = append(q, j)
		}
	}
	s.queue = q
	s.workers, s.active = n, n
	s.mu.Unlock()
	for i := 0; i < n; i++ {
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			for j := s.next(); j != nil; j = s.next() {
				s.run(j)
			}
			s.mu.Lock()
			s.active--
			s.cond.Broadcast()
			s.mu.Unlock()
		}()
	}
}

// next takes the first queued job whose target has room, waiting while the pool is paused or
// every queued job's target is at its limit.
func (s *scheduler) next() *job {
	s.mu.Lock()
	defer s.mu.Unlock()
	for s.ctx.Err() == nil {
		if !s.paused {
			pending := false
			for i, j := range s.queue {
				if j.state != queued {
					continue
				}
				pending = true
				if s.free(j.t.Address) {
					s.queue = append(s.queue[:i:i], s.queue[i+1:]...)
					s.start(j)
					return j
				}
			}
			if !pending {
				return nil
			}
		}
		s.cond.Wait()
	}
	return nil
}

// run plays the job's case (its state is already running), once per run, and records the
// outcome: the only one, or the combination of the runs (combineRuns).
func (s *scheduler) run(j *job) {
	var all []played
	for _, env := range append([]cases.Env{j.env}, j.envs...) {
		p := s.playEnv(j, env)
		if s.ctx.Err() != nil {
			break // the run was cancelled while the case ran: what it saw is not a verdict
		}
		all = append(all, p)
	}
	interrupted := len(all) <= len(j.envs) // fewer runs than asked for
	var p played
	var runs []cases.Verdict
	var reasons []results.RunReason
	if !interrupted {
		p, runs, reasons = combineRuns(all)
	}
	s.mu.Lock()
	j.outcome, j.tl, j.recs, j.rep, j.took, j.state = p.o, p.tl, p.recs, p.rep, p.took, done
	j.runs, j.runReasons, j.interrupted = runs, reasons, interrupted
	s.inflight--
	s.busy[j.t.Address]--
	s.cond.Broadcast()
	s.mu.Unlock()
	close(j.doneCh)
}

// play runs the job's case once, with its first Env.
func (s *scheduler) play(j *job) played {
	return s.playEnv(j, j.env)
}

// playEnv runs the job's case with env (Play), with the suite's origin behind the target when
// it is an intermediary or a client; a client's run keeps its command's report.
func (s *scheduler) playEnv(j *job, env cases.Env) played {
	ctx, cancel := context.WithTimeout(s.ctx, caseTimeout(j.c, env))
	defer cancel()
	start := time.Now()
	p := playCase(ctx, j.t, env, j.c, j.via)
	p.took = time.Since(start)
	return p
}

// played is what one run of a case gave.
type played struct {
	o    cases.Outcome
	tl   *conv.Timeline
	recs []conv.OriginRecord
	rep  *conv.ClientReport
	took time.Duration
}

// combineRuns turns the runs of one case into its result: a single run as it is; several that
// agree as the first of them, with every run's verdict; several that disagree as the first run
// with the worst verdict (results.Worst), its reason prefixed "flaky: pass×19, fail×1 — ", and
// every distinct verdict and reason of the runs, counted (results.RunReasonsOf), so that what
// the other runs saw is kept beside the worst.
func combineRuns(all []played) (played, []cases.Verdict, []results.RunReason) {
	if len(all) == 1 {
		return all[0], nil, nil
	}
	runs := make([]cases.Verdict, len(all))
	vs := make([]results.Verdict, len(all))
	reasons := make([]string, len(all))
	for i, p := range all {
		runs[i], vs[i], reasons[i] = p.o.Verdict, results.Verdict(p.o.Verdict), p.o.Reason
	}
	if !results.Flaky(vs) {
		return all[0], runs, nil
	}
	distinct := results.RunReasonsOf(vs, reasons)
	worst := cases.Verdict(results.Worst(vs...))
	for _, p := range all {
		if p.o.Verdict == worst {
			p.o.Reason = results.FlakyReason(vs, p.o.Reason)
			return p, runs, distinct
		}
	}
	return all[0], runs, distinct // not reached: worst is one of the runs' verdicts
}

// result returns the job's outcome: it runs the case now if no worker has started it, waits for
// it (bounded by ctx) if one has, and confirms a fail or warn found under concurrency.
func (s *scheduler) result(ctx context.Context, key string) (*job, error) {
	s.mu.Lock()
	j := s.jobs[key]
	runNow := false
	if j.state == queued {
		if s.active > 0 {
			// Workers are running: put the job first in line for its target's next free slot,
			// so the target's limit holds and the entry is not starved by later jobs.
			q := []*job{j}
			for _, o := range s.queue {
				if o != j {
					q = append(q, o)
				}
			}
			s.queue = q
			s.cond.Broadcast()
		} else {
			for !s.free(j.t.Address) && s.ctx.Err() == nil {
				s.cond.Wait()
			}
			if runNow = j.state == queued; runNow {
				s.start(j)
			}
		}
	}
	s.mu.Unlock()
	if runNow {
		s.run(j)
	}
	select {
	case <-j.doneCh:
	case <-ctx.Done():
		return j, ctx.Err()
	case <-s.ctx.Done():
		// the run was cancelled: the job's runner stops within moments, but nobody waits for it
		select {
		case <-j.doneCh: // it finished all the same
		default:
			return j, context.Cause(s.ctx)
		}
	}
	if s.workers > 1 && !j.confirmed && s.needConfirm(j) {
		s.confirm(j)
	}
	return j, ctx.Err()
}

// confirm pauses the pool, waits for the cases in flight to finish, plays the job's case alone
// and keeps that outcome, noting a disagreement with the run under concurrency.
func (s *scheduler) confirm(j *job) {
	s.mu.Lock()
	s.paused = true
	for s.inflight > 0 && s.ctx.Err() == nil {
		s.cond.Wait()
	}
	s.mu.Unlock()

	p := s.play(j)
	o := p.o
	first := j.outcome

	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ctx.Err() == nil {
		if o.Verdict != first.Verdict {
			o.Reason += fmt.Sprintf(" (confirmed alone; the first run, with other cases running concurrently, gave %s: %s)", first.Verdict, first.Reason)
		}
		j.outcome, j.tl, j.recs, j.rep, j.took = o, p.tl, p.recs, p.rep, p.took
	}
	j.confirmed = true
	s.paused = false
	s.cond.Broadcast()
}

// wait lets the workers finish (they stop taking jobs once the run context is cancelled).
func (s *scheduler) wait() { s.wg.Wait() }

// waitAtMost is wait bounded by d, for an interrupted run: a case that ignored its cancelled
// context must not hold the results back (it is reported as not run).
func (s *scheduler) waitAtMost(d time.Duration) {
	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
	}
}
