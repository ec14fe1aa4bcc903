package suite

import (
	"bytes"
	"errors"
	"io"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Hostile servers: raw listeners that accept connections and misbehave in one way each, so the
// hostile specs can show that nothing a peer sends makes the suite hang, crash or allocate
// without bound. Each one stops cleanly: stop closes the listener and every connection and
// waits for every goroutine it started.

// hostileServer is one listener and the goroutines serving it.
type hostileServer struct {
	name string
	addr string
	ln   net.Listener
	done chan struct{} // closed by stop: every sleep and loop ends

	mu      sync.Mutex
	stopped bool
	conns   map[net.Conn]struct{}
	wg      sync.WaitGroup

	accepted atomic.Int64 // connections accepted
	written  atomic.Int64 // octets written to peers
}

// hostileBehaviour serves one accepted connection; the connection is closed when it returns.
type hostileBehaviour func(h *hostileServer, c *net.TCPConn)

// hostileSpec names a behaviour. Flood says it writes as fast as the peer reads (or paces many
// small writes), so it runs alone among the floods and the heap is watched while it runs.
type hostileSpec struct {
	Name  string
	What  string
	Flood bool
	Serve hostileBehaviour
}

func startHostile(spec hostileSpec) (*hostileServer, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	h := &hostileServer{name: spec.Name, addr: ln.Addr().String(), ln: ln, done: make(chan struct{}), conns: map[net.Conn]struct{}{}}
	h.wg.Add(1)
	go func() {
		defer h.wg.Done()
		for {
			nc, err := ln.Accept()
			if err != nil {
				return // the listener was closed by stop
			}
			c := nc.(*net.TCPConn)
			if !h.track(c) {
				c.Close()
				return
			}
			h.accepted.Add(1)
			h.wg.Add(1)
			go func() {
				defer h.wg.Done()
				defer h.untrack(c)
				spec.Serve(h, c)
			}()
		}
	}()
	return h, nil
}

func (h *hostileServer) track(c net.Conn) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.stopped {
		return false
	}
	h.conns[c] = struct{}{}
	return true
}

func (h *hostileServer) untrack(c net.Conn) {
	h.mu.Lock()
	delete(h.conns, c)
	h.mu.Unlock()
	c.Close()
}

// stop closes the listener and every connection (unblocking every read and write) and waits
// for every goroutine the server started. It may be called more than once.
func (h *hostileServer) stop() {
	h.mu.Lock()
	if !h.stopped {
		h.stopped = true
		close(h.done)
		h.ln.Close()
		for c := range h.conns {
			c.Close()
		}
	}
	h.mu.Unlock()
	h.wg.Wait()
}

// sleep waits d or until stop; false means the server is stopping.
func (h *hostileServer) sleep(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-h.done:
		return false
	case <-t.C:
		return true
	}
}

func (h *hostileServer) stopping() bool {
	select {
	case <-h.done:
		return true
	default:
		return false
	}
}

// write writes b and counts what was written; an error means the peer (or stop) ended it.
func (h *hostileServer) write(c net.Conn, b []byte) error {
	n, err := c.Write(b)
	h.written.Add(int64(n))
	return err
}

// background runs f on a goroutine that stop waits for.
func (h *hostileServer) background(f func()) {
	h.wg.Add(1) // the connection's goroutine holds the count above zero, so Add is safe here
	go func() {
		defer h.wg.Done()
		f()
	}()
}

// readHead reads until the end of a request's header section, 64 KiB, or 3 s, whichever is first,
// and reports whether the empty line arrived. The octets are dropped.
func readHead(c *net.TCPConn) bool {
	c.SetReadDeadline(time.Now().Add(3 * time.Second))
	defer c.SetReadDeadline(time.Time{})
	var seen []byte
	buf := make([]byte, 4096)
	for len(seen) < 64<<10 {
		n, err := c.Read(buf)
		seen = append(seen, buf[:n]...)
		if bytes.Contains(seen, []byte("\r\n\r\n")) {
			return true
		}
		if err != nil {
			return false
		}
	}
	return false
}

// drain reads and discards whatever the peer sends, in the background, until the connection is
// closed, so the peer's writes never block on this server.
func drain(h *hostileServer, c *net.TCPConn) {
	h.background(func() { io.Copy(io.Discard, c) })
}

// closeGently sends FIN, reads what the peer still sends for up to a second so the close is not
// turned into a reset by unread octets, and returns (the caller's defer closes the socket).
func closeGently(c *net.TCPConn) {
	c.CloseWrite()
	c.SetReadDeadline(time.Now().Add(time.Second))
	io.Copy(io.Discard, c)
}

// flood writes head, then chunk forever: throttled by pause between writes when pause > 0,
// otherwise as fast as the peer reads (a peer that stops reading blocks the write until it
// closes the connection or the server stops).
func flood(h *hostileServer, c *net.TCPConn, head, chunk []byte, pause time.Duration) {
	if !readHead(c) {
		return
	}
	drain(h, c)
	if h.write(c, head) != nil {
		return
	}
	for !h.stopping() {
		if h.write(c, chunk) != nil {
			return
		}
		if pause > 0 && !h.sleep(pause) {
			return
		}
	}
}

// paced answers 200 with a close-delimited body of segment after segment, one every pause, so
// that each of the client's reads returns one segment.
func paced(h *hostileServer, c *net.TCPConn, segment []byte, pause time.Duration) {
	if !readHead(c) {
		return
	}
	drain(h, c)
	if h.write(c, []byte("HTTP/1.1 200 OK\r\n\r\n")) != nil {
		return
	}
	for h.write(c, segment) == nil && h.sleep(pause) {
	}
}

var errStopped = errors.New("stopped")

// trickle writes b one octet every interval.
func trickle(h *hostileServer, c *net.TCPConn, b []byte, interval time.Duration) error {
	for i := range b {
		if err := h.write(c, b[i:i+1]); err != nil {
			return err
		}
		if !h.sleep(interval) {
			return errStopped
		}
	}
	return nil
}

func repeat(s string, n int) []byte { return []byte(strings.Repeat(s, n)) }

// hostileSpecs are the hostile targets of the "never hang, never crash" bar: the twelve of the
// brief, and four found while writing them (a truncated immediate final, two pacers that make
// each read small, and a status line that never ends at full speed).
var hostileSpecs = []hostileSpec{
	{
		Name: "garbage", What: "answers the request with binary garbage instead of a status line, then closes",
		Serve: func(h *hostileServer, c *net.TCPConn) {
			if !readHead(c) {
				return
			}
			if h.write(c, []byte("\x00\xff garbage \x01\x02\x03 not HTTP at all\r\n\r\n\xfe\xfd")) != nil {
				return
			}
			closeGently(c)
		},
	},
	{
		// Throttled to 1.6 MB/s: past the driver's 64 KiB head limit in 40 ms, and past the
		// 4 KiB status-line bound of patch D at once. endless-status-line-fast sends as fast
		// as the client reads.
		Name: "endless-status-line", What: "sends a status line that never ends ('HTTP/1.1 200 ' then 'A' forever, 8 KiB per 5 ms)", Flood: true,
		Serve: func(h *hostileServer, c *net.TCPConn) {
			flood(h, c, []byte("HTTP/1.1 200 "), repeat("A", 8<<10), 5*time.Millisecond)
		},
	},
	{
		Name: "endless-header-section", What: "sends a valid status line, then 'X-A: b' field lines forever", Flood: true,
		Serve: func(h *hostileServer, c *net.TCPConn) {
			flood(h, c, []byte("HTTP/1.1 200 OK\r\n"), repeat("X-A: b\r\n", 1024), time.Millisecond)
		},
	},
	{
		Name: "interim-forever", What: "sends 100 (Continue) responses forever", Flood: true,
		Serve: func(h *hostileServer, c *net.TCPConn) {
			flood(h, c, nil, repeat("HTTP/1.1 100 Continue\r\n\r\n", 256), 0)
		},
	},
	{
		Name: "content-length-max", What: "answers with Content-Length: 9223372036854775807 and an endless body", Flood: true,
		Serve: func(h *hostileServer, c *net.TCPConn) {
			flood(h, c, []byte("HTTP/1.1 200 OK\r\nContent-Length: 9223372036854775807\r\n\r\n"), repeat("x", 64<<10), 0)
		},
	},
	{
		Name: "endless-chunked", What: "answers with a chunked body whose last chunk never comes", Flood: true,
		Serve: func(h *hostileServer, c *net.TCPConn) {
			chunk := append(append([]byte("8000\r\n"), repeat("x", 0x8000)...), "\r\n"...)
			flood(h, c, []byte("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"), chunk, 0)
		},
	},
	{
		Name: "reset-mid-response", What: "sends half a status line, then resets the connection (SO_LINGER 0)",
		Serve: func(h *hostileServer, c *net.TCPConn) {
			if !readHead(c) {
				return
			}
			h.write(c, []byte("HTTP/1.1 20"))
			h.sleep(5 * time.Millisecond) // let the half line leave before the reset
			c.SetLinger(0)
		},
	},
	{
		Name: "silent", What: "accepts and never reads or writes",
		Serve: func(h *hostileServer, c *net.TCPConn) { <-h.done },
	},
	{
		Name: "trickle", What: "trickles a valid response at one octet per second",
		Serve: func(h *hostileServer, c *net.TCPConn) {
			if !readHead(c) {
				return
			}
			drain(h, c)
			if trickle(h, c, []byte("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"), time.Second) == nil {
				closeGently(c)
			}
		},
	},
	{
		Name: "gigabytes", What: "answers 200 with an endless close-delimited body, as fast as the client reads", Flood: true,
		Serve: func(h *hostileServer, c *net.TCPConn) {
			flood(h, c, []byte("HTTP/1.1 200 OK\r\n\r\n"), repeat("x", 64<<10), 0)
		},
	},
	{
		Name: "close-at-once", What: "accepts and closes at once",
		Serve: func(h *hostileServer, c *net.TCPConn) {},
	},
	{
		Name: "continue-then-short-final", What: "sends a valid 100, then a 200 with Content-Length: 1000 and 5 content octets, then closes",
		Serve: func(h *hostileServer, c *net.TCPConn) {
			if !readHead(c) {
				return
			}
			if h.write(c, []byte("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nshort")) != nil {
				return
			}
			closeGently(c)
		},
	},
	{
		Name: "truncated-early-final", What: "answers 413 at once with Content-Length: 100 and 5 content octets, then closes",
		Serve: func(h *hostileServer, c *net.TCPConn) {
			if !readHead(c) {
				return
			}
			if h.write(c, []byte("HTTP/1.1 413 Content Too Large\r\nContent-Length: 100\r\n\r\nshort")) != nil {
				return
			}
			closeGently(c)
		},
	},
	{
		// Every read returns one octet, so the timeline grows by events rather than octets: the
		// driver's MaxEvents is what bounds it.
		Name: "paced-octets", What: "answers 200 with a close-delimited body written one octet per segment, every 50 µs", Flood: true,
		Serve: func(h *hostileServer, c *net.TCPConn) {
			c.SetNoDelay(true)
			paced(h, c, []byte("\xff"), 50*time.Microsecond)
		},
	},
	{
		// Every read returns about MaxRecord (4 KiB) octets, each copied into its event, so a
		// conversation keeps up to MaxRecv (8 MiB) of copies and a catalogue run ~400 MiB.
		Name: "paced-segments", What: "answers 200 with a close-delimited binary body written 4 KiB per segment, every 200 µs", Flood: true,
		Serve: func(h *hostileServer, c *net.TCPConn) {
			paced(h, c, repeat("\xff", 4<<10), 200*time.Microsecond)
		},
	},
	{
		// The checks before a run read a status line with no bound but their 5 s deadline: at
		// loopback speed, gigabytes (target.Probe reached 1.9 GiB of heap in a fraction of a second).
		Name: "endless-status-line-fast", What: "sends a status line that never ends, as fast as the client reads", Flood: true,
		Serve: func(h *hostileServer, c *net.TCPConn) {
			flood(h, c, []byte("HTTP/1.1 200 "), repeat("A", 64<<10), 0)
		},
	},
}
