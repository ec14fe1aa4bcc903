package recipes

import (
	"context"
	"os/exec"
	"regexp"
	"time"
)

// versionOf runs argv and returns the first submatch of re in its combined output ("" when it
// cannot be read: a matrix cell without a version is better than none).
func versionOf(argv []string, re string) func(ctx context.Context) string {
	rx := regexp.MustCompile(re)
	return func(ctx context.Context) string {
		ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		out, _ := exec.CommandContext(ctx, argv[0], argv[1:]...).CombinedOutput()
		if m := rx.FindSubmatch(out); len(m) > 1 {
			return string(m[1])
		}
		return ""
	}
}

// debianVersion reads the installed version of a Debian package.
func debianVersion(pkg string) func(ctx context.Context) string {
	return versionOf([]string{"dpkg-query", "-W", "-f=${Version}", pkg}, `^(\S+)`)
}
