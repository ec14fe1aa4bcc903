package driver

import (
	"fmt"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"

	"github.com/expectspec/expectspec/harness/conv"
)

// preface opens the HTTP/2 connection: the client preface, SETTINGS, and credit for the larger
// connection window (RFC 9113 §3.4, §6.9.2). The server's SETTINGS are answered when they are
// read, like every frame; the first steps need not wait for them (§3.4 lets the client send
// at once). False when the preface could not be written.
func (r *h2run) preface() bool {
	if !r.setDeadline(r.c.SetWriteDeadline, time.Now().Add(r.opt.DialTimeout)) {
		return r.cancel(0)
	}
	if _, err := r.c.Write([]byte(http2.ClientPreface)); err != nil {
		r.writeFailed(nil, 0, err)
		return false
	}
	settings := []http2.Setting{
		{ID: http2.SettingEnablePush, Val: 0},
		{ID: http2.SettingInitialWindowSize, Val: h2RecvWindow},
		{ID: http2.SettingMaxHeaderListSize, Val: uint32(r.opt.H2.MaxHeaderList)},
	}
	ok := r.housekeeping(&conv.FrameInfo{Type: "SETTINGS", Length: uint32(6 * len(settings))}, func() error { return r.fr.WriteSettings(settings...) }) &&
		r.housekeeping(&conv.FrameInfo{Type: "WINDOW_UPDATE", Length: 4, Increment: h2RecvWindow - 65535}, func() error { return r.fr.WriteWindowUpdate(0, h2RecvWindow-65535) })
	return ok
}

// housekeeping writes a frame the driver sends on its own and records it as an EvFrame with
// Sent set; a failure is recorded on that event (the next read shows why the peer went away).
func (r *h2run) housekeeping(info *conv.FrameInfo, write func() error) bool {
	info.Sent = true
	e := conv.Event{Kind: conv.EvFrame, Frame: info}
	if !r.setDeadline(r.c.SetWriteDeadline, time.Now().Add(h2HousekeepingWithin)) {
		return false
	}
	if err := write(); err != nil {
		e.Cause, e.Error = ioCause(err), describe(err)
	}
	e.At = r.at()
	r.record(e)
	return e.Error == ""
}

// run plays one step; false stops the script.
func (r *h2run) run(st conv.Step) bool {
	if r.isCancelled() {
		return r.cancel(0)
	}
	switch st.Kind {
	case conv.Await:
		return r.await(st)
	case conv.Send:
		return r.write(st, &conv.FrameInfo{Type: "raw octets", Length: uint32(len(st.Data))}, func() error { _, err := r.c.Write(st.Data); return err })
	case conv.SendHeaders:
		return r.sendHeaders(st)
	case conv.SendData:
		return r.sendData(st)
	case conv.SendReset:
		id := st.H2.StreamOr1()
		return r.write(st, &conv.FrameInfo{Type: "RST_STREAM", Stream: id, Length: 4, Code: st.H2.Code}, func() error { return r.fr.WriteRSTStream(id, http2.ErrCode(st.H2.Code)) })
	case conv.SendFrame:
		f := st.H2
		return r.write(st, &conv.FrameInfo{Type: http2.FrameType(f.Type).String(), Stream: f.Stream, Flags: f.Flags, Length: uint32(len(st.Data))},
			func() error {
				return r.fr.WriteRawFrame(http2.FrameType(f.Type), http2.Flags(f.Flags), f.Stream, st.Data)
			})
	case conv.Rounds:
		return r.rounds(st)
	case conv.HalfClose:
		return r.halfClose(r.conn)
	}
	r.tl.Err = fmt.Sprintf("step %q has kind %d, which the HTTP/2 driver does not play (a defect of the script)", st.Label, st.Kind)
	return false
}

// write makes a step's write within its deadline and records it as EvSent with its frame, or as
// EvWriteError; the script goes on either way.
func (r *h2run) write(st conv.Step, info *conv.FrameInfo, do func() error) bool {
	if !r.setDeadline(r.c.SetWriteDeadline, time.Now().Add(within(st))) {
		return r.cancel(0)
	}
	if err := do(); err != nil {
		return r.writeFailed(info, 0, err)
	}
	r.record(conv.Event{At: r.at(), Kind: conv.EvSent, Frame: info, N: int64(info.Length)})
	return true
}

// writeFailed records a failed write of a step; a reset ends the connection's record.
func (r *h2run) writeFailed(info *conv.FrameInfo, n int64, err error) bool {
	if r.isCancelled() {
		return r.cancel(n)
	}
	r.record(conv.Event{At: r.at(), Kind: conv.EvWriteError, Frame: info, N: n, Cause: ioCause(err), Error: describe(err)})
	if isReset(err) {
		r.ended(conv.EvRST, conv.CauseReset, describe(err))
	}
	return true
}

// sendHeaders encodes the step's fields as given (literals, no dynamic table) and sends them as
// HEADERS, with CONTINUATION frames when the block is larger than the peer's frame size.
func (r *h2run) sendHeaders(st conv.Step) bool {
	r.encBuf.b = r.encBuf.b[:0]
	for _, f := range st.H2.Fields {
		r.enc.WriteField(hpack.HeaderField{Name: f.Name, Value: f.Value})
	}
	block := r.encBuf.b
	id := st.H2.StreamOr1()
	r.stream(id) // its send window starts now, from the peer's initial window
	var flags uint8 = conv.FlagEndHeaders
	if st.H2.EndStream {
		flags |= conv.FlagEndStream
	}
	info := &conv.FrameInfo{Type: "HEADERS", Stream: id, Flags: flags, Length: uint32(len(block)), Fields: st.H2.Fields}
	return r.write(st, info, func() error {
		first := block[:min(len(block), int(r.maxFrame))]
		rest := block[len(first):]
		err := r.fr.WriteHeaders(http2.HeadersFrameParam{StreamID: id, BlockFragment: first, EndStream: st.H2.EndStream, EndHeaders: len(rest) == 0})
		for err == nil && len(rest) > 0 {
			frag := rest[:min(len(rest), int(r.maxFrame))]
			rest = rest[len(frag):]
			err = r.fr.WriteContinuation(id, len(rest) == 0, frag)
		}
		return err
	})
}

// sendData sends the step's content in DATA frames within the peer's windows. While the
// windows are shut it handles what the peer sends (WINDOW_UPDATE opens them); what it could not
// send by the step's deadline is an EvWriteError with CauseConnectionWindow when the
// connection's window was the shut one, else CauseFlowControl. With H2.NoWait it sends what the
// windows allow once the frames already read are handled, and stops there.
func (r *h2run) sendData(st conv.Step) bool {
	id := st.H2.StreamOr1()
	s := r.stream(id)
	if st.H2.NoWait {
		r.handleReady()
	}
	total := int64(len(st.Data))
	if total == 0 {
		total = st.Size
	}
	chunk := func(off, n int64) []byte {
		if st.Data != nil {
			return st.Data[off : off+n]
		}
		return filler[:n]
	}
	deadline := time.Now().Add(within(st))
	var sent int64
	// room is how much the next frame may carry: the rest, within the frame size and both windows.
	room := func() int64 { return min(total-sent, int64(r.maxFrame), r.sendConn, s.sendWindow, int64(len(filler))) }
	for first := true; first || sent < total; first = false {
		n := room()
		if n <= 0 && st.H2.NoWait && total > sent {
			break
		}
		for n <= 0 && total > sent {
			if !r.waitForWindow(deadline) {
				if r.isCancelled() {
					return r.cancel(sent)
				}
				cause := conv.CauseFlowControl
				if r.sendConn <= 0 {
					cause = conv.CauseConnectionWindow
				}
				r.record(conv.Event{At: r.at(), Kind: conv.EvWriteError, N: sent, Cause: cause,
					Frame: &conv.FrameInfo{Type: "DATA", Stream: id, Length: uint32(sent)},
					Error: fmt.Sprintf("sent %d of %d octets: the peer's flow-control window stayed shut (stream %d, connection %d)", sent, total, s.sendWindow, r.sendConn)})
				return true
			}
			n = room()
		}
		end := st.H2.EndStream && sent+n == total
		if !r.setDeadline(r.c.SetWriteDeadline, deadline) {
			return r.cancel(sent)
		}
		if err := r.fr.WriteData(id, end, chunk(sent, n)); err != nil {
			return r.writeFailed(&conv.FrameInfo{Type: "DATA", Stream: id, Length: uint32(sent)}, sent, err)
		}
		sent += n
		r.sendConn -= n
		s.sendWindow -= n
	}
	var flags uint8
	if st.H2.EndStream {
		flags = conv.FlagEndStream
	}
	info := &conv.FrameInfo{Type: "DATA", Stream: id, Flags: flags, Length: uint32(sent)}
	r.record(conv.Event{At: r.at(), Kind: conv.EvSent, Frame: info, N: sent, Data: clipTo(st.Data, r.opt.MaxRecord)})
	return true
}

// waitForWindow handles the peer's frames until one arrives (the caller looks at the windows
// again), the deadline passes, the read side ends or the run is cancelled; false for the last
// three.
func (r *h2run) waitForWindow(deadline time.Time) bool {
	if r.readDone {
		return false
	}
	t := time.NewTimer(time.Until(deadline))
	defer t.Stop()
	select {
	case rx := <-r.frames:
		r.handle(rx)
		return !r.readDone
	case <-t.C:
	case <-r.ctx.Done():
	}
	return false
}

// await handles frames until the step's condition holds, the read side ends, or its deadline
// passes (an event, not a failure).
func (r *h2run) await(st conv.Step) bool {
	// ctx's own end is its Done channel below: the timer is only the step's deadline.
	t := time.NewTimer(within(st))
	defer t.Stop()
	start := r.msgs
	defer r.headArrived(st)
	for !r.met(st, start) && !r.readDone {
		select {
		case rx := <-r.frames:
			r.handle(rx)
		case <-t.C:
			if r.isCancelled() {
				return r.cancel(0)
			}
			r.record(conv.Event{At: r.at(), Kind: conv.EvDeadline, Cause: conv.CauseDeadline})
			return true
		case <-r.ctx.Done():
			return r.cancel(0)
		}
	}
	return true
}

// met reports whether an await's condition holds, with the h2 meanings conv documents.
func (r *h2run) met(st conv.Step, start int) bool {
	switch st.Until {
	case conv.UntilMessage:
		return r.msgs > start
	case conv.UntilFinals, conv.UntilFinalOrSwitch:
		return r.finals >= st.Count
	case conv.UntilFinalHead:
		return r.finals+len(r.pending) >= st.Count
	case conv.UntilClose:
		s := r.streams[st.H2.StreamOr1()]
		return r.goaway || s != nil && s.ended
	}
	return false
}

// headArrived records, when an UntilFinalHead await ended on a final still arriving, its head
// as an EvHead where its header block arrived, once.
func (r *h2run) headArrived(st conv.Step) {
	if st.Until != conv.UntilFinalHead || r.finals >= st.Count {
		return
	}
	for _, s := range r.pending { // in the order the heads arrived
		if !s.headed {
			s.headed = true
			m := *s.final
			r.record(conv.Event{At: s.head.at, Kind: conv.EvHead, Step: s.head.step, Msg: &m})
		}
	}
}
