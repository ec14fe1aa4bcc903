package gateways_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"

	"github.com/expectspec/expectspec/harness/conv"
	"github.com/expectspec/expectspec/harness/gateways"
)

// The HTTP/2 reference gateway, driven by x/net/http2's own client in h2c: a real client the
// gateway did not write, so a frame it gets wrong shows as that client's error.

func h2cClient() *http.Client {
	tr := &http2.Transport{AllowHTTP: true, DialTLSContext: func(ctx context.Context, network, addr string, _ *tls.Config) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, addr)
	}}
	DeferCleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr, Timeout: within}
}

func startH2Gateway(name string, o interface{ Addr() string }) string {
	GinkgoHelper()
	for _, g := range append(gateways.H2Conforming(), gateways.H2Mutants()...) {
		if g.Name == name {
			addr, stop, err := g.Start(o.Addr())
			Expect(err).NotTo(HaveOccurred())
			DeferCleanup(stop)
			return addr
		}
	}
	Fail("no HTTP/2 gateway named " + name)
	return ""
}

// rawH2Request starts the HTTP/2 reference gateway in front of originAddr and opens stream 1 on
// it with a header block of its own making (fields are name, value pairs), frame by frame, for
// what x/net's client would not send. It returns the client's Framer.
func rawH2Request(originAddr string, end bool, fields ...string) *http2.Framer {
	GinkgoHelper()
	addr, stop, err := gateways.StartH2Front(originAddr)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(stop)
	nc, err := net.DialTimeout("tcp", addr, within)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(nc.Close)
	Expect(nc.SetDeadline(time.Now().Add(within))).To(Succeed())
	_, err = io.WriteString(nc, http2.ClientPreface)
	Expect(err).NotTo(HaveOccurred())
	fr := http2.NewFramer(nc, nc)
	Expect(fr.WriteSettings()).To(Succeed())
	var block bytes.Buffer
	enc := hpack.NewEncoder(&block)
	for i := 0; i+1 < len(fields); i += 2 {
		Expect(enc.WriteField(hpack.HeaderField{Name: fields[i], Value: fields[i+1]})).To(Succeed())
	}
	Expect(fr.WriteHeaders(http2.HeadersFrameParam{StreamID: 1, BlockFragment: block.Bytes(), EndHeaders: true, EndStream: end})).To(Succeed())
	return fr
}

var _ = Describe("the HTTP/2 reference gateway", func() {
	It("forwards an upload with Expect, relays the origin's 100 as an interim response and its final", func() {
		o := startOrigin()
		o.Register("h2a", conv.OriginScript{})
		addr := startH2Gateway("ref-h2-gateway", o)
		var got100 bool
		req, _ := http.NewRequest("POST", "http://"+addr+conv.OriginPath("h2a", "echo"), strings.NewReader("hello"))
		req.Header.Set("Expect", "100-continue")
		req = req.WithContext(httptrace.WithClientTrace(req.Context(), &httptrace.ClientTrace{Got100Continue: func() { got100 = true }}))
		resp, err := h2cClient().Do(req)
		Expect(err).NotTo(HaveOccurred())
		body, _ := io.ReadAll(resp.Body)
		Expect(resp.StatusCode).To(Equal(200))
		Expect(string(body)).To(Equal("ok\n"))
		Expect(got100).To(BeTrue())
		rec := o.Record("h2a")
		Expect(rec.Requests).To(HaveLen(1))
		q := rec.Requests[0]
		Expect(q.Proto).To(Equal("HTTP/1.1"))
		Expect(q.ExpectsContinue).To(BeTrue())
		Expect(string(q.Content)).To(Equal("hello"))
	})

	It("frames a request without content-length as chunked upstream", func() {
		o := startOrigin()
		o.Register("h2b", conv.OriginScript{})
		addr := startH2Gateway("ref-h2-gateway", o)
		pr, pw := io.Pipe()
		go func() {
			defer GinkgoRecover()
			_, _ = pw.Write([]byte("hel"))
			time.Sleep(10 * time.Millisecond)
			_, _ = pw.Write([]byte("lo"))
			_ = pw.Close()
		}()
		req, _ := http.NewRequest("POST", "http://"+addr+conv.OriginPath("h2b", "echo"), pr)
		resp, err := h2cClient().Do(req)
		Expect(err).NotTo(HaveOccurred())
		_, _ = io.Copy(io.Discard, resp.Body)
		Expect(resp.StatusCode).To(Equal(200))
		q := o.Record("h2b").Requests[0]
		Expect(q.Framing).To(Equal("chunked"))
		Expect(string(q.Content)).To(Equal("hello"))
	})

	It("drops the origin's connection-specific fields; the mutant relays them", func() {
		o := startOrigin()
		final := conv.RawMessage("HTTP/1.1 200 OK\r\nConnection: keep-alive, X-Hop\r\nKeep-Alive: timeout=5\r\nX-Hop: 1\r\nX-End: 2\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nok\n\r\n0\r\n\r\n")
		o.Register("h2c", conv.OriginScript{Final: final})
		header := func(gw string) (http.Header, error) {
			addr := startH2Gateway(gw, o)
			resp, err := h2cClient().Post("http://"+addr+conv.OriginPath("h2c", "echo"), "text/plain", strings.NewReader("hello"))
			if err != nil {
				return nil, err
			}
			body, _ := io.ReadAll(resp.Body)
			Expect(string(body)).To(Equal("ok\n"))
			return resp.Header, nil
		}
		h, err := header("ref-h2-gateway")
		Expect(err).NotTo(HaveOccurred())
		Expect(h.Get("X-End")).To(Equal("2"))
		for _, name := range []string{"Connection", "Keep-Alive", "X-Hop", "Transfer-Encoding"} {
			Expect(h.Values(name)).To(BeEmpty(), name)
		}
		// x/net's client takes the mutant's malformed response (RFC 9113 §8.2.2) as it comes.
		h, err = header("mut-h2gw-relay-connection-fields")
		Expect(err).NotTo(HaveOccurred())
		Expect(h.Get("X-Hop")).To(Equal("1"))
		Expect(h.Get("Keep-Alive")).To(Equal("timeout=5"))
	})

	It("answers an early final while the client still uploads, and the client keeps the response", func() {
		o := startOrigin()
		o.Register("h2d", conv.ScriptEarly(conv.Unauthorized401, conv.EarlyKeepReading))
		addr := startH2Gateway("ref-h2-gateway", o)
		pr, pw := io.Pipe()
		DeferCleanup(pw.Close)
		go func() { // an upload that never ends unless the client stops it
			for {
				if _, err := pw.Write(make([]byte, 16<<10)); err != nil {
					return
				}
			}
		}()
		req, _ := http.NewRequest("POST", "http://"+addr+conv.OriginPath("h2d", "early"), pr)
		req.Header.Set("Expect", "100-continue")
		resp, err := h2cClient().Do(req)
		Expect(err).NotTo(HaveOccurred())
		body, err := io.ReadAll(resp.Body)
		Expect(err).NotTo(HaveOccurred(), "a reset with NO_ERROR after a complete response keeps the response (RFC 9113 §8.1)")
		Expect(resp.StatusCode).To(Equal(401))
		Expect(len(body)).To(BeNumerically("==", resp.ContentLength))
	})

	It("answers 502 when the origin cannot be reached, and stops an unfinished upload with RST_STREAM(NO_ERROR)", func() {
		dead, err := net.Listen("tcp", "127.0.0.1:0")
		Expect(err).NotTo(HaveOccurred())
		deadAddr := dead.Addr().String()
		Expect(dead.Close()).To(Succeed()) // nothing listens there now
		fr := rawH2Request(deadAddr, false, ":method", "POST", ":scheme", "http", ":authority", "t", ":path", "/x", "content-length", "100")
		var status string
		for {
			f, err := fr.ReadFrame()
			Expect(err).NotTo(HaveOccurred(), "after %q", status)
			switch f := f.(type) {
			case *http2.HeadersFrame:
				fields, err := hpack.NewDecoder(4096, nil).DecodeFull(f.HeaderBlockFragment())
				Expect(err).NotTo(HaveOccurred())
				status = fields[0].Value
				Expect(f.StreamEnded()).To(BeTrue())
			case *http2.RSTStreamFrame:
				Expect(status).To(Equal("502"))
				Expect(f.ErrCode).To(Equal(http2.ErrCodeNo))
				return
			}
		}
	})

	It("relays a header block larger than a frame in CONTINUATION frames", func() {
		o := startOrigin()
		big := strings.Repeat("b", 40<<10) // over the 16 KiB frame every client accepts
		o.Register("h2g", conv.OriginScript{Final: conv.RawMessage("HTTP/1.1 200 OK\r\nX-Big: " + big + "\r\nContent-Length: 3\r\n\r\nok\n")})
		addr := startH2Gateway("ref-h2-gateway", o)
		resp, err := h2cClient().Post("http://"+addr+conv.OriginPath("h2g", "echo"), "text/plain", strings.NewReader("hello"))
		Expect(err).NotTo(HaveOccurred())
		_, _ = io.Copy(io.Discard, resp.Body)
		Expect(resp.Header.Get("X-Big")).To(Equal(big))
	})

	It("relays a final larger than the client's windows", func() {
		o := startOrigin()
		big := strings.Repeat("x", 300<<10)
		o.Register("h2e", conv.OriginScript{Final: conv.RawMessage("HTTP/1.1 200 OK\r\nContent-Length: 307200\r\n\r\n" + big)})
		addr := startH2Gateway("ref-h2-gateway", o)
		resp, err := h2cClient().Post("http://"+addr+conv.OriginPath("h2e", "echo"), "text/plain", strings.NewReader("hello"))
		Expect(err).NotTo(HaveOccurred())
		body, err := io.ReadAll(resp.Body)
		Expect(err).NotTo(HaveOccurred())
		Expect(len(body)).To(Equal(len(big)))
	})

	It("stalls an upload that waits for a 100 when the mutant holds the request for its content", func() {
		o := startOrigin()
		o.Register("h2f", conv.OriginScript{})
		addr := startH2Gateway("mut-h2gw-wait-for-content", o)
		c := h2cClient()
		c.Timeout = 300 * time.Millisecond
		pr, pw := io.Pipe() // the content never comes: the client waits for the 100
		DeferCleanup(pw.Close)
		req, _ := http.NewRequest("POST", "http://"+addr+conv.OriginPath("h2f", "echo"), pr)
		req.ContentLength = 5
		req.Header.Set("Expect", "100-continue")
		_, err := c.Do(req)
		var ne net.Error
		Expect(errors.As(err, &ne) && ne.Timeout()).To(BeTrue(), "%v", err)
		Expect(o.Record("h2f").Requests).To(BeEmpty())
	})
	It("answers a client's RST_STREAM with nothing, though the upstream exchange it ends fails (RFC 9113 §5.4.2)", func() {
		held, err := net.Listen("tcp", "127.0.0.1:0") // an origin that reads and never answers
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(held.Close)
		accepted, upstreamClosed := make(chan struct{}), make(chan struct{})
		go func() {
			c, err := held.Accept()
			if err != nil {
				return
			}
			defer c.Close()
			close(accepted)
			_, _ = io.Copy(io.Discard, c)
			close(upstreamClosed)
		}()
		fr := rawH2Request(held.Addr().String(), false, ":method", "POST", ":scheme", "http", ":authority", "t", ":path", "/held", "expect", "100-continue")
		Eventually(accepted, within).Should(BeClosed()) // the request is on its way upstream
		Expect(fr.WriteRSTStream(1, http2.ErrCodeCancel)).To(Succeed())
		Eventually(upstreamClosed, within).Should(BeClosed()) // the reset reached the upstream exchange
		Expect(fr.WritePing(false, [8]byte{1})).To(Succeed())
		for {
			f, err := fr.ReadFrame()
			Expect(err).NotTo(HaveOccurred())
			_, isReset := f.(*http2.RSTStreamFrame)
			Expect(isReset).To(BeFalse(), "the gateway answered the client's RST_STREAM with one")
			if p, ok := f.(*http2.PingFrame); ok && p.IsAck() {
				return
			}
		}
	})
	It("takes Host from a request's host field when it has no :authority (RFC 9113 §8.3.1)", func() {
		origin, err := net.Listen("tcp", "127.0.0.1:0") // records the head it is sent
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(origin.Close)
		head := make(chan string, 1)
		go func() {
			c, err := origin.Accept()
			if err != nil {
				return
			}
			defer c.Close()
			_ = c.SetDeadline(time.Now().Add(within))
			var got []byte
			buf := make([]byte, 4096)
			for !bytes.Contains(got, []byte("\r\n\r\n")) {
				n, err := c.Read(buf)
				if got = append(got, buf[:n]...); err != nil {
					break
				}
			}
			head <- string(got)
		}()
		rawH2Request(origin.Addr().String(), true, ":method", "GET", ":scheme", "http", ":path", "/h", "host", "example.test")
		Eventually(head, within).Should(Receive(ContainSubstring("\r\nHost: example.test\r\n")))
	})
	It("keeps the header table within the size the client's SETTINGS allow (RFC 7541 §4.2)", func() {
		o := startOrigin()
		o.Register("h2t", conv.OriginScript{})
		addr := startH2Gateway("ref-h2-gateway", o)
		tr := &http2.Transport{AllowHTTP: true, MaxDecoderHeaderTableSize: 1, DialTLSContext: func(ctx context.Context, network, addr string, _ *tls.Config) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, network, addr)
		}}
		DeferCleanup(tr.CloseIdleConnections)
		client := &http.Client{Transport: tr, Timeout: within}
		for range 2 { // the second response would refer to fields the first put in the table
			resp, err := client.Get("http://" + addr + conv.OriginPath("h2t", "echo"))
			Expect(err).NotTo(HaveOccurred())
			_, _ = io.Copy(io.Discard, resp.Body)
			Expect(resp.Body.Close()).To(Succeed())
			Expect(resp.StatusCode).To(Equal(200))
		}
	})
})
