package recipes

import (
	"context"
	"os"
	"path/filepath"
	"time"
)

const tomcat10Home = "/usr/share/tomcat10"

func init() {
	register(&Recipe{
		Name: "tomcat10", Role: Origin, Software: "Apache Tomcat", Packages: []string{"tomcat10"},
		Needs:   []string{tomcat10Home + "/bin/catalina.sh", "java"},
		Configs: "tomcat10-origin",
		// A CATALINA_BASE in the instance's folder: Debian's stock conf/ files, the templated
		// server.xml, and the ROOT web application.
		Prepare: func(ctx context.Context, in *Instance) error {
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
		},
		// catalina.sh run execs the JVM in the foreground, as Debian's tomcat-start.sh does.
		Command: func(in *Instance) []string { return []string{tomcat10Home + "/bin/catalina.sh", "run"} },
		Env: func(in *Instance) []string {
			return []string{"CATALINA_HOME=" + tomcat10Home, "CATALINA_BASE=" + in.Dir,
				"CATALINA_TMPDIR=" + filepath.Join(in.Dir, "temp"), "CATALINA_PID=",
				"JAVA_OPTS=-Djava.awt.headless=true"} // Debian's /etc/default/tomcat10
		},
		Version:      versionOf([]string{tomcat10Home + "/bin/version.sh"}, `Apache Tomcat/(\S+)`),
		Early:        "/early",
		StartTimeout: 90 * time.Second,
		Notes: "Debian's stock configuration on a loopback port; /upload is a JSP that reads all of the " +
			"content; /early requires BASIC authentication that no user passes (401 from the header section).",
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
