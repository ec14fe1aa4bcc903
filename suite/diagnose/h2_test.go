package diagnose

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/expectspec/expectspec/harness/certs"
	"github.com/expectspec/expectspec/harness/conv"
	"github.com/expectspec/expectspec/harness/reference"
	"github.com/expectspec/expectspec/harness/target"
)

// HTTP/2 end to end on loopback: Go's net/http server over TLS with h2, and the raw-frame h2
// reference origin and its mutants behind a TLS front that picks the backend by ALPN, so that
// one https URL can work over HTTP/1.1 and stall over HTTP/2 (or the other way round).

// testCA is the authority the TLS fronts' certificates come from; the endpoints trust it.
func testCA(t *testing.T) (*certs.CA, *tls.Config) {
	t.Helper()
	ca, leaf, err := certs.Loopback("expectspec diagnose h2 test CA")
	if err != nil {
		t.Fatal(err)
	}
	return ca, &tls.Config{Certificates: []tls.Certificate{leaf.TLS}}
}

// httpsEndpoint is the https upload URL at addr, trusting ca, as the command builds it.
func httpsEndpoint(t *testing.T, addr string, ca *certs.CA) Endpoint {
	t.Helper()
	ep, err := ParseURL("https://" + addr + reference.UploadPath)
	if err != nil {
		t.Fatal(err)
	}
	ep.TLS = target.Security{Roots: ca.Pool()}.TLSConfig("127.0.0.1")
	return ep
}

// alpnFront terminates TLS on a loopback port and relays each connection, in cleartext, to h1
// when the client selected http/1.1 (or nothing) by ALPN and to h2c when it selected h2. With
// h2Only it refuses a handshake that does not offer h2, as a server that speaks only h2 may.
func alpnFront(t *testing.T, server *tls.Config, h1, h2c string, h2Only bool) string {
	t.Helper()
	cfg := server.Clone()
	cfg.NextProtos = []string{"h2", "http/1.1"}
	if h2Only {
		cfg.NextProtos = []string{"h2"}
		cfg.GetConfigForClient = func(hello *tls.ClientHelloInfo) (*tls.Config, error) {
			if !slices.Contains(hello.SupportedProtos, "h2") {
				return nil, errors.New("this front speaks h2 only")
			}
			return nil, nil
		}
	}
	ln, err := tls.Listen("tcp", "127.0.0.1:0", cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go relayByALPN(c.(*tls.Conn), h1, h2c)
		}
	}()
	return ln.Addr().String()
}

func relayByALPN(c *tls.Conn, h1, h2c string) {
	defer c.Close()
	c.SetDeadline(time.Now().Add(30 * time.Second))
	if c.Handshake() != nil {
		return
	}
	backend := h1
	if c.ConnectionState().NegotiatedProtocol == "h2" {
		backend = h2c
	}
	b, err := net.DialTimeout("tcp", backend, 5*time.Second)
	if err != nil {
		return
	}
	defer b.Close()
	go func() { io.Copy(b, c); b.(*net.TCPConn).CloseWrite() }()
	io.Copy(c, b)
}

// startH2Origin starts the h2 reference (or an h2 mutant) in h2c and returns its address.
func startH2Origin(t *testing.T, name string) string {
	t.Helper()
	b, ok := reference.H2ByName(name)
	if !ok {
		t.Fatalf("no h2 reference %s", name)
	}
	srv, err := reference.StartH2(b)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv.Addr()
}

func diagnoseReport(t *testing.T, ep Endpoint, mode string) (*Report, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	start := time.Now()
	r := Run(ctx, ep, Options{Scale: testScale, Protocol: mode})
	var b bytes.Buffer
	r.Write(&b)
	t.Logf("diagnosis in %v:\n%s", time.Since(start).Round(time.Millisecond), b.String())
	return r, b.String()
}

// over returns the battery of protocol p, failing the test when it was not played.
func over(t *testing.T, r *Report, p conv.Protocol) *Diagnosis {
	t.Helper()
	for _, d := range r.Over {
		if d.Protocol == p {
			return d
		}
	}
	t.Fatalf("no battery over %s (played: %v; not: %v)", p, names(r.Over), r.NotPlayed)
	return nil
}

func expectFirstLine(t *testing.T, out string, want ...string) {
	t.Helper()
	first, _, _ := strings.Cut(out, "\n")
	for _, w := range want {
		if !strings.Contains(first, w) {
			t.Errorf("first line %q does not say %q", first, w)
		}
	}
}

// Go's net/http server over TLS with h2 and http/1.1: auto diagnoses both, and both work.
func TestDiagnoseGoServerOverHTTP1AndH2(t *testing.T) {
	t.Parallel()
	tg, err := target.StartNetHTTPH2(true)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(tg.Stop)
	ep, err := ParseURL("https://" + tg.Address + tg.Path)
	if err != nil {
		t.Fatal(err)
	}
	ep.TLS = tg.TLS
	r, out := diagnoseReport(t, ep, ModeAuto)
	if r.Exit != ExitWorks || len(r.Over) != 2 {
		t.Fatalf("exit %d over %v; want 0 over HTTP/1.1 and HTTP/2", r.Exit, names(r.Over))
	}
	expectFirstLine(t, out, "works over HTTP/1.1 and HTTP/2", "HTTP/2: 100 Continue in")
	h2 := over(t, r, conv.H2)
	if len(h2.Probes) != 5 || !strings.Contains(out, "http10-expect     not played: HTTP/2 has no HTTP/1.0 form") {
		t.Errorf("over h2: %d probes; want 5, and the HTTP/1.0 probe said to be skipped", len(h2.Probes))
	}
	if !strings.Contains(h2.Probes[1].Timeline.Transcript(), "expect: 100-continue") {
		t.Errorf("the h2 expect probe did not send its expectation as an h2 field:\n%s", h2.Probes[1].Timeline.Transcript())
	}
}

// One https URL, HTTP/1.1 to the reference origin and h2 to an h2 mutant that sends no 100:
// each protocol gets its own verdict, and the URL exits 1 because one path breaks uploads.
func TestDiagnoseH2StallsWhereHTTP1Works(t *testing.T) {
	t.Parallel()
	ca, server := testCA(t)
	front := alpnFront(t, server, startOrigin(t, "ref-continue"), startH2Origin(t, "mut-h2-no-continue"), false)
	r, out := diagnoseReport(t, httpsEndpoint(t, front, ca), ModeAuto)
	if r.Exit != ExitBroken || over(t, r, conv.HTTP1).Exit != ExitWorks || over(t, r, conv.H2).Problem != ProblemStall {
		t.Errorf("exit %d; want 1, HTTP/1.1 working and HTTP/2 stalling", r.Exit)
	}
	expectFirstLine(t, out, "over HTTP/1.1: works; over HTTP/2: stalls — over HTTP/2, each upload that sends Expect: 100-continue stalls about 1 s")
}

// The other way round, and the h2 reference conforming: HTTP/1.1 stalls, HTTP/2 works.
func TestDiagnoseHTTP1StallsWhereH2Works(t *testing.T) {
	t.Parallel()
	ca, server := testCA(t)
	front := alpnFront(t, server, startOrigin(t, "mut-no-continue"), startH2Origin(t, "ref-h2-continue"), false)
	r, out := diagnoseReport(t, httpsEndpoint(t, front, ca), ModeAuto)
	if r.Exit != ExitBroken || over(t, r, conv.H2).Exit != ExitWorks {
		t.Errorf("exit %d; want 1 with HTTP/2 working", r.Exit)
	}
	expectFirstLine(t, out, "over HTTP/1.1: stalls; over HTTP/2: works — over HTTP/1.1, ")
}

// --protocol h2 against the h2 reference and its no-100 mutant: the h2 verdict alone.
func TestDiagnoseH2Only(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		origin  string
		exit    int
		problem Problem
		first   string
	}{
		{"ref-h2-continue", ExitWorks, ProblemNone, "over HTTP/2: works: 100 Continue in"},
		{"mut-h2-no-continue", ExitBroken, ProblemStall, "over HTTP/2: each upload that sends Expect: 100-continue stalls about 1 s"},
	} {
		t.Run(tc.origin, func(t *testing.T) {
			t.Parallel()
			ca, server := testCA(t)
			front := alpnFront(t, server, "127.0.0.1:1", startH2Origin(t, tc.origin), false)
			r, out := diagnoseReport(t, httpsEndpoint(t, front, ca), ModeH2)
			d := over(t, r, conv.H2)
			if r.Exit != tc.exit || d.Problem != tc.problem || len(r.Over) != 1 {
				t.Errorf("exit %d, problem %q over %v; want %d, %q over HTTP/2 alone", r.Exit, d.Problem, names(r.Over), tc.exit, tc.problem)
			}
			expectFirstLine(t, out, tc.first)
		})
	}
}

// h2c by prior knowledge to the h2 reference in cleartext.
func TestDiagnoseH2C(t *testing.T) {
	t.Parallel()
	r, out := diagnoseReport(t, endpoint(t, startH2Origin(t, "ref-h2-continue")), ModeH2C)
	if r.Exit != ExitWorks || over(t, r, conv.H2C).Problem != ProblemNone {
		t.Errorf("exit %d; want 0", r.Exit)
	}
	expectFirstLine(t, out, "over HTTP/2 (h2c): works")
}

// A server that speaks only h2 and refuses a handshake without it: HTTP/1.1 is not offered, not
// a failure of the diagnosis, and the h2 verdict decides.
func TestDiagnoseH2OnlyServerUnderAuto(t *testing.T) {
	t.Parallel()
	ca, server := testCA(t)
	front := alpnFront(t, server, "127.0.0.1:1", startH2Origin(t, "ref-h2-continue"), true)
	r, out := diagnoseReport(t, httpsEndpoint(t, front, ca), ModeAuto)
	if r.Exit != ExitWorks || len(r.Over) != 1 || len(r.NotPlayed) != 1 || !strings.HasPrefix(r.NotPlayed[0], "HTTP/1.1 not diagnosed: not offered") {
		t.Errorf("exit %d over %v, not played %q; want 0 over HTTP/2 alone and HTTP/1.1 not offered", r.Exit, names(r.Over), r.NotPlayed)
	}
	expectFirstLine(t, out, "over HTTP/2: works")
}

// An https server without h2 (the reference over TLS, ALPN http/1.1): HTTP/1.1 alone, its
// verdict unchanged on the first line, and HTTP/2 said to be not offered.
func TestDiagnoseHTTPSWithoutH2(t *testing.T) {
	t.Parallel()
	ca, server := testCA(t)
	cfg := server.Clone()
	cfg.NextProtos = []string{"http/1.1"}
	srv, err := reference.Start(reference.Behaviour{Name: "ref-continue"}, reference.WithTLS(cfg))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	r, out := diagnoseReport(t, httpsEndpoint(t, srv.Addr(), ca), ModeAuto)
	if r.Exit != ExitWorks || len(r.Over) != 1 || !strings.HasPrefix(out, "works: 100 Continue in") {
		t.Errorf("exit %d over %v; want 0 over HTTP/1.1 alone, its verdict first", r.Exit, names(r.Over))
	}
	if !strings.Contains(out, "HTTP/2 not diagnosed: not offered (offered h2 and http/1.1 by ALPN, the server selects http/1.1)") {
		t.Errorf("HTTP/2 not said to be not offered")
	}
}
