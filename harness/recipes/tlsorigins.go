package recipes

import "strconv"

// Origins over TLS with HTTP/2 (TLS: true): each from a config of its own that is its cleartext
// recipe's config with the listener on TLS and h2 offered by ALPN beside http/1.1, so one run
// (--protocol auto) gives the row NAME, HTTP/1.1 over TLS, and NAME [h2]. Where the same
// software speaks h2c by prior knowledge on a cleartext listener, a NAME-h2c recipe runs its
// cleartext config with --protocol h2c.
func init() {
	tlsNote := "; over TLS with a certificate made for the run by a throwaway authority (the run's --ca), "
	register(&Recipe{
		Name: "nginx-tls", Role: Origin, Software: "nginx", Packages: []string{"nginx"},
		Needs: []string{"nginx"}, Configs: "nginx-tls-h2-origin", TLS: true, Early: "/denied",
		Command: func(in *Instance) []string {
			return []string{"nginx", "-p", in.Dir, "-c", in.Dir + "/nginx.conf", "-e", "stderr"}
		},
		Version: versionOf([]string{"nginx", "-v"}, `nginx/(\S+)`),
		Notes: "the nginx recipe's config (/upload a proxy_pass to a second server of the same nginx, /denied `return 403`)" +
			tlsNote + "`listen … ssl http2`: h2 by ALPN, else http/1.1.",
	}, &Recipe{
		Name: "apache2-tls", Role: Origin, Software: "Apache httpd", Packages: []string{"apache2"},
		Needs: []string{"apache2"}, Configs: "apache2-tls-origin", TLS: true, Early: "/denied",
		Command: func(in *Instance) []string {
			return []string{"apache2", "-d", in.Dir, "-f", in.Dir + "/httpd.conf", "-DFOREGROUND"}
		},
		Version: versionOf([]string{"apache2", "-v"}, `Apache/(\S+)`),
		Notes: "the apache2 recipe's config (event MPM, a CGI upload buffered by mod_buffer, /denied refused)" +
			tlsNote + "mod_ssl and mod_http2 with `Protocols h2 http/1.1`.",
	}, &Recipe{
		Name: "h2o-tls", Role: Origin, Software: "h2o", Packages: []string{"h2o"},
		Needs: []string{"h2o"}, Configs: "h2o-tls-origin", TLS: true,
		Command: func(in *Instance) []string { return []string{"h2o", "-c", in.Dir + "/h2o.conf"} },
		Version: versionOf([]string{"h2o", "--version"}, `h2o version (\S+)`),
		Notes: "the h2o recipe's config (an mruby handler reads the content; h2o 2.2 reads it all before any handler runs)" +
			tlsNote + "h2 by ALPN (h2o's default), else http/1.1.",
	}, &Recipe{
		Name: "h2o-h2c", Role: Origin, Software: "h2o", Packages: []string{"h2o"},
		Needs: []string{"h2o"}, Configs: "h2o-origin", RunArgs: []string{"--protocol", "h2c"},
		Command: func(in *Instance) []string { return []string{"h2o", "-c", in.Dir + "/h2o.conf"} },
		Version: versionOf([]string{"h2o", "--version"}, `h2o version (\S+)`),
		Notes: "the h2o recipe itself (its cleartext listener also speaks h2c by prior knowledge, h2o's default), " +
			"run with --protocol h2c.",
	}, &Recipe{
		Name: "caddy-tls", Role: Origin, Software: "Caddy", Packages: []string{"caddy"},
		Needs: []string{"caddy"}, Configs: "caddy-tls-origin", TLS: true, Early: "/denied",
		Command: func(in *Instance) []string {
			return []string{"caddy", "run", "--config", in.Dir + "/Caddyfile", "--adapter", "caddyfile"}
		},
		Env: func(in *Instance) []string {
			return []string{"HOME=" + in.Dir, "XDG_DATA_HOME=" + in.Dir, "XDG_CONFIG_HOME=" + in.Dir}
		},
		Version: versionOf([]string{"caddy", "version"}, `^v?(\S+)`),
		Notes: "the caddy recipe's config (/upload `respond` with {http.request.body}, /denied `respond 403`, admin off)" +
			tlsNote + "given by `tls CERT KEY` with default_sni 127.0.0.1 (a client reaching an IP address sends no name); " +
			"automatic HTTPS redirects and HTTP/3 off (the suite speaks TCP only).",
	}, &Recipe{
		Name: "node-http2-tls", Role: Origin, Software: "Node.js http2", Packages: []string{"nodejs"},
		Needs: []string{"node"}, Configs: "node-http2-tls-origin", TLS: true,
		Command: func(in *Instance) []string {
			return []string{"node", in.Dir + "/server.js", strconv.Itoa(in.Port), in.CertFile(), in.KeyFile()}
		},
		Version: versionOf([]string{"node", "--version"}, `v(\S+)`),
		Notes: "http2.createSecureServer with allowHTTP1 (h2 by ALPN, else Node's HTTP/1.1)" + tlsNote +
			"the handler uses the compatibility API; /upload reads all of the content and answers with Content-Length " +
			"set; Node sends the 100 itself, so there is no early-response resource.",
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
