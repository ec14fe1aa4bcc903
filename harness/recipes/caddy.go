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
		Name: "caddy", Role: Origin, Software: "Caddy", Packages: []string{"caddy"},
		Needs: []string{"caddy"}, Configs: "caddy-origin",
		Command: cmd, Env: env, Version: version,
		Early: "/denied",
		Notes: "Caddy has no stock handler that reads content and answers 2xx, so /upload is `respond` " +
			"with `{http.request.body}` in its body (rendering it reads the whole content and echoes it); " +
			"/denied is `respond 403`; the admin API is off so instances can run side by side.",
	}, &Recipe{
		Name: "caddy-tls", Role: Origin, Software: "Caddy", Packages: []string{"caddy"},
		Needs: []string{"caddy"}, Configs: "caddy-tls-origin", TLS: true, Early: "/denied",
		Command: cmd, Env: env, Version: version,
		Notes: "the caddy recipe's config (/upload `respond` with {http.request.body}, /denied `respond 403`, admin off)" +
			tlsNote + "given by `tls CERT KEY` with default_sni 127.0.0.1 (a client reaching an IP address sends no name); " +
			"automatic HTTPS redirects and HTTP/3 off (the suite speaks TCP only).",
	})
}
