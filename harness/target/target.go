// Package target resolves what the suite talks to: an external origin named by a URL, or the
// embedded defaults started in-process, and runs the checks a target meets before its cases
// (Handshake, for a target reached over TLS; Probe, which measures the baseline round trip the
// suite's timing is derived from; CheckContract and Capacity). The checks are scripts played by
// the driver of the target's protocol and decided from their timelines, so the target's answers
// are read by the suite's one HTTP/1 parser, or its HTTP/2 driver's frame reader.
//
// It may import other harness packages, never cases, suite or results.
package target

import (
	"crypto/tls"
	"fmt"
	"net"
	"net/url"
	"path"
	"strings"

	"github.com/expectspec/expectspec/harness/origin"

	"github.com/expectspec/expectspec/harness/conv"
)

// Target is one server under test.
type Target struct {
	Name     string
	Role     conv.Role // origin, gateway, proxy, client
	Address  string    // host:port to dial
	Host     string    // Host header value
	Path     string    // the upload resource of the target contract
	Early    string    // a path answered from the header section alone (a sibling that does not exist)
	Upgrade  string    // the protocol token offered in the Upgrade case
	Software string
	Version  string

	// TLS, when set, is how the suite secures its connections to the target (an https URL:
	// Secure applies --ca and --insecure to it); nil is cleartext. Protocol is what it speaks
	// over the connection (HTTPProtocol: HTTP/1.1 when unset).
	TLS      *tls.Config
	Protocol conv.Protocol
	// Negotiated is what the TLS handshake of the check before the cases settled ("TLS 1.3,
	// ALPN http/1.1"; Handshake), for the results; "" for cleartext or before the check.
	Negotiated string

	// For a gateway or a forward proxy (Role "gateway" or "proxy"): Origin is the suite's
	// scripted origin behind it, OriginAuthority the origin's host:port as the intermediary
	// reaches it (the authority of absolute-form request-targets through a forward proxy), and
	// Prefix the gateway's own path prefix taken from --gateway's URL ("/api" for
	// http://gw/api/, "" for none), put in front of every token path. Path and Early are then
	// token paths of the target's contract token (ContractToken), registered at the origin.
	Origin          *origin.Origin
	OriginAuthority string
	Prefix          string

	// For a client under test (Role "client"): Command is its shell command, placeholders
	// unfilled (harness/clientcmd); Origin is the suite's server it is pointed at, and CAFile,
	// when that server speaks TLS (StartTLSOrigin), the PEM file of its authority ({ca}).
	Command string
	CAFile  string

	// Stop releases what the suite started for this target (nil for external targets).
	Stop func()
}

// Parse turns --target into a Target: an http URL is cleartext HTTP/1.1, an https URL HTTP/1.1
// over TLS verified against the system's authorities (Secure changes that).
func Parse(raw, name string) (Target, error) {
	u, addr, sec, err := parseHTTPURL("--target", raw, "http://127.0.0.1:8080/upload")
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
	return Target{Name: name, Role: RoleOrigin, Address: addr, Host: u.Host, Path: p, Early: siblingPath(u.EscapedPath()), TLS: sec}, nil
}

// parseHTTPURL checks the URL given to flag and returns it with the address to dial and, for an
// https URL, the TLS configuration for its host (Security's defaults).
func parseHTTPURL(flag, raw, example string) (*url.URL, string, *tls.Config, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return nil, "", nil, fmt.Errorf("%s %q is not a URL like %s", flag, raw, example)
	}
	port := "80"
	var sec *tls.Config
	switch u.Scheme {
	case "http":
	case "https":
		port, sec = "443", Security{}.TLSConfig(u.Hostname())
	default:
		return nil, "", nil, fmt.Errorf("%s %q: only http:// and https:// URLs are supported", flag, raw)
	}
	if u.User != nil || u.Fragment != "" {
		return nil, "", nil, fmt.Errorf("%s %q: leave out user information and fragments", flag, raw)
	}
	addr := u.Host
	if u.Port() == "" {
		addr = net.JoinHostPort(u.Hostname(), port)
	}
	return u, addr, sec, nil
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
