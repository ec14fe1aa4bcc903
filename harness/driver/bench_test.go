package driver

import (
	"context"
	"io"
	"net"
	"testing"
	"time"

	"github.com/expectspec/expectspec/harness/conv"
	"github.com/expectspec/expectspec/harness/h1"
)

// Both benchmarks measure one request/response exchange on a persistent loopback connection:
// BenchmarkBareRoundTrip with a bare net.Conn write and read, BenchmarkExchange with a Send and
// an Await of the driver (recording, parsing, deadlines). The difference is the driver's
// per-exchange overhead. BenchmarkExchange plays one script of b.N exchanges, so its single
// connect is amortized like the bare benchmark's.

const (
	benchRequest  = "POST /upload HTTP/1.1\r\nHost: bench\r\nContent-Length: 0\r\n\r\n"
	benchResponse = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
)

// echoServer answers every benchRequest-sized read with benchResponse.
func echoServer(b *testing.B) string {
	return serve(b, func(c *net.TCPConn) {
		c.SetNoDelay(true)
		req := make([]byte, len(benchRequest))
		for {
			if _, err := io.ReadFull(c, req); err != nil {
				return
			}
			if _, err := io.WriteString(c, benchResponse); err != nil {
				return
			}
		}
	})
}

func BenchmarkExchange(b *testing.B) {
	addr := echoServer(b)
	steps := make([]conv.Step, 0, 2*b.N)
	for i := 0; i < b.N; i++ {
		steps = append(steps,
			conv.Step{Kind: conv.Send, Label: "req", Data: []byte(benchRequest), Within: 5 * time.Second},
			conv.Step{Kind: conv.Await, Label: "resp", Until: conv.UntilMessage, Within: 5 * time.Second})
	}
	b.ReportAllocs()
	b.ResetTimer()
	// The safety bounds are sized for one case's conversation; lift them for b.N exchanges.
	opt := Options{Limits: h1.Limits{MaxMessages: b.N}, MaxEvents: 4*b.N + 10, MaxRecv: 1 << 40}
	tl := Run(context.Background(), addr, conv.Script{Steps: steps}, opt)
	b.StopTimer()
	if n := len(tl.Finals()); n != b.N {
		b.Fatalf("%d responses for %d requests:\n%s", n, b.N, tl.Transcript())
	}
}

func BenchmarkBareRoundTrip(b *testing.B) {
	addr := echoServer(b)
	c, err := net.Dial("tcp", addr)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	req, resp := []byte(benchRequest), make([]byte, len(benchResponse))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := c.Write(req); err != nil {
			b.Fatal(err)
		}
		if _, err := io.ReadFull(c, resp); err != nil {
			b.Fatal(err)
		}
	}
}
