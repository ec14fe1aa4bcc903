package recipes

func init() {
	register(&Recipe{
		Name: "varnish-gateway", Role: Gateway, Software: "Varnish Cache", Packages: []string{"varnish"},
		Needs: []string{"varnishd"}, Configs: "varnish-gateway",
		Command: func(in *Instance) []string {
			// -F: foreground; -n: the working directory (shared memory log, VCL cache) in the
			// instance's folder; -T none: no management port (nothing talks to it); -s malloc:
			// a small memory store instead of the default 100 MB.
			return []string{"varnishd", "-F", "-a", in.Addr(), "-T", "none", "-n", in.Dir + "/work",
				"-f", in.Dir + "/default.vcl", "-s", "malloc,32m"}
		},
		Version: versionOf([]string{"varnishd", "-V"}, `varnish-(\S+)`),
		Notes: "The VCL only names the suite's origin as backend; the builtin VCL does the rest " +
			"(POST passed, not cached). A 32 MB malloc store and no management port.",
	})
}
