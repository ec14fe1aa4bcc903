package gateways

import (
	"net"
	"sync"
	"sync/atomic"

	"github.com/expectspec/expectspec/harness/h1"
)

// The upstream side of the knobbed gateway: the connection reuseAbandoned pins to a client and
// mutes, and the 1xx knobs of reading the origin's final response.

// pins holds, per client connection, the upstream connection reuseAbandoned keeps for that
// client's next request, so that the connection it left owing content is the one reused (a
// shared pool would hand it to whichever request dials next).
type pins struct {
	mu sync.Mutex
	m  map[*client]*upstream
}

func (p *pins) take(c *client) *upstream {
	p.mu.Lock()
	defer p.mu.Unlock()
	u := p.m[c]
	delete(p.m, c)
	return u
}

func (p *pins) put(c *client, u *upstream) {
	p.mu.Lock()
	p.m[c] = u
	p.mu.Unlock()
}

// gatedConn is an upstream connection whose writes can be turned into no-ops: the content that
// reuseAbandoned reads from the client and does not relay.
type gatedConn struct {
	net.Conn
	drop atomic.Bool
}

func (c *gatedConn) Write(b []byte) (int, error) {
	if c.drop.Load() {
		return len(b), nil
	}
	return c.Conn.Write(b)
}

// readFinalKnobbed is readFinal with the 1xx knobs of the mutants (all off: readFinal itself);
// answered sees the status of every response read.
func readFinalKnobbed(c *client, u *upstream, req *request, relay bool, k knobs, answered func(status int)) (*response, error) {
	for range maxInterims {
		h, err := u.r.ReadHead(maxHead, 0)
		if err != nil {
			return nil, err
		}
		resp, err := parseResponse(h, req.method)
		if err != nil {
			return nil, err
		}
		answered(resp.status)
		if !resp.interim() {
			return resp, nil
		}
		if resp.status == 101 {
			return nil, errBadResponse
		}
		if k.unknown1xxFails && resp.status != 100 && resp.status != 102 && resp.status != 103 {
			return nil, errBadResponse
		}
		if k.frame1xxByLength {
			if n, err := h1.ContentLength(get(resp.fields, "Content-Length"), h1.FramingLengths); err == nil && n > 0 {
				if _, err := readContent(u.r, &request{length: n}, int(n)); err != nil {
					return nil, err
				}
			}
		}
		if relay && (req.minor == 1 || k.interimsToHTTP10) {
			out := downstreamHead(resp, false, false)
			if k.raw1xx {
				out = h.Raw
			}
			if err := write(c.nc, out); err != nil {
				return nil, err
			}
		}
	}
	return nil, errTooManyInterims
}
