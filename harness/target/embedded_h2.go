package target

import (
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"runtime"

	"github.com/expectspec/expectspec/harness/certs"
	"github.com/expectspec/expectspec/harness/conv"
)

// The embedded defaults in HTTP/2: Go's net/http server with the same upload resource
// (NewNetHTTPServer), once in cleartext by prior knowledge (h2c) and once over TLS with h2
// chosen by ALPN, its certificate issued at start by a throwaway authority the suite trusts for
// this target only. Each is one row of its own, named for its protocol.

// EmbeddedH2 starts the HTTP/2 embedded defaults. Call Stop on each when done.
func EmbeddedH2() ([]Target, error) {
	h2c, err := StartNetHTTPH2(false)
	if err != nil {
		return nil, err
	}
	h2, err := StartNetHTTPH2(true)
	if err != nil {
		h2c.Stop()
		return nil, err
	}
	return []Target{h2c, h2}, nil
}

// StartNetHTTPH2 starts Go's net/http server with the target contract on a loopback port,
// speaking h2 over TLS when secure, else h2c by prior knowledge (and HTTP/1.1 too: a server
// that speaks h2c does, but the row is spoken to in h2c only).
func StartNetHTTPH2(secure bool) (Target, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return Target{}, fmt.Errorf("starting the net/http HTTP/2 target: %w", err)
	}
	srv := NewNetHTTPServer()
	addr := ln.Addr().String()
	t := Target{
		Name: "go-net-http [h2c]", Role: RoleOrigin, Address: addr, Host: addr,
		Path: "/upload", Early: "/expectspec-no-such-resource",
		Software: "Go net/http", Version: runtime.Version(), Protocol: conv.H2C,
		Stop: func() { _ = srv.Close() },
	}
	if !secure {
		p := new(http.Protocols)
		p.SetHTTP1(true)
		p.SetUnencryptedHTTP2(true)
		srv.Protocols = p
		go func() { _ = srv.Serve(ln) }()
		return t, nil
	}
	ca, err := certs.NewCA("expectspec embedded h2 target")
	if err == nil {
		var leaf *certs.Leaf
		if leaf, err = ca.Issue("127.0.0.1"); err == nil {
			srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{leaf.TLS}, NextProtos: []string{"h2", "http/1.1"}}
		}
	}
	if err != nil {
		ln.Close()
		return Target{}, fmt.Errorf("a certificate for the net/http h2 target: %w", err)
	}
	go func() { _ = srv.ServeTLS(ln, "", "") }()
	t.Name, t.Protocol = "go-net-http [h2]", conv.H2
	t.TLS = Security{Roots: ca.Pool()}.TLSConfig("127.0.0.1")
	return t, nil
}
