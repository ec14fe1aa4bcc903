package target

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"runtime"

	"github.com/expectspec/expectspec/harness/certs"
	"github.com/expectspec/expectspec/harness/conv"
	"github.com/expectspec/expectspec/harness/gateways"
	"github.com/expectspec/expectspec/harness/origin"
	"github.com/expectspec/expectspec/harness/reference"
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
	// In the run's own process its log would land among the suite's output: the field-rule cases
	// make it log every PROTOCOL_ERROR it answers, which is what they ask of it.
	srv.ErrorLog = log.New(io.Discard, "", 0)
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
	cfg, roots, err := throwawayTLS("expectspec embedded h2 target")
	if err != nil {
		ln.Close()
		return Target{}, err
	}
	cfg.NextProtos = []string{"h2", "http/1.1"}
	srv.TLSConfig = cfg
	go func() { _ = srv.ServeTLS(ln, "", "") }()
	t.Name, t.Protocol = "go-net-http [h2]", conv.H2
	t.TLS = Security{Roots: roots}.TLSConfig("127.0.0.1")
	return t, nil
}

// throwawayTLS is a server configuration for 127.0.0.1 with a certificate from an authority
// made here and now, and that authority for the suite to trust.
func throwawayTLS(name string) (*tls.Config, *x509.CertPool, error) {
	ca, leaf, err := certs.Loopback(name)
	if err != nil {
		return nil, nil, err
	}
	return &tls.Config{Certificates: []tls.Certificate{leaf.TLS}}, ca.Pool(), nil
}

// StartH2Reference starts an HTTP/2 reference (or mutant) as a target: h2 over TLS when
// secure (named NAME-tls), else h2c.
func StartH2Reference(b reference.H2Behaviour, secure bool) (Target, error) {
	t := Target{Name: b.Name, Role: RoleOrigin, Path: reference.UploadPath, Early: "/expectspec-no-such-resource",
		Software: "expectspec HTTP/2 reference server", Protocol: conv.H2C}
	var cfg *tls.Config
	if secure {
		var roots *x509.CertPool
		var err error
		if cfg, roots, err = throwawayTLS("expectspec h2 reference"); err != nil {
			return Target{}, err
		}
		t.Name, t.Protocol, t.TLS = b.Name+"-tls", conv.H2, Security{Roots: roots}.TLSConfig("127.0.0.1")
	}
	srv, err := reference.StartH2TLS(b, cfg)
	if err != nil {
		return Target{}, fmt.Errorf("starting HTTP/2 reference server %s: %w", b.Name, err)
	}
	t.Address, t.Host, t.Stop = srv.Addr(), srv.Addr(), func() { _ = srv.Close() }
	return t, nil
}

// EmbeddedH2Gateways starts the embedded gateways with an HTTP/2 front end in front of the
// origin o (scenario T45): Go's httputil.ReverseProxy as a Go service gets it, in h2c by prior
// knowledge and over TLS with h2 by ALPN, and the suite's HTTP/2 reference gateway in h2c. Each
// speaks HTTP/1.1 to o. Call Stop on each when done.
func EmbeddedH2Gateways(o *origin.Origin) ([]Target, error) {
	cfg, roots, err := throwawayTLS("expectspec embedded h2 gateway")
	if err != nil {
		return nil, err
	}
	var out []Target
	for _, g := range []struct {
		name, software, version string
		start                   func(string) (string, func(), error)
		tls                     bool
	}{
		{"go-reverseproxy [h2c]", "Go net/http/httputil.ReverseProxy", runtime.Version(), gateways.StartGoReverseProxyH2C, false},
		{"go-reverseproxy [h2]", "Go net/http/httputil.ReverseProxy", runtime.Version(), func(origin string) (string, func(), error) {
			return gateways.StartGoReverseProxyTLS(origin, cfg)
		}, true},
		{"ref-h2-gateway [h2c]", "expectspec HTTP/2 reference gateway", "", gateways.StartH2Front, false},
	} {
		t, err := StartGateway(g.name, g.start, o)
		if err != nil {
			for _, s := range out {
				s.Stop()
			}
			return nil, err
		}
		t.Software, t.Version, t.Protocol = g.software, g.version, conv.H2C
		if g.tls {
			t.Protocol, t.TLS = conv.H2, Security{Roots: roots}.TLSConfig("127.0.0.1")
		}
		out = append(out, t)
	}
	return out, nil
}
