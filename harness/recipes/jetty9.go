package recipes

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

const jetty9Home = "/usr/share/jetty9"

func init() {
	// Needs are looked up as executables: the package's jetty.sh stands for it (start.jar is
	// not executable).
	needs := []string{jetty9Home + "/bin/jetty.sh", "java"}
	prepare := func(ctx context.Context, in *Instance) error {
		return os.MkdirAll(filepath.Join(in.Dir, "tmp"), 0o755)
	}
	// start.jar runs the server in the foreground, as Debian's init script does.
	cmd := func(in *Instance) []string {
		return []string{"java", "-Djava.io.tmpdir=" + filepath.Join(in.Dir, "tmp"), "-jar", jetty9Home + "/start.jar",
			"jetty.home=" + jetty9Home, "jetty.base=" + in.Dir}
	}
	version := versionOf([]string{"dpkg-query", "-W", "-f=${Version}", "jetty9"}, `^([0-9.]+)`)
	register(&Recipe{
		Name: "jetty9", Role: Origin, Software: "Eclipse Jetty", Packages: []string{"jetty9"},
		Needs:   needs,
		Configs: "jetty9-origin", // the instance's folder is the jetty.base
		Prepare: prepare, Command: cmd, Version: version,
		Early:        "/early",
		StartTimeout: 90 * time.Second,
		Notes: "Debian's stock modules and settings on a loopback port; /upload is a JSP that reads all of the " +
			"content; /early is forbidden by an empty auth-constraint (403 from the header section).",
	}, &Recipe{
		Name: "jetty9-tls", Role: Origin, Software: "Eclipse Jetty", Packages: []string{"jetty9", "openssl"},
		Needs:   append(needs, "openssl"),
		Configs: "jetty9-tls-origin", TLS: true,
		Prepare: func(ctx context.Context, in *Instance) error {
			if err := prepare(ctx, in); err != nil {
				return err
			}
			return pkcs12Keystore(ctx, in)
		},
		Command: cmd, Version: version,
		Early:        "/early",
		StartTimeout: 90 * time.Second,
		Notes: "the jetty9 recipe's config (Debian's stock modules and settings, /upload a JSP that reads the content, " +
			"/early forbidden) with the http module replaced by ssl, https and http2" + tlsNote +
			"converted to a PKCS#12 keystore by openssl (Jetty 9.4 reads no PEM); h2 by ALPN, else http/1.1.",
	})
}

// pkcs12Keystore writes keystore.p12 (password "expectspec"), the certificate chain and key of
// a TLS recipe in the form a Java server's keystore takes.
func pkcs12Keystore(ctx context.Context, in *Instance) error {
	out, err := exec.CommandContext(ctx, "openssl", "pkcs12", "-export", "-name", "server",
		"-in", in.CertFile(), "-inkey", in.KeyFile(), "-out", filepath.Join(in.Dir, "keystore.p12"),
		"-passout", "pass:expectspec").CombinedOutput()
	if err != nil {
		return fmt.Errorf("openssl pkcs12 -export: %v: %s", err, bytes.TrimSpace(out))
	}
	return nil
}
