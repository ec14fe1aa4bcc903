package main

import (
	"context"
	"fmt"
	"io"
	"net/url"

	"github.com/expectspec/expectspec/harness/conv"
	"github.com/expectspec/expectspec/harness/target"
)

// --protocol: which HTTP version the suite speaks to each --target. h1 is HTTP/1.1 (over TLS
// for an https URL); h2 is HTTP/2 over TLS, h2c HTTP/2 in cleartext by prior knowledge; auto
// (the default) is HTTP/1.1, plus an h2 row of its own for an https target that selects h2 by
// ALPN. A --gateway gets the same rows (an h2 front end to the suite's HTTP/1.1 origin,
// scenario T45); forward proxies and clients are tested over HTTP/1.1 whatever it says.

// protocolModes are the values --protocol takes.
var protocolModes = map[string]bool{"h1": true, "h2": true, "h2c": true, "auto": true}

// checkProtocol checks --protocol against the rest of the command line: h2 and h2c name the
// protocol of --target and --gateway URLs (or pick the embedded rows of that protocol), and no
// forward proxy or client.
func checkProtocol(mode string, targets, gateways []string, others int) error {
	if !protocolModes[mode] {
		return fmt.Errorf("--protocol %q is not valid: expected h1, h2, h2c or auto", mode)
	}
	if mode != "h2" && mode != "h2c" {
		return nil
	}
	if others > 0 {
		return fmt.Errorf("--protocol %s applies to --target and --gateway only: forward proxies and clients are tested over HTTP/1.1 (drop --protocol, or give h1 or auto)", mode)
	}
	for _, given := range []struct {
		flag string
		urls []string
	}{{"--target", targets}, {"--gateway", gateways}} {
		flag := given.flag
		for _, raw := range given.urls {
			u, err := url.Parse(raw)
			if err != nil {
				continue // target.Parse says what is wrong with it
			}
			switch {
			case mode == "h2" && u.Scheme == "http":
				return fmt.Errorf("--protocol h2 is HTTP/2 over TLS and %s %s is cleartext: give an https:// URL, or --protocol h2c for HTTP/2 in cleartext", flag, raw)
			case mode == "h2c" && u.Scheme == "https":
				return fmt.Errorf("--protocol h2c is HTTP/2 in cleartext and %s %s is https: give an http:// URL, or --protocol h2 for HTTP/2 over TLS", flag, raw)
			}
		}
	}
	return nil
}

// protocolRows are the rows of one --target (already secured) under mode: one in the protocol
// named, or for auto HTTP/1.1 and, when the https target selects h2 by ALPN, "NAME [h2]".
func protocolRows(ctx context.Context, t target.Target, mode string, stdout io.Writer) []target.Target {
	switch mode {
	case "h1":
		t.Protocol = conv.HTTP1
	case "h2":
		t.Protocol = conv.H2
	case "h2c":
		t.Protocol = conv.H2C
	case "auto":
		t.Protocol = conv.HTTP1
		if t.TLS == nil {
			return []target.Target{t}
		}
		offers, err := target.OffersH2(ctx, t)
		switch {
		case err != nil: // the handshake check before the cases says why, in its own words
			fmt.Fprintf(stdout, "target %s: could not tell whether it selects h2 by ALPN (the TLS handshake failed): tested over HTTP/1.1 only\n", t.Name)
			return []target.Target{t}
		case !offers:
			fmt.Fprintf(stdout, "target %s does not select h2 by ALPN: tested over HTTP/1.1 only\n", t.Name)
			return []target.Target{t}
		}
		h2 := t.Named(t.Name + " [h2]")
		h2.Protocol = conv.H2
		fmt.Fprintf(stdout, "target %s selects h2 by ALPN: its HTTP/2 cases run as the row %s\n", t.Name, h2.Name)
		return []target.Target{t, h2}
	}
	return []target.Target{t}
}

// embeddedRows keeps the embedded targets spoken to in the protocol mode names (all for auto).
func embeddedRows(ts []target.Target, mode string) (keep, drop []target.Target) {
	want := map[string]conv.Protocol{"h1": conv.HTTP1, "h2": conv.H2, "h2c": conv.H2C}[mode]
	for _, t := range ts {
		if mode == "auto" || t.HTTPProtocol() == want {
			keep = append(keep, t)
		} else {
			drop = append(drop, t)
		}
	}
	return keep, drop
}
