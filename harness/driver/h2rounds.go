package driver

import (
	"time"

	"github.com/expectspec/expectspec/harness/conv"
)

// Rounds: one exchange repeated on fresh streams, as often as the peer's windows need, within
// one deadline (conv.Rounds). The flow-control case uses it to spend a connection window on
// streams the server has already answered: each stream's own window is spent after one round
// (a server owes no credit on a stream it closed), so a connection window larger than a
// stream's takes several.

// rounds plays a Rounds step. A step of a round gets what is left of the step's deadline when
// that is shorter than its own; the rounds end at the first stall (stalled).
func (r *h2run) rounds(st conv.Step) bool {
	deadline := time.Now().Add(within(st))
	for round := 0; round < st.Count; round++ {
		base := r.finals
		for _, s := range st.H2.Round {
			left := time.Until(deadline)
			if left <= 0 {
				r.record(conv.Event{At: r.at(), Kind: conv.EvDeadline, Cause: conv.CauseDeadline, Error: "the rounds' deadline passed"})
				return true
			}
			if s.Kind != conv.SendFrame || s.H2.Stream != 0 {
				s.H2.Stream = s.H2.StreamOr1() + uint32(2*round)
			}
			if s.Kind == conv.Await && s.Until == conv.UntilFinals {
				s.Count += base
			}
			s.Within = min(within(s), left)
			r.label = s.Label
			before := r.stalls()
			if !r.run(s) {
				return false
			}
			if r.goaway || r.readDone || r.stalls() > before {
				return true
			}
		}
	}
	return true
}

// stalls counts the events that say a step ran to its deadline or could not write: an await's
// EvDeadline, a write's EvWriteError (a SendData that could not send all is one).
func (r *h2run) stalls() int {
	n := 0
	for _, e := range r.tl.Events {
		if e.Kind == conv.EvDeadline || e.Kind == conv.EvWriteError {
			n++
		}
	}
	return n
}

// handleReady handles the frames already read, without waiting for more: a NoWait SendData
// sends within the windows as the peer last set them. It takes only those queued when it
// starts, so a peer that keeps sending (a PING flood) cannot hold it past them: it has no
// deadline of its own.
func (r *h2run) handleReady() {
	for n := len(r.frames); n > 0 && !r.readDone; n-- {
		select {
		case rx := <-r.frames:
			r.handle(rx)
		default:
			return
		}
	}
}
