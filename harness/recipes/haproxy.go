package recipes

import (
	"context"
	"os"
	"path/filepath"
)

func init() {
	cmd := func(in *Instance) []string { return []string{"haproxy", "-db", "-f", in.Dir + "/haproxy.cfg"} }
	version := versionOf([]string{"haproxy", "-v"}, `version (\S+)`)
	register(&Recipe{
		Name: "haproxy-gateway", Role: Gateway, Software: "HAProxy", Packages: []string{"haproxy"},
		Needs: []string{"haproxy"}, Configs: "haproxy-gateway", Command: cmd, Version: version,
		Notes: "mode http with one backend server, the suite's origin; timeouts set (30 s) because HAProxy has none by default.",
	}, &Recipe{
		Name: "haproxy-gateway-tls", Role: Gateway, Software: "HAProxy", Packages: []string{"haproxy"},
		Needs: []string{"haproxy"}, Configs: "haproxy-gateway-tls", TLS: true, Command: cmd, Version: version,
		Prepare: haproxyBundle,
		Notes: "the haproxy-gateway recipe's config (mode http, one backend server, timeouts of 30 s)" + tlsNote +
			"`bind … ssl crt … alpn h2,http/1.1`: h2 by ALPN, else http/1.1.",
	})
}

// haproxyBundle writes bundle.pem, the certificate chain followed by its key: HAProxy's `crt`
// reads both from one file (a key in a file of its own would have to be named CRT.key).
func haproxyBundle(_ context.Context, in *Instance) error {
	var bundle []byte
	for _, name := range []string{certFile, keyFile} {
		b, err := os.ReadFile(filepath.Join(in.Dir, name))
		if err != nil {
			return err
		}
		bundle = append(bundle, b...)
	}
	return os.WriteFile(filepath.Join(in.Dir, "bundle.pem"), bundle, 0o600)
}
