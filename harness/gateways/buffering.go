package gateways

import (
	"strconv"

	"github.com/expectspec/expectspec/harness/conv"
)

// StartBuffering starts the reference buffering gateway on a loopback port, in front of the
// origin at originAddr. For each request it:
//   - answers 100 (Continue) itself at once to an HTTP/1.1 request with a 100-continue
//     expectation and content (or 413 at once when the declared length is over its bound);
//   - reads the whole content, then sends the request upstream without Expect, with a
//     Content-Length (chunked content is decoded), head and content in one write;
//   - relays only the final response: the origin's 1xx are not forwarded (RFC 9110 §15.2 binds
//     forward proxies; for a gateway that is info: cases/CATALOGUE.md, interpretation
//     proxy-wording).
//
// This is the conforming alternative of cases/CATALOGUE.md, interpretation gateway-own-100: the
// gateway is the origin
// towards its client. stop closes everything and waits for every goroutine of the gateway.
func StartBuffering(originAddr string) (addr string, stop func(), err error) {
	return start(originAddr, "1.1 expectspec-buffering", bufferExchange)
}

func bufferExchange(g *gateway, c *client, req *request) bool {
	return buffered(g, c, req, true, false)
}

// buffered reads the whole content before anything goes upstream (answering the client's
// expectation with its own 100 when own100), then sends the head and the content in one write
// without Expect and relays the final response (and the origin's 1xx when relay1xx).
func buffered(g *gateway, c *client, req *request, own100, relay1xx bool) bool {
	var content []byte
	if req.hasContent() {
		if req.length > maxBuffered {
			g.fail(c, refuse(413, "content larger than %d octets", maxBuffered))
			return false
		}
		if own100 && req.expectContinue {
			if write(c.nc, []byte(conv.Continue100)) != nil {
				return false
			}
		}
		var err error
		if content, err = readContent(c.r, req, maxBuffered); err != nil {
			if _, refused := err.(*statusError); refused {
				g.fail(c, err)
			}
			return false
		}
	}
	fields := forwardable(req.fields, "Expect", "Content-Length", "Transfer-Encoding")
	var framing []conv.Field
	if req.chunked || req.length >= 0 {
		framing = []conv.Field{{Name: "Content-Length", Value: strconv.Itoa(len(content))}}
	}
	u, err := g.dial(g.next(req))
	if err != nil {
		g.fail(c, err)
		return false
	}
	if err := write(u.nc, append(upstreamHead(req, g.via, fields, framing...), content...)); err != nil {
		g.forget(u.nc)
		g.fail(c, err)
		return false
	}
	resp, err := readFinal(c, u, req, relay1xx)
	if err != nil {
		g.forget(u.nc)
		g.fail(c, err)
		return false
	}
	closing := mustClose(req, resp)
	relayErr := relayFinal(c, u, resp, req, closing)
	g.release(u, relayErr == nil && !resp.close)
	if relayErr != nil || closing {
		closeStaged(c)
		return false
	}
	return true
}
