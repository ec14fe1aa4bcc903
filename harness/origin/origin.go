// Package origin is the scripted origin the suite puts behind a gateway or a forward proxy, in
// the style of cache-tests: the suite owns the origin, tells it in advance what to do for a case
// (a conv.OriginScript registered under the case's token) and afterwards reads exactly what
// arrived and when (a conv.OriginRecord).
//
// It is a raw-socket HTTP/1.1 server rather than net/http, for byte-level control and exact
// arrival times: it keeps every field line as received, frames content by Content-Length or
// chunked coding, logs every read of content with its time, keeps connections persistent as an
// HTTP/1.1 server does (so connection reuse by the intermediary is visible), and after an early
// final response keeps reading and logging the connection, bounded in octets and time.
//
// Requests are correlated with their case by a token in the request-target,
// /__expectspec/<token>/... (conv.OriginPath), or failing that by an X-Expectspec-Case field.
// Requests with an unknown token (a proxy's own health checks) get a plain 200 and are recorded
// under the token "".
//
// WithH2 adds an HTTP/2 side for clients under test (h2.go): over TLS a connection that selects
// h2 by ALPN is served frame by frame on golang.org/x/net/http2's Framer and hpack, and its
// streams are recorded as requests of the same records.
//
// It may import conv, h1 and harness/internal (listener, wire, h2field), golang.org/x/net/http2
// and the standard library; never the gateways it judges, nor cases, suite or results.
package origin

import (
	"crypto/tls"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/expectspec/expectspec/harness/conv"
	"github.com/expectspec/expectspec/harness/internal/listener"
)

// DefaultIdleTimeout is how long a connection may stay silent before the origin closes it. It is
// longer than the suite's T_max (10 s), so a stalled exchange is still stalled when the suite
// stops waiting, and it bounds the life of every connection.
const DefaultIdleTimeout = 30 * time.Second

// DefaultLinger is how long a staged close keeps reading (and logging) after the half-close.
const DefaultLinger = time.Second

// Bounds on what one origin keeps, so no intermediary can make it hold unbounded memory.
const (
	maxHead         = 64 << 10 // request-line plus header section
	maxRequestsKept = 256      // requests kept per token; later ones are counted in Dropped
	maxArrivalsKept = 4096     // entries of ContentAt and of AfterResponse
	maxContentKept  = 64 << 10 // OriginRequest.Content
	maxAfterBytes   = 1 << 20  // OriginRequest.AfterBytes
	// maxReadAfterResponse is how much declared content the origin reads and discards after an
	// early final response before it gives up and closes. It exceeds T10c's 10 MiB: an origin
	// that cut that content off after 1 MiB made every gateway in front of it close the client's
	// connection in the middle of its stream, and whether that close came before the client
	// finished (the gateway drains for a moment) depended on the machine's load, so
	// origin/early-final-survives-unread-content flipped through a conforming gateway.
	maxReadAfterResponse = 16 << 20
	maxContentRead       = 64 << 20 // content read for one request before the origin gives up
	maxSentKept          = 4 << 10  // octets of each Sent message kept
	maxRequestLineKept   = 256      // NextRequestLine
	readSize             = 32 << 10 // one read
	maxEmptyLines        = 4        // empty lines skipped before a request-line (RFC 9112 §2.2)
	maxTrailingTail      = 512      // content octets kept to find a request split across reads
)

// Option configures an origin.
type Option func(*options)

type options struct {
	idle   time.Duration
	linger time.Duration
	tls    *tls.Config
	h2     bool // WithH2
}

// WithIdleTimeout sets how long a connection may stay silent (DefaultIdleTimeout when unset).
func WithIdleTimeout(d time.Duration) Option {
	return func(o *options) {
		if d > 0 {
			o.idle = d
		}
	}
}

// WithLinger sets how long a staged close drains the connection (DefaultLinger when unset).
func WithLinger(d time.Duration) Option {
	return func(o *options) {
		if d > 0 {
			o.linger = d
		}
	}
}

// WithTLS makes the origin speak HTTP/1.1 over TLS with cfg (the server of a client under test
// reached by an https URL). The handshake happens on the connection's first read, so it counts
// as the client's time before its head; everything after it is recorded as over cleartext.
func WithTLS(cfg *tls.Config) Option {
	return func(o *options) { o.tls = cfg }
}

// Origin is a running scripted origin. Its methods are safe for concurrent use.
type Origin struct {
	opts    options
	loop    *listener.Loop
	started time.Time

	mu      sync.Mutex // guards everything below, and every record the connections write
	entries map[string]*entry
	conns   map[int]*connInfo
	nextID  int
}

// entry is one registered case: its script and what arrived for it.
type entry struct {
	script  conv.OriginScript
	base    time.Time // offsets in the record count from here
	reqs    []*conv.OriginRequest
	connIDs []int
	dropped int
	sending int // writes begun and not yet recorded (OriginRecord.Sending)
}

// connInfo is what the origin knows about one connection, for OriginRecord.Conns.
type connInfo struct {
	id       int
	remote   string
	opened   time.Time
	requests int
	closed   bool
	closedAt time.Time
	closedBy conv.CloseCause
}

// Start listens on a loopback port chosen by the system.
func Start(opts ...Option) (*Origin, error) { return StartOn("127.0.0.1:0", opts...) }

// StartOn listens on addr (the suite's --origin ADDR).
func StartOn(addr string, opts ...Option) (*Origin, error) {
	o := options{idle: DefaultIdleTimeout, linger: DefaultLinger}
	for _, opt := range opts {
		opt(&o)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("scripted origin: %w", err)
	}
	if o.tls != nil && o.h2 {
		o.tls = o.tls.Clone()
		o.tls.NextProtos = []string{"h2", "http/1.1"}
	}
	if o.tls != nil {
		ln = tls.NewListener(ln, o.tls)
	}
	now := time.Now()
	org := &Origin{
		opts: o, started: now,
		entries: map[string]*entry{"": {base: now}},
		conns:   map[int]*connInfo{},
	}
	org.loop = listener.Serve(ln, func(nc net.Conn) { org.track(nc).serve() })
	return org, nil
}

// Addr is the host:port the origin listens on.
func (o *Origin) Addr() string { return o.loop.Addr().String() }

// Register tells the origin what to do for the requests of the case named token, and starts a
// fresh record for it whose offsets count from now. Register again to reuse a token. The token
// "" is the origin's own (unknown requests) and cannot be scripted.
func (o *Origin) Register(token string, s conv.OriginScript) {
	if token == "" {
		return
	}
	s.Interims = append([]conv.RawMessage(nil), s.Interims...)
	o.mu.Lock()
	o.entries[token] = &entry{script: s, base: time.Now()}
	o.mu.Unlock()
}

// Record returns a copy of what arrived for token so far. An unregistered token gives an empty
// record.
func (o *Origin) Record(token string) conv.OriginRecord {
	o.mu.Lock()
	defer o.mu.Unlock()
	rec := conv.OriginRecord{Token: token}
	e := o.entries[token]
	if e == nil {
		return rec
	}
	rec.Dropped, rec.Sending = e.dropped, e.sending
	for _, q := range e.reqs {
		rec.Requests = append(rec.Requests, *q)
	}
	for _, id := range e.connIDs {
		ci := o.conns[id]
		c := conv.OriginConn{
			ID: ci.id, Remote: ci.remote, OpenedAt: ci.opened.Sub(e.base), Requests: ci.requests,
			Closed: ci.closed, ClosedBy: ci.closedBy,
		}
		if ci.closed {
			c.ClosedAt = ci.closedAt.Sub(e.base)
		}
		rec.Conns = append(rec.Conns, c)
	}
	return rec.Clone()
}

// Close stops accepting, closes every connection and returns once every goroutine of the origin
// has ended.
func (o *Origin) Close() error { return o.loop.Close() }

// track gives a new connection its number and record.
func (o *Origin) track(nc net.Conn) *conn {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.nextID++
	info := &connInfo{id: o.nextID, remote: nc.RemoteAddr().String(), opened: time.Now()}
	o.conns[info.id] = info
	return &conn{o: o, info: info, nc: nc}
}

// newRequest starts the record of a request on connection info for token (which must be
// registered, or ""). fill completes the record under the same lock that makes it visible, so
// that no reader sees a request without its head (a judge that waits for the request to arrive
// would otherwise read an empty request-line or no Expect).
func (o *Origin) newRequest(token string, info *connInfo, fill func(*entry, *conv.OriginRequest)) {
	o.mu.Lock()
	defer o.mu.Unlock()
	e := o.entries[token]
	info.requests++
	rec := &conv.OriginRequest{Conn: info.id, Seq: info.requests, DeclaredLength: -1, Framing: "none"}
	fill(e, rec)
	if len(e.reqs) >= maxRequestsKept {
		e.dropped++
		return // served, recorded nowhere
	}
	e.reqs = append(e.reqs, rec)
	if len(e.connIDs) == 0 || !contains(e.connIDs, info.id) {
		e.connIDs = append(e.connIDs, info.id)
	}
}

// scriptFor resolves a token to a registered one and its script; unknown tokens become "".
func (o *Origin) scriptFor(token string) (string, conv.OriginScript) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if e, ok := o.entries[token]; ok && token != "" {
		return token, e.script
	}
	return "", conv.OriginScript{}
}

// update runs f with the records locked: every write to a record goes through it.
func (o *Origin) update(f func()) {
	o.mu.Lock()
	f()
	o.mu.Unlock()
}

func contains(ids []int, id int) bool {
	for _, v := range ids {
		if v == id {
			return true
		}
	}
	return false
}
