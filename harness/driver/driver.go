// Package driver plays a conv.Script on a fresh TCP connection (or TLS over one, for an https
// target) and records what happened as a
// conv.Timeline. It reads only inside Await steps: a case that streams content without reading
// must be able to provoke a reset that destroys a response the client never read. Callers that
// play a case reach it through the Driver interface (For picks one per conv.Protocol: HTTP/1.1
// here, HTTP/2 — h2 and h2c — in h2*.go, on x/net/http2's Framer and hpack).
//
// It may import other harness packages, never cases, suite or results.
package driver

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"time"

	"github.com/expectspec/expectspec/harness/conv"
	"github.com/expectspec/expectspec/harness/h1"
)

// Options tune a run. A zero field takes its default.
type Options struct {
	// DialTimeout bounds connecting, and then the TLS handshake. Default 3 s.
	DialTimeout time.Duration
	// TLS, when set, secures the connection: the handshake with this client configuration
	// (ServerName for SNI and verification, NextProtos for ALPN, RootCAs, InsecureSkipVerify)
	// comes before the script, and its outcome is the EvConnect event's Data ("TLS 1.3, ALPN
	// http/1.1"). A failed handshake is a connection that cannot be made (Timeline.Err). nil is
	// cleartext.
	TLS *tls.Config
	// Limits bound the response parser.
	Limits h1.Limits
	// H2 bound what the HTTP/2 driver decodes (RunH2).
	H2 H2Limits
	// MaxRecord bounds the octets copied into one event's Data; N always has the real count.
	// Default 4 KiB.
	MaxRecord int
	// MaxRecv bounds the octets read on one conversation; past it an EvLimit is recorded and
	// reading stops. Default 8 MiB.
	MaxRecv int64
	// MaxRecvRecord bounds the received octets copied into events' Data over one conversation;
	// past it, recv events keep their count N and no copy. Without it a peer that sends many
	// segments of MaxRecord octets makes a timeline hold MaxRecv octets, and a catalogue run
	// (whose timelines are kept for the results file) hold that once per case. Default 64 KiB.
	MaxRecvRecord int64
	// MaxEvents bounds the events one conversation records, so a peer that trickles one octet
	// per segment cannot grow the timeline without bound. Default 2000 (DefaultMaxEvents).
	MaxEvents int
	// Observe, when set, is called with every event as it is recorded, on the goroutine that
	// plays the script, so a caller can act while the conversation goes on: the capacity
	// measurement holds connections open, each until its head was sent, before it plays
	// another conversation.
	Observe func(conv.Event)
}

// The defaults of Options.
const (
	DefaultDialTimeout   = 3 * time.Second
	DefaultMaxRecord     = 4 << 10
	DefaultMaxRecv       = 8 << 20
	DefaultMaxRecvRecord = 64 << 10
	DefaultMaxEvents     = 2000
	// DefaultWithin is the deadline of a step whose Within is zero.
	DefaultWithin = 5 * time.Second
)

func (o Options) withDefaults() Options {
	if o.DialTimeout <= 0 {
		o.DialTimeout = DefaultDialTimeout
	}
	if o.MaxRecord <= 0 {
		o.MaxRecord = DefaultMaxRecord
	}
	if o.MaxRecv <= 0 {
		o.MaxRecv = DefaultMaxRecv
	}
	if o.MaxRecvRecord <= 0 {
		o.MaxRecvRecord = DefaultMaxRecvRecord
	}
	if o.MaxEvents <= 0 {
		o.MaxEvents = DefaultMaxEvents
	}
	return o
}

// Run connects to addr, plays the script and returns the timeline. It never fails: a connection
// that cannot be made sets Timeline.Err, everything else the peer does is an event. It returns
// within the sum of the steps' deadlines plus the dial timeout, and promptly when ctx is done.
func Run(ctx context.Context, addr string, s conv.Script, opt Options) *conv.Timeline {
	opt = opt.withDefaults()
	tl := &conv.Timeline{}
	d := dial(ctx, addr, opt, tl)
	if d == nil {
		return tl
	}
	defer d.close()

	r := &runner{c: d.c, conn: d, opt: opt, p: h1.NewParser(opt.Limits), canceller: canceller{conn: d.c},
		recorder: recorder{tl: tl, observe: opt.Observe, start: time.Now()}}
	r.ctxDeadline, _ = ctx.Deadline()
	stop := r.watch(ctx)
	defer stop()
	connected := conv.Event{At: 0, Kind: conv.EvConnect}
	if d.tls != nil {
		connected.Data = []byte(describeTLS(d.tls.ConnectionState()))
	}
	r.record(connected)
	for _, st := range s.Steps {
		r.label = st.Label
		if st.IfReusable {
			if cause, why, ok := r.reusable(); !ok {
				r.record(conv.Event{At: r.at(), Kind: conv.EvSkipped, Cause: cause, Error: why})
				break
			}
		}
		if !r.run(st) {
			break
		}
	}
	if tl.State == conv.StateRST && !r.readDone {
		// A reset seen on the write side with no await after it: the connection is gone, so a
		// message whose body was still arriving when the last await ended was cut short. (A
		// read side that ended in a limit is not a reason: we stopped reading, not the peer.)
		r.truncated()
	}
	if tl.State == "" {
		tl.State = conv.StateOpen
	}
	return tl
}

// runner is the state of one conversation.
type runner struct {
	c    net.Conn // what is read and written (TCP, or TLS over it)
	conn *dialed  // the same connection, for closing our side
	opt  Options
	p    *h1.Parser
	// recorder keeps the timeline: the events, stamped with the step being played (label).
	recorder
	// ctxDeadline is the run's context's deadline (zero if none): no await reads past it.
	ctxDeadline time.Time
	buf         []byte // the read buffer, allocated by the first await

	msgs, finals int            // messages and final responses parsed
	switches     int            // 101 (Switching Protocols) responses parsed
	lastFinal    *conv.Response // the latest final response parsed
	recv         int64          // octets read
	recorded     int64          // octets read that were copied into events' Data
	parseDead    bool           // the parser failed: octets are still recorded, no longer parsed
	readDone     bool           // the read side is over (EOF, reset, limit): awaits return at once

	// head is where the header section of the message in progress arrived (see notePending),
	// so a message that the end of the connection cuts short is recorded where its status
	// arrived; cut says that was done.
	head headNote
	cut  bool
	// headed is 1 + the parser's Count when the message in progress got its EvHead.
	headed int

	// canceller lets ctx interrupt blocked I/O (watch) and keeps deadlines from undoing that.
	canceller
}

// clip returns a bounded copy of b for an event's Data.
func (r *runner) clip(b []byte) []byte { return clipTo(b, r.opt.MaxRecord) }

// clipTo returns a copy of b's first n octets at most (nil for none).
func clipTo(b []byte, n int) []byte {
	if len(b) == 0 {
		return nil
	}
	return append([]byte(nil), b[:min(len(b), n)]...)
}

// clipRecv is clip for octets read, within the conversation's MaxRecvRecord.
func (r *runner) clipRecv(b []byte) []byte {
	b = b[:min(int64(len(b)), max(0, r.opt.MaxRecvRecord-r.recorded))]
	c := r.clip(b)
	r.recorded += int64(len(c))
	return c
}

// run plays one step; false stops the script (the run was cancelled or the step is invalid).
func (r *runner) run(st conv.Step) bool {
	if r.isCancelled() {
		return r.cancel(0)
	}
	switch st.Kind {
	case conv.Send:
		return r.send(st)
	case conv.SendStream:
		return r.sendStream(st)
	case conv.Await:
		return r.await(st)
	case conv.HalfClose:
		return r.halfClose(r.conn)
	}
	r.tl.Err = fmt.Sprintf("step %q has unknown kind %d (a defect of the script)", st.Label, st.Kind)
	return false
}

// within is a step's deadline: Within, or DefaultWithin when it is zero.
func within(st conv.Step) time.Duration {
	if st.Within <= 0 {
		return DefaultWithin
	}
	return st.Within
}
