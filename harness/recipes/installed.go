package recipes

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// Whether a recipe can run on this machine, and what to install when it cannot.

// Install is the command that installs the recipe's packages on Debian.
func (r *Recipe) Install() string {
	if len(r.Packages) == 0 {
		return ""
	}
	return "apt-get install -y " + strings.Join(r.Packages, " ")
}

// Missing names the first executable, file or Python module the recipe needs that is not
// installed, or "".
func (r *Recipe) Missing() string {
	for _, n := range r.Needs {
		if filepath.IsAbs(n) {
			// A file the recipe reads (a jar) need not be executable.
			if _, err := os.Stat(n); err != nil {
				return n
			}
			continue
		}
		if _, err := exec.LookPath(n); err != nil {
			return n
		}
	}
	for _, m := range r.Modules {
		if !pythonHas(m) {
			return "python3 module " + m
		}
	}
	return ""
}

// NotInstalledError says a recipe cannot run here, and how to install it.
type NotInstalledError struct {
	Recipe  *Recipe
	Missing string
}

func (e *NotInstalledError) Error() string {
	return fmt.Sprintf("not installed: %s is missing (install with: %s)", e.Missing, e.Recipe.Install())
}

// IsNotInstalled reports whether err is a NotInstalledError.
func IsNotInstalled(err error) bool {
	var n *NotInstalledError
	return errors.As(err, &n)
}

// importChecks remembers, per Python module, whether Debian's python3 imports it: Missing is
// asked for every recipe by list, matrix and Start, and each answer costs an interpreter start.
var importChecks sync.Map // module → bool

// pythonHas reports whether Debian's python3 imports module, within 10 s (a broken interpreter
// that hangs counts as not installed).
func pythonHas(module string) bool {
	if ok, seen := importChecks.Load(module); seen {
		return ok.(bool)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ok := pythonImports(ctx, module)
	importChecks.Store(module, ok)
	return ok
}
