// Package target resolves what the suite talks to: an external origin named by a URL, or the
// embedded defaults started in-process. It measures the baseline round trip that the suite's
// timing is derived from.
package target

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/url"
	"path"
	"sort"
	"strings"
	"time"
)

// Target is one server under test.
type Target struct {
	Name     string
	Role     string // origin, gateway, proxy
	Address  string // host:port to dial
	Host     string // Host header value
	Path     string // the upload resource of the target contract
	Early    string // a path answered from the header section alone (a sibling that does not exist)
	Upgrade  string // the protocol token offered in the Upgrade case
	Software string
	Version  string
	// Stop releases what the suite started for this target (nil for external targets).
	Stop func()
}

// Parse turns --target into a Target. Only http URLs are supported: the suite speaks raw
// HTTP/1.1 over TCP.
func Parse(raw, name string) (Target, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return Target{}, fmt.Errorf("--target %q is not a URL like http://127.0.0.1:8080/upload", raw)
	}
	if u.Scheme != "http" {
		return Target{}, fmt.Errorf("--target %q: only http:// URLs are supported (the suite speaks raw HTTP/1.1; put a TLS terminator in front or test the plain-text port)", raw)
	}
	if u.User != nil || u.Fragment != "" {
		return Target{}, fmt.Errorf("--target %q: leave out user information and fragments", raw)
	}
	addr := u.Host
	if u.Port() == "" {
		addr = net.JoinHostPort(u.Hostname(), "80")
	}
	p := u.EscapedPath()
	if p == "" {
		p = "/"
	}
	if u.RawQuery != "" {
		p += "?" + u.RawQuery
	}
	if name == "" {
		name = u.Host
	}
	return Target{Name: name, Role: "origin", Address: addr, Host: u.Host, Path: p, Early: siblingPath(u.EscapedPath())}, nil
}

// siblingPath names a resource beside the upload path that no server has, so that a server
// answers it from the header section (usually 404).
func siblingPath(p string) string {
	dir := path.Dir(p)
	if p == "" || strings.HasSuffix(p, "/") {
		dir = strings.TrimSuffix(p, "/")
	}
	if dir == "." || dir == "/" {
		dir = ""
	}
	return dir + "/expectspec-no-such-resource"
}

// Probe checks that the target answers HTTP at all and measures the baseline round trip: the
// median time to the first byte of a plain GET of the upload path on a fresh connection.
func Probe(ctx context.Context, t Target, rounds int) (time.Duration, error) {
	var times []time.Duration
	for i := 0; i < rounds; i++ {
		d, err := probeOnce(ctx, t)
		if err != nil {
			return 0, err
		}
		times = append(times, d)
	}
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	return times[len(times)/2], nil
}

func probeOnce(ctx context.Context, t Target) (time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", t.Address)
	if err != nil {
		return 0, fmt.Errorf("target %s is unreachable: %v", t.Name, err)
	}
	defer conn.Close()
	deadline, _ := ctx.Deadline()
	_ = conn.SetDeadline(deadline)
	start := time.Now()
	req := "GET " + t.Path + " HTTP/1.1\r\nHost: " + t.Host + "\r\nConnection: close\r\n\r\n"
	if _, err := conn.Write([]byte(req)); err != nil {
		return 0, fmt.Errorf("target %s: writing a probe request failed: %v", t.Name, err)
	}
	line, err := bufio.NewReader(conn).ReadString('\n')
	took := time.Since(start)
	if err != nil && line == "" {
		return 0, fmt.Errorf("target %s accepted a connection but did not answer a plain GET within 5 s (%v)", t.Name, err)
	}
	if !strings.HasPrefix(line, "HTTP/1.") {
		return 0, fmt.Errorf("target %s does not speak HTTP/1.x: it answered %q", t.Name, truncate(line, 40))
	}
	return took, nil
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}
