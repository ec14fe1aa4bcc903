package driver

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/expectspec/expectspec/harness/conv"
	"github.com/expectspec/expectspec/harness/h1"
)

// send writes a step's data in full within its deadline.
func (r *runner) send(st conv.Step) bool {
	if !r.setDeadline(r.c.SetWriteDeadline, time.Now().Add(within(st))) {
		return r.cancel(0)
	}
	n, err := r.c.Write(st.Data)
	if err != nil {
		return r.writeFailed(st.Data[:n], int64(n), err)
	}
	r.record(conv.Event{At: r.at(), Kind: conv.EvSent, Data: r.clip(st.Data), N: int64(n)})
	return true
}

// filler is the content SendStream writes, one chunk at a time. It is only ever read.
var filler = func() []byte {
	b := make([]byte, 64<<10)
	for i := range b {
		b[i] = 'x'
	}
	return b
}()

// sendStream writes Size filler octets with one deadline for the whole stream and records one
// event for it. It does not read: the point of a stream is often to see what the peer does to
// a client that keeps sending.
func (r *runner) sendStream(st conv.Step) bool {
	if !r.setDeadline(r.c.SetWriteDeadline, time.Now().Add(within(st))) {
		return r.cancel(0)
	}
	var n int64
	for n < st.Size {
		chunk := filler[:min(int64(len(filler)), st.Size-n)]
		m, err := r.c.Write(chunk)
		n += int64(m)
		if err != nil {
			return r.writeFailed(nil, n, err)
		}
	}
	r.record(conv.Event{At: r.at(), Kind: conv.EvSent, N: n})
	return true
}

// writeFailed records a failed write and goes on with the script: later awaits still read what
// the peer sent before it went away. A reset seen on the write side is recorded as the RST; a
// broken pipe is not, because Linux reports EPIPE when the peer's FIN came first (the FIN is
// then read, and recorded, by the next await).
func (r *runner) writeFailed(written []byte, n int64, err error) bool {
	if r.isCancelled() {
		return r.cancel(n)
	}
	at := r.at()
	r.record(conv.Event{At: at, Kind: conv.EvWriteError, Data: r.clip(written), N: n, Cause: ioCause(err), Error: describe(err)})
	if isReset(err) && r.tl.State == "" {
		r.record(conv.Event{At: at, Kind: conv.EvRST, Cause: conv.CauseReset, Error: describe(err)})
		r.tl.State = conv.StateRST
	}
	return true
}

// await reads until the step's condition holds, the read side ends, or its deadline passes.
// Reaching the deadline is an event, not a failure.
func (r *runner) await(st conv.Step) bool {
	if r.readDone {
		return true
	}
	if r.buf == nil {
		r.buf = make([]byte, 64<<10)
	}
	deadline := time.Now().Add(within(st))
	// A run whose context has a deadline ends at that instant, as a cancellation: the read
	// deadline is set to it, rather than waiting for the cancellation to reach the connection,
	// which on a busy machine lets in octets that arrived after it.
	ctxEnds := !r.ctxDeadline.IsZero() && r.ctxDeadline.Before(deadline)
	if ctxEnds {
		deadline = r.ctxDeadline
	}
	start := r.msgs
	defer r.headArrived(st)
	for !r.met(st, start) {
		if !r.setDeadline(r.c.SetReadDeadline, deadline) {
			return r.cancel(0)
		}
		n, err := r.c.Read(r.buf)
		if n > 0 {
			r.received(r.buf[:n])
			if r.readDone {
				return true
			}
		}
		switch {
		case err == nil:
		case isTimeout(err):
			if r.isCancelled() || ctxEnds {
				return r.cancel(0)
			}
			r.record(conv.Event{At: r.at(), Kind: conv.EvDeadline, Cause: conv.CauseDeadline})
			return true
		case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
			// (crypto/tls reports a TCP FIN inside a TLS record as an unexpected EOF: the peer
			// closed, mid-record; TCP alone never does)
			r.eof()
			return true
		default:
			r.reset(err)
			return true
		}
	}
	return true
}

// met reports whether an await's condition holds; start is the message count when it began.
func (r *runner) met(st conv.Step, start int) bool {
	switch st.Until {
	case conv.UntilMessage:
		return r.msgs > start
	case conv.UntilFinals:
		return r.finals >= st.Count
	case conv.UntilFinalOrSwitch:
		return r.finals+r.switches >= st.Count
	case conv.UntilFinalHead:
		return r.finals+r.switches+r.pendingHead() >= st.Count
	}
	return false // UntilClose ends only with the read side or the deadline
}

// pendingHead is 1 when the parser holds a message whose header section is complete and whose
// body is still arriving (always a final: a 1xx or 101 is complete at its empty line), else 0.
func (r *runner) pendingHead() int {
	if !r.parseDead && r.head.ok && r.head.count == r.p.Count() {
		return 1
	}
	return 0
}

// headArrived records, when an UntilFinalHead await ended on the head of a final whose body is
// still arriving, that head as an EvHead, once per message, where its header section arrived.
func (r *runner) headArrived(st conv.Step) {
	if st.Until != conv.UntilFinalHead || r.finals+r.switches >= st.Count || r.pendingHead() == 0 || r.headed == r.p.Count()+1 {
		return
	}
	r.headed = r.p.Count() + 1
	m := *r.p.Pending() // a copy: the parser goes on filling its own if a later await reads on
	r.record(conv.Event{At: r.head.at, Kind: conv.EvHead, Step: r.head.step, Msg: &m})
}

// received records octets read and parses them. Everything from one read carries the read's
// offset: the messages it completes arrived then.
func (r *runner) received(b []byte) {
	at := r.at()
	if len(r.tl.Events) >= r.opt.MaxEvents {
		r.limit(at, conv.CauseLimitEvents, fmt.Sprintf("more than %d events on one conversation; reading stopped", r.opt.MaxEvents))
		return
	}
	b = b[:min(int64(len(b)), r.opt.MaxRecv-r.recv)]
	r.recv += int64(len(b))
	r.record(conv.Event{At: at, Kind: conv.EvRecv, Data: r.clipRecv(b), N: int64(len(b))})
	if !r.parseDead {
		msgs, err := r.p.Feed(b)
		r.messages(at, msgs)
		if err != nil {
			r.parseFailed(at, err)
		} else {
			r.notePending(at)
		}
	}
	if r.recv >= r.opt.MaxRecv && !r.readDone {
		r.limit(at, conv.CauseLimitOctets, fmt.Sprintf("read %d octets, the most one conversation may carry; reading stopped", r.opt.MaxRecv))
	}
}

// messages records parsed messages and counts them for the await conditions.
func (r *runner) messages(at time.Duration, msgs []*conv.Response) {
	for _, m := range msgs {
		r.count(m)
		r.record(conv.Event{At: at, Kind: conv.EvMessage, Msg: m})
	}
}

// count counts a parsed message for the await conditions and Step.IfReusable.
func (r *runner) count(m *conv.Response) {
	r.msgs++
	switch {
	case m.Status == 101:
		r.switches++
	case !m.Interim():
		r.finals++
		r.lastFinal = m
	}
}

// reusable reports whether the connection can still carry a request (Step.IfReusable), and if
// not, why.
func (r *runner) reusable() (conv.Cause, string, bool) {
	switch {
	case r.tl.State == conv.StateFIN || r.tl.State == conv.StateRST:
		return conv.CausePeerClosed, fmt.Sprintf("the peer had closed the connection (%s); a further request cannot be sent on it", r.tl.State), false
	case r.readDone:
		return conv.CauseReadStopped, "reading had stopped on this connection; a further request would not be read", false
	case r.switches > 0:
		return conv.CauseSwitched, "the connection switched protocols (101); a further HTTP/1.1 request cannot be sent on it", false
	case r.lastFinal != nil && r.lastFinal.AnnouncesClose():
		return conv.CauseAnnouncedClose, fmt.Sprintf("the final %s %d announced that the connection closes (%s); a client must not send a further request on it (RFC 9112 §9.6)",
			r.lastFinal.Proto, r.lastFinal.Status, closeAnnouncement(r.lastFinal)), false
	}
	return "", "", true
}

// closeAnnouncement says how a response announced the connection's closing.
func closeAnnouncement(m *conv.Response) string {
	if m.HasConnectionOption("close") {
		return "Connection: close"
	}
	return "HTTP/1.0 without keep-alive"
}

// parseFailed records a parse error. One of our own bounds is a limit and stops reading; a
// peer that is not speaking HTTP/1.x stops parsing, but its octets are still recorded until
// the await ends, since what it sent is evidence.
func (r *runner) parseFailed(at time.Duration, err error) {
	r.parseDead = true
	if errors.Is(err, h1.ErrLimit) {
		r.limit(at, h1.CauseOf(err), err.Error())
		return
	}
	r.record(conv.Event{At: at, Kind: conv.EvParseError, Cause: h1.CauseOf(err), Error: err.Error()})
}

// limit records that a safety bound was hit and stops reading for the rest of the script.
func (r *runner) limit(at time.Duration, cause conv.Cause, why string) {
	r.record(conv.Event{At: at, Kind: conv.EvLimit, Cause: cause, Error: why})
	r.readDone = true
}

// eof handles the peer's FIN: it may complete a close-delimited message or reveal a truncated
// one, which is recorded as a Truncated message before the parse error that says what was
// missing. After a reset was seen on the write side, the EOF only means the socket is gone, so
// no FIN is recorded and nothing is completed: a message in progress is Truncated, even a
// close-delimited one.
func (r *runner) eof() {
	r.readDone = true
	if r.tl.State != "" {
		r.truncated()
		return
	}
	at := r.at()
	if !r.parseDead {
		m, err := r.p.EOF()
		if m != nil {
			r.messages(at, []*conv.Response{m})
		}
		if errors.Is(err, h1.ErrTruncated) {
			r.truncated()
		}
		if err != nil {
			r.parseFailed(at, err)
		}
	}
	r.record(conv.Event{At: at, Kind: conv.EvFIN, Cause: conv.CauseFIN})
	r.tl.State = conv.StateFIN
}

// reset handles a read error other than a timeout or EOF: the connection is gone abruptly. A
// message whose header section was complete is recorded as Truncated before the RST, whatever
// its framing: a close-delimited body ended by a reset may not be whole either.
func (r *runner) reset(err error) {
	r.readDone = true
	r.truncated()
	if r.tl.State != "" {
		return
	}
	r.record(conv.Event{At: r.at(), Kind: conv.EvRST, Cause: ioCause(err), Error: describe(err)})
	r.tl.State = conv.StateRST
}

// headNote records where the header section of the parser's message in progress arrived.
type headNote struct {
	ok    bool
	count int           // the parser's Count then: the message is the one after that many
	at    time.Duration // the offset of the read that completed the header section
	step  string        // the step during which it arrived
	index int           // where its event goes in the timeline: after that read's events
}

// notePending notes, after a Feed, where the header section of a message still in progress
// arrived. It asks the parser only when the noted message is no longer the one in progress,
// so a long body costs one Pending call, not one per read.
func (r *runner) notePending(at time.Duration) {
	if r.head.ok && r.head.count == r.p.Count() {
		return
	}
	r.head = headNote{}
	if r.p.Pending() != nil {
		r.head = headNote{ok: true, count: r.p.Count(), at: at, step: r.label, index: len(r.tl.Events)}
	}
}

// truncated records the message the end of the connection cut short, if the parser holds one
// whose header section was complete: its status was sent, even if its body never ended. The
// event is placed where the header section arrived, with that read's offset and step, since
// that is when the status arrived; it therefore precedes the RST, parse error or FIN that ends
// the read side. It does nothing after a parse error (the parser holds nothing trustworthy)
// and runs at most once.
func (r *runner) truncated() {
	if r.cut || r.parseDead {
		return
	}
	m := r.p.Pending()
	if m == nil {
		return
	}
	r.cut = true
	m.Truncated = true
	e := conv.Event{At: r.at(), Kind: conv.EvMessage, Step: r.label, Msg: m}
	index := len(r.tl.Events)
	if r.head.ok && r.head.count == r.p.Count() {
		e.At, e.Step, index = r.head.at, r.head.step, r.head.index
	}
	r.count(m)
	r.tl.Events = slices.Insert(r.tl.Events, index, e)
}
