package suite

import (
	"context"
	"sync"
	"time"

	"github.com/expectspec/expectspec/cases"
	"github.com/expectspec/expectspec/harness/conv"
)

// The scheduler runs cases concurrently while Ginkgo walks the tree one entry at a time: entries
// selected by the filters are queued up front and worked off by a bounded pool; an entry whose
// case has not started yet when Ginkgo reaches it runs it at once itself, so queueing never eats
// into an entry's own deadline.

type jobState int

const (
	queued jobState = iota
	running
	done
)

type job struct {
	key     string
	addr    string
	env     cases.Env
	c       cases.Case
	state   jobState
	doneCh  chan struct{}
	outcome cases.Outcome
	tl      *conv.Timeline
	took    time.Duration
}

type scheduler struct {
	ctx   context.Context
	mu    sync.Mutex
	jobs  map[string]*job
	queue []*job
	wg    sync.WaitGroup
}

func newScheduler(ctx context.Context) *scheduler {
	return &scheduler{ctx: ctx, jobs: map[string]*job{}}
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
	s.mu.Unlock()
	for i := 0; i < n; i++ {
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			for {
				j := s.next()
				if j == nil {
					return
				}
				s.run(j)
			}
		}()
	}
}

// next takes the next queued job off the queue and marks it running.
func (s *scheduler) next() *job {
	s.mu.Lock()
	defer s.mu.Unlock()
	for len(s.queue) > 0 {
		j := s.queue[0]
		s.queue = s.queue[1:]
		if j.state == queued && s.ctx.Err() == nil {
			j.state = running
			return j
		}
	}
	return nil
}

func (s *scheduler) run(j *job) {
	ctx, cancel := context.WithTimeout(s.ctx, caseTimeout(j.c, j.env))
	defer cancel()
	start := time.Now()
	o, tl := RunCase(ctx, j.addr, j.env, j.c)
	s.mu.Lock()
	j.outcome, j.tl, j.took, j.state = o, tl, time.Since(start), done
	s.mu.Unlock()
	close(j.doneCh)
}

// result returns the job's outcome, running it now if no worker has started it, and waiting for
// it (bounded by ctx) if one has.
func (s *scheduler) result(ctx context.Context, key string) (*job, error) {
	s.mu.Lock()
	j := s.jobs[key]
	runNow := j.state == queued
	if runNow {
		j.state = running
	}
	s.mu.Unlock()
	if runNow {
		s.run(j)
	}
	select {
	case <-j.doneCh:
		return j, nil
	case <-ctx.Done():
		return j, ctx.Err()
	}
}

// wait lets the workers finish (they stop taking jobs once the run context is cancelled).
func (s *scheduler) wait() { s.wg.Wait() }
