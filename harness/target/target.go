// Package target resolves what the suite talks to: an external origin named by a URL, or the
// embedded defaults started in-process. It measures the baseline round trip that the suite's
// timing is derived from.
//
// It may import other harness packages, never cases, suite or results.
package target

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/url"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/expectspec/expectspec/harness/origin"

	"github.com/expectspec/expectspec/harness/conv"
)

// Target is one server under test.
type Target struct {
	Name     string
	Role     conv.Role // origin, gateway, proxy
	Address  string    // host:port to dial
	Host     string    // Host header value
	Path     string    // the upload resource of the target contract
	Early    string    // a path answered from the header section alone (a sibling that does not exist)
	Upgrade  string    // the protocol token offered in the Upgrade case
	Software string
	Version  string

	// For a gateway or a forward proxy (Role "gateway" or "proxy"): Origin is the suite's
	// scripted origin behind it, OriginAuthority the origin's host:port as the intermediary
	// reaches it (the authority of absolute-form request-targets through a forward proxy), and
	// Prefix the gateway's own path prefix taken from --gateway's URL ("/api" for
	// http://gw/api/, "" for none), put in front of every token path. Path and Early are then
	// token paths of the target's contract token (ContractToken), registered at the origin.
	Origin          *origin.Origin
	OriginAuthority string
	Prefix          string

	// Stop releases what the suite started for this target (nil for external targets).
	Stop func()
}

// Parse turns --target into a Target. Only http URLs are supported: the suite speaks raw
// HTTP/1.1 over TCP.
func Parse(raw, name string) (Target, error) {
	u, addr, err := parseHTTPURL("--target", raw, "http://127.0.0.1:8080/upload")
	if err != nil {
		return Target{}, err
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
	return Target{Name: name, Role: RoleOrigin, Address: addr, Host: u.Host, Path: p, Early: siblingPath(u.EscapedPath())}, nil
}

// parseHTTPURL checks the URL given to flag and returns it with the address to dial.
func parseHTTPURL(flag, raw, example string) (*url.URL, string, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return nil, "", fmt.Errorf("%s %q is not a URL like %s", flag, raw, example)
	}
	if u.Scheme != "http" {
		return nil, "", fmt.Errorf("%s %q: only http:// URLs are supported (the suite speaks raw HTTP/1.1; put a TLS terminator in front or test the plain-text port)", flag, raw)
	}
	if u.User != nil || u.Fragment != "" {
		return nil, "", fmt.Errorf("%s %q: leave out user information and fragments", flag, raw)
	}
	addr := u.Host
	if u.Port() == "" {
		addr = net.JoinHostPort(u.Hostname(), "80")
	}
	return u, addr, nil
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
	ctx, cancel := context.WithTimeout(ctx, checkDeadline) // connecting, sending and the answer
	defer cancel()
	req := "GET " + t.Path + " HTTP/1.1\r\nHost: " + t.Host + "\r\nConnection: close\r\n\r\n"
	a := play(ctx, t, checkScript("probe", req, checkDeadline), checkOptions(checkDeadline))
	switch {
	case a.err != "":
		return 0, fmt.Errorf("%s is unreachable: %s", describe(t), a.err)
	case a.writeErr != "":
		return 0, fmt.Errorf("%s: writing a probe request failed: %s", describe(t), a.writeErr)
	case a.answered():
		// the round trip is the time to the first octet of the answer on a fresh connection
		// (the driver's offsets start once connected, before the request is written)
		return a.first, nil
	case a.n == 0 && a.end.Kind == conv.EvDeadline:
		return 0, fmt.Errorf("%s accepted a connection but did not answer a plain GET within 5 s (%s)", describe(t), a.ending(checkDeadline))
	case a.n == 0:
		return 0, fmt.Errorf("%s accepted a connection but closed it without answering a plain GET (%s)", describe(t), a.ending(checkDeadline))
	case a.parseErr != "":
		return 0, fmt.Errorf("%s does not speak HTTP/1.x: it answered %q (%s)", describe(t), truncate(a.firstLine(), 40), a.parseErr)
	case a.limit != "":
		return 0, fmt.Errorf("%s answered a plain GET with %d octets (%q) and no end of a response head (%s)", describe(t), a.n, truncate(a.firstLine(), 40), a.limit)
	}
	// the start of a response, then nothing more before the deadline or the close: a trickle,
	// not a server that speaks something else
	part := "a status line"
	if bytes.IndexByte(a.got, '\n') >= 0 {
		part = "a response head"
	}
	return 0, fmt.Errorf("%s sent %d octets of %s (%q) to a plain GET and no more within 5 s (%s)", describe(t), a.n, part, truncate(a.firstLine(), 40), a.ending(checkDeadline))
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}
