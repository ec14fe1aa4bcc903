package recipes

import (
	"context"
	"os/exec"
	"strconv"
)

// debianPython is Debian's interpreter: the Python frameworks are Debian packages, installed for
// it and not for another python3 that may come first in PATH (pyenv, a virtualenv).
const debianPython = "/usr/bin/python3"

// pythonEnv keeps a Python server's own files in the instance's folder (tempfile's TMPDIR, no
// __pycache__ beside the app) and its log unbuffered, so server.log is complete when it stops.
func pythonEnv(in *Instance) []string {
	return []string{"TMPDIR=" + in.Dir, "PYTHONDONTWRITEBYTECODE=1", "PYTHONUNBUFFERED=1"}
}

// pythonApp runs a script of the recipe's config folder with Debian's Python and the port as its
// only argument.
func pythonApp(script string) func(in *Instance) []string {
	return func(in *Instance) []string {
		return []string{debianPython, in.Dir + "/" + script, strconv.Itoa(in.Port)}
	}
}

// pythonImports reports whether Debian's Python can import module (for versions that depend on
// optional modules, such as uvicorn's HTTP parser).
func pythonImports(ctx context.Context, module string) bool {
	return exec.CommandContext(ctx, debianPython, "-c", "import "+module).Run() == nil
}
