package target

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/expectspec/expectspec/harness/conv"
)

// aloneWait is how long the last round of Capacity waits for the answer to a plain GET with no
// other connection held: the probe's own deadline, since a target that answers that late alone
// is slow, not gone.
const aloneWait = 5 * time.Second

// Capacity measures how many cases may run at once against a target without the target's own
// queueing turning into verdicts. Many cases hold a connection open with content withheld, and
// a server with a few blocking workers (a sync worker pool) stops answering anyone while they
// are held; the late answers would then read as "not immediate". So: hold n connections with a
// request head whose content is withheld, then send a plain GET on one more connection. If it is
// answered within wait, n connections at once are safe; otherwise try half as many, down to 1.
// A conforming event-driven server passes the first round in one round trip.
//
// When no round holds up, the GET is sent once more with no connection held: a target that does
// not answer even that has stopped answering since the probe (it crashed, or served the probe
// and the contract check and nothing after), and no case could be judged; the error says what it
// did. With max 1 nothing is measured.
func Capacity(ctx context.Context, t Target, max int, wait time.Duration) (int, error) {
	if max <= 1 {
		return 1, nil
	}
	for n := max; n > 1; n /= 2 {
		if holdsUp(ctx, t, n, wait) == nil {
			return n, nil
		}
	}
	if err := holdsUp(ctx, t, 0, aloneWait); err != nil {
		return 1, fmt.Errorf("%s %v (while none of the suite's connections was held; the probe and the contract check before were answered)", describe(t), err)
	}
	return 1, nil
}

// holdsUp holds n connections with content withheld and reports, as an error, what a plain GET
// on one more connection got when it was not answered within wait.
func holdsUp(ctx context.Context, t Target, n int, wait time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, wait+3*time.Second)
	defer cancel()
	held := holdAll(ctx, t, n, wait+3*time.Second)
	defer held.release()
	if held.err != nil {
		return held.err
	}
	a := play(ctx, t, checkScript(t, "capacity", plainGET, wait), checkOptions(wait+3*time.Second))
	switch {
	case a.err != "":
		return fmt.Errorf("refused the connection of a plain GET (%s)", a.err)
	case a.writeErr != "":
		return fmt.Errorf("did not take a plain GET (%s)", a.writeErr)
	case a.answered():
		return nil
	case a.n == 0:
		return fmt.Errorf("did not answer a plain GET within %s (%s)", wait.Round(time.Millisecond), a.ending(wait))
	}
	return fmt.Errorf("answered a plain GET with %q and no response head within %s (%s)", truncate(a.firstLine(), 40), wait.Round(time.Millisecond), a.ending(wait))
}

// heldConns are the conversations Capacity holds open while it sends its GET: each sent a
// request head whose content it withholds, and waits until released.
type heldConns struct {
	cancel context.CancelFunc
	wg     sync.WaitGroup
	err    error // why a connection could not be held (the ones before it are held)
}

// holdAll opens n connections one after the other, each once the head on the one before it was
// sent, so that a server that serves connections in order has taken all of them before the GET.
// Each is held for at most hold, or until release.
func holdAll(ctx context.Context, t Target, n int, hold time.Duration) *heldConns {
	ctx, cancel := context.WithCancel(ctx)
	h := &heldConns{cancel: cancel}
	held := withContent(checkRequest{method: "POST", hold: true}, "hello")
	script := conv.Script{Steps: append(t.steps("held head", held, hold),
		conv.Step{Kind: conv.Await, Label: "held", Until: conv.UntilClose, Within: hold})}
	for i := 1; i <= n && h.err == nil; i++ {
		sent := make(chan conv.Event, 1)
		ended := make(chan *conv.Timeline, 1)
		opt := checkOptions(hold)
		opt.Observe = func(e conv.Event) {
			if e.Kind == conv.EvSent || e.Kind == conv.EvWriteError {
				select { // the script has one send, so one event; never block the driver on another
				case sent <- e:
				default:
				}
			}
		}
		h.wg.Add(1)
		go func() {
			defer h.wg.Done()
			ended <- run(ctx, t, script, opt)
		}()
		select {
		case e := <-sent:
			if e.Kind == conv.EvWriteError {
				h.err = fmt.Errorf("did not take the head of held connection %d of %d (%s)", i, n, e.Error)
			}
		case tl := <-ended:
			h.err = heldEnded(tl, i, n)
		}
	}
	return h
}

// heldEnded says why a held conversation ended before its head was seen sent: the connection
// was refused, or the check was interrupted (or ran out of time) while connecting.
func heldEnded(tl *conv.Timeline, i, n int) error {
	if tl.Err != "" {
		return fmt.Errorf("refused connection %d of %d held open (%s)", i, n, tl.Err)
	}
	if e, ok := tl.First(conv.EvWriteError); ok {
		return fmt.Errorf("did not take the head of held connection %d of %d (%s)", i, n, e.Error)
	}
	if _, ok := tl.First(conv.EvSent); ok {
		return nil // sent, and over already: the target closed it
	}
	return fmt.Errorf("held connection %d of %d was not sent before the measurement ended", i, n)
}

// release closes every held connection and waits for their conversations to end.
func (h *heldConns) release() {
	h.cancel()
	h.wg.Wait()
}
