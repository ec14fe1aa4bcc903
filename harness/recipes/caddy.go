package recipes

func init() {
	register(&Recipe{
		Name: "caddy", Role: Origin, Software: "Caddy", Packages: []string{"caddy"},
		Needs: []string{"caddy"}, Configs: "caddy-origin",
		Command: func(in *Instance) []string {
			return []string{"caddy", "run", "--config", in.Dir + "/Caddyfile", "--adapter", "caddyfile"}
		},
		// Caddy keeps its storage and autosaved config under XDG_DATA_HOME and XDG_CONFIG_HOME.
		Env: func(in *Instance) []string {
			return []string{"HOME=" + in.Dir, "XDG_DATA_HOME=" + in.Dir, "XDG_CONFIG_HOME=" + in.Dir}
		},
		Version: versionOf([]string{"caddy", "version"}, `^v?(\S+)`),
		Early:   "/denied",
		Notes: "Caddy has no stock handler that reads content and answers 2xx, so /upload is `respond` " +
			"with `{http.request.body}` in its body (rendering it reads the whole content and echoes it); " +
			"/denied is `respond 403`; the admin API is off so instances can run side by side.",
	})
}
