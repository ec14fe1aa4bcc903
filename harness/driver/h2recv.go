package driver

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"

	"github.com/expectspec/expectspec/harness/conv"
)

// rxFrame is a frame as readFrames hands it over: an owned copy of what the script's goroutine
// needs, or the error that ended reading.
type rxFrame struct {
	hdr      http2.FrameHeader
	payload  []byte // DATA: the data (padding removed); HEADERS, CONTINUATION: the block fragment
	code     uint32 // RST_STREAM, GOAWAY
	settings []http2.Setting
	ping     [8]byte
	incr     uint32 // WINDOW_UPDATE
	err      error
}

// readFrames reads frames until the connection ends, an error, or stopReading. The Framer's
// frames are valid only until the next read, so each is copied. It needs no count of its own:
// every frame handled records an event, so Options.MaxEvents bounds the frames read (handle
// stops at it, and the reader then blocks on the full channel until stopReading).
func (r *h2run) readFrames() {
	defer close(r.readerGone)
	for {
		rx := copyFrame(r.fr.ReadFrame())
		select {
		case r.frames <- rx:
		case <-r.quit:
			return
		}
		if rx.err != nil {
			var se http2.StreamError
			if !errors.As(rx.err, &se) { // a stream error leaves the connection readable
				return
			}
		}
	}
}

func copyFrame(f http2.Frame, err error) rxFrame {
	if err != nil {
		return rxFrame{err: err}
	}
	rx := rxFrame{hdr: f.Header()}
	switch f := f.(type) {
	case *http2.DataFrame:
		rx.payload = slices.Clone(f.Data())
	case *http2.HeadersFrame:
		rx.payload = slices.Clone(f.HeaderBlockFragment())
	case *http2.ContinuationFrame:
		rx.payload = slices.Clone(f.HeaderBlockFragment())
	case *http2.RSTStreamFrame:
		rx.code = uint32(f.ErrCode)
	case *http2.GoAwayFrame:
		rx.code = uint32(f.ErrCode)
	case *http2.SettingsFrame:
		f.ForeachSetting(func(s http2.Setting) error { rx.settings = append(rx.settings, s); return nil })
	case *http2.PingFrame:
		rx.ping = f.Data
	case *http2.WindowUpdateFrame:
		rx.incr = f.Increment
	}
	return rx
}

// handle records one frame read and acts on it.
func (r *h2run) handle(rx rxFrame) {
	if rx.err != nil {
		r.readFailed(rx.err)
		return
	}
	if len(r.tl.Events) >= r.opt.MaxEvents {
		r.limit(conv.CauseLimitEvents, fmt.Sprintf("more than %d events on one conversation; reading stopped", r.opt.MaxEvents))
		return
	}
	h := rx.hdr
	info := &conv.FrameInfo{Stream: h.StreamID, Type: h.Type.String(), Flags: uint8(h.Flags), Length: h.Length, Code: rx.code, Increment: rx.incr}
	r.record(conv.Event{At: r.at(), Kind: conv.EvFrame, Frame: info, N: int64(h.Length)})
	switch h.Type {
	case http2.FrameSettings:
		if !h.Flags.Has(http2.FlagSettingsAck) {
			r.settings(rx.settings)
		}
	case http2.FramePing:
		if !h.Flags.Has(http2.FlagPingAck) {
			r.housekeeping(&conv.FrameInfo{Type: "PING", Flags: 0x1, Length: 8}, func() error { return r.fr.WritePing(true, rx.ping) })
		}
	case http2.FrameWindowUpdate:
		if h.StreamID == 0 {
			r.sendConn += int64(rx.incr)
		} else {
			r.stream(h.StreamID).sendWindow += int64(rx.incr)
		}
	case http2.FrameHeaders:
		r.block = &headerBlock{stream: h.StreamID, endStream: h.Flags.Has(http2.FlagHeadersEndStream), frame: info}
		r.fragment(h, rx.payload)
	case http2.FrameContinuation:
		r.fragment(h, rx.payload)
	case http2.FrameData:
		r.data(h, rx.payload)
	case http2.FrameRSTStream:
		r.streamEnded(h.StreamID, true)
	case http2.FrameGoAway:
		r.goaway = true
	}
}

// settings applies the peer's SETTINGS (RFC 9113 §6.5.2, §6.9.2) and acknowledges them.
func (r *h2run) settings(ss []http2.Setting) {
	for _, s := range ss {
		switch s.ID {
		case http2.SettingInitialWindowSize:
			delta := int64(s.Val) - r.streamWindow
			for _, st := range r.streams {
				st.sendWindow += delta
			}
			r.streamWindow = int64(s.Val)
		case http2.SettingMaxFrameSize:
			r.maxFrame = min(max(s.Val, h2FrameSize), 1<<24-1)
		}
	}
	r.housekeeping(&conv.FrameInfo{Type: "SETTINGS", Flags: 0x1}, r.fr.WriteSettingsAck)
}

// fragment adds a HEADERS or CONTINUATION fragment to the block in progress, and decodes the
// block at END_HEADERS.
func (r *h2run) fragment(h http2.FrameHeader, frag []byte) {
	b := r.block
	if b == nil { // the Framer lets no stray CONTINUATION through; this is only defence
		return
	}
	if len(b.frag)+len(frag) > r.opt.H2.MaxHeaderBlock {
		r.limit(conv.CauseLimitLength, fmt.Sprintf("a header block on stream %d longer than %d octets; reading stopped", b.stream, r.opt.H2.MaxHeaderBlock))
		return
	}
	b.frag = append(b.frag, frag...)
	if h.Flags.Has(http2.FlagHeadersEndHeaders) {
		r.block = nil
		r.blockDone(b)
	}
}

// decode decodes a complete header block, within MaxHeaderList.
func (r *h2run) decode(frag []byte) ([]conv.Field, error) {
	var fields []conv.Field
	size := 0
	var over bool
	r.dec.SetEmitFunc(func(f hpack.HeaderField) {
		size += len(f.Name) + len(f.Value) + 32
		if size > r.opt.H2.MaxHeaderList {
			over = true
			r.dec.SetEmitEnabled(false)
			return
		}
		fields = append(fields, conv.Field{Name: f.Name, Value: f.Value})
	})
	defer r.dec.SetEmitEnabled(true)
	if _, err := r.dec.Write(frag); err != nil {
		return nil, err
	}
	if err := r.dec.Close(); err != nil {
		return nil, err
	}
	if over {
		return nil, errHeaderList
	}
	return fields, nil
}

var errHeaderList = errors.New("header list too long")

// blockDone turns a complete header block into a message: an interim one at once, a final one
// when its stream ends (a block carrying END_STREAM ends it here).
func (r *h2run) blockDone(b *headerBlock) {
	fields, err := r.decode(b.frag)
	if errors.Is(err, errHeaderList) {
		r.limit(conv.CauseLimitLength, fmt.Sprintf("a header block on stream %d decodes to more than %d octets; reading stopped", b.stream, r.opt.H2.MaxHeaderList))
		return
	}
	if err != nil { // the decoder's state is lost with it: nothing later can be decoded
		r.parseError(conv.CauseFieldBlock, fmt.Sprintf("the header block on stream %d cannot be decoded (%v); reading stopped", b.stream, err), true)
		return
	}
	b.frame.Fields = fields
	s := r.stream(b.stream)
	status, header := splitStatus(fields)
	switch {
	case status == "" && s.final != nil: // trailers
		if b.endStream {
			r.streamEnded(b.stream, false)
		}
		return
	case status == "":
		r.parseError(conv.CauseFieldBlock, fmt.Sprintf("a response header block on stream %d has no :status", b.stream), false)
	default:
		code, err := strconv.Atoi(status)
		if err != nil || len(status) != 3 {
			r.parseError(conv.CauseFieldBlock, fmt.Sprintf("the :status %q on stream %d is not a three-digit code", status, b.stream), false)
			break
		}
		m := &conv.Response{Proto: "HTTP/2", Status: code, Header: header, Framing: "stream"}
		if m.Interim() || b.endStream || s.final != nil {
			r.message(m)
		} else {
			s.final = m
			s.head = headNote{ok: true, at: r.at(), step: r.label, index: len(r.tl.Events)}
			r.pending = append(r.pending, s)
		}
	}
	if b.endStream {
		r.streamEnded(b.stream, false)
	}
}

// splitStatus returns the first :status and the regular fields, in order.
func splitStatus(fields []conv.Field) (string, []conv.Field) {
	status, found := "", false
	var header []conv.Field
	for _, f := range fields {
		switch {
		case f.Name == ":status" && !found:
			status, found = f.Value, true
		case !strings.HasPrefix(f.Name, ":"):
			header = append(header, f)
		}
	}
	return status, header
}

// data records DATA as the body of the stream's final, and gives flow-control credit back.
func (r *h2run) data(h http2.FrameHeader, payload []byte) {
	s := r.stream(h.StreamID)
	if m := s.final; m != nil {
		m.BodyLen += int64(len(payload))
		if keep := r.opt.MaxRecord - len(m.Body); keep > 0 {
			m.Body = append(m.Body, payload[:min(keep, len(payload))]...)
		}
	}
	if h.Flags.Has(http2.FlagDataEndStream) {
		r.streamEnded(h.StreamID, false)
	}
	// All DATA counts against the windows, padding included (RFC 9113 §6.9.1).
	r.connOwed += int64(h.Length)
	s.owed += int64(h.Length)
	if r.connOwed >= h2RecvRefill {
		n := r.connOwed
		r.connOwed = 0
		r.housekeeping(&conv.FrameInfo{Type: "WINDOW_UPDATE", Length: 4, Increment: uint32(n)}, func() error { return r.fr.WriteWindowUpdate(0, uint32(n)) })
	}
	if s.owed >= h2RecvRefill && !s.ended {
		n := s.owed
		s.owed = 0
		r.housekeeping(&conv.FrameInfo{Type: "WINDOW_UPDATE", Stream: h.StreamID, Length: 4, Increment: uint32(n)}, func() error { return r.fr.WriteWindowUpdate(h.StreamID, uint32(n)) })
	}
}

// streamEnded marks that the peer ended a stream: its pending final is complete, or, after a
// reset, cut short.
func (r *h2run) streamEnded(id uint32, reset bool) {
	s := r.stream(id)
	s.ended = true
	if s.final == nil {
		return
	}
	if reset {
		r.cutShort(s)
		return
	}
	r.placeFinal(s)
}

// cutShort records a stream's final whose header block arrived and whose stream never ended:
// Truncated, where its header block arrived, as the HTTP/1.1 driver does.
func (r *h2run) cutShort(s *h2stream) {
	s.final.Truncated = true
	r.placeFinal(s)
}

// placeFinal records a stream's final, complete or cut short, where its header block arrived,
// with its body as the DATA brought it. It counts only now, so UntilFinals waits for the
// stream's end as over HTTP/1.1 it waits for the body's end; but its place is its head's, so a
// 1xx that came between the final's header block and the stream's end — a late interim that
// RFC 9113 §8.1 forbids — follows the final in Messages(), in the order the blocks arrived.
func (r *h2run) placeFinal(s *h2stream) {
	m := s.final
	s.final = nil
	r.pending = slices.DeleteFunc(r.pending, func(o *h2stream) bool { return o == s })
	r.count(m)
	e := conv.Event{At: s.head.at, Kind: conv.EvMessage, Step: s.head.step, Msg: m}
	r.tl.Events = slices.Insert(r.tl.Events, s.head.index, e)
	for _, o := range r.pending { // the events after it moved by one
		if o.head.index >= s.head.index {
			o.head.index++
		}
	}
}

// message records a complete message and counts it.
func (r *h2run) message(m *conv.Response) {
	r.count(m)
	r.record(conv.Event{At: r.at(), Kind: conv.EvMessage, Msg: m})
}

func (r *h2run) count(m *conv.Response) {
	r.msgs++
	if !m.Interim() {
		r.finals++
	}
}

// stream returns the state of a stream, made on first use.
func (r *h2run) stream(id uint32) *h2stream {
	s := r.streams[id]
	if s == nil {
		s = &h2stream{sendWindow: r.streamWindow}
		r.streams[id] = s
	}
	return s
}
