package gateways

import (
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// How the HTTP/2 reference gateway writes: every frame under one lock with a deadline, header
// blocks split to the client's frame size, DATA within the client's flow-control windows.

// write sends frames under the write lock, with a deadline so a client that stops reading
// cannot pin a goroutine.
func (c *h2Conn) write(send func(*http2.Framer) error) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_ = c.nc.SetWriteDeadline(time.Now().Add(idleTimeout))
	return send(c.fr)
}

// headers sends a header block; fields are name, value pairs. A block larger than the client's
// SETTINGS_MAX_FRAME_SIZE goes on in CONTINUATION frames (RFC 9113 §4.3), written under the one
// lock so that no other frame comes between them.
func (c *h2Conn) headers(id uint32, end bool, fields ...string) error {
	c.mu.Lock()
	max := c.maxFrame
	c.mu.Unlock()
	return c.write(func(fr *http2.Framer) error {
		c.block.Reset()
		for i := 0; i+1 < len(fields); i += 2 {
			_ = c.enc.WriteField(hpack.HeaderField{Name: fields[i], Value: fields[i+1]})
		}
		block := c.block.Bytes()
		first := block[:min(len(block), max)]
		rest := block[len(first):]
		if err := fr.WriteHeaders(http2.HeadersFrameParam{StreamID: id, BlockFragment: first, EndStream: end, EndHeaders: len(rest) == 0}); err != nil {
			return err
		}
		for len(rest) > 0 {
			n := min(len(rest), max)
			if err := fr.WriteContinuation(id, n == len(rest), rest[:n]); err != nil {
				return err
			}
			rest = rest[n:]
		}
		return nil
	})
}

// sendData sends p on a stream as the client's windows allow, ending the stream with end.
func (c *h2Conn) sendData(st *h2Stream, p []byte, end bool) error {
	for len(p) > 0 || end {
		n, err := c.reserve(st, len(p))
		if err != nil {
			return err
		}
		chunk, last := p[:n], end && n == len(p)
		if err := c.write(func(fr *http2.Framer) error { return fr.WriteData(st.id, last, chunk) }); err != nil {
			return err
		}
		if p = p[n:]; last {
			return nil
		}
	}
	return nil
}

// reserve waits until both windows allow at least one octet, then takes up to want octets of
// them (at most one frame's worth). Nothing is reserved for an empty frame.
func (c *h2Conn) reserve(st *h2Stream, want int) (int, error) {
	if want == 0 {
		return 0, nil
	}
	timeout := time.NewTimer(idleTimeout)
	defer timeout.Stop()
	for {
		c.mu.Lock()
		n := int64(min(want, c.maxFrame))
		n = min(n, c.connWindow, st.window)
		if n > 0 {
			c.connWindow -= n
			st.window -= n
			c.mu.Unlock()
			return int(n), nil
		}
		ch := c.windowed
		c.mu.Unlock()
		select {
		case <-ch:
		case <-st.gone:
			return 0, errStreamGone
		case <-timeout.C:
			return 0, errNoWindow
		}
	}
}
