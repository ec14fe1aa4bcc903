package target

import (
	"crypto/tls"
	"fmt"
	"os"
	"path/filepath"

	"github.com/expectspec/expectspec/harness/certs"
	"github.com/expectspec/expectspec/harness/clientcmd"
	"github.com/expectspec/expectspec/harness/origin"
)

// ParseClient turns --client into a target: the command of a client under test, pointed at the
// suite's origin o, which plays the server of every client case. caFile is the PEM file of the
// authority of o's certificate when o speaks TLS (StartTLSOrigin), "" when it speaks cleartext;
// a command that uses {ca} needs one. With o nil it only checks the command. name defaults to
// "client", numbered from the second on by the caller.
func ParseClient(command, name string, o *origin.Origin, caFile string) (Target, error) {
	if err := clientcmd.Check(command, caFile != ""); err != nil {
		return Target{}, err
	}
	if name == "" {
		name = "client"
	}
	t := Target{Name: name, Role: RoleClient, Command: command, CAFile: caFile}
	if o != nil {
		t.Origin = o
		t.OriginAuthority = OriginAuthority(o)
		t.Address = t.OriginAuthority
		t.Host = t.OriginAuthority
	}
	return t, nil
}

// ClientScheme is the scheme of the URLs a client under test is given: https when the suite's
// server speaks TLS to it.
func (t Target) ClientScheme() string {
	if t.CAFile != "" {
		return "https"
	}
	return "http"
}

// StartTLSOrigin starts a scripted origin that speaks HTTP/1.1 over TLS on a free loopback port,
// for clients under test (run --client-tls). Its certificate, for 127.0.0.1 and localhost, is
// signed by an authority made for this run alone, whose certificate it writes to caFile in a
// fresh directory: the {ca} a client is told to trust, so no client needs to skip verification
// and nothing is added to the system's trust. It offers only http/1.1 by ALPN (StartH2Origin
// offers h2 too). stop closes the origin and removes the directory.
func StartTLSOrigin() (o *origin.Origin, caFile string, stop func(), err error) {
	return startClientOrigin(false)
}

// StartH2Origin is StartTLSOrigin for clients under test over HTTP/2 (run --client-tls
// --client-protocol h2): the origin offers h2 before http/1.1 by ALPN and serves a connection
// that selects h2 in HTTP/2 (origin.WithH2). A client that selects http/1.1 is served and
// recorded as over StartTLSOrigin, and the HTTP/2 cases find it did not speak HTTP/2.
func StartH2Origin() (o *origin.Origin, caFile string, stop func(), err error) {
	return startClientOrigin(true)
}

func startClientOrigin(h2 bool) (o *origin.Origin, caFile string, stop func(), err error) {
	ca, leaf, err := certs.Loopback("expectspec client run")
	if err != nil {
		return nil, "", nil, fmt.Errorf("--client-tls: %w", err)
	}
	dir, err := os.MkdirTemp("", "expectspec-ca-")
	if err != nil {
		return nil, "", nil, fmt.Errorf("a directory for the CA file of --client-tls: %w", err)
	}
	caFile = filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(caFile, ca.PEM, 0o644); err != nil {
		_ = os.RemoveAll(dir)
		return nil, "", nil, fmt.Errorf("the CA file of --client-tls: %w", err)
	}
	cfg := &tls.Config{Certificates: []tls.Certificate{leaf.TLS}, NextProtos: ALPN, MinVersion: tls.VersionTLS12}
	opts := []origin.Option{origin.WithTLS(cfg)}
	if h2 {
		opts = append(opts, origin.WithH2())
	}
	o, err = origin.Start(opts...)
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil, "", nil, err
	}
	return o, caFile, func() { _ = o.Close(); _ = os.RemoveAll(dir) }, nil
}
