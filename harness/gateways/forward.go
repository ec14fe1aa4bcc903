package gateways

import (
	"net"
	"strings"

	"github.com/expectspec/expectspec/harness/conv"
	"github.com/expectspec/expectspec/harness/internal/wire"
)

// The forward proxy mode of the streaming reference (StartStreamingProxy): the request names
// its origin in an absolute-form request-target, and the proxy sends it there in origin-form.

// forwardParser wraps a request parser for a forward proxy: the request-target must be in
// absolute form for http, its authority a loopback address (the reference proxy is no open
// relay), and the Host field is replaced by that authority (RFC 9112 §3.2.2: a proxy ignores
// the received Host of an absolute-form request). req.authority becomes the host:port to dial.
func forwardParser(parse func(*wire.Head) (*request, error)) func(*wire.Head) (*request, error) {
	return func(h *wire.Head) (*request, error) {
		req, err := parse(h)
		if err != nil {
			return nil, err
		}
		switch {
		case req.authority == "":
			return nil, refuse(400, "a forward proxy needs an absolute-form request-target")
		case req.scheme != "http":
			return nil, refuse(501, "this proxy forwards http only")
		}
		dial, err := loopbackAuthority(req.authority)
		if err != nil {
			return nil, err
		}
		fields := []conv.Field{{Name: "Host", Value: req.authority}}
		for _, f := range req.fields {
			if !strings.EqualFold(f.Name, "Host") {
				fields = append(fields, f)
			}
		}
		req.fields, req.authority = fields, dial
		return req, nil
	}
}

// loopbackAuthority turns the authority of an http URI into the host:port to dial (port 80 by
// default), refusing userinfo and anything but a loopback address or localhost.
func loopbackAuthority(authority string) (string, error) {
	if strings.Contains(authority, "@") {
		return "", refuse(400, "userinfo in the request-target")
	}
	host, port, err := net.SplitHostPort(authority)
	if err != nil {
		host, port = strings.Trim(authority, "[]"), "80"
	}
	if strings.EqualFold(host, "localhost") {
		host = "127.0.0.1"
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() || port == "" {
		return "", refuse(403, "this reference proxy forwards to loopback addresses only")
	}
	return net.JoinHostPort(host, port), nil
}
