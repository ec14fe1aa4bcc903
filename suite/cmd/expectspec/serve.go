package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"

	"github.com/expectspec/expectspec/harness/origin/gateways"
	"github.com/expectspec/expectspec/harness/target"
)

// serve runs one of the suite's Go servers in the foreground until SIGINT or SIGTERM, so the
// matrix can start Go's net/http server and httputil.ReverseProxy the way it starts nginx: as a
// process of their own from a recipe.
//
//	expectspec serve go-net-http --listen 127.0.0.1:8080
//	expectspec serve go-reverseproxy --listen 127.0.0.1:8080 --origin 127.0.0.1:9000
func serve(args []string, stdout, stderr io.Writer) (int, error) {
	if len(args) == 0 {
		return 2, fmt.Errorf("serve needs a server: go-net-http or go-reverseproxy")
	}
	which := args[0]
	fs := flag.NewFlagSet("serve "+which, flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", "127.0.0.1:0", "host:port to listen on")
	originAddr := fs.String("origin", "", "host:port of the origin behind go-reverseproxy")
	if err := fs.Parse(args[1:]); err != nil {
		return 2, err
	}
	var srv *http.Server
	switch which {
	case "go-net-http":
		srv = target.NewNetHTTPServer()
	case "go-reverseproxy":
		if *originAddr == "" {
			return 2, fmt.Errorf("serve go-reverseproxy needs --origin HOST:PORT")
		}
		srv, _ = gateways.NewGoReverseProxy(*originAddr)
	default:
		return 2, fmt.Errorf("serve: unknown server %q (expected go-net-http or go-reverseproxy)", which)
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return 2, fmt.Errorf("serve %s: %w", which, err)
	}
	fmt.Fprintf(stdout, "%s listening on %s\n", which, ln.Addr())
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
	if err := srv.Serve(ln); err != nil && err != http.ErrServerClosed {
		return 2, err
	}
	return 0, nil
}
