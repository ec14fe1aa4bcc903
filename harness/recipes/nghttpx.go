package recipes

func init() {
	// --conf: the rendered file instead of /etc/nghttpx/nghttpx.conf.
	cmd := func(in *Instance) []string { return []string{"nghttpx", "--conf", in.Dir + "/nghttpx.conf"} }
	version := versionOf([]string{"nghttpx", "--version"}, `nghttp2/(\S+)`)
	register(&Recipe{
		Name: "nghttpx-gateway", Role: Gateway, Software: "nghttpx", Packages: []string{"nghttp2-proxy"},
		Needs: []string{"nghttpx"}, Configs: "nghttpx-gateway", Command: cmd, Version: version,
		Notes: "Default (reverse proxy) mode with the suite's origin as its only backend; the " +
			"frontend is cleartext (`no-tls`) because the suite speaks HTTP/1.1 without TLS.",
	}, &Recipe{
		Name: "nghttpx-gateway-tls", Role: Gateway, Software: "nghttpx", Packages: []string{"nghttp2-proxy"},
		Needs: []string{"nghttpx"}, Configs: "nghttpx-gateway-tls", TLS: true, Command: cmd, Version: version,
		Notes: "Default (reverse proxy) mode with the suite's origin as its only backend, and nghttpx's default " +
			"TLS frontend (the nghttpx-gateway config without `no-tls`)" + tlsNote + "h2 by ALPN, else http/1.1.",
	})
}
