package recipes

func init() {
	register(&Recipe{
		Name: "h2o", Role: Origin, Software: "h2o", Packages: []string{"h2o"},
		Needs: []string{"h2o"}, Configs: "h2o-origin",
		Command: func(in *Instance) []string {
			return []string{"h2o", "-c", in.Dir + "/h2o.conf"}
		},
		Version: versionOf([]string{"h2o", "--version"}, `h2o version (\S+)`),
		Notes: "The upload resource is an mruby handler that reads all of the content from rack.input; " +
			"h2o 2.2 receives the whole content before any handler runs, so there is no early-response resource.",
	})
}
