package driver

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"

	"github.com/expectspec/expectspec/harness/conv"
)

// The HTTP/2 driver: the same contract as Run (never fails, every wait has a deadline, ctx
// cancels), for scripts of h2 steps (conv.SendHeaders, SendData, SendReset, SendFrame, Await,
// Send for raw octets). The frames are written and read with x/net/http2's Framer and the
// header blocks coded with its hpack; nothing here encodes a frame by hand.
//
// One goroutine (readFrames) reads frames as they come and hands owned copies over a small
// channel; everything else — recording, answering SETTINGS and PING, giving flow-control credit,
// every write — happens on the goroutine that plays the script, so the timeline has one writer
// and the Framer one writer. Unlike HTTP/1.1, frames are handled while a DATA step waits for the
// peer's window too: that is where WINDOW_UPDATE arrives.

// H2Limits bound what the HTTP/2 driver decodes. A zero field takes its default.
type H2Limits struct {
	// MaxHeaderList bounds one decoded header block, counted as RFC 9113 §6.5.2 counts
	// SETTINGS_MAX_HEADER_LIST_SIZE (name + value + 32 per field), which the driver
	// advertises. Default 64 KiB.
	MaxHeaderList int
	// MaxHeaderBlock bounds the encoded octets of one header block, HEADERS and CONTINUATION
	// together: an endless CONTINUATION sequence ends here. Default 64 KiB.
	MaxHeaderBlock int
	// (The frames read are bounded by Options.MaxEvents: each one handled records an event.)
}

func (l H2Limits) withDefaults() H2Limits {
	if l.MaxHeaderList <= 0 {
		l.MaxHeaderList = 64 << 10
	}
	if l.MaxHeaderBlock <= 0 {
		l.MaxHeaderBlock = 64 << 10
	}
	return l
}

// HTTP2 is the HTTP/2 driver: h2 over TLS when Options.TLS is set (ALPN "h2", which the
// server must select), h2c by prior knowledge otherwise.
type HTTP2 struct{ Options Options }

// Play runs the script with RunH2.
func (d HTTP2) Play(ctx context.Context, addr string, s conv.Script) *conv.Timeline {
	return RunH2(ctx, addr, s, d.Options)
}

// The receive side's flow control: the window the driver opens for the peer (stream and
// connection), and how much DATA it lets the peer use up before it gives the credit back.
const (
	h2RecvWindow = 1 << 20
	h2RecvRefill = 32 << 10
	h2FrameSize  = 16384 // SETTINGS_MAX_FRAME_SIZE, the initial value, which the driver keeps
	// h2HousekeepingWithin bounds a write the driver makes on its own (an ACK, credit).
	h2HousekeepingWithin = 2 * time.Second
)

// RunH2 connects to addr, opens an HTTP/2 connection (the client preface and SETTINGS), plays
// the script and returns the timeline. A connection that cannot be made — refused, a failed
// handshake, a TLS server that does not select h2 — sets Timeline.Err.
func RunH2(ctx context.Context, addr string, s conv.Script, opt Options) *conv.Timeline {
	opt = opt.withDefaults()
	opt.H2 = opt.H2.withDefaults()
	tl := &conv.Timeline{}
	if opt.TLS != nil {
		cfg := opt.TLS.Clone()
		cfg.NextProtos = []string{"h2"}
		opt.TLS = cfg
	}
	d := dial(ctx, addr, opt, tl)
	if d == nil {
		return tl
	}
	defer d.close()
	connected := conv.Event{Kind: conv.EvConnect, Data: []byte("h2c, prior knowledge")}
	if d.tls != nil {
		st := d.tls.ConnectionState()
		if st.NegotiatedProtocol != "h2" {
			tl.Err = fmt.Sprintf("the server at %s did not select h2 by ALPN (%s): it does not offer HTTP/2 over TLS here", addr, describeTLS(st))
			return tl
		}
		connected.Data = []byte(describeTLS(st))
	}
	return playH2(ctx, d, connected, s, opt)
}

// playH2 plays the script on an established connection (opt with its defaults).
func playH2(ctx context.Context, d *dialed, connected conv.Event, s conv.Script, opt Options) *conv.Timeline {
	tl := &conv.Timeline{}
	r := newH2Run(ctx, d, tl, opt)
	stopWatch := r.watch(ctx)
	defer stopWatch()
	r.record(connected)
	go r.readFrames()
	defer r.stopReading()
	if r.preface() {
		for _, st := range s.Steps {
			r.label = st.Label
			if !r.run(st) {
				break
			}
		}
	}
	// Frames the reader took in after the last await are not recorded: like the HTTP/1.1
	// driver, the timeline holds what awaits read, so it does not depend on how far the reader
	// got before the script ended.
	if tl.State == "" {
		tl.State = conv.StateOpen
	}
	return tl
}

// h2run is the state of one HTTP/2 conversation.
type h2run struct {
	ctx  context.Context
	c    net.Conn
	conn *dialed
	opt  Options
	recorder

	fr     *http2.Framer
	enc    *hpack.Encoder
	encBuf writeBuffer
	dec    *hpack.Decoder

	frames     chan rxFrame  // from readFrames
	quit       chan struct{} // closed to stop readFrames
	readerGone chan struct{} // closed when readFrames returned
	readDone   bool          // the read side is over: awaits return at once

	// The send side's flow control (RFC 9113 §6.9): the connection's window, the initial
	// window of a new stream and the largest frame, as the peer's SETTINGS set them.
	sendConn     int64
	streamWindow int64
	maxFrame     uint32
	connOwed     int64 // DATA octets received and not yet credited back on the connection
	goaway       bool  // the peer sent GOAWAY

	streams map[uint32]*h2stream
	// pending are the streams whose final's header block arrived and whose end has not, in the
	// order the blocks arrived: what placing a final, UntilFinalHead and the end of reading look
	// at, so they need not walk every stream the peer named.
	pending []*h2stream
	block   *headerBlock // the header block in progress (CONTINUATION awaited)

	msgs, finals int // messages and final responses recorded

	canceller
}

// h2stream is what the driver keeps of one stream.
type h2stream struct {
	sendWindow int64
	owed       int64 // DATA octets received and not yet credited back on the stream
	ended      bool  // the peer ended it: END_STREAM or RST_STREAM
	// final is a final response whose header block arrived while its stream goes on (DATA,
	// trailers); head is where, so a stream cut short records it there, Truncated.
	final  *conv.Response
	head   headNote
	headed bool // its EvHead was recorded
}

// headerBlock is a header block whose END_HEADERS has not arrived yet.
type headerBlock struct {
	stream    uint32
	endStream bool
	frag      []byte
	frame     *conv.FrameInfo // the HEADERS frame's record, which gets the decoded fields
}

// writeBuffer collects one header block from the hpack encoder.
type writeBuffer struct{ b []byte }

func (w *writeBuffer) Write(p []byte) (int, error) { w.b = append(w.b, p...); return len(p), nil }

func newH2Run(ctx context.Context, d *dialed, tl *conv.Timeline, opt Options) *h2run {
	r := &h2run{ctx: ctx, c: d.c, conn: d, opt: opt, recorder: recorder{tl: tl, observe: opt.Observe, start: time.Now()},
		frames: make(chan rxFrame, 8), quit: make(chan struct{}), readerGone: make(chan struct{}),
		sendConn: 65535, streamWindow: 65535, maxFrame: h2FrameSize, streams: map[uint32]*h2stream{}, canceller: canceller{conn: d.c}}
	r.fr = http2.NewFramer(d.c, &limitedReader{r: d.c, left: opt.MaxRecv})
	r.fr.SetMaxReadFrameSize(h2FrameSize)
	r.fr.AllowIllegalWrites = true // a script's frames are sent as given, malformed ones too
	r.enc = hpack.NewEncoder(&r.encBuf)
	// No dynamic table: every field goes out as a literal, spelled exactly as the script has
	// it, whatever table size the peer allows.
	r.enc.SetMaxDynamicTableSizeLimit(0)
	r.dec = hpack.NewDecoder(4096, nil)
	r.dec.SetMaxStringLength(opt.H2.MaxHeaderList)
	return r
}

// errRecvLimit is the read side's error past Options.MaxRecv.
var errRecvLimit = errors.New("octet limit")

// limitedReader fails reads past left octets, so that a peer cannot make one conversation read
// without end.
type limitedReader struct {
	r    io.Reader
	left int64
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.left <= 0 {
		return 0, errRecvLimit
	}
	n, err := l.r.Read(p[:min(int64(len(p)), l.left)])
	l.left -= int64(n)
	return n, err
}

// stopReading ends readFrames: the connection is closed first (by the deferred close, or here),
// so its blocked read returns.
func (r *h2run) stopReading() {
	r.conn.close()
	close(r.quit)
	<-r.readerGone
}
