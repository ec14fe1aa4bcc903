package driver

import (
	"bufio"
	"context"
	"crypto/tls"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/expectspec/expectspec/harness/certs"
	"github.com/expectspec/expectspec/harness/conv"
)

// tlsServer serves handle over TLS on loopback with a certificate for 127.0.0.1 and localhost
// from a throwaway authority, configured by tune; it returns the address and the authority.
func tlsServer(t *testing.T, tune func(*tls.Config), handle func(c net.Conn)) (string, *certs.CA) {
	t.Helper()
	ca, leaf, err := certs.Loopback("driver test CA")
	if err != nil {
		t.Fatal(err)
	}
	cfg := &tls.Config{Certificates: []tls.Certificate{leaf.TLS}, NextProtos: []string{"http/1.1"}}
	if tune != nil {
		tune(cfg)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return serveOn(t, tls.NewListener(ln, cfg), func(c net.Conn) {
		c.SetDeadline(time.Now().Add(5 * time.Second))
		handle(c)
	}), ca
}

func clientTLS(ca *certs.CA, name string) *tls.Config {
	return &tls.Config{ServerName: name, RootCAs: ca.Pool(), NextProtos: []string{"http/1.1"}, MinVersion: tls.VersionTLS12}
}

// continueThenOK answers a request's head with 100, reads 5 octets of content and answers 200
// (over TCP or TLS).
func continueThenOK(c net.Conn) {
	br := bufio.NewReader(c)
	if readHead(br) != nil {
		return
	}
	io.WriteString(c, "HTTP/1.1 100 Continue\r\n\r\n")
	if _, err := io.ReadFull(br, make([]byte, 5)); err != nil {
		return
	}
	io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
}

var expectScript = conv.Script{Steps: []conv.Step{
	send("head", "POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n"),
	await("100", conv.UntilMessage, 0, 2*time.Second),
	send("body", "hello"),
	await("final", conv.UntilFinals, 1, 2*time.Second),
}}

func TestTLSPlaysTheScriptAndRecordsTheHandshake(t *testing.T) {
	addr, ca := tlsServer(t, nil, continueThenOK)
	d, err := For(conv.HTTP1, Options{TLS: clientTLS(ca, "127.0.0.1")})
	if err != nil {
		t.Fatal(err)
	}
	tl := d.Play(context.Background(), addr, expectScript)
	if tl.Err != "" {
		t.Fatal(tl.Err)
	}
	if got := statuses(tl); len(got) != 2 || got[0] != 100 || got[1] != 200 {
		t.Errorf("statuses %v; want 100 then 200\n%s", got, kinds(tl))
	}
	if e, _ := tl.First(conv.EvConnect); string(e.Data) != "TLS 1.3, ALPN http/1.1" {
		t.Errorf("connect event %q; want what the handshake settled", e.Data)
	}
}

func TestTLSRecordsNoALPNWhenTheServerChoseNone(t *testing.T) {
	addr, ca := tlsServer(t, func(c *tls.Config) { c.NextProtos = nil; c.MaxVersion = tls.VersionTLS12 }, continueThenOK)
	tl := Run(context.Background(), addr, expectScript, Options{TLS: clientTLS(ca, "localhost")})
	if e, _ := tl.First(conv.EvConnect); tl.Err != "" || string(e.Data) != "TLS 1.2, ALPN none" {
		t.Errorf("err %q, connect event %q", tl.Err, e.Data)
	}
}

// Every way a handshake fails is one line that says what failed.
func TestTLSHandshakeFailuresSayWhatFailed(t *testing.T) {
	_, otherCA := tlsServer(t, nil, func(net.Conn) {})
	ok, ca := tlsServer(t, nil, continueThenOK)
	alpnOther, _ := tlsServer(t, func(c *tls.Config) { c.NextProtos = []string{"acme-tls/1"} }, continueThenOK)
	tls13, _ := tlsServer(t, func(c *tls.Config) { c.MinVersion = tls.VersionTLS13 }, continueThenOK)
	cleartext := serve(t, func(c *net.TCPConn) {
		io.WriteString(c, "HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n")
	})
	silent := serve(t, func(c *net.TCPConn) { io.Copy(io.Discard, c) })
	insecure := func(name string) *tls.Config {
		return &tls.Config{ServerName: name, InsecureSkipVerify: true, NextProtos: []string{"http/1.1"}}
	}
	old := insecure("127.0.0.1")
	old.MaxVersion = tls.VersionTLS12
	for _, row := range []struct {
		name, addr string
		cfg        *tls.Config
		want       string
	}{
		{"unknown authority", ok, clientTLS(otherCA, "127.0.0.1"), "signed by an unknown authority (give the authority with --ca FILE"},
		{"name mismatch", ok, clientTLS(ca, "other.example"), `does not match the name "other.example"`},
		{"no shared ALPN", alpnOther, insecure("127.0.0.1"), `alert "no application protocol" (it shares no application protocol with the suite's ALPN offer http/1.1)`},
		{"protocol version", tls13, old, `alert "protocol version not supported"`},
		{"cleartext port", cleartext, insecure("127.0.0.1"), "did not answer in TLS"},
		{"silent", silent, insecure("127.0.0.1"), "no handshake within 300ms"},
	} {
		t.Run(row.name, func(t *testing.T) {
			start := time.Now()
			tl := Run(context.Background(), row.addr, expectScript, Options{TLS: row.cfg, DialTimeout: 300 * time.Millisecond})
			if !strings.HasPrefix(tl.Err, "TLS handshake with "+row.addr+" failed: ") || !strings.Contains(tl.Err, row.want) || strings.Contains(tl.Err, "\n") {
				t.Errorf("error %q; want one line containing %q", tl.Err, row.want)
			}
			if took := time.Since(start); took > 2*time.Second {
				t.Errorf("took %s", took)
			}
		})
	}
}

// Half-closing over TLS sends close_notify and the TCP FIN: a server that reads the request to
// its end still answers.
func TestTLSHalfClose(t *testing.T) {
	addr, ca := tlsServer(t, nil, func(c net.Conn) {
		got, err := io.ReadAll(c)
		if err != nil || !strings.HasSuffix(string(got), "\r\n\r\n") {
			return
		}
		io.WriteString(c, "HTTP/1.1 204 No Content\r\n\r\n")
	})
	tl := Run(context.Background(), addr, conv.Script{Steps: []conv.Step{
		send("head", "GET / HTTP/1.1\r\nHost: x\r\n\r\n"),
		{Kind: conv.HalfClose, Label: "fin"},
		await("final", conv.UntilFinals, 1, 2*time.Second),
	}}, Options{TLS: clientTLS(ca, "127.0.0.1")})
	if got := statuses(tl); len(got) != 1 || got[0] != 204 {
		t.Errorf("statuses %v; want 204 after the half-close\n%s", got, kinds(tl))
	}
	if e, ok := tl.First(conv.EvHalfClose); !ok || e.Error != "" {
		t.Errorf("half-close event %+v", e)
	}
}

// A server that stops reading while the client streams: the write deadline ends the stream,
// and the run ends at once after it (closing does not wait to send a close_notify).
func TestTLSStreamToServerThatNeverReads(t *testing.T) {
	addr, ca := tlsServer(t, nil, func(c net.Conn) {
		c.(*tls.Conn).Handshake()
		time.Sleep(time.Second)
	})
	start := time.Now()
	tl := Run(context.Background(), addr, conv.Script{Steps: []conv.Step{
		{Kind: conv.SendStream, Label: "stream", Size: 64 << 20, Within: 300 * time.Millisecond},
	}}, Options{TLS: clientTLS(ca, "127.0.0.1")})
	if took := time.Since(start); took > time.Second {
		t.Errorf("took %s; want the stream's deadline and no more", took)
	}
	if e, ok := tl.First(conv.EvWriteError); !ok || e.Error != "deadline passed" {
		t.Errorf("write error %+v\n%s", e, kinds(tl))
	}
}
