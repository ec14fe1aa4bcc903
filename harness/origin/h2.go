package origin

import (
	"bytes"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"strconv"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"

	"github.com/expectspec/expectspec/harness/conv"
)

// The HTTP/2 side of the origin, for clients under test (WithH2): over TLS, a connection whose
// handshake selected h2 by ALPN is served here, frame by frame on x/net/http2's Framer and
// hpack, with no net/http between the client and the frames. Every request stream is recorded
// as a conv.OriginRequest (Proto "HTTP/2"), with the HTTP/2 fields of the record (Stream,
// EndStream, ClientReset, ServerReset), and answered as its case's script says (h2stream.go).
// One goroutine reads the frames and writes the answers they call for, so nothing races; every
// read waits at most the idle timeout, every write as long.

// Bounds of one HTTP/2 connection, beside the origin's bounds on what it keeps.
const (
	maxH2HeaderList = maxHead // decoded header list of one request (SETTINGS_MAX_HEADER_LIST_SIZE)
	maxH2Frames     = 1 << 16 // frames read on one connection
	maxH2Streams    = 64      // request streams on one connection (SETTINGS_MAX_CONCURRENT_STREAMS is lower)
	maxH2Concurrent = 16      // advertised in SETTINGS_MAX_CONCURRENT_STREAMS
	h2FrameSize     = 16384   // the initial SETTINGS_MAX_FRAME_SIZE, which the origin keeps; its frames fit any client
)

// WithH2 makes a TLS origin offer h2 before http/1.1 by ALPN, and serve a connection that
// selects it in HTTP/2 (clients under test over HTTP/2). Without WithTLS it does nothing.
func WithH2() Option { return func(o *options) { o.h2 = true } }

// h2conn is one HTTP/2 connection being served.
type h2conn struct {
	c       *conn
	fr      *http2.Framer
	enc     *hpack.Encoder
	block   bytes.Buffer
	streams map[uint32]*h2stream
	lastID  uint32
	frames  int
	content int64 // DATA octets read on the connection
}

// errH2Limit ends a connection that went past one of the bounds above; errNoPreface one that
// selected h2 and then did not speak it.
var (
	errH2Limit   = errors.New("origin: an HTTP/2 bound was hit")
	errNoPreface = errors.New("origin: no HTTP/2 connection preface after h2 was selected")
)

// selectsH2 completes the TLS handshake of a connection of an origin WithH2 (within the idle
// timeout) and reports whether it selected h2. ok is false when the handshake failed: the
// connection is then closed and recorded.
func (c *conn) selectsH2() (h2, ok bool) {
	tc, isTLS := c.nc.(*tls.Conn)
	if !isTLS || !c.o.opts.h2 {
		return false, true
	}
	_ = tc.SetDeadline(time.Now().Add(c.o.opts.idle))
	err := tc.Handshake()
	_ = tc.SetDeadline(time.Time{})
	if err != nil {
		c.closed(c.cause(err))
		return false, false
	}
	return tc.ConnectionState().NegotiatedProtocol == http2.NextProtoTLS, true
}

// serveH2 serves the connection in HTTP/2 until the client closes it, it stays idle, or a
// bound is hit.
func (c *conn) serveH2() {
	h := &h2conn{c: c, streams: map[uint32]*h2stream{}}
	defer func() {
		_ = c.nc.Close()
		c.closed(conv.ClosedByOrigin) // no-op when a cause was already recorded
	}()
	err := h.run()
	switch {
	case errors.Is(err, errNoPreface):
		c.closed(conv.ClosedByOrigin)
	case errors.Is(err, errH2Limit):
		_ = h.fr.WriteGoAway(h.lastID, http2.ErrCodeEnhanceYourCalm, nil)
		c.closed(conv.ClosedByLimit)
	case err != nil:
		c.closed(c.cause(err))
	}
}

// deadlineWriter gives every write of the framer its own deadline.
type deadlineWriter struct {
	nc net.Conn
	d  time.Duration
}

func (w deadlineWriter) Write(p []byte) (int, error) {
	_ = w.nc.SetWriteDeadline(time.Now().Add(w.d))
	return w.nc.Write(p)
}

func (h *h2conn) run() error {
	idle := h.c.o.opts.idle
	_ = h.c.nc.SetReadDeadline(time.Now().Add(idle))
	preface := make([]byte, len(http2.ClientPreface))
	if _, err := io.ReadFull(h.c.nc, preface); err != nil {
		return err
	}
	if string(preface) != http2.ClientPreface {
		return errNoPreface // not HTTP/2 after all: nothing to serve, and no framer to say so
	}
	h.fr = http2.NewFramer(deadlineWriter{h.c.nc, idle}, h.c.nc)
	h.fr.ReadMetaHeaders = hpack.NewDecoder(4096, nil)
	h.fr.MaxHeaderListSize = maxH2HeaderList
	// no larger frame than the origin's SETTINGS leave in force (RFC 9113 §4.2): the framer
	// would otherwise take, and buffer, frames of up to 16 MiB
	h.fr.SetMaxReadFrameSize(h2FrameSize)
	h.enc = hpack.NewEncoder(&h.block)
	if err := h.fr.WriteSettings(http2.Setting{ID: http2.SettingMaxConcurrentStreams, Val: maxH2Concurrent},
		http2.Setting{ID: http2.SettingMaxHeaderListSize, Val: maxH2HeaderList}); err != nil {
		return err
	}
	for {
		_ = h.c.nc.SetReadDeadline(time.Now().Add(idle))
		f, err := h.fr.ReadFrame()
		var se http2.StreamError
		switch {
		case errors.As(err, &se):
			// a malformed request (RFC 9113 §8.1.1): its stream is reset, the connection goes on
			err = h.fr.WriteRSTStream(se.StreamID, se.Code)
		case err != nil:
			return err
		default:
			err = h.frame(f)
		}
		if err != nil {
			return err
		}
		if h.frames++; h.frames > maxH2Frames {
			return errH2Limit
		}
	}
}

// frame handles one frame.
func (h *h2conn) frame(f http2.Frame) error {
	switch f := f.(type) {
	case *http2.SettingsFrame:
		if f.IsAck() {
			return nil
		}
		// the client's SETTINGS_HEADER_TABLE_SIZE bounds the table the encoder may use from the
		// next header block on (RFC 9113 §6.5.2, RFC 7541 §4.2): a client that allows less than
		// 4096, or none, must not get a block it cannot decode
		if size, ok := f.Value(http2.SettingHeaderTableSize); ok {
			h.enc.SetMaxDynamicTableSizeLimit(size)
		}
		return h.fr.WriteSettingsAck()
	case *http2.PingFrame:
		if !f.IsAck() {
			return h.fr.WritePing(true, f.Data)
		}
	case *http2.MetaHeadersFrame:
		return h.onHeaders(f)
	case *http2.DataFrame:
		return h.onData(f)
	case *http2.RSTStreamFrame:
		if s := h.streams[f.StreamID]; s != nil {
			s.reset = true
			now := time.Now()
			h.c.o.update(func() { s.x.rec.ClientReset, s.x.rec.ClientResetAt = f.ErrCode.String(), s.x.at(now) })
		}
	}
	return nil // GOAWAY, WINDOW_UPDATE, PRIORITY: the client's; the answers here are small
}

// onData records the content of a stream, answers as the script says, and gives the flow-control
// credit back: always on the connection (RFC 9113 §6.9 counts DATA on any stream), on the
// stream while the client may still send on it.
func (h *h2conn) onData(f *http2.DataFrame) error {
	data := f.Data()
	if h.content += int64(len(data)); h.content > maxContentRead {
		return errH2Limit
	}
	s := h.streams[f.StreamID]
	if s != nil {
		s.record(data, f.StreamEnded(), time.Now())
		if err := h.answerContent(s, len(data) > 0, f.StreamEnded()); err != nil {
			return err
		}
	}
	if f.Length == 0 {
		return nil
	}
	if err := h.fr.WriteWindowUpdate(0, f.Length); err != nil {
		return err
	}
	if s != nil && !s.ended && !s.reset {
		return h.fr.WriteWindowUpdate(f.StreamID, f.Length)
	}
	return nil
}

// headers writes one header block (it fits one frame: the scripted responses are small).
func (h *h2conn) headers(id uint32, end bool, m h2Message) error {
	h.block.Reset()
	_ = h.enc.WriteField(hpack.HeaderField{Name: ":status", Value: strconv.Itoa(m.status)})
	for _, f := range m.fields {
		_ = h.enc.WriteField(hpack.HeaderField{Name: f[0], Value: f[1]})
	}
	return h.fr.WriteHeaders(http2.HeadersFrameParam{StreamID: id, BlockFragment: h.block.Bytes(), EndStream: end, EndHeaders: true})
}
