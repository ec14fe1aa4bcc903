package recipes

import (
	"context"
	"strconv"
)

func init() {
	debian := debianVersion("python3-uvicorn")
	register(&Recipe{
		Name: "uvicorn", Role: Origin, Software: "uvicorn", Packages: []string{"python3-uvicorn"},
		Needs: []string{debianPython}, Modules: []string{"uvicorn"}, Configs: "uvicorn-origin",
		Command: func(in *Instance) []string {
			return []string{debianPython, "-m", "uvicorn", "--host", "127.0.0.1", "--port", strconv.Itoa(in.Port),
				"--app-dir", in.Dir, "app:app"}
		},
		Env: pythonEnv,
		// uvicorn's default HTTP implementation ("auto") is httptools when it is installed and h11
		// otherwise; they handle a request differently, so the version names the one that ran.
		Version: func(ctx context.Context) string {
			v := debian(ctx)
			if v == "" {
				return ""
			}
			if pythonImports(ctx, "httptools") {
				return v + " (httptools)"
			}
			return v + " (h11)"
		},
		Notes: "uvicorn's defaults serving an ASGI app whose /upload receives all of the content; " +
			"other paths answer 404 without receiving it. The HTTP parser is uvicorn's choice (auto), named in the version.",
	})
}
