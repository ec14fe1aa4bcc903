package recipes

func init() {
	register(&Recipe{
		Name: "haproxy-gateway", Role: Gateway, Software: "HAProxy", Packages: []string{"haproxy"},
		Needs: []string{"haproxy"}, Configs: "haproxy-gateway",
		Command: func(in *Instance) []string {
			return []string{"haproxy", "-db", "-f", in.Dir + "/haproxy.cfg"}
		},
		Version: versionOf([]string{"haproxy", "-v"}, `version (\S+)`),
		Notes:   "mode http with one backend server, the suite's origin; timeouts set (30 s) because HAProxy has none by default.",
	})
}
