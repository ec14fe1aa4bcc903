package driver

import (
	"context"
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/expectspec/expectspec/harness/certs"
	"github.com/expectspec/expectspec/harness/conv"
)

// echoUpload answers with what it read of the request's content; Go's server sends the 100
// (Continue) when the handler first reads the body of a request that expects it.
var echoUpload = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	w.Write(b)
})

// goH2Server serves echoUpload with Go's net/http on loopback: over TLS (h2 chosen by ALPN,
// with a certificate from a throwaway authority) when secure, else h2c by prior knowledge.
// It returns the address and the client options to reach it.
func goH2Server(t *testing.T, secure bool, h http.Handler) (string, Options) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	t.Cleanup(func() { srv.Close() })
	if !secure {
		p := new(http.Protocols)
		p.SetUnencryptedHTTP2(true)
		srv.Protocols = p
		go srv.Serve(ln)
		return ln.Addr().String(), Options{}
	}
	ca, leaf, err := certs.Loopback("h2 driver test CA")
	if err != nil {
		t.Fatal(err)
	}
	srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{leaf.TLS}}
	go srv.ServeTLS(ln, "", "")
	return ln.Addr().String(), Options{TLS: &tls.Config{ServerName: "127.0.0.1", RootCAs: ca.Pool()}}
}

// h2Upload is T40's exchange: the request's header block without END_STREAM, a wait for the
// 100, the content, and a wait for the final.
func h2Upload(authority string) conv.Script {
	return conv.Script{Steps: []conv.Step{
		conv.Headers("head", false, 0,
			conv.Field{Name: ":method", Value: "POST"}, conv.Field{Name: ":scheme", Value: "https"},
			conv.Field{Name: ":authority", Value: authority}, conv.Field{Name: ":path", Value: "/upload"},
			conv.Field{Name: "content-length", Value: "5"}, conv.Field{Name: "expect", Value: "100-continue"}),
		{Kind: conv.Await, Label: "100", Until: conv.UntilMessage, Within: 2 * time.Second},
		conv.Data("body", []byte("hello"), true, 2*time.Second),
		{Kind: conv.Await, Label: "final", Until: conv.UntilFinals, Count: 1, Within: 2 * time.Second},
	}}
}

func TestH2UploadWithExpectAgainstGoServer(t *testing.T) {
	for _, secure := range []bool{true, false} {
		name := map[bool]string{true: "h2 over TLS", false: "h2c"}[secure]
		t.Run(name, func(t *testing.T) {
			addr, opt := goH2Server(t, secure, echoUpload)
			proto := map[bool]conv.Protocol{true: conv.H2, false: conv.H2C}[secure]
			d, err := For(proto, opt)
			if err != nil {
				t.Fatal(err)
			}
			tl := d.Play(context.Background(), addr, h2Upload(addr))
			if tl.Err != "" {
				t.Fatal(tl.Err)
			}
			msgs := tl.Messages()
			if len(msgs) != 2 || msgs[0].Msg.Status != 100 || msgs[1].Msg.Status != 200 {
				t.Fatalf("messages %v; want 100 then 200\n%s", statuses(tl), tl.Transcript())
			}
			if msgs[0].Step != "100" || msgs[1].Step != "final" || string(msgs[1].Msg.Body) != "hello" || msgs[1].Msg.Proto != "HTTP/2" {
				t.Errorf("the 100 arrived in %q, the final in %q with body %q (%s); want the echo after the content\n%s",
					msgs[0].Step, msgs[1].Step, msgs[1].Msg.Body, msgs[1].Msg.Proto, tl.Transcript())
			}
			var heads []*conv.FrameInfo
			settings := false
			for _, e := range tl.Frames(0) {
				switch e.Frame.Type {
				case "HEADERS":
					heads = append(heads, e.Frame)
				case "SETTINGS":
					settings = true
				}
			}
			if !settings || len(heads) != 2 {
				t.Fatalf("SETTINGS seen %v, %d HEADERS; want the server's SETTINGS and two header blocks\n%s", settings, len(heads), tl.Transcript())
			}
			if f := heads[0]; f.Stream != 1 || f.EndStream() || len(f.Fields) != 1 || f.Fields[0] != (conv.Field{Name: ":status", Value: "100"}) {
				t.Errorf("the 100's frame: %s; want HEADERS on stream 1 without END_STREAM carrying only :status", f)
			}
			if strings.Count(tl.Transcript(), "→ SETTINGS stream=0 flags=ACK") != 1 {
				t.Errorf("want one SETTINGS ACK sent\n%s", tl.Transcript())
			}
		})
	}
}

func TestH2RefusedWhenTheServerDoesNotSelectH2(t *testing.T) {
	for name, c := range map[string]struct {
		protos []string
		want   string
	}{
		"no ALPN at all": {nil, "did not select h2 by ALPN (TLS 1.3, ALPN none)"},
		"http/1.1 only":  {[]string{"http/1.1"}, `alert "no application protocol" (it shares no application protocol with the suite's ALPN offer h2)`},
	} {
		t.Run(name, func(t *testing.T) {
			addr, ca := tlsServer(t, func(cfg *tls.Config) { cfg.NextProtos = c.protos }, func(c net.Conn) { io.Copy(io.Discard, c) })
			tl := RunH2(context.Background(), addr, h2Upload(addr), Options{TLS: clientTLS(ca, "127.0.0.1")})
			if !strings.Contains(tl.Err, c.want) || strings.Contains(tl.Err, "\n") || len(tl.Events) != 0 {
				t.Errorf("Err %q (%d events); want one line with %q and no events", tl.Err, len(tl.Events), c.want)
			}
		})
	}
}
