package recipes

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The native and JVM origin recipes: each renders its configs, and where its implementation is
// installed it starts, answers a POST with 5 octets on its upload resource with a 2xx, and stops
// leaving no process behind.
var nativeJVMOrigins = []string{"lighttpd", "caddy", "h2o", "node-http", "node-http-checkcontinue", "tomcat10", "jetty9"}

func TestNativeJVMOriginRecipesRender(t *testing.T) {
	for _, name := range nativeJVMOrigins {
		t.Run(name, func(t *testing.T) {
			r := recipeNamed(t, name)
			in := &Instance{Recipe: r, Dir: t.TempDir(), Port: 1, Origin: "127.0.0.1:2", ports: map[string]int{}}
			if err := in.render(); err != nil {
				t.Fatalf("rendering %s: %v", r.Configs, err)
			}
		})
	}
}

func TestNativeJVMOriginRecipesRun(t *testing.T) {
	if testing.Short() {
		t.Skip("starts real servers")
	}
	for _, name := range nativeJVMOrigins {
		t.Run(name, func(t *testing.T) {
			r := recipeNamed(t, name)
			if m := r.Missing(); m != "" {
				t.Skipf("not installed: %s (%s)", m, r.Install())
			}
			checkOriginUpload(t, r)
		})
	}
}

func recipeNamed(t *testing.T, name string) *Recipe {
	t.Helper()
	rs, err := Select([]string{name})
	if err != nil {
		t.Fatal(err)
	}
	return rs[0]
}

// checkOriginUpload starts r, POSTs 5 octets to its upload resource, expects a 2xx, stops it
// and checks that its process group is gone.
func checkOriginUpload(t *testing.T, r *Recipe) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	in, err := Start(ctx, r, Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	pgid := in.cmd.Process.Pid
	defer in.Stop()
	if v := r.Version(ctx); v == "" {
		t.Errorf("no version read")
	}
	client := &http.Client{Timeout: 10 * time.Second}
	resp, err := client.Post(in.URL(), "text/plain", strings.NewReader("hello"))
	if err != nil {
		t.Fatalf("POST %s: %v%s", in.URL(), err, in.logTail())
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		t.Errorf("POST %s: %s %q%s", in.URL(), resp.Status, body, in.logTail())
	}
	// An idle keep-alive connection would hold up a graceful shutdown (h2o's) until Stop's SIGKILL.
	client.CloseIdleConnections()
	in.Stop()
	if left := livingInGroup(pgid); len(left) > 0 {
		t.Errorf("process group %d still has processes after Stop: %s", pgid, strings.Join(left, "; "))
	}
	if _, err := os.Stat(in.Dir); err != nil {
		t.Errorf("instance folder: %v", err)
	}
}

// livingInGroup lists the processes of group pgid that are not zombies. A child whose master
// exited before reaping it stays a zombie until PID 1 reaps it, which here can take seconds; it
// is dead all the same.
func livingInGroup(pgid int) []string {
	var left []string
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, f := range stats {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		// pid (comm) state ppid pgrp ...; comm may hold spaces, so split after its ')'.
		s := string(b)
		i := strings.LastIndexByte(s, ')')
		if i < 0 {
			continue
		}
		fields := strings.Fields(s[i+1:])
		if len(fields) < 3 || fields[2] != strconv.Itoa(pgid) || fields[0] == "Z" {
			continue
		}
		left = append(left, strings.TrimSpace(s[:i+1])+" "+fields[0])
	}
	return left
}
