package target

import (
	"fmt"
	"hash/fnv"
	"net"
	"runtime"
	"strings"

	"github.com/expectspec/expectspec/harness/conv"
	"github.com/expectspec/expectspec/harness/gateways"
	"github.com/expectspec/expectspec/harness/origin"
)

// Intermediaries are tested against the suite's own scripted origin (harness/origin): a gateway
// (reverse proxy) configured to forward to the origin's address, or a forward proxy that is sent
// absolute-form requests for the origin's authority. Every request the suite sends through them
// names its case by a token in the path, /__expectspec/<token>/<resource> (conv.OriginPath), and
// the origin follows the script registered under that token.
//
// The origin recognises a token only at the start of the path. A gateway mounted under a path
// prefix (--gateway http://gw:8080/api/) is sent /api/__expectspec/<token>/…, and must strip
// the prefix before forwarding (nginx: location /api/ { proxy_pass http://ADDR/; }), so that
// the origin receives /__expectspec/<token>/…; CheckContract says so when it does not.

// Role names (conv.Role).
const (
	RoleOrigin  = conv.RoleOrigin
	RoleGateway = conv.RoleGateway
	RoleProxy   = conv.RoleProxy
	RoleClient  = conv.RoleClient
)

// Intermediary reports whether the target is a gateway or a forward proxy, tested against the
// suite's scripted origin.
func (t Target) Intermediary() bool { return t.Role == RoleGateway || t.Role == RoleProxy }

// Token makes a case token from its parts (a target name and a case ID): a readable slug of
// the last part and a hash of all of them, made only of letters, digits and "-._~", so that runs
// of different targets and cases never collide at a shared origin, and the same target and case
// get the same token in every run (traces diff cleanly).
func Token(parts ...string) string {
	h := fnv.New64a()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	var slug strings.Builder
	if len(parts) > 0 {
		for _, r := range parts[len(parts)-1] {
			switch {
			case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '~':
				slug.WriteRune(r)
			default:
				slug.WriteByte('.')
			}
			if slug.Len() >= 40 {
				break
			}
		}
	}
	return fmt.Sprintf("%s-%010x", slug.String(), h.Sum64()&(1<<40-1))
}

// EarlyToken is the second token of a case run against an intermediary: the resource that the
// origin answers 404 from the head (EarlyScript), the intermediary's Env.EarlyPath.
func EarlyToken(token string) string { return token + "-early" }

// ContractToken is the token of the target's own checks (probe, contract, capacity).
func ContractToken(targetName string) string { return Token(targetName, "contract") }

// UploadScript is the origin's script for a token path that stands for the target contract's
// upload resource: a conforming HTTP/1.1 origin (100 on Expect, 200 after the content).
// Its content is only content (ContentIsContent): the case, not the origin, judges what a
// request inside it means.
func UploadScript() conv.OriginScript { return conv.OriginScript{ContentIsContent: true} }

// NotFound404 is the early final of EarlyScript.
const NotFound404 conv.RawMessage = "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"

// EarlyScript is the origin's script for a token path that stands for a resource answered from
// the header section alone: a 404 on the head, then the connection is kept and the content read.
// Like UploadScript's, its content is only content: T10b sends a request as content here.
func EarlyScript() conv.OriginScript {
	s := conv.ScriptEarly(NotFound404, conv.EarlyKeepReading)
	s.ContentIsContent = true
	return s
}

// TokenPath is the request-target, as sent to this target, of a resource under a token at the
// suite's origin: the gateway's prefix and /__expectspec/<token>/<resource> for a gateway, the
// absolute form http://<origin>/__expectspec/… for a forward proxy.
func (t Target) TokenPath(token, resource string) string {
	p := conv.OriginPath(token, resource)
	if t.Role == RoleProxy {
		return "http://" + t.OriginAuthority + p
	}
	return t.Prefix + p
}

// StartOrigin starts the suite's scripted origin on addr (host:port; "" for a free loopback
// port).
func StartOrigin(addr string) (*origin.Origin, error) {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	if _, _, err := net.SplitHostPort(addr); err != nil {
		return nil, fmt.Errorf("--origin %q is not a host:port address like 127.0.0.1:9000", addr)
	}
	o, err := origin.StartOn(addr)
	if err != nil {
		return nil, fmt.Errorf("--origin %s: the suite's origin cannot listen there: %v", addr, unwrapOp(err))
	}
	return o, nil
}

// OriginAuthority is host:port of the origin as an intermediary on this machine reaches it: the
// listening address, with 127.0.0.1 in place of an unspecified host (0.0.0.0, ::).
func OriginAuthority(o *origin.Origin) string {
	host, port, err := net.SplitHostPort(o.Addr())
	if err != nil {
		return o.Addr()
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port)
}

// ParseGateway turns --gateway into a target: the gateway at the URL's host, already configured
// to forward to the origin o. The URL's path, if any, is the gateway's prefix. With o nil it only
// checks the URL.
func ParseGateway(raw, name string, o *origin.Origin) (Target, error) {
	u, addr, sec, err := parseHTTPURL("--gateway", raw, "http://127.0.0.1:8080/")
	if err != nil {
		return Target{}, err
	}
	if u.RawQuery != "" {
		return Target{}, fmt.Errorf("--gateway %q: leave out the query; the suite chooses the paths under the gateway's prefix", raw)
	}
	if name == "" {
		name = u.Host
	}
	t := Target{Name: name, Role: RoleGateway, Address: addr, Host: u.Host, Prefix: strings.TrimSuffix(u.EscapedPath(), "/"), TLS: sec}
	attach(&t, o)
	return t, nil
}

// ParseProxy turns --proxy into a target: the forward proxy at the URL's host, sent absolute-form
// requests for the origin o. With o nil it only checks the URL.
func ParseProxy(raw, name string, o *origin.Origin) (Target, error) {
	u, addr, sec, err := parseHTTPURL("--proxy", raw, "http://127.0.0.1:3128")
	if err != nil {
		return Target{}, err
	}
	if sec != nil {
		// A TLS connection to the proxy itself is rare, and an https origin behind a forward
		// proxy is reached through a CONNECT tunnel, where the proxy relays octets it cannot
		// read: neither tests the proxy's Expect handling, so neither is offered yet.
		return Target{}, fmt.Errorf("--proxy %q: a forward proxy is tested over cleartext HTTP/1.1; give its http:// port (the suite's origin behind it is cleartext too)", raw)
	}
	if p := u.EscapedPath(); p != "" && p != "/" || u.RawQuery != "" {
		return Target{}, fmt.Errorf("--proxy %q: a forward proxy is named by scheme, host and port only, like http://127.0.0.1:3128", raw)
	}
	if name == "" {
		name = u.Host
	}
	t := Target{Name: name, Role: RoleProxy, Address: addr}
	attach(&t, o)
	return t, nil
}

// Named is t as a row of another name (the h2 row of --protocol auto, "NAME [h2]"). An
// intermediary's contract paths and origin scripts come from its name, and the contract check
// looks for its POST at the origin under that name's token, so an intermediary is attached
// again under the new name; anything else is only renamed.
func (t Target) Named(name string) Target {
	t.Name = name
	if t.Origin != nil {
		attach(&t, t.Origin)
	}
	return t
}

// attach puts the intermediary target t in front of the origin o: its authority, its contract
// paths, and the scripts for them. With no origin (o nil: the URL is only being checked) it does
// nothing.
func attach(t *Target, o *origin.Origin) {
	if o == nil {
		return
	}
	t.Origin = o
	t.OriginAuthority = OriginAuthority(o)
	if t.Role == RoleProxy {
		t.Host = t.OriginAuthority
	}
	tok := ContractToken(t.Name)
	t.Path = t.TokenPath(tok, "upload")
	t.Early = t.TokenPath(EarlyToken(tok), "early")
	o.Register(tok, UploadScript())
	o.Register(EarlyToken(tok), EarlyScript())
}

// EmbeddedGateways starts the embedded gateways in front of the origin o: Go's
// httputil.ReverseProxy as a Go service gets it without trying ("go-reverseproxy"), and the two
// conforming reference gateways, streaming and buffering (harness/gateways). Call Stop on
// each when done, then close o.
func EmbeddedGateways(o *origin.Origin) ([]Target, error) {
	var out []Target
	for _, g := range []struct {
		name, software, version string
		start                   func(string) (string, func(), error)
	}{
		{"go-reverseproxy", "Go net/http/httputil.ReverseProxy", runtime.Version(), gateways.StartGoReverseProxy},
		{"ref-gateway-streaming", "expectspec reference gateway (streaming)", "", gateways.StartStreaming},
		{"ref-gateway-buffering", "expectspec reference gateway (buffering)", "", gateways.StartBuffering},
	} {
		t, err := StartGateway(g.name, g.start, o)
		if err != nil {
			for _, s := range out {
				s.Stop()
			}
			return nil, err
		}
		t.Software, t.Version = g.software, g.version
		out = append(out, t)
	}
	return out, nil
}

// EmbeddedIntermediaries starts the embedded intermediaries of the default run in front of the
// origin o: the embedded gateways (EmbeddedGateways), then the streaming reference as a forward
// proxy ("ref-proxy-streaming", sent absolute-form requests for o's authority, which it
// forwards there). Call Stop on each when done, then close o.
func EmbeddedIntermediaries(o *origin.Origin) ([]Target, error) {
	out, err := EmbeddedGateways(o)
	if err != nil {
		return nil, err
	}
	p, err := StartAsProxy("ref-proxy-streaming", gateways.StartStreamingProxy, o)
	if err != nil {
		for _, t := range out {
			t.Stop()
		}
		return nil, err
	}
	p.Software = "expectspec reference forward proxy (streaming)"
	return append(out, p), nil
}

// StartGateway starts an in-process gateway (a start function of harness/gateways, or a
// mutant's) in front of the origin o, as a target named name.
func StartGateway(name string, start func(originAddr string) (string, func(), error), o *origin.Origin) (Target, error) {
	return startIntermediary(name, RoleGateway, start, o)
}

// StartAsProxy starts an in-process intermediary in front of the origin o and tests it as a
// forward proxy: it is sent absolute-form requests for the origin's authority (an embedded
// gateway forwards them to its one upstream, the origin, as they are).
func StartAsProxy(name string, start func(originAddr string) (string, func(), error), o *origin.Origin) (Target, error) {
	return startIntermediary(name, RoleProxy, start, o)
}

func startIntermediary(name string, role conv.Role, start func(originAddr string) (string, func(), error), o *origin.Origin) (Target, error) {
	addr, stop, err := start(o.Addr())
	if err != nil {
		return Target{}, fmt.Errorf("starting %s %s: %w", role, name, err)
	}
	t := Target{Name: name, Role: role, Address: addr, Host: addr, Software: "expectspec reference gateway", Stop: stop}
	attach(&t, o)
	return t, nil
}

// describe names a target in an error: "target X", "gateway X", "forward proxy X".
func describe(t Target) string {
	switch t.Role {
	case RoleGateway:
		return "gateway " + t.Name
	case RoleProxy:
		return "forward proxy " + t.Name
	}
	return "target " + t.Name
}

// unwrapOp shortens "listen tcp 1.2.3.4:5: bind: cannot assign requested address" to its cause.
func unwrapOp(err error) error {
	for e := err; e != nil; {
		if oe, ok := e.(*net.OpError); ok && oe.Err != nil {
			return oe.Err
		}
		u, ok := e.(interface{ Unwrap() error })
		if !ok {
			break
		}
		e = u.Unwrap()
	}
	return err
}
