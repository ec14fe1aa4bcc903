package gateways

import (
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
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, fmt.Errorf("go reverse proxy: %w", err)
	}
	srv, tr := NewGoReverseProxy(originAddr)
	served := make(chan struct{})
	go func() {
		defer close(served)
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
