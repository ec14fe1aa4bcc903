package gateways

import (
	"context"
	"fmt"
	"io"
	"net"
	"sync"
	"time"

	"github.com/expectspec/expectspec/harness/internal/listener"
)

// StartTunnel starts the reference tunnel on a loopback port, in front of the origin at
// originAddr: a plain TCP relay, like pen or `socat TCP-LISTEN … TCP:…`. For each client
// connection it dials the origin and copies octets both ways unchanged, passing a half-close on
// (FIN for FIN) and closing both sides once both directions have ended. It reads nothing as
// HTTP: RFC 9110 §3.7 says such a relay is not an HTTP intermediary, and the suite must say
// that rather than judge it as a gateway (cases.ThroughTunnel). stop closes everything and
// waits for every goroutine (harness/internal/listener's loop).
func StartTunnel(originAddr string) (addr string, stop func(), err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, fmt.Errorf("tunnel: %w", err)
	}
	stopping := make(chan struct{})
	loop := listener.Serve(ln, func(c net.Conn) { relay(c, originAddr, stopping) })
	return ln.Addr().String(), func() { close(stopping); _ = loop.Close() }, nil
}

// relay copies both directions of one client connection until both have ended. On stop, both
// connections close at once, whichever copy is waiting on which (the listener's Close closes
// only the client side, and a copy reading the origin after the client's FIN would otherwise wait
// for the idle bound); a dial in progress is cancelled too.
func relay(c net.Conn, origin string, stopping <-chan struct{}) {
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), dialTimeout)
	defer cancel()
	go func() {
		select {
		case <-stopping:
			cancel()
		case <-ctx.Done():
		}
	}()
	u, err := (&net.Dialer{}).DialContext(ctx, "tcp", origin)
	if err != nil {
		return
	}
	defer u.Close()
	ended := make(chan struct{})
	defer close(ended)
	go func() {
		select {
		case <-stopping:
			_ = u.Close()
			_ = c.Close()
		case <-ended:
		}
	}()
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
			if werr := write(dst, buf[:n]); werr != nil { // a peer that never reads: the idle bound
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
