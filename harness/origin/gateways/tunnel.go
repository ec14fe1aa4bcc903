package gateways

import (
	"fmt"
	"io"
	"net"
	"sync"
	"time"
)

// StartTunnel starts the reference tunnel on a loopback port, in front of the origin at
// originAddr: a plain TCP relay, like pen or `socat TCP-LISTEN … TCP:…`. For each client
// connection it dials the origin and copies octets both ways unchanged, passing a half-close on
// (FIN for FIN) and closing both sides once both directions have ended. It reads nothing as
// HTTP: RFC 9110 §3.7 says such a relay is not an HTTP intermediary, and the suite must say
// that rather than judge it as a gateway (cases.ThroughTunnel). stop closes everything and
// waits for every goroutine.
func StartTunnel(originAddr string) (addr string, stop func(), err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, fmt.Errorf("tunnel: %w", err)
	}
	t := &tunnel{origin: originAddr, ln: ln, live: map[net.Conn]struct{}{}}
	t.wg.Add(1)
	go t.accept()
	return ln.Addr().String(), t.stop, nil
}

type tunnel struct {
	origin string
	ln     net.Listener
	wg     sync.WaitGroup
	once   sync.Once

	mu      sync.Mutex
	live    map[net.Conn]struct{}
	closing bool
}

func (t *tunnel) accept() {
	defer t.wg.Done()
	for {
		c, err := t.ln.Accept()
		if err != nil {
			return
		}
		if !t.track(c) {
			_ = c.Close()
			return
		}
		t.wg.Add(1)
		go t.relay(c)
	}
}

// track registers a connection for stop; false once stopping.
func (t *tunnel) track(c net.Conn) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closing {
		return false
	}
	t.live[c] = struct{}{}
	return true
}

func (t *tunnel) forget(c net.Conn) {
	t.mu.Lock()
	delete(t.live, c)
	t.mu.Unlock()
	_ = c.Close()
}

// relay copies both directions of one client connection until both have ended.
func (t *tunnel) relay(c net.Conn) {
	defer t.wg.Done()
	defer t.forget(c)
	u, err := net.DialTimeout("tcp", t.origin, dialTimeout)
	if err != nil || !t.track(u) {
		if u != nil {
			_ = u.Close()
		}
		return
	}
	defer t.forget(u)
	var both sync.WaitGroup
	both.Add(2)
	go func() { defer both.Done(); pipe(u, c) }()
	go func() { defer both.Done(); pipe(c, u) }()
	both.Wait()
}

// pipe copies from src to dst until src ends, then half-closes dst, as a TCP relay passes a FIN
// on. A reset or an error on either side ends both directions (closing dst unblocks the other
// copy's read through the peer, and the idle bound ends a peer that never closes).
func pipe(dst, src net.Conn) {
	buf := make([]byte, readSize)
	for {
		_ = src.SetReadDeadline(time.Now().Add(idleTimeout))
		n, err := src.Read(buf)
		if n > 0 {
			if _, werr := dst.Write(buf[:n]); werr != nil {
				_ = src.Close()
				return
			}
		}
		if err == io.EOF {
			if tc, ok := dst.(*net.TCPConn); ok {
				_ = tc.CloseWrite()
				return
			}
			_ = dst.Close()
			return
		}
		if err != nil {
			_ = dst.Close()
			return
		}
	}
}

func (t *tunnel) stop() {
	t.once.Do(func() {
		_ = t.ln.Close()
		t.mu.Lock()
		t.closing = true
		for c := range t.live {
			_ = c.Close()
		}
		t.mu.Unlock()
		t.wg.Wait()
	})
}
