package suite

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The arrows of the layout point one way: suite → cases, harness, results; cases → the
// conversation vocabulary (harness/conv) only; harness → nothing of cases, suite or results;
// results → nothing of the module; the gateways and the reference origins (targets under test)
// and the scripted origin that judges them share nothing; h1 → conv only; harness/internal →
// nothing of the module. Each package's doc comment says the same; this test keeps it
// true for every non-test file.
func TestImportArrows(t *testing.T) {
	const module = "github.com/expectspec/expectspec/"
	allowed := func(from, to string) bool {
		switch {
		case strings.HasPrefix(from, "results"):
			return false
		case strings.HasPrefix(from, "cases"):
			return to == "harness/conv"
		case from == "harness/conv":
			return false
		case strings.HasPrefix(from, "harness/gateways") && strings.HasPrefix(to, "harness/origin"):
			return false // targets under test never share the scripted origin's code
		case strings.HasPrefix(from, "harness/origin") && strings.HasPrefix(to, "harness/gateways"):
			return false // nor does the origin share theirs
		case from == "harness/reference" && (strings.HasPrefix(to, "harness/origin") || strings.HasPrefix(to, "harness/gateways")):
			return false // the reference origins are targets under test too
		case from == "harness/h1":
			return to == "harness/conv" // the grammar stands alone
		case strings.HasPrefix(from, "harness/internal"):
			return false // plumbing: the standard library only
		case from == "harness/refclient":
			return false // the reference client is a client under test: it shares nothing
		case from == "harness/clientcmd":
			return to == "harness/conv"
		case strings.HasPrefix(from, "harness"):
			return strings.HasPrefix(to, "harness")
		}
		return true // suite and its command
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	checked := 0
	err = filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata" || d.Name() == "out") && path != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, filepath.Dir(path))
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if !strings.HasPrefix(p, module) {
				continue
			}
			if to := strings.TrimPrefix(p, module); !allowed(rel, to) {
				t.Errorf("%s imports %s: the arrows point suite → cases, harness, results; cases → harness/conv; harness → harness; results → nothing", filepath.Join(rel, filepath.Base(path)), to)
			}
		}
		checked++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 50 {
		t.Fatalf("read only %d files: the walk missed the tree", checked)
	}
}
