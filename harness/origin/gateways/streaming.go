package gateways

import (
	"strconv"
	"time"

	"github.com/expectspec/expectspec/harness/conv"
)

// StartStreaming starts the reference streaming gateway on a loopback port, in front of the
// origin at originAddr. For each request it:
//   - forwards the request-line and header section at once, before any content, keeping Expect
//     (dropping it only for an HTTP/1.0 client, whose expectation must be ignored);
//   - relays every 1xx from the origin to an HTTP/1.1 client as it arrives, repaired (no
//     Content-Length or Transfer-Encoding, no whitespace before a colon), and none to HTTP/1.0;
//   - streams the content as the client sends it;
//   - after a final response that came before the content was complete, keeps relaying the
//     content for a bounded time; a client that stops sending has abandoned the body, and then
//     both connections are closed: the upstream connection is never reused with a body owed.
//
// stop closes everything and waits for every goroutine of the gateway.
func StartStreaming(originAddr string) (addr string, stop func(), err error) {
	return start(originAddr, "1.1 expectspec-streaming", streamExchange)
}

func streamExchange(g *gateway, c *client, req *request) bool {
	if req.chunked && g.upstream10.Load() {
		// Chunked coding cannot go to an HTTP/1.0 next hop (RFC 9112 §6.3), and this gateway
		// does not buffer to count the octets: 411 is the answer a server may give (SRV-411).
		g.fail(c, refuse(411, "the origin speaks HTTP/1.0: send Content-Length"))
		return false
	}
	drop := []string{"Content-Length", "Transfer-Encoding"}
	if req.minor == 0 {
		drop = append(drop, "Expect")
	}
	var framing []conv.Field
	switch {
	case req.chunked:
		framing = []conv.Field{{Name: "Transfer-Encoding", Value: "chunked"}}
	case req.length >= 0:
		framing = []conv.Field{{Name: "Content-Length", Value: strconv.FormatInt(req.length, 10)}}
	}
	u, err := g.dial()
	if err != nil {
		g.fail(c, err)
		return false
	}
	if err := write(u.nc, upstreamHead(req, g.via, forwardable(req.fields, drop...), framing...)); err != nil {
		g.forget(u.nc)
		g.fail(c, err)
		return false
	}

	// The content goes upstream from its own goroutine, which owns the client's reader until it
	// reports; any failure of it closes the upstream connection, so that a body it could not
	// finish is never followed by another request on that connection.
	body := make(chan error, 1)
	if req.hasContent() {
		g.wg.Add(1)
		go func() {
			defer g.wg.Done()
			var err error
			if req.chunked {
				err = copyChunked(u.nc, c.r, false)
			} else {
				err = copyN(u.nc, c.r, req.length)
			}
			if err != nil {
				g.forget(u.nc)
			}
			body <- err
		}()
	} else {
		body <- nil
	}
	stopBody := func() error {
		c.r.SetIdle(time.Nanosecond)
		err := <-body
		c.r.SetIdle(idleTimeout)
		return err
	}

	resp, err := readFinal(c, u, req, true)
	if err != nil {
		stopBody()
		g.forget(u.nc)
		g.fail(c, err)
		return false
	}
	if resp.minor == 0 {
		g.upstream10.Store(true)
	}
	var bodyErr error
	bodyDone := false
	select {
	case bodyErr = <-body:
		bodyDone = true
	default:
	}
	// A final response before the whole content: the client may go on sending (RFC 9110 §7.5).
	// If the origin keeps its connection, relay the rest; if it closes, so must we.
	closing := mustClose(req, resp) || !bodyDone && resp.close
	relayErr := relayFinal(c, u, resp, req, closing)
	if !bodyDone {
		if closing || relayErr != nil {
			bodyErr = stopBody()
		} else {
			c.r.SetIdle(abandonAfter)
			bodyErr = <-body
			c.r.SetIdle(idleTimeout)
		}
	}
	clean := bodyErr == nil && relayErr == nil
	g.release(u, clean && !resp.close)
	if !clean || closing {
		closeStaged(c)
		return false
	}
	return true
}
