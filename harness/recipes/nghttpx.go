package recipes

func init() {
	register(&Recipe{
		Name: "nghttpx-gateway", Role: Gateway, Software: "nghttpx", Packages: []string{"nghttp2-proxy"},
		Needs: []string{"nghttpx"}, Configs: "nghttpx-gateway",
		Command: func(in *Instance) []string {
			// --conf: the rendered file instead of /etc/nghttpx/nghttpx.conf.
			return []string{"nghttpx", "--conf", in.Dir + "/nghttpx.conf"}
		},
		Version: versionOf([]string{"nghttpx", "--version"}, `nghttp2/(\S+)`),
		Notes: "Default (reverse proxy) mode with the suite's origin as its only backend; the " +
			"frontend is cleartext (`no-tls`) because the suite speaks HTTP/1.1 without TLS.",
	})
}
