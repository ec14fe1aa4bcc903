package recipes

func init() {
	cmd := func(in *Instance) []string {
		return []string{"nginx", "-p", in.Dir, "-c", in.Dir + "/nginx.conf", "-e", "stderr"}
	}
	version := versionOf([]string{"nginx", "-v"}, `nginx/(\S+)`)
	register(&Recipe{
		Name: "nginx", Role: Origin, Software: "nginx", Packages: []string{"nginx"},
		Needs: []string{"nginx"}, Configs: "nginx-origin", Command: cmd, Version: version,
		Notes: "The upload resource is `return 200`: stock nginx reads a request's content only " +
			"for an upstream, so it answers from the header section and discards the content.",
	}, &Recipe{
		Name: "nginx-gateway", Role: Gateway, Software: "nginx", Packages: []string{"nginx"},
		Needs: []string{"nginx"}, Configs: "nginx-gateway", Command: cmd, Version: version,
		Notes: "proxy_pass to the suite's origin; everything else at nginx's defaults " +
			"(request buffering on, HTTP/1.0 upstream).",
	})
}
