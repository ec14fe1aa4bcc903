package recipes

import (
	"context"
	"strconv"
)

// uvicorn twice, once per HTTP implementation it can run: they parse requests and handle
// Expect: 100-continue and HTTP/1.0 differently, and deployments run both. uvicorn's default
// (--http auto) is httptools when it is importable and h11 otherwise, so each row names its
// parser explicitly: what the row measures must not depend on what else the machine has.
func init() {
	uvicorn := debianVersion("python3-uvicorn")
	httptools := debianVersion("python3-httptools")
	command := func(parser string) func(in *Instance) []string {
		return func(in *Instance) []string {
			return []string{debianPython, "-m", "uvicorn", "--http", parser, "--host", "127.0.0.1",
				"--port", strconv.Itoa(in.Port), "--app-dir", in.Dir, "app:app"}
		}
	}
	register(&Recipe{
		Name: "uvicorn", Role: Origin, Software: "uvicorn", Packages: []string{"python3-uvicorn"},
		Needs: []string{debianPython}, Modules: []string{"uvicorn", "h11"}, Configs: "uvicorn-origin",
		Command: command("h11"), Env: pythonEnv,
		Version: func(ctx context.Context) string {
			if v := uvicorn(ctx); v != "" {
				return v + " (h11)"
			}
			return ""
		},
		Notes: "uvicorn with `--http h11`, the parser Debian's python3-uvicorn runs (it depends on h11 only), " +
			"serving an ASGI app whose /upload receives all of the content (http.request messages until more_body " +
			"is false, as ASGI apps and frameworks read it); other paths answer 404 without receiving it.",
	}, &Recipe{
		Name: "uvicorn-httptools", Role: Origin, Software: "uvicorn",
		Packages: []string{"python3-uvicorn", "python3-httptools"},
		Needs:    []string{debianPython}, Modules: []string{"uvicorn", "httptools"}, Configs: "uvicorn-origin",
		Command: command("httptools"), Env: pythonEnv,
		Version: func(ctx context.Context) string {
			v, h := uvicorn(ctx), httptools(ctx)
			if v == "" || h == "" {
				return ""
			}
			return v + " (httptools " + h + ")"
		},
		Notes: "uvicorn with `--http httptools`, the parser `pip install uvicorn[standard]` deployments run " +
			"(here Debian's python3-httptools), serving the same ASGI app as the uvicorn row: /upload receives " +
			"all of the content; other paths answer 404 without receiving it. Its Expect handling is uvicorn's own " +
			"code for this parser; Debian's httptools 0.1 parses with http-parser, newer releases with llhttp, so " +
			"the cells on field syntax (whitespace, folding) may differ on a PyPI install.",
	})
}
