package recipes

import (
	"context"
	"os"
	"path/filepath"
	"time"
)

func init() {
	// traffic_server alone (not traffic_manager) runs in the foreground; TS_RUNROOT makes it take
	// its configuration from the instance's folder and write its logs and runtime files there.
	cmd := func(in *Instance) []string { return []string{"traffic_server"} }
	env := func(in *Instance) []string { return []string{"TS_RUNROOT=" + in.Dir} }
	version := versionOf([]string{"traffic_server", "--version"}, `Traffic Server (\S+)`)
	register(&Recipe{
		Name: "trafficserver-gateway", Role: Gateway, Software: "Apache Traffic Server",
		Packages: []string{"trafficserver"}, Needs: []string{"traffic_server"}, Configs: "trafficserver-gateway",
		Command: cmd, Env: env, Version: version, Prepare: trafficserverDirs,
		StartTimeout: 30 * time.Second,
		Notes: "Debian's stock records.config with `map / http://ORIGIN/` in remap.config; listens on " +
			"127.0.0.1 only; no disk cache (empty storage.config).",
	}, &Recipe{
		Name: "trafficserver-gateway-tls", Role: Gateway, Software: "Apache Traffic Server",
		Packages: []string{"trafficserver"}, Needs: []string{"traffic_server"}, Configs: "trafficserver-gateway-tls",
		TLS: true, Command: cmd, Env: env, Version: version, Prepare: trafficserverDirs,
		StartTimeout: 30 * time.Second,
		Notes: "the trafficserver-gateway recipe's config (Debian's stock records.config, `map / http://ORIGIN/`, " +
			"127.0.0.1 only, no disk cache) with its port marked `ssl` and the certificate in ssl_multicert.config" +
			tlsNote + "h2 by ALPN (Traffic Server's default on a TLS port), else http/1.1.",
	}, &Recipe{
		Name: "trafficserver-proxy", Role: Proxy, Software: "Apache Traffic Server",
		Packages: []string{"trafficserver"}, Needs: []string{"traffic_server"}, Configs: "trafficserver-proxy",
		Command: cmd, Env: env, Version: version, Prepare: trafficserverDirs,
		StartTimeout: 30 * time.Second,
		Notes: "Debian's stock records.config with remap_required 0, which makes it a forward proxy; " +
			"listens on 127.0.0.1 only; no disk cache (empty storage.config).",
	})
}

// trafficserverDirs makes the runroot's folders for runtime files, logs and cache, which Traffic
// Server requires to exist, and gives the instance's folder to its user.
func trafficserverDirs(ctx context.Context, in *Instance) error {
	for _, d := range []string{"run", "log", "cache", "var"} {
		if err := os.MkdirAll(filepath.Join(in.Dir, d), 0o755); err != nil {
			return err
		}
	}
	return ownedBy("trafficserver")(ctx, in)
}
