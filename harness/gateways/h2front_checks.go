package gateways

import (
	"errors"
	"strconv"
	"time"

	"golang.org/x/net/http2"

	"github.com/expectspec/expectspec/harness/internal/listener"
)

// What the reference gateway checks of its client beyond what x/net's Framer does: the windows'
// bounds and a request's declared length against its DATA. A gateway that let these pass would
// relay more content upstream than the request's framing says, or wait on a window that can no
// longer be counted.

// maxWindow is the largest flow-control window (RFC 9113 §6.9.1).
const maxWindow = 1<<31 - 1

// goAway ends the connection with GOAWAY when err is a connection error, then closes in stages
// so that a client still sending reads the GOAWAY instead of a reset; any other error (a write
// that failed, a peer gone) just ends it.
func (c *h2Conn) goAway(err error) {
	var ce http2.ConnectionError
	if errors.As(err, &ce) && c.write(func(fr *http2.Framer) error { return fr.WriteGoAway(c.lastID, http2.ErrCode(ce), nil) }) == nil {
		listener.LingerClose(c.nc, goAwayLinger)
	}
}

// goAwayLinger bounds the staged close after a GOAWAY.
const goAwayLinger = time.Second

// windowUpdate credits a send window. A window pushed past maxWindow is a flow-control error of
// the stream or, for the connection's own window, of the connection (RFC 9113 §6.9.1).
func (c *h2Conn) windowUpdate(f *http2.WindowUpdateFrame) error {
	c.mu.Lock()
	var overflow bool
	if f.StreamID == 0 {
		overflow = c.connWindow+int64(f.Increment) > maxWindow
		if !overflow {
			c.connWindow += int64(f.Increment)
		}
	} else if st := c.streams[f.StreamID]; st != nil {
		overflow = st.window+int64(f.Increment) > maxWindow
		if !overflow {
			st.window += int64(f.Increment)
		}
	}
	c.wake()
	c.mu.Unlock()
	switch {
	case overflow && f.StreamID == 0:
		return http2.ConnectionError(http2.ErrCodeFlowControl)
	case overflow:
		c.reset(f.StreamID, http2.ErrCodeFlowControl)
	}
	return nil
}

// declaredLength is the request's content-length: -1 when it has none, ok false when the field
// is repeated with different values or is not a number (a malformed request, RFC 9113 §8.1.1).
func declaredLength(mh *http2.MetaHeadersFrame) (n int64, ok bool) {
	n = -1
	for _, hf := range mh.RegularFields() {
		if hf.Name != "content-length" {
			continue
		}
		v, err := strconv.ParseInt(hf.Value, 10, 64)
		if err != nil || v < 0 || (n >= 0 && v != n) {
			return 0, false
		}
		n = v
	}
	return n, true
}

// overDeclared says whether a stream's DATA so far breaks its declared length: more than it, or
// at END_STREAM other than it (RFC 9113 §8.1.1).
func (st *h2Stream) overDeclared(ended bool) bool {
	if st.declared < 0 {
		return false
	}
	return st.received > st.declared || (ended && st.received != st.declared)
}
