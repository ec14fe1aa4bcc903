package target

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"time"

	"github.com/expectspec/expectspec/harness/reference"
)

// Embedded starts the default targets that need nothing installed: Go's own net/http server
// with an upload handler, and the project's conforming reference origins (one per alternative
// the RFC allows). Call Stop on each when done.
func Embedded() ([]Target, error) {
	var out []Target
	stopAll := func() {
		for _, t := range out {
			t.Stop()
		}
	}
	goSrv, err := StartNetHTTP()
	if err != nil {
		return nil, err
	}
	out = append(out, goSrv)
	for _, b := range reference.Conforming() {
		t, err := StartReference(b)
		if err != nil {
			stopAll()
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

// StartReference starts one reference server (conforming or mutant) as a target.
func StartReference(b reference.Behaviour) (Target, error) {
	srv, err := reference.Start(b)
	if err != nil {
		return Target{}, fmt.Errorf("starting reference server %s: %w", b.Name, err)
	}
	return Target{
		Name: b.Name, Role: RoleOrigin, Address: srv.Addr(), Host: srv.Addr(),
		Path: reference.UploadPath, Early: "/expectspec-no-such-resource",
		Upgrade: reference.UpgradeProtocol, Software: "expectspec reference server",
		Stop: func() { _ = srv.Close() },
	}, nil
}

// StartNetHTTP starts Go's net/http server on a loopback port with the target contract: the
// upload resource reads up to 1 KiB of content and answers 200; every other path is 404.
func StartNetHTTP() (Target, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return Target{}, fmt.Errorf("starting the net/http target: %w", err)
	}
	srv := NewNetHTTPServer()
	go func() { _ = srv.Serve(ln) }()
	addr := ln.Addr().String()
	return Target{
		Name: "go-net-http", Role: RoleOrigin, Address: addr, Host: addr,
		Path: "/upload", Early: "/expectspec-no-such-resource",
		Software: "Go net/http", Version: runtime.Version(),
		Stop: func() { _ = srv.Close() },
	}, nil
}

// NetHTTPMaxContent is what the upload resource of NewNetHTTPServer reads at most: the target
// contract's 1 KiB. Several cases send more to see a server refuse it (413) early.
const NetHTTPMaxContent = 1024

// NewNetHTTPServer is Go's net/http server with the target contract: the upload resource reads
// up to 1 KiB of content and answers 200; every other path is 404. StartNetHTTP serves it
// in-process; the go-net-http recipe of the matrix in a process of its own.
func NewNetHTTPServer() *http.Server { return NewNetHTTPServerLimit(NetHTTPMaxContent) }

// NewNetHTTPServerLimit is NewNetHTTPServer whose upload resource reads up to maxContent octets
// (413 above), so that it can stand in as a plain upload origin behind a proxy under test
// (`expectspec serve go-net-http --max-content`).
func NewNetHTTPServerLimit(maxContent int64) *http.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("/upload", func(w http.ResponseWriter, r *http.Request) {
		n, err := io.Copy(io.Discard, http.MaxBytesReader(w, r.Body, maxContent))
		if err != nil {
			http.Error(w, "content too large", http.StatusRequestEntityTooLarge)
			return
		}
		fmt.Fprintf(w, "received %d octets\n", n)
	})
	return &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second, IdleTimeout: 5 * time.Second}
}
