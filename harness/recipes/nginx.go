package recipes

func init() {
	cmd := func(in *Instance) []string {
		return []string{"nginx", "-p", in.Dir, "-c", in.Dir + "/nginx.conf", "-e", "stderr"}
	}
	version := versionOf([]string{"nginx", "-v"}, `nginx/(\S+)`)
	register(&Recipe{
		Name: "nginx", Role: Origin, Software: "nginx", Packages: []string{"nginx"},
		Needs: []string{"nginx"}, Configs: "nginx-origin", Command: cmd, Version: version,
		Early: "/denied",
		Notes: "/upload is proxy_pass to an application (a second server of the same nginx that answers 200), " +
			"as nginx serves uploads: nginx reads the whole content itself (request buffering, its default; " +
			"this is where it sends 100 Continue) before forwarding it. `return 200` would never read the content. " +
			"/denied is `return 403`, from the header section.",
	}, &Recipe{
		Name: "nginx-gateway", Role: Gateway, Software: "nginx", Packages: []string{"nginx"},
		Needs: []string{"nginx"}, Configs: "nginx-gateway", Command: cmd, Version: version,
		Notes: "proxy_pass to the suite's origin; everything else at nginx's defaults " +
			"(request buffering on, HTTP/1.0 upstream).",
	}, &Recipe{
		Name: "nginx-gateway-tls", Role: Gateway, Software: "nginx", Packages: []string{"nginx"},
		Needs: []string{"nginx"}, Configs: "nginx-gateway-tls", TLS: true, Command: cmd, Version: version,
		Notes: "the nginx-gateway recipe's config (proxy_pass to the suite's origin; request buffering on, HTTP/1.0 upstream)" +
			tlsNote + "`listen … ssl http2`: h2 by ALPN, else http/1.1.",
	}, &Recipe{
		Name: "nginx-tls", Role: Origin, Software: "nginx", Packages: []string{"nginx"},
		Needs: []string{"nginx"}, Configs: "nginx-tls-h2-origin", TLS: true, Early: "/denied",
		Command: cmd, Version: version,
		Notes: "the nginx recipe's config (/upload a proxy_pass to a second server of the same nginx, /denied `return 403`)" +
			tlsNote + "`listen … ssl http2`: h2 by ALPN, else http/1.1.",
	})
}
