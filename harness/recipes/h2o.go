package recipes

func init() {
	cmd := func(in *Instance) []string { return []string{"h2o", "-c", in.Dir + "/h2o.conf"} }
	version := versionOf([]string{"h2o", "--version"}, `h2o version (\S+)`)
	register(&Recipe{
		Name: "h2o", Role: Origin, Software: "h2o", Packages: []string{"h2o"},
		Needs: []string{"h2o"}, Configs: "h2o-origin",
		Command: cmd, Version: version,
		Notes: "The upload resource is an mruby handler that reads all of the content from rack.input; " +
			"h2o 2.2 receives the whole content before any handler runs, so there is no early-response resource.",
	}, &Recipe{
		Name: "h2o-tls", Role: Origin, Software: "h2o", Packages: []string{"h2o"},
		Needs: []string{"h2o"}, Configs: "h2o-tls-origin", TLS: true,
		Command: cmd, Version: version,
		Notes: "the h2o recipe's config (an mruby handler reads the content; h2o 2.2 reads it all before any handler runs)" +
			tlsNote + "h2 by ALPN (h2o's default), else http/1.1.",
	}, &Recipe{
		Name: "h2o-h2c", Role: Origin, Software: "h2o", Packages: []string{"h2o"},
		Needs: []string{"h2o"}, Configs: "h2o-origin", RunArgs: []string{"--protocol", "h2c"},
		Command: cmd, Version: version,
		Notes: "the h2o recipe itself (its cleartext listener also speaks h2c by prior knowledge, h2o's default), " +
			"run with --protocol h2c.",
	})
}
