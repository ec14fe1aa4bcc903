// Package gateways holds the embedded intermediaries the suite puts in front of its scripted
// origin: Go's httputil.ReverseProxy, and two raw-socket reference gateways that conform in the
// two ways the catalogue allows. The streaming one forwards the header section at once
// (keeping Expect), relays every 1xx and streams the content; the buffering one answers 100
// itself, reads the whole content, and sends the request upstream without Expect (cases/CATALOGUE.md,
// interpretation gateway-own-100).
// They are the witnesses of the intermediary cases, and targets under test: the scripted origin
// judges what they forward, so they live apart from it and never import harness/origin (nor
// share its parsing by accident). They read HTTP/1 with the h1 grammar, under the rules they
// name, and may import conv, h1, harness/internal and the standard library.
package gateways

import (
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"time"

	"github.com/expectspec/expectspec/harness/h1"
	"github.com/expectspec/expectspec/harness/internal/wire"
)

// Timeouts and bounds of the reference gateways.
const (
	// idleTimeout bounds every silence, on either side. Longer than the suite's T_max (10 s),
	// so that a stall behind the gateway is still a stall when the suite stops waiting.
	idleTimeout = 30 * time.Second
	// abandonAfter is how long the streaming gateway waits for more of a body, once the upstream
	// final response has been relayed, before it takes the body as abandoned.
	abandonAfter = 2 * time.Second
	// linger is how long a staged close drains the client connection.
	linger = 500 * time.Millisecond
	// dialTimeout bounds connecting to the origin.
	dialTimeout = 5 * time.Second
	// maxHead bounds a request or response head.
	maxHead = 64 << 10
	// maxBuffered bounds the content the buffering gateway holds.
	maxBuffered = 1 << 20
	// maxIdleUpstream bounds the pool of idle upstream connections, and maxPooledAge their age.
	maxIdleUpstream = 4
	maxPooledAge    = 10 * time.Second
	readSize        = 32 << 10
)

// gateway is a running raw-socket gateway; exchange is what makes it streaming or buffering.
type gateway struct {
	upstream string
	via      string
	exchange func(g *gateway, c *client, req *request) (keep bool)
	// parse turns a request head into a request: parseRequest, or a mutant's lax parser.
	parse func(*wire.Head) (*request, error)

	ln   net.Listener
	done chan struct{}
	wg   sync.WaitGroup
	once sync.Once

	mu      sync.Mutex
	live    map[net.Conn]struct{} // every open connection, both sides, for stop
	idle    []*upstream           // pooled upstream connections, most recent last
	closing bool

	// forward: a forward proxy, which sends each request to the authority of its absolute-form
	// request-target (loopback only) instead of to upstream.
	forward bool

	// http10 holds the upstream addresses that answered in HTTP/1.0, to which chunked coding
	// cannot go (RFC 9112 §6.1).
	http10 sync.Map
}

// next is the upstream address of a request: its authority through a forward proxy, the one
// upstream of a gateway.
func (g *gateway) next(req *request) string {
	if g.forward {
		return req.authority
	}
	return g.upstream
}

func (g *gateway) isHTTP10(addr string) bool {
	_, ok := g.http10.Load(addr)
	return ok
}

func (g *gateway) markHTTP10(addr string) { g.http10.Store(addr, true) }

// client is one connection from a client.
type client struct {
	nc net.Conn
	r  *wire.Reader
}

// upstream is one connection to the origin.
type upstream struct {
	addr   string // where it was dialled
	nc     net.Conn
	r      *wire.Reader
	pooled time.Time // when it was put in the pool
	reused bool      // taken from the pool rather than dialled
}

// start listens on a loopback port and serves until the returned stop is called.
func start(originAddr, via string, exchange func(*gateway, *client, *request) bool) (string, func(), error) {
	return startParsing(originAddr, via, exchange, parseRequest, false, nil)
}

// startParsing is start with a request parser of the caller's (the mutants' lax ones), as a
// gateway in front of originAddr or, with forward, as a forward proxy. With secure set it serves
// its clients over TLS with that configuration (its upstream stays cleartext).
func startParsing(originAddr, via string, exchange func(*gateway, *client, *request) bool, parse func(*wire.Head) (*request, error), forward bool, secure *tls.Config) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, fmt.Errorf("gateway %s: %w", via, err)
	}
	if secure != nil {
		ln = tls.NewListener(ln, secure)
	}
	if forward {
		parse = forwardParser(parse)
	}
	g := &gateway{upstream: originAddr, via: via, exchange: exchange, parse: parse, ln: ln, forward: forward,
		done: make(chan struct{}), live: map[net.Conn]struct{}{}}
	g.wg.Add(1)
	go g.accept()
	return ln.Addr().String(), g.stop, nil
}

// stop closes the listener and every connection, and returns once every goroutine has ended.
func (g *gateway) stop() {
	g.once.Do(func() {
		close(g.done)
		_ = g.ln.Close()
		g.mu.Lock()
		g.closing = true
		for c := range g.live {
			_ = c.Close()
		}
		g.idle = nil
		g.mu.Unlock()
		g.wg.Wait()
	})
}

func (g *gateway) accept() {
	defer g.wg.Done()
	for {
		nc, err := g.ln.Accept()
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				time.Sleep(5 * time.Millisecond)
				continue
			}
			return
		}
		if !g.track(nc) {
			_ = nc.Close()
			return
		}
		g.wg.Add(1)
		go g.serve(&client{nc: nc, r: wire.NewReader(nc, idleTimeout)})
	}
}

// track registers a connection so that stop closes it; it fails once stop has begun.
func (g *gateway) track(c net.Conn) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closing {
		return false
	}
	g.live[c] = struct{}{}
	return true
}

func (g *gateway) forget(c net.Conn) {
	_ = c.Close()
	g.mu.Lock()
	delete(g.live, c)
	g.mu.Unlock()
}

// serve reads requests from one client until an exchange ends the connection.
func (g *gateway) serve(c *client) {
	defer g.wg.Done()
	defer g.forget(c.nc)
	for {
		h, err := c.r.ReadHead(maxHead, 4)
		if errors.Is(err, wire.ErrTooLarge) {
			g.fail(c, refuse(431, "request head too large"))
			return
		}
		if err != nil {
			return
		}
		req, err := g.parse(h)
		if err != nil {
			g.fail(c, err)
			return
		}
		if !g.exchange(g, c, req) {
			return
		}
	}
}

// fail answers a refused request and closes the client connection in stages.
func (g *gateway) fail(c *client, err error) {
	status, reason := 502, "Bad Gateway"
	var se *statusError
	if errors.As(err, &se) {
		status, reason = se.status, se.reason
	}
	body := reason + "\n"
	msg := fmt.Sprintf("HTTP/1.1 %d %s\r\nContent-Type: text/plain\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s",
		status, statusText(status), len(body), body)
	if write(c.nc, []byte(msg)) == nil {
		closeStaged(c)
	}
}

// closeStaged half-closes the client connection and drains it briefly, so that unread input
// does not make the kernel reset the connection and destroy the last response (RFC 9112 §9.6).
func closeStaged(c *client) {
	// (over TLS, CloseWrite sends the close_notify alert: the end of the response at that layer)
	if cw, ok := c.nc.(interface{ CloseWrite() error }); ok && cw.CloseWrite() == nil {
		deadline := time.Now().Add(linger)
		for d := time.Until(deadline); d > 0; d = time.Until(deadline) {
			if _, err := c.r.NextWithin(readSize, d); err != nil {
				break
			}
		}
	}
	_ = c.nc.Close()
}

// dial returns a live pooled upstream connection to addr, or a new one.
func (g *gateway) dial(addr string) (*upstream, error) {
	for {
		g.mu.Lock()
		var u *upstream
		for i := len(g.idle) - 1; i >= 0; i-- {
			if g.idle[i].addr == addr {
				u = g.idle[i]
				g.idle = append(g.idle[:i], g.idle[i+1:]...)
				break
			}
		}
		g.mu.Unlock()
		if u == nil {
			break
		}
		if time.Since(u.pooled) < maxPooledAge && alive(u) {
			u.reused = true
			return u, nil
		}
		g.forget(u.nc)
	}
	nc, err := net.DialTimeout("tcp", addr, dialTimeout)
	if err != nil {
		return nil, err
	}
	if !g.track(nc) {
		_ = nc.Close()
		return nil, net.ErrClosed
	}
	return &upstream{addr: addr, nc: nc, r: wire.NewReader(nc, idleTimeout)}, nil
}

// alive reports whether a pooled connection is still open and silent: the origin may have
// closed it while it sat idle, and anything it sent unasked makes it unusable.
func alive(u *upstream) bool {
	if u.r.Buffered() > 0 {
		return false
	}
	_, err := u.r.NextWithin(1, time.Millisecond)
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// release pools a connection whose last exchange ended cleanly, or closes it.
func (g *gateway) release(u *upstream, reusable bool) {
	g.mu.Lock()
	if reusable && !g.closing && len(g.idle) < maxIdleUpstream {
		u.pooled = time.Now()
		g.idle = append(g.idle, u)
		g.mu.Unlock()
		return
	}
	g.mu.Unlock()
	g.forget(u.nc)
}

// write sends b with a write deadline, so a peer that stops reading cannot pin a goroutine.
func write(c net.Conn, b []byte) error {
	_ = c.SetWriteDeadline(time.Now().Add(idleTimeout))
	_, err := c.Write(b)
	return err
}

// copyN relays exactly n octets from r to w.
func copyN(w net.Conn, r *wire.Reader, n int64) error {
	for n > 0 {
		s, err := r.Next(int(min(n, readSize)))
		if err != nil {
			return err
		}
		if err := write(w, s.Data); err != nil {
			return err
		}
		n -= int64(len(s.Data))
	}
	return nil
}

// copyChunked relays a chunked body from r to w: as received, or decoded when dechunk (for an
// HTTP/1.0 client, which must not get Transfer-Encoding: RFC 9112 §6.1).
func copyChunked(w net.Conn, r *wire.Reader, dechunk bool) error {
	var ch h1.Chunked
	for !ch.Done() {
		s, err := r.Next(readSize)
		if err != nil {
			return err
		}
		var out []byte
		n, ferr := ch.Feed(s.Data, func(d []byte) { out = append(out, d...) })
		r.Unread(wire.Segment{Data: s.Data[n:], At: s.At, Seq: s.Seq})
		if !dechunk {
			out = s.Data[:n]
		}
		if err := write(w, out); err != nil {
			return err
		}
		if ferr != nil {
			return ferr
		}
	}
	return nil
}

// copyUntilClose relays a close-delimited body.
func copyUntilClose(w net.Conn, r *wire.Reader) error {
	for {
		s, err := r.Next(readSize)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := write(w, s.Data); err != nil {
			return err
		}
	}
}

func statusText(code int) string {
	switch code {
	case 400:
		return "Bad Request"
	case 403:
		return "Forbidden"
	case 411:
		return "Length Required"
	case 413:
		return "Content Too Large"
	case 431:
		return "Request Header Fields Too Large"
	case 501:
		return "Not Implemented"
	case 502:
		return "Bad Gateway"
	case 505:
		return "HTTP Version Not Supported"
	}
	return "Error"
}
