package reference

import (
	"bufio"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/expectspec/expectspec/harness/internal/listener"
)

// DefaultIdleTimeout is how long a connection may stay silent before the server closes it. It is
// longer than the suite's T_max (10 s): a mutant whose defect is silence must still be silent
// when the suite stops waiting, or the suite would see a close instead of a hang.
const DefaultIdleTimeout = 30 * time.Second

// DefaultLinger is how long a staged close keeps reading (and discarding) after the half-close
// before it closes the socket for good.
const DefaultLinger = time.Second

// Option configures a server started by Start.
type Option func(*options)

type options struct {
	idle   time.Duration
	linger time.Duration
	tls    *tls.Config
}

// WithTLS serves over TLS with cfg: the same behaviour, the handshake first. A staged close
// then half-closes with the close_notify alert (tls.Conn.CloseWrite).
func WithTLS(cfg *tls.Config) Option {
	return func(o *options) { o.tls = cfg }
}

// WithIdleTimeout sets the per-connection idle read deadline (DefaultIdleTimeout when unset). It
// also bounds how long the mutants that never answer keep their connections open.
func WithIdleTimeout(d time.Duration) Option {
	return func(o *options) {
		if d > 0 {
			o.idle = d
		}
	}
}

// WithLinger sets how long a staged close drains the connection before closing it (DefaultLinger
// when unset).
func WithLinger(d time.Duration) Option {
	return func(o *options) {
		if d > 0 {
			o.linger = d
		}
	}
}

// Server is a running reference server: a raw-socket HTTP/1.1 origin whose behaviour is fixed by
// a Behaviour. It speaks the protocol byte by byte rather than through net/http, so that a mutant
// can break exactly one rule.
type Server struct {
	b    Behaviour
	opts options
	loop *listener.Loop
}

// Start listens on a loopback port and serves b until Close.
func Start(b Behaviour, opts ...Option) (*Server, error) {
	o := options{idle: DefaultIdleTimeout, linger: DefaultLinger}
	for _, opt := range opts {
		opt(&o)
	}
	ln, err := listener.Loopback(o.tls)
	if err != nil {
		return nil, fmt.Errorf("reference server %q: %w", b.Name, err)
	}
	s := &Server{b: b, opts: o}
	s.loop = listener.Serve(ln, func(nc net.Conn) {
		c := &conn{srv: s, b: &s.b, rwc: nc.(halfCloser)}
		c.br = bufio.NewReaderSize(idleReader{c}, 4096)
		c.serve()
	})
	return s, nil
}

// Addr is the host:port the server listens on.
func (s *Server) Addr() string { return s.loop.Addr().String() }

// URL is the upload resource of the server, e.g. http://127.0.0.1:PORT/upload (https:// when
// served WithTLS).
func (s *Server) URL() string {
	if s.opts.tls != nil {
		return "https://" + s.Addr() + UploadPath
	}
	return "http://" + s.Addr() + UploadPath
}

// Behaviour returns the behaviour the server was started with.
func (s *Server) Behaviour() Behaviour { return s.b }

// Close stops accepting, closes every live connection (whatever it is waiting for) and returns
// once every goroutine of the server has ended.
func (s *Server) Close() error { return s.loop.Close() }

// sleep waits for d or until the server closes; it reports whether the whole d passed.
func (s *Server) sleep(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-s.loop.Done():
		return false
	}
}

// conn is one accepted connection, served by its own goroutine. Only that goroutine reads from
// or writes to it; Close only closes the socket, which unblocks it.
type conn struct {
	srv *Server
	b   *Behaviour
	rwc halfCloser
	br  *bufio.Reader
}

// halfCloser is the connection a server answers on: *net.TCPConn, or *tls.Conn (WithTLS).
type halfCloser interface {
	net.Conn
	CloseWrite() error
}

// idleReader is the connection as the request parser sees it: every read gets a fresh idle
// deadline, so a connection lives as long as the peer keeps sending and no longer than the idle
// timeout after it stops.
type idleReader struct{ c *conn }

func (r idleReader) Read(p []byte) (int, error) {
	idle := r.c.srv.opts.idle
	if d := r.c.b.SilentIdleClose; d > 0 {
		idle = d // mutant: its own, short idle timeout ends the wait for the content
	}
	_ = r.c.rwc.SetReadDeadline(time.Now().Add(idle))
	return r.c.rwc.Read(p)
}

// write sends p with a write deadline, so a peer that stops reading cannot pin the goroutine.
func (c *conn) write(p []byte) error {
	_ = c.rwc.SetWriteDeadline(time.Now().Add(c.srv.opts.idle))
	_, err := c.rwc.Write(p)
	return err
}

// serve reads and answers requests until one of them ends the connection.
func (c *conn) serve() {
	defer func() {
		_ = c.rwc.Close()
	}()
	for {
		req, err := c.readRequest()
		if err != nil {
			c.requestError(err)
			return
		}
		if !c.serveRequest(req) {
			return
		}
	}
}

// requestError ends a connection whose next request could not be read. A peer that went away or
// fell silent gets nothing; a malformed request gets its 4xx/5xx and a staged close, since the
// framing of whatever follows cannot be trusted (RFC 9112 §6.3, §5.1, §5.2).
func (c *conn) requestError(err error) {
	var pe *protocolError
	if !errors.As(err, &pe) {
		return
	}
	if pe.status == 431 && c.b.OversizeHang {
		// Mutant (FLD-OVERSIZE-4XX): stop reading and never answer.
		c.hang(false)
		return
	}
	if c.writeFinal(response{status: pe.status, body: pe.Error() + "\n", close: true}) == nil {
		c.closeStaged()
	}
}

// closeStaged is the lingering close of RFC 9112 §9.6: half-close so the peer sees the end of
// the last response, keep reading (and discarding) until the peer closes or the linger time is
// up, then close. Closing at once with unread input would make the kernel answer with a reset,
// which can destroy the response before the peer has read it.
func (c *conn) closeStaged() {
	if err := c.rwc.CloseWrite(); err != nil {
		return
	}
	_ = c.rwc.SetReadDeadline(time.Now().Add(c.srv.opts.linger))
	buf := make([]byte, 4096)
	for {
		if _, err := c.rwc.Read(buf); err != nil {
			return
		}
	}
}

// hang keeps the connection open without ever answering, until the peer closes, the idle timeout
// passes or the server closes. With read, it keeps consuming (and discarding) what arrives, so
// the idle timeout counts from the peer's last octet; without, it stops reading altogether.
func (c *conn) hang(read bool) {
	if !read {
		c.srv.sleep(c.srv.opts.idle)
		return
	}
	buf := make([]byte, 4096)
	for {
		if _, err := c.br.Read(buf); err != nil {
			return
		}
	}
}
