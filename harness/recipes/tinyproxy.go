package recipes

func init() {
	register(&Recipe{
		Name: "tinyproxy-proxy", Role: Proxy, Software: "Tinyproxy", Packages: []string{"tinyproxy"},
		Needs: []string{"tinyproxy"}, Configs: "tinyproxy-proxy",
		Command: func(in *Instance) []string {
			// -d: foreground, logging to stderr.
			return []string{"tinyproxy", "-d", "-c", in.Dir + "/tinyproxy.conf"}
		},
		Version: versionOf([]string{"tinyproxy", "-v"}, `tinyproxy (\S+)`),
		Notes: "Debian's stock tinyproxy.conf (clients from 127.0.0.1 allowed, no destination " +
			"restriction for plain HTTP); only the port, and logs to stderr instead of a file.",
	})
}
