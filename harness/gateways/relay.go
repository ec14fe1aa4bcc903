package gateways

import (
	"errors"

	"github.com/expectspec/expectspec/harness/h1"
	"github.com/expectspec/expectspec/harness/internal/wire"
)

// maxInterims bounds the 1xx responses read for one request, so an upstream that sends 1xx
// forever cannot hold the exchange.
const maxInterims = 100

var errTooManyInterims = errors.New("too many interim responses from upstream")

// readFinal reads upstream responses up to the final one. With relay, every 1xx but 101 is
// relayed to an HTTP/1.1 client as it arrives (RFC 9110 §15.2); an HTTP/1.0 client never gets
// one. A 101 is an error: these gateways never forward Upgrade, so nobody asked for it.
func readFinal(c *client, u *upstream, req *request, relay bool) (*response, error) {
	return readFinalKnobbed(c, u, req, relay, knobs{}, func(int) {})
}

// relayFinal writes the final response to the client: the repaired head, then the content as
// the upstream framed it. A chunked response to an HTTP/1.0 client is decoded and delimited by
// the close instead (RFC 9112 §6.1), which closing must then say.
func relayFinal(c *client, u *upstream, resp *response, req *request, closing bool) error {
	dechunk := resp.chunked && req.minor == 0
	if err := write(c.nc, downstreamHead(resp, dechunk, closing)); err != nil {
		return err
	}
	switch {
	case resp.bodyless:
		return nil
	case resp.chunked:
		return copyChunked(c.nc, u.r, dechunk)
	case resp.closeDelimited:
		return copyUntilClose(c.nc, u.r)
	}
	return copyN(c.nc, u.r, resp.length)
}

// mustClose says whether the client connection ends after this response: the client asked, or
// the response is delimited by the close.
func mustClose(req *request, resp *response) bool {
	return req.closeAfter || resp.closeDelimited || resp.chunked && req.minor == 0
}

// readContent reads a request's whole content, decoded, up to max octets.
func readContent(r *wire.Reader, req *request, max int) ([]byte, error) {
	var out []byte
	if !req.chunked {
		for int64(len(out)) < req.length {
			s, err := r.Next(int(req.length) - len(out))
			if err != nil {
				return nil, err
			}
			out = append(out, s.Data...)
		}
		return out, nil
	}
	var ch h1.Chunked
	for !ch.Done() {
		s, err := r.Next(readSize)
		if err != nil {
			return nil, err
		}
		n, ferr := ch.Feed(s.Data, func(d []byte) { out = append(out, d...) })
		r.Unread(wire.Segment{Data: s.Data[n:], At: s.At, Seq: s.Seq})
		if ferr != nil {
			return nil, refuse(400, "chunked content: %v", ferr)
		}
		if len(out) > max {
			return nil, refuse(413, "content larger than %d octets", max)
		}
	}
	return out, nil
}
