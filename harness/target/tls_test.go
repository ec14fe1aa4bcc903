package target

import (
	"context"
	"crypto/tls"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/expectspec/expectspec/harness/certs"
	"github.com/expectspec/expectspec/harness/conv"
	"github.com/expectspec/expectspec/harness/reference"
)

func TestParseHTTPS(t *testing.T) {
	tg, err := Parse("https://localhost/up?x=1", "")
	if err != nil {
		t.Fatal(err)
	}
	if tg.Address != "localhost:443" || tg.Host != "localhost" || tg.Path != "/up?x=1" || tg.TLS == nil ||
		tg.TLS.ServerName != "localhost" || strings.Join(tg.TLS.NextProtos, ",") != "http/1.1" || tg.HTTPProtocol() != conv.HTTP1 {
		t.Errorf("https target: %+v", tg)
	}
	clear, _ := Parse("http://127.0.0.1:8080/up", "")
	if clear.TLS != nil {
		t.Error("an http target is reached over TLS")
	}
	tg.Secure(Security{Insecure: true})
	if !tg.TLS.InsecureSkipVerify || tg.TLS.ServerName != "localhost" {
		t.Errorf("Secure lost the server name or the flag: %+v", tg.TLS)
	}
	clear.Secure(Security{Insecure: true})
	if clear.TLS != nil {
		t.Error("Secure put a cleartext target on TLS")
	}
	gw, err := ParseGateway("https://gw.example:8443/api/", "", nil)
	if err != nil || gw.TLS == nil || gw.TLS.ServerName != "gw.example" || gw.Address != "gw.example:8443" {
		t.Errorf("https gateway: %+v, %v", gw, err)
	}
	for _, bad := range []string{"ftp://h/x", "https://u@h/x"} {
		if _, err := Parse(bad, ""); err == nil || strings.Contains(err.Error(), "\n") {
			t.Errorf("Parse(%q): %v", bad, err)
		}
	}
	if _, err := ParseProxy("https://127.0.0.1:3128", "", nil); err == nil || !strings.Contains(err.Error(), "cleartext") {
		t.Errorf("an https forward proxy: %v", err)
	}
}

func TestLoadCA(t *testing.T) {
	dir := t.TempDir()
	ca, err := certs.NewCA("t")
	if err != nil {
		t.Fatal(err)
	}
	write := func(name, data string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	if pool, err := LoadCA(write("ca.pem", string(ca.PEM))); err != nil || pool == nil {
		t.Errorf("a PEM authority: %v", err)
	}
	for _, row := range []struct{ path, want string }{
		{filepath.Join(dir, "missing.pem"), "cannot be read: no such file or directory"},
		{write("text.pem", "not a certificate\n"), "holds no PEM certificate"},
		{write("bad.pem", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"), "cannot be parsed"},
	} {
		if _, err := LoadCA(row.path); err == nil || !strings.Contains(err.Error(), row.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("LoadCA(%s): %v; want one line with %q", row.path, err, row.want)
		}
	}
}

// The handshake check reports what was settled, says what failed in one line, and leaves a
// refused TCP connection to the probe.
func TestHandshake(t *testing.T) {
	ca, leaf := loopbackCert(t)
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{leaf.TLS}, NextProtos: []string{"http/1.1"}})
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { defer c.Close(); io.Copy(io.Discard, c) }()
		}
	}()
	tg, err := Parse("https://"+ln.Addr().String()+"/upload", "t")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Handshake(context.Background(), tg); err == nil || !strings.Contains(err.Error(), "target t: TLS handshake with "+tg.Address+" failed: the server's certificate is signed by an unknown authority") {
		t.Errorf("without the authority: %v", err)
	}
	tg.Secure(Security{Roots: ca.Pool()})
	if got, err := Handshake(context.Background(), tg); err != nil || got != "TLS 1.3, ALPN http/1.1" {
		t.Errorf("with the authority: %q, %v", got, err)
	}
	free, _ := net.Listen("tcp", "127.0.0.1:0")
	refused, _ := Parse("https://"+free.Addr().String()+"/", "r")
	free.Close()
	if got, err := Handshake(context.Background(), refused); got != "" || err != nil {
		t.Errorf("a refused connection: %q, %v; want it left to the probe", got, err)
	}
	if got, err := Handshake(context.Background(), Target{Name: "clear"}); got != "" || err != nil {
		t.Errorf("a cleartext target: %q, %v", got, err)
	}
}

// The checks before the cases run over TLS like the cases: the probe, the contract and the
// capacity measurement against a reference server served over TLS.
func TestChecksOverTLS(t *testing.T) {
	ca, leaf := loopbackCert(t)
	srv, err := reference.Start(reference.Conforming()[0], reference.WithTLS(&tls.Config{Certificates: []tls.Certificate{leaf.TLS}}))
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	tg, err := Parse(srv.URL(), "ref-tls")
	if err != nil {
		t.Fatal(err)
	}
	tg.Secure(Security{Roots: ca.Pool()})
	passesChecks(t, tg)
}

// passesChecks expects the probe, the contract check and the capacity measurement to pass.
func passesChecks(t *testing.T, tg Target) {
	ctx := context.Background()
	if _, err := Probe(ctx, tg, 3); err != nil {
		t.Errorf("probe: %v", err)
	}
	if err := CheckContract(ctx, tg); err != nil {
		t.Errorf("contract: %v", err)
	}
	if n, err := Capacity(ctx, tg, 8, time.Second); n != 8 || err != nil {
		t.Errorf("capacity: %d, %v; want all 8 connections held", n, err)
	}
}

// loopbackCert is a throwaway authority and a certificate it issued for 127.0.0.1.
func loopbackCert(t *testing.T) (*certs.CA, *certs.Leaf) {
	t.Helper()
	ca, leaf, err := certs.Loopback("t")
	if err != nil {
		t.Fatal(err)
	}
	return ca, leaf
}
