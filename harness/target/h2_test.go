package target

import (
	"context"
	"crypto/tls"
	"strings"
	"testing"

	"github.com/expectspec/expectspec/harness/conv"
	"github.com/expectspec/expectspec/harness/reference"
)

// The checks before the cases run over the target's protocol: against Go's net/http server in
// h2c and in h2 over TLS they pass as they do over HTTP/1.1.
func TestChecksOverH2(t *testing.T) {
	ts, err := EmbeddedH2()
	if err != nil {
		t.Fatal(err)
	}
	for _, secure := range []bool{false, true} { // the raw-frame reference, h2c and h2 over TLS
		ref, err := StartH2Reference(reference.H2Conforming()[0], secure)
		if err != nil {
			t.Fatal(err)
		}
		ts = append(ts, ref)
	}
	for _, tg := range ts {
		defer tg.Stop()
		t.Run(tg.Name, func(t *testing.T) {
			ctx := context.Background()
			got, err := Handshake(ctx, tg)
			if err != nil || (tg.Protocol == conv.H2) != (got == "TLS 1.3, ALPN h2") {
				t.Errorf("handshake: %q, %v", got, err)
			}
			passesChecks(t, tg)
		})
	}
	if ok1, _ := OffersH2(context.Background(), ts[1]); !ok1 {
		t.Error("the embedded h2 target does not offer h2 by ALPN")
	}
	if ok3, _ := OffersH2(context.Background(), ts[3]); !ok3 {
		t.Error("the h2 target does not offer h2 by ALPN")
	}
}

// A target that does not speak the protocol asked for fails the first check, saying so.
func TestChecksRefuseAServerWithoutH2(t *testing.T) {
	srv, err := reference.Start(reference.Conforming()[0])
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	tg, _ := Parse(srv.URL(), "h1-only")
	tg.Protocol = conv.H2C
	if _, err := Probe(context.Background(), tg, 1); err == nil || !strings.Contains(err.Error(), "target h1-only does not speak HTTP/2 in cleartext (h2c by prior knowledge)") {
		t.Errorf("probe of an HTTP/1.1 server in h2c: %v", err)
	}

	ca, leaf := loopbackCert(t)
	tlsSrv, err := reference.Start(reference.Conforming()[0], reference.WithTLS(&tls.Config{Certificates: []tls.Certificate{leaf.TLS}}))
	if err != nil {
		t.Fatal(err)
	}
	defer tlsSrv.Close()
	tg, _ = Parse(tlsSrv.URL(), "h1-tls")
	tg.Secure(Security{Roots: ca.Pool()})
	if offers, _ := OffersH2(context.Background(), tg); offers {
		t.Error("an HTTP/1.1 server over TLS offers h2")
	}
	tg.Protocol = conv.H2
	if _, err := Handshake(context.Background(), tg); err == nil || !strings.Contains(err.Error(), "did not select h2 by ALPN") {
		t.Errorf("handshake of an HTTP/1.1 server in h2: %v", err)
	}
}
