package recipes

import (
	"context"
	"os"
	"os/exec"
)

func init() {
	cmd := func(in *Instance) []string {
		// -N: foreground, no SMP kids; -f: the rendered config.
		return []string{"squid", "-N", "-f", in.Dir + "/squid.conf"}
	}
	version := versionOf([]string{"squid", "-v"}, `Version (\S+)`)
	register(&Recipe{
		Name: "squid-gateway", Role: Gateway, Software: "Squid (accelerator)", Packages: []string{"squid"},
		Needs: []string{"squid"}, Configs: "squid-gateway", Command: cmd, Version: version,
		Prepare: squidOwnsDir,
		Notes: "Accelerator mode: `http_port … accel` with the suite's origin as its only cache_peer " +
			"(originserver); Debian's stock access rules; memory-only cache; 1 s shutdown grace.",
	}, &Recipe{
		Name: "squid-proxy", Role: Proxy, Software: "Squid", Packages: []string{"squid"},
		Needs: []string{"squid"}, Configs: "squid-proxy", Command: cmd, Version: version,
		Prepare: squidOwnsDir,
		Notes: "Debian's stock access rules, unchanged: localhost clients allowed, ports 1025-65535 " +
			"are Safe_ports and localhost destinations are not denied. Memory-only cache; 1 s shutdown grace.",
	})
}

// squidOwnsDir gives the instance's folder to Squid's unprivileged user (Debian's `proxy`), which
// Squid switches to when started as root, so that it can write its logs there. Started by
// another user, Squid stays that user and the folder is already its own.
func squidOwnsDir(ctx context.Context, in *Instance) error {
	if os.Geteuid() != 0 {
		return nil
	}
	return exec.CommandContext(ctx, "chown", "-R", "proxy:proxy", in.Dir).Run()
}
