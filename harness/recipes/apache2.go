package recipes

func init() {
	cmd := func(in *Instance) []string {
		return []string{"apache2", "-d", in.Dir, "-f", in.Dir + "/httpd.conf", "-DFOREGROUND"}
	}
	version := versionOf([]string{"apache2", "-v"}, `Apache/(\S+)`)
	register(&Recipe{
		Name: "apache2", Role: Origin, Software: "Apache httpd", Packages: []string{"apache2"},
		Needs: []string{"apache2"}, Configs: "apache2-origin", Command: cmd, Version: version,
		Early: "/denied",
		Notes: "event MPM; the upload resource is a CGI script (mod_cgid) that reads all of the " +
			"content, its output buffered by mod_buffer so httpd always sends a Content-Length (without it httpd " +
			"adds one only when the script has exited in time, and keep-alive depends on a race); " +
			"/denied is refused by `Require all denied`, from the header section.",
	}, &Recipe{
		Name: "apache2-gateway", Role: Gateway, Software: "Apache httpd mod_proxy",
		Packages: []string{"apache2"}, Needs: []string{"apache2"}, Configs: "apache2-gateway",
		Command: cmd, Version: version,
		Notes: "ProxyPass / to the suite's origin; mod_proxy_http at its defaults.",
	}, &Recipe{
		Name: "apache2-gateway-tls", Role: Gateway, Software: "Apache httpd mod_proxy",
		Packages: []string{"apache2"}, Needs: []string{"apache2"}, Configs: "apache2-gateway-tls", TLS: true,
		Command: cmd, Version: version,
		Notes: "the apache2-gateway recipe's config (ProxyPass / to the suite's origin, mod_proxy_http at its defaults)" +
			tlsNote + "mod_ssl and mod_http2 with `Protocols h2 http/1.1`.",
	}, &Recipe{
		Name: "apache2-tls", Role: Origin, Software: "Apache httpd", Packages: []string{"apache2"},
		Needs: []string{"apache2"}, Configs: "apache2-tls-origin", TLS: true, Early: "/denied",
		Command: cmd, Version: version,
		Notes: "the apache2 recipe's config (event MPM, a CGI upload buffered by mod_buffer, /denied refused)" +
			tlsNote + "mod_ssl and mod_http2 with `Protocols h2 http/1.1`.",
	})
}
