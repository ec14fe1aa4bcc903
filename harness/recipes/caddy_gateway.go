package recipes

func init() {
	cmd := func(in *Instance) []string {
		return []string{"caddy", "run", "--config", in.Dir + "/Caddyfile", "--adapter", "caddyfile"}
	}
	// Caddy keeps its storage and autosaved config under XDG_DATA_HOME and XDG_CONFIG_HOME.
	env := func(in *Instance) []string {
		return []string{"HOME=" + in.Dir, "XDG_DATA_HOME=" + in.Dir, "XDG_CONFIG_HOME=" + in.Dir}
	}
	version := versionOf([]string{"caddy", "version"}, `^v?(\S+)`)
	register(&Recipe{
		Name: "caddy-gateway", Role: Gateway, Software: "Caddy reverse_proxy", Packages: []string{"caddy"},
		Needs: []string{"caddy"}, Configs: "caddy-gateway", Command: cmd, Env: env, Version: version,
		Notes: "`reverse_proxy` to the suite's origin at its defaults, on plain HTTP; the admin API " +
			"is off so instances can run side by side.",
	}, &Recipe{
		Name: "caddy-gateway-tls", Role: Gateway, Software: "Caddy reverse_proxy", Packages: []string{"caddy"},
		Needs: []string{"caddy"}, Configs: "caddy-gateway-tls", TLS: true, Command: cmd, Env: env, Version: version,
		Notes: "the caddy-gateway recipe's config (`reverse_proxy` to the suite's origin at its defaults, admin off)" +
			tlsNote + "given by `tls CERT KEY` with default_sni 127.0.0.1 (a client reaching an IP address sends no name); " +
			"automatic HTTPS redirects and HTTP/3 off (the suite speaks TCP only).",
	})
}
