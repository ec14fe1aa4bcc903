package recipes

import (
	"context"
	"runtime"
	"strconv"
)

// goVersion is the version of the Go recipes (servers and the go-http-client): they run the
// suite's own executable (`expectspec serve`, `expectspec go-client`), built with this Go.
func goVersion(context.Context) string { return runtime.Version() }

func init() {
	register(&Recipe{
		Name: "go-net-http", Role: Origin, Software: "Go net/http", Version: goVersion,
		Command: func(in *Instance) []string {
			return []string{in.Self, "serve", "go-net-http", "--listen", "127.0.0.1:" + strconv.Itoa(in.Port)}
		},
		Notes: "http.Server with ReadHeaderTimeout and IdleTimeout of 5 s; the upload handler reads up to 1 KiB.",
	}, &Recipe{
		Name: "go-reverseproxy-gateway", Role: Gateway, Software: "Go net/http/httputil.ReverseProxy", Version: goVersion,
		Command: func(in *Instance) []string {
			return []string{in.Self, "serve", "go-reverseproxy", "--listen", "127.0.0.1:" + strconv.Itoa(in.Port), "--origin", in.Origin}
		},
		Notes: "NewSingleHostReverseProxy with a clone of http.DefaultTransport (ExpectContinueTimeout 1 s).",
	}, &Recipe{
		Name: "go-net-http-tls", Role: Origin, Software: "Go net/http", Version: goVersion, TLS: true,
		Command: func(in *Instance) []string {
			return []string{in.Self, "serve", "go-net-http", "--listen", in.Addr(), "--tls-cert", in.CertFile(), "--tls-key", in.KeyFile()}
		},
		Notes: "the go-net-http recipe's server with ServeTLS" + tlsNote + "h2 by ALPN (net/http's bundled HTTP/2), else http/1.1.",
	}, &Recipe{
		Name: "go-net-http-h2c", Role: Origin, Software: "Go net/http", Version: goVersion,
		RunArgs: []string{"--protocol", "h2c"},
		Command: func(in *Instance) []string {
			return []string{in.Self, "serve", "go-net-http", "--listen", in.Addr(), "--h2c"}
		},
		Notes: "the go-net-http recipe's server with http.Protocols allowing unencrypted HTTP/2 beside HTTP/1.1 " +
			"(`expectspec serve go-net-http --h2c`), run with --protocol h2c.",
	})
}
