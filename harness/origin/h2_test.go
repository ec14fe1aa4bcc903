package origin_test

import (
	"bytes"
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"

	"github.com/expectspec/expectspec/harness/certs"
	"github.com/expectspec/expectspec/harness/conv"
	"github.com/expectspec/expectspec/harness/origin"
)

// The HTTP/2 side of the origin (WithH2) for clients under test, driven by a raw-frame client so
// that each frame it answers with can be checked, and by Go's own HTTP/2 client.
var _ = Describe("the scripted origin over HTTP/2", func() {
	const tok = "h2"
	final := conv.RawMessage("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 6\r\n\r\nfinal\n")
	// T44: 100 and 103 on the head, the final at the first content, then RST_STREAM(NO_ERROR).
	t44 := conv.OriginScript{OnHead: conv.HeadContinueThenFinal, Early: final, AfterEarly: conv.EarlyResetNoError,
		Continue: "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload\r\n\r\n"}

	var pool *tls.Config
	start := func() *origin.Origin {
		GinkgoHelper()
		ca, leaf, err := certs.Loopback("origin h2 test")
		Expect(err).NotTo(HaveOccurred())
		o, err := origin.Start(origin.WithTLS(&tls.Config{Certificates: []tls.Certificate{leaf.TLS}}), origin.WithH2(),
			origin.WithIdleTimeout(2*time.Second))
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(func() { _ = o.Close() })
		pool = &tls.Config{RootCAs: ca.Pool(), ServerName: "127.0.0.1", NextProtos: []string{"h2"}}
		return o
	}

	It("sends 100, 103, the final at the first content and RST_STREAM(NO_ERROR), and records the stream (T44)", func() {
		o := start()
		o.Register(tok, t44)
		c := dialH2(o.Addr(), pool)
		c.headers(1, false, ":method", "POST", ":scheme", "https", ":authority", "127.0.0.1", ":path", conv.OriginPath(tok, "upload"),
			"content-length", "100000", "expect", "100-continue")
		Expect(c.nextHeaders()).To(Equal("100"))
		Expect(c.nextHeaders()).To(Equal("103"))
		Expect(c.fr.WriteData(1, false, make([]byte, 1000))).To(Succeed())
		Expect(c.nextHeaders()).To(Equal("200"))
		d := c.next()
		Expect(d).To(BeAssignableToTypeOf(&http2.DataFrame{}))
		Expect(d.(*http2.DataFrame).Data()).To(Equal([]byte("final\n")))
		Expect(d.Header().Flags.Has(http2.FlagDataEndStream)).To(BeTrue())
		r := c.next()
		Expect(r).To(BeAssignableToTypeOf(&http2.RSTStreamFrame{}))
		Expect(r.(*http2.RSTStreamFrame).ErrCode).To(Equal(http2.ErrCodeNo))
		// DATA in flight after the reset is logged, and the connection goes on
		Expect(c.fr.WriteData(1, false, make([]byte, 500))).To(Succeed())
		Expect(c.fr.WriteRSTStream(1, http2.ErrCodeCancel)).To(Succeed())
		rec := requests(o, tok, 1, func(q conv.OriginRequest) bool { return q.ClientReset != "" && q.ContentLen == 1500 })
		q := rec.Requests[0]
		Expect(q.Proto).To(Equal("HTTP/2"))
		Expect(q.RequestLine).To(Equal("POST " + conv.OriginPath(tok, "upload") + " HTTP/2"))
		Expect(q.Stream).To(BeEquivalentTo(1))
		Expect(q.ExpectsContinue).To(BeTrue())
		Expect(q.DeclaredLength).To(BeEquivalentTo(100000))
		Expect(q.EarlyFinal).To(BeTrue())
		Expect(q.ServerReset).To(Equal("NO_ERROR"))
		Expect(q.ClientReset).To(Equal("CANCEL"))
		Expect(q.AfterResponse).To(HaveLen(1))
		Expect(q.EndStream).To(BeFalse())
		Expect(q.Sent).To(HaveLen(4))
		Expect(string(q.Sent[1].Msg)).To(ContainSubstring(":status=103 link=</s.css>; rel=preload"))
		Expect(string(q.Sent[3].Msg)).To(Equal("RST_STREAM NO_ERROR"))
		Expect(c.fr.WritePing(false, [8]byte{1})).To(Succeed())
		Expect(c.next()).To(BeAssignableToTypeOf(&http2.PingFrame{}))
	})

	It("encodes its header blocks within the header table size the client's SETTINGS allow", func() {
		o := start()
		// two 100s: the second :status=100 would be a reference to the dynamic table
		o.Register(tok, conv.OriginScript{OnHead: conv.HeadContinueAlways, Final: final,
			Continue: "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 100 Continue\r\n\r\n"})
		c := dialH2(o.Addr(), pool)
		Expect(c.fr.WriteSettings(http2.Setting{ID: http2.SettingHeaderTableSize, Val: 0})).To(Succeed())
		c.dec = hpack.NewDecoder(0, nil)
		c.headers(1, false, ":method", "POST", ":scheme", "https", ":authority", "127.0.0.1", ":path", conv.OriginPath(tok, "upload"),
			"content-length", "2")
		Expect(c.nextHeaders()).To(Equal("100"))
		Expect(c.nextHeaders()).To(Equal("100"))
	})

	It("ends a connection whose client sends a frame larger than the origin's SETTINGS allow", func() {
		o := start()
		o.Register(tok, t44)
		c := dialH2(o.Addr(), pool)
		c.headers(1, false, ":method", "POST", ":scheme", "https", ":authority", "127.0.0.1", ":path", conv.OriginPath(tok, "upload"),
			"content-length", "100000")
		Expect(c.nextHeaders()).To(Equal("100"))
		Expect(c.nextHeaders()).To(Equal("103"))
		// the origin closes the connection once it has the frame's header, instead of taking its
		// content: the write may fail with a broken pipe, so only the record is checked
		_ = c.fr.WriteData(1, false, make([]byte, 16385))
		q := requests(o, tok, 1, closed).Requests[0]
		Expect(q.ContentLen).To(BeZero())
		Expect(q.EarlyFinal).To(BeFalse())
	})

	It("serves Go's HTTP/2 client the final after its content, with 1xx before it", func() {
		o := start()
		o.Register(tok, conv.OriginScript{OnHead: conv.HeadContinueAlways, Final: final,
			Interims: []conv.RawMessage{"HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"}})
		tr := &http2.Transport{TLSClientConfig: pool}
		defer tr.CloseIdleConnections()
		cl := &http.Client{Transport: tr, Timeout: within}
		resp, err := cl.Post("https://"+o.Addr()+conv.OriginPath(tok, "upload"), "text/plain", strings.NewReader("hello"))
		Expect(err).NotTo(HaveOccurred())
		body, err := io.ReadAll(resp.Body)
		Expect(err).NotTo(HaveOccurred())
		Expect(resp.StatusCode).To(Equal(200))
		Expect(string(body)).To(Equal("final\n"))
		// the origin records the final after writing it, so the client may read it first: wait
		// for the record of all three messages, not only for the content
		q := requests(o, tok, 1, complete, sentN(3)).Requests[0]
		Expect(q.ContentLen).To(BeEquivalentTo(5))
		Expect(q.EndStream).To(BeTrue())
		Expect(q.Sent).To(HaveLen(3))
	})

	It("serves a client that selects http/1.1 by ALPN in HTTP/1.1", func() {
		o := start()
		o.Register(tok, conv.OriginScript{Final: final})
		cfg := pool.Clone()
		cfg.NextProtos = []string{"http/1.1"}
		nc, err := tls.DialWithDialer(&net.Dialer{Timeout: within}, "tcp", o.Addr(), cfg)
		Expect(err).NotTo(HaveOccurred())
		defer nc.Close()
		_, err = nc.Write([]byte(post(tok, 2) + "ok"))
		Expect(err).NotTo(HaveOccurred())
		Expect(requests(o, tok, 1, complete).Requests[0].Proto).To(Equal("HTTP/1.1"))
	})
})

// h2client is a raw-frame HTTP/2 client over TLS.
type h2client struct {
	fr  *http2.Framer
	dec *hpack.Decoder
	nc  net.Conn
}

func dialH2(addr string, cfg *tls.Config) *h2client {
	GinkgoHelper()
	nc, err := tls.DialWithDialer(&net.Dialer{Timeout: within}, "tcp", addr, cfg)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(func() { _ = nc.Close() })
	Expect(nc.ConnectionState().NegotiatedProtocol).To(Equal("h2"))
	_ = nc.SetDeadline(time.Now().Add(3 * within))
	_, err = nc.Write([]byte(http2.ClientPreface))
	Expect(err).NotTo(HaveOccurred())
	c := &h2client{fr: http2.NewFramer(nc, nc), dec: hpack.NewDecoder(4096, nil), nc: nc}
	Expect(c.fr.WriteSettings()).To(Succeed())
	return c
}

func (c *h2client) headers(id uint32, end bool, kv ...string) {
	GinkgoHelper()
	var b bytes.Buffer
	enc := hpack.NewEncoder(&b)
	for i := 0; i+1 < len(kv); i += 2 {
		Expect(enc.WriteField(hpack.HeaderField{Name: kv[i], Value: kv[i+1]})).To(Succeed())
	}
	Expect(c.fr.WriteHeaders(http2.HeadersFrameParam{StreamID: id, BlockFragment: b.Bytes(), EndStream: end, EndHeaders: true})).To(Succeed())
}

// next is the next frame other than SETTINGS and WINDOW_UPDATE (SETTINGS acknowledged).
func (c *h2client) next() http2.Frame {
	GinkgoHelper()
	for {
		f, err := c.fr.ReadFrame()
		Expect(err).NotTo(HaveOccurred())
		switch f := f.(type) {
		case *http2.SettingsFrame:
			if !f.IsAck() {
				Expect(c.fr.WriteSettingsAck()).To(Succeed())
			}
		case *http2.WindowUpdateFrame:
		default:
			return f
		}
	}
}

// nextHeaders is the :status of the next frame, which must be HEADERS.
func (c *h2client) nextHeaders() string {
	GinkgoHelper()
	f := c.next()
	Expect(f).To(BeAssignableToTypeOf(&http2.HeadersFrame{}))
	fields, err := c.dec.DecodeFull(f.(*http2.HeadersFrame).HeaderBlockFragment())
	Expect(err).NotTo(HaveOccurred())
	Expect(fields).NotTo(BeEmpty())
	Expect(fields[0].Name).To(Equal(":status"))
	return fields[0].Value
}

var _ = Describe("the scripted origin over HTTP/2, against a client that is not HTTP/2", func() {
	It("closes a connection that selected h2 and then sent no connection preface, and goes on serving", func() {
		ca, leaf, err := certs.Loopback("origin h2 preface test")
		Expect(err).NotTo(HaveOccurred())
		o, err := origin.Start(origin.WithTLS(&tls.Config{Certificates: []tls.Certificate{leaf.TLS}}), origin.WithH2(),
			origin.WithIdleTimeout(2*time.Second))
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(func() { _ = o.Close() })
		cfg := &tls.Config{RootCAs: ca.Pool(), ServerName: "127.0.0.1", NextProtos: []string{"h2"}}
		for i := 0; i < 2; i++ { // the second connection shows the origin survived the first
			c, err := tls.Dial("tcp", o.Addr(), cfg)
			Expect(err).NotTo(HaveOccurred())
			Expect(c.SetDeadline(time.Now().Add(within))).To(Succeed())
			_, err = io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n") // as long as a preface, and not one
			Expect(err).NotTo(HaveOccurred())
			_, err = io.Copy(io.Discard, c)
			Expect(err).NotTo(HaveOccurred(), "the origin closes the connection")
			_ = c.Close()
		}
	})
})
