// Package listener is the accept loop and lifecycle the suite's own raw-socket servers share
// (the scripted origin and the reference servers): the loopback port they listen on (Loopback),
// accept with a back-off on temporary errors,
// one goroutine per connection, and a Close that stops accepting, closes every live connection,
// whatever it is waiting for, and returns once every goroutine has ended, so no test leaks one.
//
// It imports only the standard library.
package listener

import (
	"crypto/tls"
	"errors"
	"io"
	"net"
	"sync"
	"time"
)

// Loop serves the connections of one listener.
type Loop struct {
	ln     net.Listener
	handle func(net.Conn)
	done   chan struct{}

	wg      sync.WaitGroup
	mu      sync.Mutex
	live    map[net.Conn]struct{}
	closing bool
	once    sync.Once
	err     error
}

// Loopback listens on a free port of 127.0.0.1, over TLS with cfg unless it is nil. With protos,
// a clone of cfg offers those protocols alone by ALPN (e.g. h2 for a server that speaks nothing
// else).
func Loopback(cfg *tls.Config, protos ...string) (net.Listener, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil || cfg == nil {
		return ln, err
	}
	if len(protos) > 0 {
		cfg = cfg.Clone()
		cfg.NextProtos = protos
	}
	return tls.NewListener(ln, cfg), nil
}

// Serve accepts on ln until Close, handing each connection to handle in a goroutine of its own.
// handle owns the connection; the loop forgets it when handle returns.
func Serve(ln net.Listener, handle func(net.Conn)) *Loop {
	l := &Loop{ln: ln, handle: handle, done: make(chan struct{}), live: map[net.Conn]struct{}{}}
	l.wg.Add(1)
	go l.accept()
	return l
}

// Addr is the listener's address.
func (l *Loop) Addr() net.Addr { return l.ln.Addr() }

// Done is closed when Close begins: waits that are not reads or writes select on it.
func (l *Loop) Done() <-chan struct{} { return l.done }

// Close stops accepting, closes every live connection and waits for every handler to return.
func (l *Loop) Close() error {
	l.once.Do(func() {
		close(l.done)
		l.err = l.ln.Close()
		l.mu.Lock()
		l.closing = true
		for c := range l.live {
			_ = c.Close()
		}
		l.mu.Unlock()
		l.wg.Wait()
	})
	return l.err
}

func (l *Loop) accept() {
	defer l.wg.Done()
	var backoff time.Duration
	for {
		nc, err := l.ln.Accept()
		if err != nil {
			select {
			case <-l.done:
				return
			default:
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				// Out of file descriptors and the like: wait a little, as net/http does.
				backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
				time.Sleep(backoff)
				continue
			}
			return
		}
		backoff = 0
		if !l.track(nc) {
			_ = nc.Close()
			return
		}
		go func() {
			defer l.untrack(nc)
			l.handle(nc)
		}()
	}
}

// track registers a connection, or refuses it once Close has begun, so that none escapes
// Close's sweep.
func (l *Loop) track(nc net.Conn) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closing {
		return false
	}
	l.live[nc] = struct{}{}
	l.wg.Add(1)
	return true
}

func (l *Loop) untrack(nc net.Conn) {
	l.mu.Lock()
	delete(l.live, nc)
	l.mu.Unlock()
	l.wg.Done()
}

// LingerClose half-closes c and reads (and drops) what still arrives until the peer closes or
// linger passes; the caller closes c after. A server that ends a connection with a message
// (HTTP/2's GOAWAY) while the peer's data is still unread would otherwise make the kernel reset
// the connection, and the reset can destroy the message before the peer reads it.
func LingerClose(c net.Conn, linger time.Duration) {
	hc, ok := c.(interface{ CloseWrite() error })
	if !ok || hc.CloseWrite() != nil {
		return
	}
	_ = c.SetReadDeadline(time.Now().Add(linger))
	_, _ = io.Copy(io.Discard, c)
}
