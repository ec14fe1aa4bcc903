package recipes

import (
	"context"
	"os"
	"path/filepath"
	"time"
)

const tomcat10Home = "/usr/share/tomcat10"

func init() {
	// A CATALINA_BASE in the instance's folder: Debian's stock conf/ files, the templated
	// server.xml, and the ROOT web application.
	prepare := func(ctx context.Context, in *Instance) error {
		if err := copyStock(filepath.Join(tomcat10Home, "etc"), filepath.Join(in.Dir, "conf"),
			"catalina.properties", "context.xml", "jaspic-providers.xml", "logging.properties",
			"tomcat-users.xml", "web.xml"); err != nil {
			return err
		}
		for _, d := range []string{"logs", "temp", "work"} {
			if err := os.MkdirAll(filepath.Join(in.Dir, d), 0o755); err != nil {
				return err
			}
		}
		return nil
	}
	// catalina.sh run execs the JVM in the foreground, as Debian's tomcat-start.sh does.
	cmd := func(in *Instance) []string { return []string{tomcat10Home + "/bin/catalina.sh", "run"} }
	env := func(in *Instance) []string {
		return []string{"CATALINA_HOME=" + tomcat10Home, "CATALINA_BASE=" + in.Dir,
			"CATALINA_TMPDIR=" + filepath.Join(in.Dir, "temp"), "CATALINA_PID=",
			"JAVA_OPTS=-Djava.awt.headless=true"} // Debian's /etc/default/tomcat10
	}
	version := versionOf([]string{tomcat10Home + "/bin/version.sh"}, `Apache Tomcat/(\S+)`)
	needs := []string{tomcat10Home + "/bin/catalina.sh", "java"}
	register(&Recipe{
		Name: "tomcat10", Role: Origin, Software: "Apache Tomcat", Packages: []string{"tomcat10"},
		Needs: needs, Configs: "tomcat10-origin",
		Prepare: prepare, Command: cmd, Env: env, Version: version,
		Early:        "/early",
		StartTimeout: 90 * time.Second,
		Notes: "Debian's stock configuration on a loopback port; /upload is a JSP that reads all of the " +
			"content; /early requires BASIC authentication that no user passes (401 from the header section).",
	}, &Recipe{
		Name: "tomcat10-tls", Role: Origin, Software: "Apache Tomcat", Packages: []string{"tomcat10"},
		Needs: needs, Configs: "tomcat10-tls-origin", TLS: true,
		Prepare: prepare, Command: cmd, Env: env, Version: version,
		Early:        "/early",
		StartTimeout: 90 * time.Second,
		Notes: "the tomcat10 recipe's config (Debian's stock configuration, /upload a JSP that reads the content, " +
			"/early refused by BASIC authentication) with its connector SSLEnabled" + tlsNote +
			"read as PEM by an SSLHostConfig; Http2Protocol as the connector's UpgradeProtocol: h2 by ALPN, else http/1.1.",
	})
}

// copyStock copies the named files from a package's folder of stock configuration into dst, so
// an instance runs with the implementation's own defaults.
func copyStock(src, dst string, names ...string) error {
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return err
	}
	for _, n := range names {
		b, err := os.ReadFile(filepath.Join(src, n))
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dst, n), b, 0o644); err != nil {
			return err
		}
	}
	return nil
}
