package recipes

func init() {
	register(&Recipe{
		Name: "lighttpd", Role: Origin, Software: "lighttpd", Packages: []string{"lighttpd"},
		Needs: []string{"lighttpd"}, Configs: "lighttpd-origin",
		Command: func(in *Instance) []string {
			return []string{"lighttpd", "-D", "-f", in.Dir + "/lighttpd.conf"}
		},
		Version: versionOf([]string{"lighttpd", "-v"}, `lighttpd/(\S+)`),
		Early:   "/denied",
		Notes: "The upload resource is a CGI script (mod_cgi) that reads all of the content; " +
			"/denied is refused by mod_access (`url.access-deny`) from the header section.",
	})
}
