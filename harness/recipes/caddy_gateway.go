package recipes

func init() {
	register(&Recipe{
		Name: "caddy-gateway", Role: Gateway, Software: "Caddy reverse_proxy", Packages: []string{"caddy"},
		Needs: []string{"caddy"}, Configs: "caddy-gateway",
		Command: func(in *Instance) []string {
			return []string{"caddy", "run", "--config", in.Dir + "/Caddyfile", "--adapter", "caddyfile"}
		},
		// Caddy keeps its storage and autosaved config under XDG_DATA_HOME and XDG_CONFIG_HOME.
		Env: func(in *Instance) []string {
			return []string{"HOME=" + in.Dir, "XDG_DATA_HOME=" + in.Dir, "XDG_CONFIG_HOME=" + in.Dir}
		},
		Version: versionOf([]string{"caddy", "version"}, `^v?(\S+)`),
		Notes: "`reverse_proxy` to the suite's origin at its defaults, on plain HTTP; the admin API " +
			"is off so instances can run side by side.",
	})
}
