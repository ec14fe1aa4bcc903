package recipes

func init() {
	cmd := func(in *Instance) []string {
		// -N: foreground, no SMP kids; -f: the rendered config.
		return []string{"squid", "-N", "-f", in.Dir + "/squid.conf"}
	}
	version := versionOf([]string{"squid", "-v"}, `Version (\S+)`)
	register(&Recipe{
		Name: "squid-gateway", Role: Gateway, Software: "Squid (accelerator)", Packages: []string{"squid"},
		Needs: []string{"squid"}, Configs: "squid-gateway", Command: cmd, Version: version,
		Prepare: ownedBy("proxy"),
		Notes: "Accelerator mode: `http_port … accel` with the suite's origin as its only cache_peer " +
			"(originserver, without the peer digest and netdb fetches an origin cannot answer); Debian's " +
			"stock access rules; memory-only cache; 1 s shutdown grace.",
	}, &Recipe{
		Name: "squid-proxy", Role: Proxy, Software: "Squid", Packages: []string{"squid"},
		Needs: []string{"squid"}, Configs: "squid-proxy", Command: cmd, Version: version,
		Prepare: ownedBy("proxy"),
		Notes: "Debian's stock access rules, unchanged: localhost clients allowed, ports 1025-65535 " +
			"are Safe_ports and localhost destinations are not denied. Memory-only cache; 1 s shutdown grace.",
	})
}
