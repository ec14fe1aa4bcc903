package gateways

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"

	"github.com/expectspec/expectspec/harness/internal/h2field"
	"github.com/expectspec/expectspec/harness/internal/listener"
)

// The HTTP/2 reference gateway: an h2 front end (h2c by prior knowledge) that
// forwards each request stream to the origin as an HTTP/1.1 request on a connection of its own,
// as a TLS-terminating load balancer does (scenario T45). It speaks frames through x/net/http2's
// Framer and hpack, so a mutant can send exactly the frame that is wrong. What it does with each
// stream is in h2front_exchange.go: the streaming gateway's rules translated, a 100 relayed as a
// HEADERS frame without END_STREAM, connection-specific fields dropped both ways (RFC 9113
// §8.2.2), RST_STREAM(NO_ERROR) after an early final (§8.1).

// h2Knobs are the HTTP/2 front's mutations; the zero knobs conform.
type h2Knobs struct {
	// relayConnectionFields copies an upstream response's connection-specific fields
	// (Connection and what it names, Keep-Alive, Transfer-Encoding, Upgrade) into the h2
	// response, which RFC 9113 §8.2.2 makes malformed.
	relayConnectionFields bool
	// interimEndStream relays a 1xx in a HEADERS frame with END_STREAM, which RFC 9113 §8.1
	// makes malformed and which ends the stream before the final response.
	interimEndStream bool
	// waitForContent reads the whole request content before it sends anything upstream, and
	// sends no 100 of its own: a client that waits for a 100 waits for ever (RFC 9110 §10.1.1).
	waitForContent bool
}

// Bounds of the HTTP/2 front, besides those the h1 gateways share (server.go).
const (
	h2MaxHeaderList = 64 << 10 // the decoded request header list
	h2MaxStreams    = 100      // concurrent request streams on one connection
	h2QueuedFrames  = 1024     // DATA frames waiting for the upstream on one stream
)

// StartH2Front serves the HTTP/2 reference gateway in h2c, by prior knowledge, on a loopback
// port, in front of the origin at originAddr.
func StartH2Front(originAddr string) (string, func(), error) {
	return startH2Front(originAddr, h2Knobs{})
}

func startH2Front(originAddr string, k h2Knobs) (string, func(), error) {
	ln, err := listener.Loopback(nil)
	if err != nil {
		return "", nil, fmt.Errorf("h2 gateway: %w", err)
	}
	f := &h2Front{upstream: originAddr, k: k}
	loop := listener.Serve(ln, f.serve)
	return loop.Addr().String(), func() { _ = loop.Close() }, nil
}

type h2Front struct {
	upstream string
	k        h2Knobs
}

// h2Conn is one client connection. The reading goroutine (serve) owns the frames in; every
// writer holds wmu; the send windows and the streams are under mu.
type h2Conn struct {
	front *h2Front
	nc    net.Conn
	fr    *http2.Framer

	wmu   sync.Mutex
	block bytes.Buffer
	enc   *hpack.Encoder

	mu         sync.Mutex
	streams    map[uint32]*h2Stream
	connWindow int64 // what the client lets us send on the connection
	initWindow int64 // SETTINGS_INITIAL_WINDOW_SIZE, for new streams
	maxFrame   int   // SETTINGS_MAX_FRAME_SIZE
	windowed   chan struct{}
	lastID     uint32
}

// h2Stream is one request stream; its exchange runs in a goroutine of its own.
type h2Stream struct {
	id      uint32
	window  int64         // what the client lets us send on the stream (under h2Conn.mu)
	content chan []byte   // the request's DATA, closed at END_STREAM
	gone    chan struct{} // closed when the client resets the stream or the connection ends
	once    sync.Once
	ended   bool          // END_STREAM received (the reading goroutine's)
	done    chan struct{} // closed with ended, for the stream's exchange to see
	// declared is the request's content-length (-1: none), received the DATA so far (the
	// reading goroutine's).
	declared, received int64
}

func (st *h2Stream) end() { st.once.Do(func() { close(st.gone) }) }

// finish records the client's END_STREAM; the reading goroutine calls it once.
func (st *h2Stream) finish() {
	st.ended = true
	close(st.content)
	close(st.done)
}

var (
	errStreamGone = errors.New("stream reset or connection ended")
	errNoWindow   = errors.New("the client opened no flow-control window in time")
)

func (f *h2Front) serve(nc net.Conn) {
	defer nc.Close()
	_ = nc.SetDeadline(time.Now().Add(idleTimeout))
	preface := make([]byte, len(http2.ClientPreface))
	if _, err := io.ReadFull(nc, preface); err != nil || string(preface) != http2.ClientPreface {
		return
	}
	c := &h2Conn{front: f, nc: nc, fr: http2.NewFramer(nc, nc), streams: map[uint32]*h2Stream{},
		connWindow: 65535, initWindow: 65535, maxFrame: 16384, windowed: make(chan struct{})}
	c.enc = hpack.NewEncoder(&c.block)
	c.fr.ReadMetaHeaders = hpack.NewDecoder(4096, nil)
	c.fr.MaxHeaderListSize = h2MaxHeaderList
	var wg sync.WaitGroup
	defer func() {
		c.mu.Lock()
		for _, st := range c.streams {
			st.end()
		}
		c.mu.Unlock()
		_ = nc.Close()
		wg.Wait()
	}()
	if c.write(func(fr *http2.Framer) error {
		return fr.WriteSettings(http2.Setting{ID: http2.SettingMaxConcurrentStreams, Val: h2MaxStreams})
	}) != nil {
		return
	}
	for {
		_ = nc.SetReadDeadline(time.Now().Add(idleTimeout))
		fr, err := c.fr.ReadFrame()
		var se http2.StreamError
		switch {
		case errors.As(err, &se): // an invalid field: the request is malformed (RFC 9113 §8.1.1)
			c.reset(se.StreamID, se.Code)
			continue
		case err != nil:
			c.goAway(err)
			return
		}
		if err := c.handle(fr, &wg); err != nil {
			c.goAway(err)
			return
		}
	}
}

// handle takes one frame from the client.
func (c *h2Conn) handle(f http2.Frame, wg *sync.WaitGroup) error {
	switch f := f.(type) {
	case *http2.SettingsFrame:
		if f.IsAck() {
			return nil
		}
		table, limited, err := c.settings(f)
		if err != nil {
			return err
		}
		return c.write(func(fr *http2.Framer) error {
			if limited { // the encoder is the writers', so it changes under wmu (RFC 7541 §4.2)
				c.enc.SetMaxDynamicTableSizeLimit(table)
			}
			return fr.WriteSettingsAck()
		})
	case *http2.PingFrame:
		if f.IsAck() {
			return nil
		}
		return c.write(func(fr *http2.Framer) error { return fr.WritePing(true, f.Data) })
	case *http2.WindowUpdateFrame:
		return c.windowUpdate(f)
	case *http2.MetaHeadersFrame:
		return c.open(f, wg)
	case *http2.DataFrame:
		c.data(f)
	case *http2.RSTStreamFrame:
		c.forget(f.StreamID)
	case *http2.GoAwayFrame: // the client opens no more streams; those open still finish (RFC 9113 §6.8)
	}
	return nil
}

// settings applies the client's SETTINGS: a new initial window moves every stream's window by
// the difference (RFC 9113 §6.9.2). It returns the header table size the client allows, if the
// frame sets one, for the response encoder, and a connection error for a value out of its
// range (§6.5.2) or a window pushed past the largest (§6.9.2).
func (c *h2Conn) settings(f *http2.SettingsFrame) (table uint32, limited bool, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	err = f.ForeachSetting(func(s http2.Setting) error {
		if err := s.Valid(); err != nil {
			return err
		}
		switch s.ID {
		case http2.SettingHeaderTableSize:
			table, limited = s.Val, true
		case http2.SettingInitialWindowSize:
			for _, st := range c.streams {
				if st.window+int64(s.Val)-c.initWindow > maxWindow {
					return http2.ConnectionError(http2.ErrCodeFlowControl)
				}
			}
			for _, st := range c.streams {
				st.window += int64(s.Val) - c.initWindow
			}
			c.initWindow = int64(s.Val)
		case http2.SettingMaxFrameSize:
			c.maxFrame = int(s.Val)
		}
		return nil
	})
	c.wake()
	return table, limited, err
}

// wake tells every writer waiting for a window to look again; the caller holds mu.
func (c *h2Conn) wake() {
	close(c.windowed)
	c.windowed = make(chan struct{})
}

// open starts a request stream. A request RFC 9113 makes malformed — a value with leading or
// trailing whitespace (§8.2.1), a connection-specific field, te other than trailers (§8.2.2) — is
// reset with PROTOCOL_ERROR, as x/net's Framer already does for an invalid name or value.
func (c *h2Conn) open(mh *http2.MetaHeadersFrame, wg *sync.WaitGroup) error {
	id := mh.StreamID
	c.mu.Lock()
	st := c.streams[id]
	c.mu.Unlock()
	switch {
	case st != nil: // trailers, which end the request; the gateway does not forward them
		switch {
		case mh.StreamEnded() && st.overDeclared(true):
			c.reset(id, http2.ErrCodeProtocol)
		case mh.StreamEnded() && !st.ended:
			st.finish()
		}
		return nil
	case id <= c.lastID: // a stream that is over: ignored, as RFC 9113 §5.1 allows for a while
		return nil
	case id%2 == 0:
		return http2.ConnectionError(http2.ErrCodeProtocol) // a client opened an even stream (§5.1.1)
	}
	c.lastID = id
	if mh.PseudoValue("method") == "" || mh.PseudoValue("path") == "" {
		c.reset(id, http2.ErrCodeProtocol) // a request without them is malformed (§8.3.1)
		return nil
	}
	for _, hf := range mh.RegularFields() {
		// §8.2.1's padded value, which x/net's Framer leaves to us, and §8.2.2
		if h2field.Padded(hf.Value) || h2field.ConnectionSpecific(hf.Name, hf.Value) {
			c.reset(id, http2.ErrCodeProtocol)
			return nil
		}
	}
	declared, ok := declaredLength(mh)
	if !ok {
		c.reset(id, http2.ErrCodeProtocol)
		return nil
	}
	c.mu.Lock()
	if len(c.streams) >= h2MaxStreams {
		c.mu.Unlock()
		c.reset(id, http2.ErrCodeRefusedStream)
		return nil
	}
	st = &h2Stream{id: id, window: c.initWindow, content: make(chan []byte, h2QueuedFrames), gone: make(chan struct{}), done: make(chan struct{}),
		declared: declared}
	c.streams[id] = st
	c.mu.Unlock()
	if st.overDeclared(mh.StreamEnded()) {
		c.reset(id, http2.ErrCodeProtocol)
		return nil
	}
	if mh.StreamEnded() {
		st.finish()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		c.exchange(st, mh)
	}()
	return nil
}

// data queues a DATA frame's content for its stream's upstream. The connection's credit comes
// back at once, DATA on a stream no longer open included (RFC 9113 §6.9: it still counts); the
// stream's when the upstream has taken it (h2front_exchange.go), so a client never has more than
// a window queued, except the padding's, which comes back at once.
func (c *h2Conn) data(f *http2.DataFrame) {
	if n := f.Length; n > 0 {
		_ = c.write(func(fr *http2.Framer) error { return fr.WriteWindowUpdate(0, n) })
	}
	c.mu.Lock()
	st := c.streams[f.StreamID]
	c.mu.Unlock()
	if st == nil || st.ended {
		return
	}
	st.received += int64(len(f.Data()))
	if st.overDeclared(f.StreamEnded()) {
		c.reset(st.id, http2.ErrCodeProtocol)
		return
	}
	select {
	case st.content <- bytes.Clone(f.Data()):
	default:
		c.reset(st.id, http2.ErrCodeEnhanceYourCalm)
		return
	}
	if f.StreamEnded() {
		st.finish()
		return
	}
	// Padding counts against the stream's window too (RFC 9113 §6.9.1) but never goes upstream,
	// so its credit comes back now; the pump gives back only the content's.
	if pad := f.Length - uint32(len(f.Data())); pad > 0 {
		_ = c.write(func(fr *http2.Framer) error { return fr.WriteWindowUpdate(st.id, pad) })
	}
}

// forget ends a stream: the client reset it, or its exchange is over.
func (c *h2Conn) forget(id uint32) {
	c.mu.Lock()
	st := c.streams[id]
	delete(c.streams, id)
	c.mu.Unlock()
	if st != nil {
		st.end()
	}
}

// reset sends RST_STREAM and forgets the stream.
func (c *h2Conn) reset(id uint32, code http2.ErrCode) {
	_ = c.write(func(fr *http2.Framer) error { return fr.WriteRSTStream(id, code) })
	c.forget(id)
}
