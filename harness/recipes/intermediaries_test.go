package recipes

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// intermediaryRecipes are the gateways and forward proxies of this file's author: each must
// render its configs, and where it is installed start, carry a POST of 5 octets to an origin
// behind it and back with 2xx, and stop leaving no process.
var intermediaryRecipes = []string{
	"varnish-gateway", "squid-gateway", "nghttpx-gateway", "caddy-gateway", "h2o-gateway",
	"trafficserver-gateway",
	"squid-proxy", "tinyproxy-proxy", "apache2-proxy", "trafficserver-proxy",
}

// selectKnown returns the recipes of names that are registered (a recipe not written yet is
// skipped, not an error).
func selectKnown(t *testing.T, names []string) []*Recipe {
	var out []*Recipe
	for _, n := range names {
		if rs, err := Select([]string{n}); err == nil {
			out = append(out, rs[0])
		}
	}
	if len(out) == 0 {
		t.Fatal("none of the intermediary recipes is registered")
	}
	return out
}

func TestIntermediaryRecipesRender(t *testing.T) {
	for _, r := range selectKnown(t, intermediaryRecipes) {
		in := &Instance{Recipe: r, Dir: t.TempDir(), Port: 1, Origin: "127.0.0.1:2", ports: map[string]int{}}
		if err := in.render(); err != nil {
			t.Errorf("%s: %v", r.Name, err)
		}
		if argv := r.Command(in); len(argv) == 0 || argv[0] == "" {
			t.Errorf("%s: no command", r.Name)
		}
		if r.Role != Gateway && r.Role != Proxy {
			t.Errorf("%s: role %q", r.Name, r.Role)
		}
	}
}

// echoOrigin is the origin behind the intermediary: it reads the whole content and answers 200
// with the number of octets read.
func echoOrigin(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{ReadHeaderTimeout: 5 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		w.Header().Set("X-Received", r.URL.Path)
		_, _ = io.WriteString(w, strings.Repeat("x", len(b)))
	})}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return ln.Addr().String()
}

func TestIntermediaryRecipesForward(t *testing.T) {
	if testing.Short() {
		t.Skip("starts servers")
	}
	for _, r := range selectKnown(t, intermediaryRecipes) {
		t.Run(r.Name, func(t *testing.T) {
			if m := r.Missing(); m != "" {
				t.Skipf("not installed: %s (%s)", m, r.Install())
			}
			origin := echoOrigin(t)
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			in, err := Start(ctx, r, Options{Dir: sharedTempDir(t), Origin: origin})
			if err != nil {
				t.Fatal(err)
			}
			pgid := in.cmd.Process.Pid
			defer in.Stop()

			client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{}}
			target := in.URL() + "recipes-test"
			if r.Role == Proxy {
				proxy, _ := url.Parse(in.URL())
				client.Transport = &http.Transport{Proxy: http.ProxyURL(proxy)}
				target = "http://" + origin + "/recipes-test"
			}
			// An intermediary may still be connecting to its backend when it first accepts:
			// a few tries, each a fresh request.
			var resp *http.Response
			for try := 0; try < 3; try++ {
				resp, err = client.Post(target, "text/plain", strings.NewReader("hello"))
				if err == nil && resp.StatusCode/100 == 2 {
					break
				}
				if err == nil {
					resp.Body.Close()
				}
				time.Sleep(300 * time.Millisecond)
			}
			if err != nil {
				t.Fatalf("POST %s: %v", target, err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode/100 != 2 || string(body) != "xxxxx" || resp.Header.Get("X-Received") != "/recipes-test" {
				t.Errorf("POST %s: %s %q (X-Received %q), want 200 from the origin with 5 octets read at /recipes-test",
					target, resp.Status, body, resp.Header.Get("X-Received"))
			}
			if v := r.Version(ctx); v == "" {
				t.Errorf("no version")
			}
			// h2o's graceful stop waits for open connections, up to Stop's 5 s.
			client.CloseIdleConnections()
			in.Stop()
			// Workers killed by Stop's SIGKILL take a moment to be gone (reaped by init).
			err = nil
			for deadline := time.Now().Add(3 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
				if err = syscall.Kill(-pgid, 0); errors.Is(err, syscall.ESRCH) {
					break
				}
			}
			if !errors.Is(err, syscall.ESRCH) {
				t.Errorf("a process of its group %d is left 3 s after Stop (kill 0: %v)", pgid, err)
			}
		})
	}
}

// sharedTempDir is a temporary folder that unprivileged users can enter, like the matrix's
// output folder: Squid and Varnish, started as root, switch to their own users, which cannot
// traverse t.TempDir's private (0700) parent.
func sharedTempDir(t *testing.T) string {
	dir, err := os.MkdirTemp("", "expectspec-recipes-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dir, "server")
}
