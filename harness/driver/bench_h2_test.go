package driver

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"testing"
	"time"

	"golang.org/x/net/http2"

	"github.com/expectspec/expectspec/harness/conv"
)

// One HTTP/2 exchange — a POST of 5 octets with expect: 100-continue, the header block, the
// 100, the DATA, the final — through the suite's h2 driver and through x/net/http2's own
// Transport, against the same Go net/http server in h2c. The bar: the driver at most
// twice the Transport. Two shapes:
//
//   - Exchange: h2BenchPerConn exchanges per connection (the driver on streams 1, 3, 5 … of one
//     script; the Transport's client connection reused), so the cost is mostly the per-exchange
//     work;
//   - Conversation: each exchange on a fresh connection (a driver Play per exchange, as one case
//     plays; a Transport client connection dialled and closed per exchange), so the cost includes the dial and
//     the connection preface and SETTINGS exchange.

// h2BenchServer is Go's net/http server in h2c by prior knowledge: it reads the content (which
// makes it send the 100) and echoes it.
func h2BenchServer(b *testing.B) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	p := new(http.Protocols)
	p.SetUnencryptedHTTP2(true)
	srv := &http.Server{Protocols: p, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		content, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Length", strconv.Itoa(len(content)))
		w.Write(content)
	})}
	go srv.Serve(ln)
	b.Cleanup(func() { srv.Close() })
	return ln.Addr().String()
}

const h2BenchContent = "hello"

// h2BenchPerConn is how many exchanges the Exchange benchmarks make on one connection: enough
// that the dial and preface weigh little, within the driver's bounds for one conversation
// (DefaultMaxEvents), whose timeline work grows with what the conversation already holds.
const h2BenchPerConn = 50

// h2BenchSteps is one exchange on stream id: the header block, a wait for the 100, the
// content, a wait for the final (the finals counted on the connection).
func h2BenchSteps(addr string, id uint32, finals int) []conv.Step {
	head := conv.Headers("head", false, 5*time.Second,
		conv.Field{Name: ":method", Value: "POST"}, conv.Field{Name: ":scheme", Value: "http"},
		conv.Field{Name: ":authority", Value: addr}, conv.Field{Name: ":path", Value: "/upload"},
		conv.Field{Name: "content-length", Value: strconv.Itoa(len(h2BenchContent))},
		conv.Field{Name: "expect", Value: "100-continue"})
	head.H2.Stream = id
	data := conv.Data("body", []byte(h2BenchContent), true, 5*time.Second)
	data.H2.Stream = id
	return []conv.Step{head,
		{Kind: conv.Await, Label: "first", Until: conv.UntilMessage, Within: 5 * time.Second},
		data,
		{Kind: conv.Await, Label: "final", Until: conv.UntilFinals, Count: finals, Within: 5 * time.Second}}
}

// checkH2Bench fails the benchmark unless every exchange got its 100 and its echo.
func checkH2Bench(b *testing.B, tl *conv.Timeline, n int) {
	var hundreds, echoes int
	for _, m := range tl.Messages() {
		switch {
		case m.Msg.Status == 100:
			hundreds++
		case m.Msg.Status == 200 && string(m.Msg.Body) == h2BenchContent:
			echoes++
		}
	}
	if hundreds != n || echoes != n {
		b.Fatalf("%d exchanges: %d 100s and %d echoes; err %q", n, hundreds, echoes, tl.Err)
	}
}

func BenchmarkH2ExchangeDriver(b *testing.B) {
	addr := h2BenchServer(b)
	d, err := For(conv.H2C, Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for done := 0; done < b.N; done += h2BenchPerConn {
		n := min(h2BenchPerConn, b.N-done)
		steps := make([]conv.Step, 0, 4*n)
		for i := 0; i < n; i++ {
			steps = append(steps, h2BenchSteps(addr, uint32(2*i+1), i+1)...)
		}
		tl := d.Play(context.Background(), addr, conv.Script{Steps: steps})
		checkH2Bench(b, tl, n)
	}
}

func BenchmarkH2ConversationDriver(b *testing.B) {
	addr := h2BenchServer(b)
	d, err := For(conv.H2C, Options{})
	if err != nil {
		b.Fatal(err)
	}
	script := conv.Script{Steps: h2BenchSteps(addr, 1, 1)}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		tl := d.Play(context.Background(), addr, script)
		checkH2Bench(b, tl, 1)
	}
}

// h2BenchTransport is x/net/http2's Transport, waiting for the 100 before it sends the content
// (its ExpectContinueTimeout comes from the net/http Transport it is configured on). The
// benchmarks give it their own h2c connections (NewClientConn): prior knowledge, no pool.
func h2BenchTransport(b *testing.B) *http2.Transport {
	t2, err := http2.ConfigureTransports(&http.Transport{ExpectContinueTimeout: 5 * time.Second})
	if err != nil {
		b.Fatal(err)
	}
	return t2
}

// h2BenchConn dials addr and starts an HTTP/2 client connection on it.
func h2BenchConn(b *testing.B, t2 *http2.Transport, addr string) *http2.ClientConn {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		b.Fatal(err)
	}
	cc, err := t2.NewClientConn(c)
	if err != nil {
		b.Fatal(err)
	}
	return cc
}

// h2BenchRoundTrip is one exchange through the Transport's client connection.
func h2BenchRoundTrip(b *testing.B, cc *http2.ClientConn, addr string) {
	req, err := http.NewRequest("POST", "http://"+addr+"/upload", bytes.NewReader([]byte(h2BenchContent)))
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("Expect", "100-continue")
	resp, err := cc.RoundTrip(req)
	if err != nil {
		b.Fatal(err)
	}
	got, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || string(got) != h2BenchContent {
		b.Fatal(fmt.Sprintf("echo %q, %v", got, err))
	}
}

func BenchmarkH2ExchangeTransport(b *testing.B) {
	addr := h2BenchServer(b)
	t2 := h2BenchTransport(b)
	b.ReportAllocs()
	b.ResetTimer()
	for done := 0; done < b.N; done += h2BenchPerConn {
		cc := h2BenchConn(b, t2, addr)
		for i := 0; i < min(h2BenchPerConn, b.N-done); i++ {
			h2BenchRoundTrip(b, cc, addr)
		}
		cc.Close()
	}
}

func BenchmarkH2ConversationTransport(b *testing.B) {
	addr := h2BenchServer(b)
	t2 := h2BenchTransport(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		cc := h2BenchConn(b, t2, addr)
		h2BenchRoundTrip(b, cc, addr)
		cc.Close()
	}
}
