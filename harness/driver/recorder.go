package driver

import (
	"time"

	"github.com/expectspec/expectspec/harness/conv"
)

// recorder keeps a conversation's timeline for both drivers: offsets from its start, and every
// event stamped with the label of the step being played.
type recorder struct {
	tl      *conv.Timeline
	observe func(conv.Event) // Options.Observe
	start   time.Time
	label   string // the step being played
}

// at is the offset of now from the start of the conversation.
func (r *recorder) at() time.Duration { return time.Since(r.start) }

// record appends an event, stamping the current step's label, and shows it to Observe.
func (r *recorder) record(e conv.Event) {
	if e.Step == "" {
		e.Step = r.label
	}
	r.tl.Events = append(r.tl.Events, e)
	if r.observe != nil {
		r.observe(e)
	}
}

// cancel records that ctx ended the run during the current step; n is what the step had
// written. It returns false so the caller stops the script.
func (r *recorder) cancel(n int64) bool {
	r.record(conv.Event{At: r.at(), Kind: conv.EvDeadline, N: n, Cause: conv.CauseCancelled, Error: "cancelled"})
	return false
}

// halfClose sends our FIN on d (over TLS a close_notify first), leaves the read side open and
// records it, for both drivers; a failure is recorded on the event and the script goes on.
func (r *recorder) halfClose(d *dialed) bool {
	e := conv.Event{At: r.at(), Kind: conv.EvHalfClose}
	if err := d.closeWrite(); err != nil {
		e.Cause, e.Error = ioCause(err), describe(err)
	}
	r.record(e)
	return true
}
