package gateways

import (
	"errors"
	"io"
	"net"
	"strconv"
	"strings"

	"golang.org/x/net/http2"

	"github.com/expectspec/expectspec/harness/conv"
	"github.com/expectspec/expectspec/harness/h1"
	"github.com/expectspec/expectspec/harness/internal/wire"
)

// One request stream of the HTTP/2 reference gateway, forwarded as HTTP/1.1 on an upstream
// connection of its own. The request's pseudo-header fields become the request line and Host;
// its content goes as the client sends it, framed by its content-length or, without one,
// chunked (RFC 9113 §8.1: an h2 request need not declare its length); Expect goes along, so the
// origin decides about the 100 and the gateway relays it. Each upstream 1xx but 101 becomes a
// HEADERS frame without END_STREAM; the final, a header block and DATA ending the stream.
// Neither direction carries a connection-specific field across (RFC 9113 §8.2.2, RFC 9110
// §7.6.1). A final that arrives before the request's content ended is followed by
// RST_STREAM(NO_ERROR), which asks the client to stop sending without discarding the response
// (RFC 9113 §8.1), and the upstream connection, with content still owed, is closed.

// h2Request is a request stream as it goes upstream.
type h2Request struct {
	method, path, authority string
	fields                  []conv.Field
	length                  int64 // the declared content-length, -1 for none
	chunked                 bool
}

func (c *h2Conn) exchange(st *h2Stream, mh *http2.MetaHeadersFrame) {
	defer c.forget(st.id)
	req := translateRequest(mh)
	var early []byte
	if c.front.k.waitForContent { // the mutant: the whole content first, and no 100
		if !st.receive(func(p []byte) { early = append(early, p...) }) {
			return
		}
	}
	up, err := net.DialTimeout("tcp", c.front.upstream, dialTimeout)
	if err != nil {
		c.badGateway(st)
		return
	}
	defer up.Close()
	exchanged := make(chan struct{})
	defer close(exchanged)
	go func() { // a reset stream or a lost client ends the upstream exchange too
		select {
		case <-st.gone:
			_ = up.Close()
		case <-exchanged:
		}
	}()
	if err := write(up, req.head()); err != nil {
		c.badGateway(st)
		return
	}
	pumped := make(chan struct{})
	if c.front.k.waitForContent {
		_ = writeContent(up, req, early, true)
		close(pumped)
	} else {
		go c.pump(st, up, req, pumped)
	}
	r := wire.NewReader(up, idleTimeout)
	if err := c.relayResponses(st, r, req); err != nil {
		select {
		case <-st.gone: // the client reset the stream (which closed up) or left: RFC 9113 §5.4.2 bars answering a RST_STREAM with one
		default:
			c.reset(st.id, http2.ErrCodeInternal)
		}
		return
	}
	select {
	case <-pumped:
	default: // the final came first: stop the upload, and let the upstream go with it
		c.reset(st.id, http2.ErrCodeNo)
	}
}

// badGateway answers 502 when the origin cannot be reached or written to and, when the client
// is still uploading, asks it to stop with RST_STREAM(NO_ERROR) (RFC 9113 §8.1), or the
// stream's content would keep coming with nobody to give its credit back.
func (c *h2Conn) badGateway(st *h2Stream) {
	_ = c.headers(st.id, true, ":status", "502")
	select {
	case <-st.done:
	default:
		c.reset(st.id, http2.ErrCodeNo)
	}
}

// translateRequest makes the HTTP/1.1 request of a request stream. RFC 9113 §8.2.3: cookie
// field lines go upstream as one, joined by "; ".
func translateRequest(mh *http2.MetaHeadersFrame) h2Request {
	req := h2Request{method: mh.PseudoValue("method"), path: mh.PseudoValue("path"), authority: mh.PseudoValue("authority"), length: -1}
	var cookies []string
	for _, hf := range mh.RegularFields() {
		switch hf.Name {
		case "host": // a request may carry Host instead of :authority (RFC 9113 §8.3.1)
			if req.authority == "" {
				req.authority = hf.Value
			}
			continue
		case "te":
			continue
		case "cookie":
			cookies = append(cookies, hf.Value)
			continue
		case "content-length":
			if n, err := strconv.ParseInt(hf.Value, 10, 64); err == nil {
				req.length = n
			}
		}
		req.fields = append(req.fields, conv.Field{Name: hf.Name, Value: hf.Value})
	}
	if len(cookies) > 0 {
		req.fields = append(req.fields, conv.Field{Name: "cookie", Value: strings.Join(cookies, "; ")})
	}
	if req.length < 0 && !mh.StreamEnded() {
		req.chunked = true
	} else if req.length < 0 && (req.method == "POST" || req.method == "PUT") {
		req.fields = append(req.fields, conv.Field{Name: "content-length", Value: "0"})
	}
	return req
}

// head is the HTTP/1.1 request head, written as the HTTP/1.1 gateways write theirs
// (upstreamHead): Host from :authority first, Via for the hop (RFC 9110 §7.6.3).
func (r h2Request) head() []byte {
	var framing []conv.Field
	if r.chunked {
		framing = append(framing, conv.Field{Name: "Transfer-Encoding", Value: "chunked"})
	}
	fields := append([]conv.Field{{Name: "Host", Value: r.authority}}, r.fields...)
	return upstreamHead(&request{method: r.method, target: r.path}, "2 expectspec-h2-gateway", fields, framing...)
}

// pump sends the request's content upstream as it arrives, giving the stream's credit back once
// the upstream has taken each piece. pumped closes once the client has sent all of it, before the
// last piece goes upstream: an origin that answers after reading it cannot beat the close, so a
// complete exchange never draws exchange's RST_STREAM(NO_ERROR) by a scheduling accident.
func (c *h2Conn) pump(st *h2Stream, up net.Conn, req h2Request, pumped chan struct{}) {
	var sent int64
	for {
		select {
		case p, open := <-st.content:
			sent += int64(len(p))
			// all it declared has come; END_STREAM may come in a later frame
			complete := !open || req.length >= 0 && sent >= req.length
			if complete {
				close(pumped)
			}
			if !open {
				_ = writeContent(up, req, nil, true)
				return
			}
			if writeContent(up, req, p, false) != nil {
				return
			}
			_ = c.write(func(fr *http2.Framer) error { return fr.WriteWindowUpdate(st.id, uint32(len(p))) })
			if complete {
				st.receive(func([]byte) {})
				return
			}
		case <-st.gone:
			return
		}
	}
}

// receive hands each piece of the request's content to take until END_STREAM (true), or until
// the stream or the connection is gone (false).
func (st *h2Stream) receive(take func([]byte)) bool {
	for {
		select {
		case p, open := <-st.content:
			if !open {
				return true
			}
			take(p)
		case <-st.gone:
			return false
		}
	}
}

// writeContent writes a piece of content upstream in the request's framing; last ends it.
func writeContent(up net.Conn, req h2Request, p []byte, last bool) error {
	if !req.chunked {
		if len(p) == 0 {
			return nil
		}
		return write(up, p)
	}
	var out []byte
	if len(p) > 0 {
		out = append(out, strconv.FormatInt(int64(len(p)), 16)+"\r\n"...)
		out = append(append(out, p...), "\r\n"...)
	}
	if last {
		out = append(out, "0\r\n\r\n"...)
	}
	return write(up, out)
}

// relayResponses relays the upstream's interim responses and its final response.
func (c *h2Conn) relayResponses(st *h2Stream, r *wire.Reader, req h2Request) error {
	for range maxInterims {
		h, err := r.ReadHead(maxHead, 0)
		if err != nil {
			return err
		}
		resp, err := parseResponse(h, req.method)
		if err != nil {
			return err
		}
		if resp.status == 101 {
			return errBadResponse // nothing asked to switch protocols
		}
		fields := c.responseFields(resp)
		if resp.interim() {
			if err := c.headers(st.id, c.front.k.interimEndStream, fields...); err != nil {
				return err
			}
			continue
		}
		if resp.bodyless {
			return c.headers(st.id, true, fields...)
		}
		if err := c.headers(st.id, false, fields...); err != nil {
			return err
		}
		return c.relayContent(st, r, resp)
	}
	return errTooManyInterims
}

// responseFields is a response's header block: :status, then its fields in lowercase, without
// the connection-specific ones (and those its Connection names) unless a knob keeps them, and
// without framing on a 1xx.
func (c *h2Conn) responseFields(resp *response) []string {
	fields := resp.fields
	if !c.front.k.relayConnectionFields {
		fields = forwardable(fields, "Transfer-Encoding")
	}
	out := []string{":status", strconv.Itoa(resp.status)}
	for _, f := range fields {
		name := strings.ToLower(f.Name)
		if resp.interim() && (name == "content-length" || name == "transfer-encoding") || resp.chunked && name == "content-length" {
			continue
		}
		out = append(out, name, f.Value)
	}
	return out
}

// relayContent relays the final response's content as DATA frames, ending the stream.
func (c *h2Conn) relayContent(st *h2Stream, r *wire.Reader, resp *response) error {
	var ch h1.Chunked
	left := resp.length
	if !resp.chunked && !resp.closeDelimited && left == 0 {
		return c.sendData(st, nil, true)
	}
	for {
		s, err := r.Next(readSize)
		if errors.Is(err, io.EOF) && resp.closeDelimited {
			return c.sendData(st, nil, true)
		}
		if err != nil {
			return err
		}
		data := s.Data
		switch {
		case resp.chunked:
			var out []byte
			n, ferr := ch.Feed(data, func(d []byte) { out = append(out, d...) })
			if ferr != nil {
				return ferr
			}
			if n < len(data) {
				r.Unread(wire.Segment{Data: data[n:], At: s.At, Seq: s.Seq})
			}
			data = out
		case !resp.closeDelimited:
			if int64(len(data)) > left {
				data = data[:left]
			}
			left -= int64(len(data))
		}
		end := resp.chunked && ch.Done() || !resp.chunked && !resp.closeDelimited && left == 0
		if len(data) == 0 && !end {
			continue
		}
		if err := c.sendData(st, data, end); err != nil || end {
			return err
		}
	}
}
