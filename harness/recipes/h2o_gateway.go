package recipes

func init() {
	register(&Recipe{
		Name: "h2o-gateway", Role: Gateway, Software: "h2o", Packages: []string{"h2o"},
		Needs: []string{"h2o"}, Configs: "h2o-gateway",
		Command: func(in *Instance) []string {
			return []string{"h2o", "-c", in.Dir + "/h2o.conf"}
		},
		Version: versionOf([]string{"h2o", "--version"}, `h2o version (\S+)`),
		Notes:   "`proxy.reverse.url` to the suite's origin; everything else at h2o's defaults.",
	})
}
