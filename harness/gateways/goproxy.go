package gateways

import (
	"crypto/tls"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"time"
)

// StartGoReverseProxy starts Go's own httputil.ReverseProxy, configured as its documentation
// suggests (NewSingleHostReverseProxy, a clone of http.DefaultTransport, so the transport's
// ExpectContinueTimeout of 1 s applies), behind a net/http server on a loopback port, in front of
// the origin at originAddr. It is the embedded default gateway: what a Go service gets without
// trying. stop closes the server and the transport's idle connections and waits for Serve to
// return; handlers still running end when their connections do.
func StartGoReverseProxy(originAddr string) (addr string, stop func(), err error) {
	return startGoReverseProxy(originAddr, nil, nil)
}

// StartGoReverseProxyH2C is StartGoReverseProxy with an HTTP/2 front end in cleartext: the
// server speaks h2c by prior knowledge beside HTTP/1.1 (http.Protocols), and the proxy still
// speaks HTTP/1.1 to the origin (scenario T45).
func StartGoReverseProxyH2C(originAddr string) (addr string, stop func(), err error) {
	p := new(http.Protocols)
	p.SetHTTP1(true)
	p.SetUnencryptedHTTP2(true)
	return startGoReverseProxy(originAddr, p, nil)
}

// StartGoReverseProxyTLS is StartGoReverseProxy over TLS with cfg, h2 and http/1.1 offered by
// ALPN, as a Go service behind its own certificate runs it.
func StartGoReverseProxyTLS(originAddr string, cfg *tls.Config) (addr string, stop func(), err error) {
	return startGoReverseProxy(originAddr, nil, cfg)
}

func startGoReverseProxy(originAddr string, protocols *http.Protocols, cfg *tls.Config) (addr string, stop func(), err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, fmt.Errorf("go reverse proxy: %w", err)
	}
	srv, tr := NewGoReverseProxy(originAddr)
	srv.Protocols = protocols
	if cfg != nil {
		cfg = cfg.Clone()
		cfg.NextProtos = []string{"h2", "http/1.1"}
		srv.TLSConfig = cfg
	}
	served := make(chan struct{})
	go func() {
		defer close(served)
		if cfg != nil {
			_ = srv.ServeTLS(ln, "", "")
			return
		}
		_ = srv.Serve(ln)
	}()
	stop = func() {
		_ = srv.Close()
		tr.CloseIdleConnections()
		select {
		case <-served:
		case <-time.After(dialTimeout):
		}
	}
	return ln.Addr().String(), stop, nil
}

// NewGoReverseProxy is the server StartGoReverseProxy runs, for callers that serve it on a
// listener of their own (the go-reverseproxy recipe of the matrix, in a process of its own).
func NewGoReverseProxy(originAddr string) (*http.Server, *http.Transport) {
	quiet := log.New(io.Discard, "", 0)
	tr := http.DefaultTransport.(*http.Transport).Clone()
	rp := httputil.NewSingleHostReverseProxy(&url.URL{Scheme: "http", Host: originAddr})
	rp.Transport = tr
	rp.ErrorLog = quiet
	return &http.Server{Handler: rp, ReadHeaderTimeout: idleTimeout, IdleTimeout: idleTimeout, ErrorLog: quiet}, tr
}
