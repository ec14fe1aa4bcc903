package recipes

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Every installed recipe starts from its configs, does its job for one request, reports a
// version and stops leaving no process behind: an origin answers a POST of 5 octets on its
// upload resource with 2xx; a gateway or forward proxy carries such a POST to an origin behind
// it (which reads all 5 octets at the path sent) and its 2xx back. The Go recipes run the
// expectspec binary itself and are covered by the suite's matrix tests.
func TestRecipesServe(t *testing.T) {
	if testing.Short() {
		t.Skip("starts real servers")
	}
	for _, r := range All() {
		t.Run(r.Name, func(t *testing.T) {
			if r.Role == Client {
				t.Skip("a client: nothing to serve (suite: the matrix client tests)")
			}
			if argv := r.Command(&Instance{Recipe: r, ports: map[string]int{}}); argv[0] == "" {
				t.Skip("runs the expectspec binary (suite: the matrix tests)")
			}
			if m := r.Missing(); m != "" {
				t.Skipf("not installed: %s (%s)", m, r.Install())
			}
			origin := ""
			if r.Role != Origin {
				origin = echoOrigin(t)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			in, err := Start(ctx, r, Options{Dir: sharedTempDir(t), Origin: origin})
			if err != nil {
				t.Fatal(err)
			}
			pgid := in.cmd.Process.Pid
			defer in.Stop()

			client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{}}
			if r.TLS {
				// verified against the authority made for this start (the file the run is given as
				// --ca), and offering h2 by ALPN
				pem, err := os.ReadFile(in.CA)
				if err != nil {
					t.Fatal(err)
				}
				roots := x509.NewCertPool()
				if !roots.AppendCertsFromPEM(pem) {
					t.Fatalf("%s holds no PEM certificate", in.CA)
				}
				client.Transport = &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}, ForceAttemptHTTP2: true}
			}
			target := in.URL()
			switch r.Role {
			case Gateway:
				target += "recipes-test"
			case Proxy:
				proxy, _ := url.Parse(in.URL())
				client.Transport = &http.Transport{Proxy: http.ProxyURL(proxy)}
				target = "http://" + origin + "/recipes-test"
			}
			resp, body, err := postTries(client, target, r.Role != Origin)
			if err != nil {
				t.Fatalf("POST %s: %v%s", target, err, in.logTail())
			}
			if resp.StatusCode/100 != 2 {
				t.Errorf("POST %s: %s %q%s", target, resp.Status, body, in.logTail())
			}
			if r.TLS && resp.Proto != "HTTP/2.0" {
				t.Errorf("POST %s was answered in %s: a TLS recipe should select h2 by ALPN", target, resp.Proto)
			}
			if r.Role != Origin && (body != "xxxxx" || resp.Header.Get("X-Received") != "/recipes-test") {
				t.Errorf("POST %s: %q (X-Received %q), want the origin's answer for 5 octets read at /recipes-test", target, body, resp.Header.Get("X-Received"))
			}
			if v := r.Version(ctx); v == "" {
				t.Errorf("no version read")
			}
			// An idle keep-alive connection would hold up a graceful stop (h2o's) until SIGKILL.
			client.CloseIdleConnections()
			in.Stop()
			if left := livingInGroup(pgid, 3*time.Second); len(left) > 0 {
				t.Errorf("process group %d still has processes after Stop: %s", pgid, strings.Join(left, "; "))
			}
		})
	}
}

// postTries POSTs 5 octets; through an intermediary a few times, as it may still be connecting
// to its backend when it first accepts.
func postTries(client *http.Client, target string, retry bool) (*http.Response, string, error) {
	tries := 1
	if retry {
		tries = 3
	}
	var resp *http.Response
	var err error
	for try := 0; try < tries; try++ {
		if try > 0 {
			time.Sleep(300 * time.Millisecond)
		}
		resp, err = client.Post(target, "text/plain", strings.NewReader("hello"))
		if err != nil {
			continue
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode/100 == 2 || try == tries-1 {
			return resp, string(b), nil
		}
	}
	return resp, "", err
}

// echoOrigin is the origin behind an intermediary: it reads the whole content and answers 200
// with as many octets as it read, and the path it was asked for in X-Received.
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

// sharedTempDir is a temporary folder that unprivileged users can enter, like the matrix's
// output folder: httpd, Squid and Varnish, started as root, switch to their own users, which
// cannot traverse t.TempDir's private (0700) parent.
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

// livingInGroup lists the processes of group pgid that are not zombies, waiting up to wait for
// the group to empty. A child whose master exited before reaping it stays a zombie until PID 1
// reaps it, which here can take seconds; it is dead all the same.
func livingInGroup(pgid int, wait time.Duration) []string {
	deadline := time.Now().Add(wait)
	for {
		left := groupMembers(pgid)
		if len(left) == 0 || time.Now().After(deadline) {
			return left
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func groupMembers(pgid int) []string {
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
