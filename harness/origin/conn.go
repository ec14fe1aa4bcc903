package origin

import (
	"crypto/tls"
	"errors"
	"io"
	"net"
	"syscall"
	"time"

	"github.com/expectspec/expectspec/harness/conv"
	"github.com/expectspec/expectspec/harness/h1"
	"github.com/expectspec/expectspec/harness/internal/wire"
)

// conn is one accepted connection, served by its own goroutine. Only that goroutine reads or
// writes it; Close only closes the socket, which unblocks it.
type conn struct {
	o    *Origin
	info *connInfo
	nc   net.Conn
	r    *wire.Reader
	last *exchange // the latest request, which a close is attributed to
}

// exchange is one request being served.
type exchange struct {
	e      *entry
	rec    *conv.OriginRequest
	script conv.OriginScript
	head   parsedHead
	// headSeq is the read that completed the header section: content in the same read was not
	// sent separately from the head.
	headSeq   int
	responded bool // a final response went out
}

func (x *exchange) at(t time.Time) time.Duration { return t.Sub(x.e.base) }

func (x *exchange) hasContent() bool { return x.head.chunked || x.head.length > 0 }

// followUp: the script answers this request, which declares no content, with its FollowUp.
func (x *exchange) followUp() bool { return x.script.FollowUp != "" && !x.hasContent() }

// serve reads and answers requests until one of them ends the connection.
func (c *conn) serve() {
	switch h2, ok := c.selectsH2(); {
	case !ok: // the TLS handshake failed (recorded)
		_ = c.nc.Close()
		return
	case h2:
		c.serveH2()
		return
	}
	c.r = wire.NewReader(c.nc, c.o.opts.idle)
	defer func() {
		_ = c.nc.Close()
		c.closed(conv.ClosedByOrigin) // no-op when a cause was already recorded
	}()
	inside := false
	for {
		h, err := c.r.ReadHead(maxHead, maxEmptyLines)
		if errors.Is(err, wire.ErrTooLarge) {
			_, _ = c.nc.Write([]byte("HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"))
			c.closed(conv.ClosedByLimit)
			return
		}
		if err != nil {
			c.closed(c.cause(err))
			return
		}
		x := c.begin(h, inside)
		var keep bool
		keep, inside = c.handle(x)
		if !keep {
			return
		}
	}
}

// begin records a request head and picks the script of its case.
func (c *conn) begin(h *wire.Head, inside bool) *exchange {
	p := parseHead(h)
	token, script := c.o.scriptFor(tokenOf(p.target, p.fields))
	x := &exchange{script: script, head: p, headSeq: h.EndSeq}
	c.o.newRequest(token, c.info, func(e *entry, rec *conv.OriginRequest) {
		x.e, x.rec = e, rec
		rec.StartAt, rec.HeadAt = x.at(h.StartAt), x.at(h.EndAt)
		rec.RequestLine, rec.Method, rec.Target, rec.Proto = h.Lines[0], p.method, p.target, p.proto
		rec.Fields, rec.Head = p.fields, h.Raw
		rec.ExpectValues = rec.Get("Expect")
		rec.ExpectSeen = len(rec.ExpectValues) > 0
		rec.ExpectsContinue = h1.ExpectsContinue(rec.ExpectValues)
		rec.StartedInsideContent = inside
		switch {
		case p.framingErr != "":
			rec.Framing, rec.FramingError = "invalid", p.framingErr
		case p.chunked:
			rec.Framing = "chunked"
		case p.length >= 0:
			rec.Framing, rec.DeclaredLength = "content-length", p.length
		}
		rec.HeadBeforeContent = x.hasContent()
	})
	c.last = x
	return x
}

// badRequest answers a request whose framing cannot be trusted; the connection then closes,
// since what follows cannot be framed either (RFC 9112 §6.3).
const badRequest conv.RawMessage = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"

// handle follows the script for one request. keep says whether the connection goes on; inside,
// that the next request began inside this one's content (it is already buffered).
func (c *conn) handle(x *exchange) (keep, inside bool) {
	s := x.script
	if x.head.framingErr != "" {
		if c.send(x, badRequest) {
			c.closeStaged(x)
		}
		return false, false
	}
	early, ok := c.onHead(x)
	if !ok {
		return false, false
	}
	if early != "" && s.AfterEarly == conv.EarlyClose {
		c.closeStaged(x)
		return false, false
	}
	end := c.readContent(x)
	switch end {
	case contentClosing:
		c.closeStaged(x)
		return false, false
	case contentGone:
		return false, false
	case contentLimit:
		// After a response, closed in stages: a plain close with the rest of the content unread
		// would reset the connection, and through a tunnel that reset reaches the client and can
		// destroy the response it has not read yet (the suite's origin must not cause what T10c
		// judges). The deferred close of serve ends the connection otherwise.
		c.closed(conv.ClosedByLimit)
		if x.responded {
			c.closeStaged(x)
		}
		return false, false
	case contentBroken:
		if x.responded || c.send(x, badRequest) {
			c.closeStaged(x)
		}
		return false, false
	}
	last := early
	if !x.responded {
		if last, ok = c.respond(x); !ok {
			return false, false
		}
	}
	if s.HTTP10 || x.head.closeAfter || respClose(last) {
		c.closeStaged(x)
		return false, false
	}
	return true, end == contentDesync
}

// onHead does what the script says once the header section has arrived: a 100, an early final
// (returned), or nothing. ok is false when a write failed.
func (c *conn) onHead(x *exchange) (early conv.RawMessage, ok bool) {
	s := x.script
	// No 1xx ever goes to an HTTP/1.0 request (RFC 9110 §15.2), nor from an HTTP/1.0 origin.
	no1xx := s.HTTP10 || x.head.minor == 0
	if x.followUp() {
		return "", true // answered once its (empty) content is read, by respond
	}
	switch s.OnHead {
	case conv.HeadContinue:
		if !no1xx && x.rec.ExpectsContinue && x.hasContent() {
			return "", c.send(x, or(s.Continue, conv.Continue100))
		}
	case conv.HeadContinueAlways, conv.HeadContinueThenFinal:
		if !no1xx {
			return "", c.send(x, or(s.Continue, conv.Continue100))
		}
	case conv.HeadFinal:
		early = or(s.Early, conv.ExpectationFailed417)
	case conv.HeadFinalIfExpect:
		if x.rec.ExpectSeen {
			early = or(s.Early, conv.ExpectationFailed417)
		}
	}
	if early == "" {
		return "", true
	}
	if !c.send(x, early, markEarly(x)) {
		return early, false
	}
	x.responded = true
	return early, true
}

// earlyInContent sends the script's early final once content has started to arrive
// (HeadContinueThenFinal), at most once; closing says the script then closes the connection.
// ok is false when the write failed.
func (c *conn) earlyInContent(x *exchange) (closing, ok bool) {
	if x.script.OnHead != conv.HeadContinueThenFinal || x.responded {
		return false, true
	}
	if !c.send(x, or(x.script.Early, conv.ExpectationFailed417), markEarly(x)) {
		return false, false
	}
	x.responded = true
	return x.script.AfterEarly == conv.EarlyClose, true
}

// respond sends the interims and the final once the content has arrived, and returns the final.
func (c *conn) respond(x *exchange) (final conv.RawMessage, ok bool) {
	s := x.script
	if x.followUp() {
		x.responded = c.send(x, s.FollowUp)
		return s.FollowUp, x.responded
	}
	if !s.HTTP10 && x.head.minor > 0 {
		for _, m := range s.Interims {
			if !c.send(x, m) {
				return "", false
			}
		}
	}
	final = or(s.Final, conv.OK200)
	if s.HTTP10 && s.Final == "" {
		final = conv.OK200HTTP10
	}
	x.responded = c.send(x, final)
	return final, x.responded
}

// send writes raw and records it once written; false means the write failed and the connection
// is done.
func (c *conn) send(x *exchange, raw conv.RawMessage, also ...func()) bool {
	err := c.o.sendRecorded(x, raw, func() error {
		_ = c.nc.SetWriteDeadline(time.Now().Add(c.o.opts.idle))
		_, err := io.WriteString(c.nc, string(raw))
		if err != nil {
			// Not recorded as sent: the intermediary reset or closed the connection, and judges
			// that read the record must not name a response that never left.
			c.closed(c.cause(err))
		}
		return err
	}, also...)
	return err == nil
}

// sendRecorded runs write, which sends what msg says, and records msg in x's Sent once write
// succeeded; also runs in the same record update, so that no reader sees the one without the
// other. Until then the message counts as being sent (OriginRecord.Sending), so that a reader
// waiting for the record to settle does not take it as final while the peer may already have
// the message. Both sides of the origin send through it: HTTP/1.1 octets and HTTP/2 frames.
func (o *Origin) sendRecorded(x *exchange, msg conv.RawMessage, write func() error, also ...func()) error {
	o.update(func() { x.e.sending++ })
	if err := write(); err != nil {
		o.update(func() { x.e.sending-- })
		return err
	}
	now := time.Now()
	o.update(func() {
		x.e.sending--
		x.rec.Sent = append(x.rec.Sent, conv.Sent{At: x.at(now), Msg: msg[:min(len(msg), maxSentKept)]})
		for _, f := range also {
			f()
		}
	})
	return nil
}

// markEarly records that the message being sent is an early final.
func markEarly(x *exchange) func() { return func() { x.rec.EarlyFinal = true } }

// closeStaged is the lingering close of RFC 9112 §9.6: half-close so the intermediary sees the
// end of the response, then keep reading until it closes or the linger time is up, logging what
// arrives as octets after the response, then close. Closing at once with unread input would
// make the kernel answer with a reset, which can destroy the response before it is read.
func (c *conn) closeStaged(x *exchange) {
	c.closed(conv.ClosedByOrigin)
	if closeWrite(c.nc) != nil {
		return
	}
	deadline := time.Now().Add(c.o.opts.linger)
	logging := true
	for {
		d := time.Until(deadline)
		if d <= 0 {
			return
		}
		seg, err := c.r.NextWithin(readSize, d)
		if err != nil {
			return
		}
		// Past the bound of the record, the octets are still read (and dropped) until the
		// linger time is up: stopping to read would bring the reset closer.
		if logging && !c.logAfter(x, seg) {
			logging = false
		}
	}
}

// closeWrite half-closes nc: over TLS the close_notify alert (RFC 8446 §6.1) and then the TCP
// half-close, so a client sees the end of the response the same way over either.
func closeWrite(nc net.Conn) error {
	if tc, ok := nc.(*tls.Conn); ok {
		if err := tc.CloseWrite(); err != nil {
			return err
		}
		nc = tc.NetConn()
	}
	if tc, ok := nc.(*net.TCPConn); ok {
		return tc.CloseWrite()
	}
	return nil
}

// logAfter records octets that arrived after the final response; false once the bound is hit.
func (c *conn) logAfter(x *exchange, seg wire.Segment) bool {
	ok := true
	c.o.update(func() { ok = x.keepAfter(seg.At, seg.Data) })
	return ok
}

// keepAfter logs data that arrived at at, after the final response, in x's record (the records
// locked); false, and the record Truncated, once more came than maxAfterBytes.
func (x *exchange) keepAfter(at time.Time, data []byte) bool {
	q := x.rec
	q.AfterResponse = appendArrival(q, q.AfterResponse, conv.Arrival{At: x.at(at), N: len(data)})
	room := maxAfterBytes - len(q.AfterBytes)
	q.AfterBytes = append(q.AfterBytes, data[:min(len(data), room)]...)
	if len(data) > room {
		q.Truncated = true
		return false
	}
	return true
}

// keepContent adds decoded content to q (the records locked), up to maxContentKept; the record
// is Truncated when some did not fit.
func keepContent(q *conv.OriginRequest, d []byte) {
	q.ContentLen += int64(len(d))
	room := maxContentKept - len(q.Content)
	if len(d) > room {
		q.Truncated = true
	}
	q.Content = append(q.Content, d[:min(len(d), room)]...)
}

func appendArrival(q *conv.OriginRequest, list []conv.Arrival, a conv.Arrival) []conv.Arrival {
	if len(list) >= maxArrivalsKept {
		q.Truncated = true
		return list
	}
	return append(list, a)
}

// closed records the end of the connection once, on the connection and on its latest request.
func (c *conn) closed(cause conv.CloseCause) {
	now := time.Now()
	c.o.update(func() {
		if c.info.closed {
			return
		}
		c.info.closed, c.info.closedAt, c.info.closedBy = true, now, cause
		if x := c.last; x != nil {
			x.rec.Closed, x.rec.ClosedAt, x.rec.ClosedBy = true, x.at(now), cause
		}
	})
}

// cause classifies the error that ended a read or a write.
func (c *conn) cause(err error) conv.CloseCause {
	select {
	case <-c.o.loop.Done():
		return conv.ClosedByShutdown
	default:
	}
	var ne net.Error
	switch {
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return conv.ClosedByPeer
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return conv.ClosedByReset
	case errors.As(err, &ne) && ne.Timeout():
		return conv.ClosedByIdle
	}
	return conv.ClosedByPeer
}

func or(m, def conv.RawMessage) conv.RawMessage {
	if m == "" {
		return def
	}
	return m
}
