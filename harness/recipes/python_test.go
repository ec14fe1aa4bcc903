package recipes

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"
)

// pythonRecipes are the Python origins: each must render its configs, and where it is installed
// start, answer a POST of 5 octets on its upload resource with 2xx, and stop leaving no process.
var pythonRecipes = []string{"aiohttp", "gunicorn", "python-http-server", "tornado", "twisted", "uvicorn", "waitress"}

func TestPythonRecipesRender(t *testing.T) {
	rs, err := Select(pythonRecipes)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		in := &Instance{Recipe: r, Dir: t.TempDir(), Port: 1, ports: map[string]int{}}
		if err := in.render(); err != nil {
			t.Errorf("%s: %v", r.Name, err)
		}
		if argv := r.Command(in); len(argv) == 0 || argv[0] == "" {
			t.Errorf("%s: no command", r.Name)
		}
	}
}

func TestPythonRecipesServe(t *testing.T) {
	if testing.Short() {
		t.Skip("starts servers")
	}
	rs, err := Select(pythonRecipes)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		t.Run(r.Name, func(t *testing.T) {
			if m := r.Missing(); m != "" {
				t.Skipf("not installed: %s (%s)", m, r.Install())
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			in, err := Start(ctx, r, Options{Dir: t.TempDir()})
			if err != nil {
				t.Fatal(err)
			}
			pgid := in.cmd.Process.Pid
			defer in.Stop()
			client := &http.Client{Timeout: 5 * time.Second}
			resp, err := client.Post(in.URL(), "text/plain", strings.NewReader("hello"))
			if err != nil {
				t.Fatalf("POST %s: %v", in.URL(), err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode/100 != 2 {
				t.Errorf("POST %s: %s %q", in.URL(), resp.Status, body)
			}
			if v := r.Version(ctx); v == "" {
				t.Errorf("no version")
			}
			in.Stop()
			if err := syscall.Kill(-pgid, 0); !errors.Is(err, syscall.ESRCH) {
				t.Errorf("a process of its group %d is left after Stop (kill 0: %v)", pgid, err)
			}
		})
	}
}
