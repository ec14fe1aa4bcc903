package recipes

func init() {
	cmd := func(in *Instance) []string { return []string{"h2o", "-c", in.Dir + "/h2o.conf"} }
	version := versionOf([]string{"h2o", "--version"}, `h2o version (\S+)`)
	register(&Recipe{
		Name: "h2o-gateway", Role: Gateway, Software: "h2o", Packages: []string{"h2o"},
		Needs: []string{"h2o"}, Configs: "h2o-gateway", Command: cmd, Version: version,
		Notes: "`proxy.reverse.url` to the suite's origin; everything else at h2o's defaults.",
	}, &Recipe{
		Name: "h2o-gateway-tls", Role: Gateway, Software: "h2o", Packages: []string{"h2o"},
		Needs: []string{"h2o"}, Configs: "h2o-gateway-tls", TLS: true, Command: cmd, Version: version,
		Notes: "the h2o-gateway recipe's config (`proxy.reverse.url` to the suite's origin, h2o's defaults)" +
			tlsNote + "h2 by ALPN (h2o's default), else http/1.1.",
	})
}
