package recipes

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Every recipe's configs render with an instance like the matrix makes: no template error, no
// missing key, and no template text left over.
func TestEveryRecipeRenders(t *testing.T) {
	for _, r := range All() {
		t.Run(r.Name, func(t *testing.T) {
			in := &Instance{Recipe: r, Dir: t.TempDir(), Port: 40000, Origin: "127.0.0.1:40001",
				Self: "/usr/local/bin/expectspec", ports: map[string]int{}}
			if err := in.render(); err != nil {
				t.Fatalf("render: %v", err)
			}
			_ = filepath.Walk(in.Dir, func(p string, fi os.FileInfo, err error) error {
				if err != nil || fi.IsDir() {
					return err
				}
				if strings.HasSuffix(p, ".tmpl") {
					t.Errorf("%s kept its .tmpl suffix", p)
				}
				if b, _ := os.ReadFile(p); strings.Contains(string(b), "{{") {
					t.Errorf("%s still holds template text", p)
				}
				return nil
			})
			switch {
			case r.Role == Client:
				if !strings.Contains(r.CommandLine, "{url}") || r.Command != nil {
					t.Errorf("a client needs a CommandLine that names {url}, and no Command")
				}
			case r.Command == nil:
				t.Errorf("no command")
			default:
				if argv := r.Command(in); len(argv) == 0 || argv[0] == "" {
					t.Errorf("no command")
				}
			}
			if r.Role != Origin && r.Role != Gateway && r.Role != Proxy && r.Role != Client {
				t.Errorf("role %q", r.Role)
			}
			if r.Notes == "" {
				t.Errorf("no Notes: say which settings differ from the defaults, and why")
			}
		})
	}
}

func TestNamesAreUniqueAndSelectable(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range All() {
		if seen[r.Name] {
			t.Errorf("two recipes named %s", r.Name)
		}
		seen[r.Name] = true
	}
	if _, err := Select([]string{"nginx", "no-such-server"}); err == nil || !strings.Contains(err.Error(), "no-such-server") {
		t.Errorf("Select with an unknown name: %v", err)
	}
}

func TestNotInstalledNamesTheInstallCommand(t *testing.T) {
	r := &Recipe{Name: "x", Role: Origin, Packages: []string{"x-server"}, Needs: []string{"expectspec-no-such-binary"},
		Command: func(*Instance) []string { return []string{"true"} }}
	_, err := Start(context.Background(), r, Options{Dir: t.TempDir()})
	if !IsNotInstalled(err) || !strings.Contains(err.Error(), "apt-get install -y x-server") {
		t.Fatalf("got %v", err)
	}
}

// A recipe whose process dies at once is reported with the end of its log.
func TestStartReportsAnEarlyExitWithItsLog(t *testing.T) {
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no sh")
	}
	r := &Recipe{Name: "dies", Role: Origin, Notes: "-", StartTimeout: 5 * time.Second,
		Command: func(*Instance) []string { return []string{"sh", "-c", "echo cannot bind >&2; exit 3"} }}
	_, err := Start(context.Background(), r, Options{Dir: t.TempDir()})
	if err == nil || !strings.Contains(err.Error(), "cannot bind") || !strings.Contains(err.Error(), "exited") {
		t.Fatalf("got %v", err)
	}
}

// A client recipe's files are copied beside its command, and {dir} is quoted for the shell when
// the folder needs it.
func TestClientCommandFillsDir(t *testing.T) {
	rs, err := Select([]string{"python-requests"})
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "a b")
	cmd, err := rs[0].ClientCommand(dir)
	if err != nil {
		t.Fatal(err)
	}
	if want := "'" + dir + "'/upload.py {url} {file}"; !strings.HasSuffix(cmd, want) {
		t.Errorf("command %q does not end in %q", cmd, want)
	}
	if _, err := os.Stat(filepath.Join(dir, "upload.py")); err != nil {
		t.Errorf("upload.py not copied: %v", err)
	}
	if _, err := Start(context.Background(), &Recipe{Name: "c", Role: Client, CommandLine: "true {url}"}, Options{Dir: t.TempDir()}); err == nil {
		t.Errorf("Start of a client recipe: no error")
	}
}
