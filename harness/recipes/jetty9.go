package recipes

import (
	"context"
	"os"
	"path/filepath"
	"time"
)

const jetty9Home = "/usr/share/jetty9"

func init() {
	register(&Recipe{
		Name: "jetty9", Role: Origin, Software: "Eclipse Jetty", Packages: []string{"jetty9"},
		// Needs are looked up as executables: the package's jetty.sh stands for it (start.jar is
		// not executable).
		Needs:   []string{jetty9Home + "/bin/jetty.sh", "java"},
		Configs: "jetty9-origin", // the instance's folder is the jetty.base
		Prepare: func(ctx context.Context, in *Instance) error {
			return os.MkdirAll(filepath.Join(in.Dir, "tmp"), 0o755)
		},
		// start.jar runs the server in the foreground, as Debian's init script does.
		Command: func(in *Instance) []string {
			return []string{"java", "-Djava.io.tmpdir=" + filepath.Join(in.Dir, "tmp"), "-jar", jetty9Home + "/start.jar",
				"jetty.home=" + jetty9Home, "jetty.base=" + in.Dir}
		},
		Version:      versionOf([]string{"dpkg-query", "-W", "-f=${Version}", "jetty9"}, `^([0-9.]+)`),
		Early:        "/early",
		StartTimeout: 90 * time.Second,
		Notes: "Debian's stock modules and settings on a loopback port; /upload is a JSP that reads all of the " +
			"content; /early is forbidden by an empty auth-constraint (403 from the header section).",
	})
}
