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
	"strconv"
	"strings"
	"syscall"

	"github.com/expectspec/expectspec/harness/gateways"
	"github.com/expectspec/expectspec/harness/target"
)

const serveUsage = `Usage: expectspec serve SERVER [flags]
Run one of the suite's Go servers in the foreground until SIGINT or SIGTERM (the matrix starts them
so, like any other implementation; serve go-net-http is also a plain upload origin to put behind a
gateway or proxy under test).

Servers:
  go-net-http       Go's net/http server: POST /upload reads the content, up to --max-content
                    octets, and answers 200 (413 above); every other path is 404
  go-reverseproxy   httputil.ReverseProxy in front of --origin

Flags:
  --listen HOST:PORT   where to listen (default 127.0.0.1:0: a free port, printed when it listens)
  --max-content SIZE   go-net-http: the largest content /upload reads, in octets or with a unit
                       (64KiB, 10MiB, 1GiB); default 1024, the target contract's 1 KiB
  --origin HOST:PORT   go-reverseproxy: the origin to forward to (required)
  --tls-cert FILE      go-net-http: serve TLS with this certificate chain (PEM), HTTP/1.1 and h2
                       selected by ALPN; needs --tls-key
  --tls-key FILE       go-net-http: the certificate's private key (PEM)
  --h2c                go-net-http: also speak HTTP/2 in cleartext (prior knowledge) beside HTTP/1.1
`

// serve runs one of the suite's Go servers in the foreground until SIGINT or SIGTERM, so the
// matrix can start Go's net/http server and httputil.ReverseProxy the way it starts nginx: as a
// process of their own from a recipe.
//
//	expectspec serve go-net-http --listen 127.0.0.1:8080 [--max-content 10MiB]
//	expectspec serve go-reverseproxy --listen 127.0.0.1:8080 --origin 127.0.0.1:9000
func serve(args []string, stdout, stderr io.Writer) (int, error) {
	if len(args) == 0 {
		return 2, fmt.Errorf("serve needs a server: go-net-http or go-reverseproxy (see expectspec serve --help)")
	}
	which := args[0]
	switch which {
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, serveUsage)
		return 0, nil
	case "go-net-http", "go-reverseproxy":
	default:
		return 2, fmt.Errorf("serve: unknown server %q (expected go-net-http or go-reverseproxy; see expectspec serve --help)", which)
	}
	fs := flag.NewFlagSet("serve "+which, flag.ContinueOnError)
	listen := fs.String("listen", "127.0.0.1:0", "host:port to listen on")
	originAddr := fs.String("origin", "", "host:port of the origin behind go-reverseproxy")
	maxContent := fs.String("max-content", "", "go-net-http: the largest content /upload reads")
	tlsCert := fs.String("tls-cert", "", "go-net-http: certificate chain (PEM) to serve TLS with")
	tlsKey := fs.String("tls-key", "", "go-net-http: the certificate's private key (PEM)")
	h2c := fs.Bool("h2c", false, "go-net-http: also speak HTTP/2 in cleartext")
	fs.Usage = func() { fmt.Fprint(stdout, serveUsage) }
	if err := parseFlags(fs, args[1:], stderr, map[string]string{
		"listen": "host:port, like 127.0.0.1:8080", "origin": "host:port, like 127.0.0.1:9000", "max-content": "a size like 1024 or 10MiB",
		"tls-cert": "a PEM file", "tls-key": "a PEM file",
	}); err != nil {
		return 2, err
	}
	if fs.NArg() > 0 {
		return 2, fmt.Errorf("serve %s takes no arguments, got %q (see expectspec serve --help)", which, fs.Arg(0))
	}
	if (*tlsCert == "") != (*tlsKey == "") {
		return 2, fmt.Errorf("--tls-cert and --tls-key go together: give both to serve TLS, or neither")
	}
	if which != "go-net-http" && (*tlsCert != "" || *h2c) {
		return 2, fmt.Errorf("--tls-cert, --tls-key and --h2c are for go-net-http")
	}
	if *h2c && *tlsCert != "" {
		return 2, fmt.Errorf("--h2c is HTTP/2 in cleartext and --tls-cert serves TLS (where h2 comes by ALPN): give one")
	}
	var srv *http.Server
	switch which {
	case "go-net-http":
		if *originAddr != "" {
			return 2, fmt.Errorf("--origin is for go-reverseproxy; go-net-http is an origin itself")
		}
		limit := int64(target.NetHTTPMaxContent)
		if *maxContent != "" {
			n, err := parseSize(*maxContent)
			if err != nil {
				return 2, fmt.Errorf("--max-content %q: %v", *maxContent, err)
			}
			limit = n
		}
		srv = target.NewNetHTTPServerLimit(limit)
		if *h2c {
			p := new(http.Protocols)
			p.SetHTTP1(true)
			p.SetUnencryptedHTTP2(true)
			srv.Protocols = p
		}
	case "go-reverseproxy":
		if *maxContent != "" {
			return 2, fmt.Errorf("--max-content is for go-net-http; go-reverseproxy forwards whatever content comes")
		}
		if *originAddr == "" {
			return 2, fmt.Errorf("serve go-reverseproxy needs --origin HOST:PORT")
		}
		srv, _ = gateways.NewGoReverseProxy(*originAddr)
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
	serveOn := srv.Serve
	if *tlsCert != "" {
		// net/http's defaults: TLS 1.2 and up, ALPN offering h2 and http/1.1
		serveOn = func(ln net.Listener) error { return srv.ServeTLS(ln, *tlsCert, *tlsKey) }
	}
	if err := serveOn(ln); err != nil && err != http.ErrServerClosed {
		return 2, err
	}
	return 0, nil
}

// parseSize reads an octet count: digits, optionally followed by KiB, MiB or GiB.
func parseSize(s string) (int64, error) {
	units := []struct {
		suffix string
		mult   int64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}}
	mult := int64(1)
	for _, u := range units {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSuffix(s, u.suffix), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 1 || n > (1<<40)/mult {
		return 0, fmt.Errorf("expected a size from 1 octet to 1 TiB, like 1024, 64KiB or 10MiB")
	}
	return n * mult, nil
}
