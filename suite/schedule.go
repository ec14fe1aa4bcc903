package suite

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/expectspec/expectspec/cases"
	"github.com/expectspec/expectspec/harness/conv"
)

// The scheduler runs cases concurrently while Ginkgo walks the tree one entry at a time: entries
// selected by the filters are queued up front and worked off by a bounded pool; an entry whose
// case has not started yet when Ginkgo reaches it runs it at once itself, so queueing never eats
// into an entry's own deadline.
//
// Concurrency must never turn into a verdict: a server with two workers answers the ninth
// concurrent request late, and that is not the server failing "immediate". So a fail or warn
// found under concurrency is confirmed by running the case again alone (the pool paused and
// drained), and the run alone decides.

type jobState int

const (
	queued jobState = iota
	running
	done
)

type job struct {
	key       string
	addr      string
	env       cases.Env
	c         cases.Case
	state     jobState
	doneCh    chan struct{}
	outcome   cases.Outcome
	tl        *conv.Timeline
	took      time.Duration
	confirmed bool
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
}

func newScheduler(ctx context.Context) *scheduler {
	s := &scheduler{ctx: ctx, jobs: map[string]*job{}, needConfirm: func(j *job) bool {
		return j.outcome.Verdict == cases.Fail || j.outcome.Verdict == cases.Warn
	}}
	s.cond = sync.NewCond(&s.mu)
	context.AfterFunc(ctx, func() {
		s.mu.Lock()
		s.cond.Broadcast()
		s.mu.Unlock()
	})
	return s
}

// add registers a case for a target; it does not start it.
func (s *scheduler) add(key, addr string, env cases.Env, c cases.Case) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.jobs[key]; ok {
		return
	}
	j := &job{key: key, addr: addr, env: env, c: c, doneCh: make(chan struct{})}
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
	s.workers = n
	s.mu.Unlock()
	for i := 0; i < n; i++ {
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			for j := s.next(); j != nil; j = s.next() {
				s.run(j)
			}
		}()
	}
}

// next takes the next queued job off the queue, waiting while the pool is paused.
func (s *scheduler) next() *job {
	s.mu.Lock()
	defer s.mu.Unlock()
	for {
		for s.paused && s.ctx.Err() == nil {
			s.cond.Wait()
		}
		if len(s.queue) == 0 || s.ctx.Err() != nil {
			return nil
		}
		j := s.queue[0]
		s.queue = s.queue[1:]
		if j.state == queued {
			j.state = running
			s.inflight++
			return j
		}
	}
}

// run plays the job's case (its state is already running) and records the outcome.
func (s *scheduler) run(j *job) {
	o, tl, took := s.play(j)
	s.mu.Lock()
	j.outcome, j.tl, j.took, j.state = o, tl, took, done
	s.inflight--
	s.cond.Broadcast()
	s.mu.Unlock()
	close(j.doneCh)
}

func (s *scheduler) play(j *job) (cases.Outcome, *conv.Timeline, time.Duration) {
	ctx, cancel := context.WithTimeout(s.ctx, caseTimeout(j.c, j.env))
	defer cancel()
	start := time.Now()
	o, tl := RunCase(ctx, j.addr, j.env, j.c)
	return o, tl, time.Since(start)
}

// result returns the job's outcome: it runs the case now if no worker has started it, waits for
// it (bounded by ctx) if one has, and confirms a fail or warn found under concurrency.
func (s *scheduler) result(ctx context.Context, key string) (*job, error) {
	s.mu.Lock()
	j := s.jobs[key]
	runNow := j.state == queued
	if runNow {
		j.state = running
		s.inflight++
	}
	s.mu.Unlock()
	if runNow {
		s.run(j)
	}
	select {
	case <-j.doneCh:
	case <-ctx.Done():
		return j, ctx.Err()
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

	o, tl, took := s.play(j)
	first := j.outcome

	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ctx.Err() == nil {
		if o.Verdict != first.Verdict {
			o.Reason += fmt.Sprintf(" (confirmed alone; the first run, with other cases running concurrently, gave %s: %s)", first.Verdict, first.Reason)
		}
		j.outcome, j.tl, j.took = o, tl, took
	}
	j.confirmed = true
	s.paused = false
	s.cond.Broadcast()
}

// wait lets the workers finish (they stop taking jobs once the run context is cancelled).
func (s *scheduler) wait() { s.wg.Wait() }
