package driver

import (
	"context"
	"net"
	"sync"
	"time"
)

// canceller makes a run's context interrupt the connection's blocked reads and writes, for both
// drivers: cancellation moves every deadline to the past, and mu orders it against setting
// deadlines, so that once cancelled is set no step can set a new deadline that would undo it.
type canceller struct {
	conn      net.Conn
	mu        sync.Mutex
	cancelled bool
}

// aLongTimeAgo is a deadline in the past: it makes blocked reads and writes return at once.
var aLongTimeAgo = time.Unix(1, 0)

// watch makes ctx's cancellation interrupt blocked I/O. The returned stop waits for the
// callback if it started, so no goroutine outlives the run.
func (g *canceller) watch(ctx context.Context) (stop func()) {
	fired := make(chan struct{})
	stopf := context.AfterFunc(ctx, func() {
		defer close(fired)
		g.mu.Lock()
		defer g.mu.Unlock()
		g.cancelled = true
		g.conn.SetDeadline(aLongTimeAgo)
	})
	return func() {
		if !stopf() {
			<-fired
		}
	}
}

// setDeadline sets a read or write deadline unless the run was cancelled; false means it was.
func (g *canceller) setDeadline(set func(time.Time) error, t time.Time) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.cancelled {
		return false
	}
	set(t) // an error here (closed socket) surfaces on the next read or write
	return true
}

func (g *canceller) isCancelled() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.cancelled
}
