package cases

import (
	"fmt"
	"time"

	"github.com/expectspec/expectspec/harness/conv"
)

// A request that gets no answer ends in one of two ways: the peer stays silent until the suite
// stops waiting, or it closes the connection first. Which of the two a run sees depends on the
// server's idle timeout against the suite's own deadline (uWSGI closes after 4 s, cheroot after
// 10 s, the suite's T_max is 10 s), so the two must be one finding, or the verdict flips with
// the server's configuration and the machine's load.
//
// The line between them is the immediate bound (RTT0 + 1 s). RFC 9110 §10.1.1 wants an immediate
// answer; once the bound has passed with neither a 100 nor a final status, the duty is broken,
// and a close that comes later (most often the server's idle timeout ending its wait for the
// content) does not undo that: it is the same failure as silence, and the reason says that the
// server closed, and when. A close within the bound stays a close: allowed at any time (RFC 9112
// §9.5), though the request got no answer.
//
// A 408 (Request Timeout) after the bound is the same finding too: it is no answer but the
// server saying that it waited until its own timeout (RFC 9110 §15.5.9); cheroot sends one, and
// closes, when its 10 s timeout (like the suite's T_max) runs out first. withoutLateTimeout
// takes it off the timeline before a case is judged, so every judge reads the close that follows
// it, or the silence, and none reads it as an answer.
//
// The same line applies after a request is complete: a close within the bound of its last octet
// is a decision to close (reported as a close); a close after a longer silence is the silence's
// finding.

// silence describes a wait in which nothing answered a header section sent with the content
// withheld, up to the script's next write (or the end of the script).
type silence struct {
	// ok: the wait counts as silence: no response, no unparseable octets, and no close within
	// the immediate bound (a later close is noted in closed and close).
	ok     bool
	closed bool
	close  conv.Event
	// waited is how long the suite withheld the content (T_max when the script never sent it).
	waited time.Duration
	headAt time.Duration
}

// unansweredWithheld classifies the wait after the header section sent at step head, up to the
// script's next write: see silence. A response or unparseable octets in that window make ok
// false, and so does a close within the immediate bound (closed then says so).
func unansweredWithheld(env Env, tl *conv.Timeline, head string) silence {
	headAt, _ := tl.StepAt(head)
	until, sent := tl.NextSendAfter(head)
	s := silence{headAt: headAt, waited: env.Timing.Max}
	if sent {
		s.waited = until - headAt
	}
	for _, e := range tl.Events {
		if e.At < headAt || sent && e.At >= until {
			continue
		}
		switch e.Kind {
		case conv.EvMessage, conv.EvParseError:
			return s
		case conv.EvFIN, conv.EvRST:
			s.closed, s.close = true, e
			s.ok = e.At-headAt > env.Timing.Immediate
			return s
		}
	}
	s.ok = true
	return s
}

// span is how long the silence lasted, for a reason: " within 10000 ms", or "" when a close ended
// it (closeNote says when).
func (s silence) span() string {
	if s.closed {
		return ""
	}
	return " within " + ms(s.waited)
}

// closeNote describes a close that ended the silence after the immediate bound, for a reason;
// "" when the peer stayed silent.
func (s silence) closeNote(env Env) string {
	if !s.closed {
		return ""
	}
	return fmt.Sprintf(", and then closed the connection (%s) %s after the header section, past the immediate bound of %s "+
		"(most likely its idle timeout ending a wait for the content; a client sees an empty reply)", s.close.Kind, ms(s.close.At-s.headAt), ms(env.Timing.Immediate))
}

// gotNone is "got no answer in 10000 ms", or "got no answer before it closed the connection (fin)
// 4003 ms later, …", for reasons that go on after it.
func (s silence) gotNone(env Env) string {
	if !s.closed {
		return "got no answer in " + ms(s.waited)
	}
	return fmt.Sprintf("got no answer, until the server closed the connection (%s) %s later, past the immediate bound of %s "+
		"(most likely its idle timeout ending a wait for the content)", s.close.Kind, ms(s.close.At-s.headAt), ms(env.Timing.Immediate))
}

// closedPromptly returns the peer's close when it came within the immediate bound of since (the
// last octet of a complete request): a decision to close, allowed at any time. A close after a
// longer silence is not returned: it ends a silence and is judged as one (lateClose describes it).
func closedPromptly(env Env, tl *conv.Timeline, since time.Duration) (conv.Event, bool) {
	e, ok := tl.Closed()
	if !ok || e.At-since > env.Timing.Immediate {
		return conv.Event{}, false
	}
	return e, true
}

// lateClose describes, for a reason, a close that came later than the immediate bound after
// since: "; then the server closed the connection (fin) 4003 ms after it, …". "" when the peer
// did not close, or closed promptly.
func lateClose(env Env, tl *conv.Timeline, since time.Duration) string {
	e, ok := tl.Closed()
	if !ok || e.At-since <= env.Timing.Immediate {
		return ""
	}
	return fmt.Sprintf("; the server then closed the connection (%s) %s later, past the immediate bound of %s (most likely its idle timeout), which does not make up for the missing answer",
		e.Kind, ms(e.At-since), ms(env.Timing.Immediate))
}

// closedAfter says, for a reason that goes on after it, how long after since the peer closed:
// " until it closed the connection (fin) 3999 ms later (most likely its idle timeout)"; "" when
// it did not close.
func closedAfter(tl *conv.Timeline, since time.Duration) string {
	e, ok := tl.Closed()
	if !ok {
		return ""
	}
	return fmt.Sprintf(" until it closed the connection (%s) %s later (most likely its idle timeout)", e.Kind, ms(e.At-since))
}

// lastSendBefore returns when the script last wrote before at: the moment the peer had
// everything it was going to get before at.
func lastSendBefore(tl *conv.Timeline, at time.Duration) time.Duration {
	var last time.Duration
	for _, e := range tl.Events {
		if e.At > at {
			break
		}
		if e.Kind == conv.EvSent || e.Kind == conv.EvWriteError {
			last = e.At
		}
	}
	return last
}

// closedSoon reports whether the peer closed within the immediate bound of since.
func closedSoon(env Env, tl *conv.Timeline, since time.Duration) bool {
	_, ok := closedPromptly(env, tl, since)
	return ok
}

// withoutLateTimeout returns the timeline without the 408 (Request Timeout) responses that came
// later than the immediate bound after the script's last write before them (unanswered.go's
// preamble says why), and a note for the reason saying what was set aside ("" when nothing
// was). The raw octets stay on the timeline, so the transcript still shows them.
func withoutLateTimeout(env Env, tl *conv.Timeline) (*conv.Timeline, string) {
	var note string
	out := *tl
	out.Events = nil
	for _, e := range tl.Events {
		if e.Kind == conv.EvMessage && e.Msg != nil && e.Msg.Status == 408 {
			if since := lastSendBefore(tl, e.At); e.At-since > env.Timing.Immediate {
				if note == "" {
					note = fmt.Sprintf("the %s that came %s after the last octet sent is the server's own timeout ending its wait, not an answer: it is read as the silence or the close that followed it", status(e.Msg), ms(e.At-since))
				}
				continue
			}
		}
		out.Events = append(out.Events, e)
	}
	if note == "" {
		return tl, ""
	}
	return &out, note
}
