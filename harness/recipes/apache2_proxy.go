package recipes

func init() {
	register(&Recipe{
		Name: "apache2-proxy", Role: Proxy, Software: "Apache httpd mod_proxy",
		Packages: []string{"apache2"}, Needs: []string{"apache2"}, Configs: "apache2-proxy",
		Command: func(in *Instance) []string {
			return []string{"apache2", "-d", in.Dir, "-f", in.Dir + "/httpd.conf", "-DFOREGROUND"}
		},
		Version: versionOf([]string{"apache2", "-v"}, `Apache/(\S+)`),
		Notes: "`ProxyRequests On` (a forward proxy) with a <Proxy \"*\"> rule that admits 127.0.0.1 " +
			"only; mod_proxy_http at its defaults, no destination restricted.",
	})
}
