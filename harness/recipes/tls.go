package recipes

import (
	"context"
	"crypto/tls"
	"path/filepath"

	"github.com/expectspec/expectspec/harness/certs"
)

// Origins over TLS with HTTP/2 (TLS: true) are registered beside their cleartext recipe
// (nginx-tls in nginx.go, …), each from a config of its own that is the cleartext config with the
// listener on TLS and h2 offered by ALPN beside http/1.1, so one run (--protocol auto) gives the
// row NAME, HTTP/1.1 over TLS, and NAME [h2]. Where the same software speaks h2c by prior
// knowledge on a cleartext listener, a NAME-h2c recipe runs its cleartext config with
// --protocol h2c (h2o-h2c, go-net-http-h2c).
//
// A TLS recipe's certificate is made per start, by an authority made for it alone: nothing is
// committed, nothing outlives the run, and the run trusts exactly that authority (--ca), so a
// verified handshake is part of every row. The certificate names 127.0.0.1 (the URL the matrix
// gives) and localhost.

// The files a TLS recipe's config names, in the instance's folder.
const (
	caFile   = "ca.pem"   // the authority's certificate: the run's --ca
	certFile = "cert.pem" // the server's certificate, then its authority's (a chain)
	keyFile  = "key.pem"  // the server's private key
)

// issueCert writes ca.pem, cert.pem and key.pem into the instance's folder for a TLS recipe.
func (in *Instance) issueCert() error {
	if !in.Recipe.TLS {
		return nil
	}
	ca, leaf, err := certs.Loopback("expectspec " + in.Recipe.Name + " CA")
	if err != nil {
		return err
	}
	files, err := certs.WriteFiles(in.Dir, ca, leaf)
	if err != nil {
		return err
	}
	in.CA, in.roots = files.CA, ca.Pool()
	return nil
}

func (in *Instance) scheme() string {
	if in.Recipe.TLS {
		return "https"
	}
	return "http"
}

// CertFile and KeyFile are the paths of a TLS recipe's certificate chain and key, for a
// recipe's command line (templates use {{.Dir}}/cert.pem).
func (in *Instance) CertFile() string { return filepath.Join(in.Dir, certFile) }
func (in *Instance) KeyFile() string  { return filepath.Join(in.Dir, keyFile) }

// probeTLS is probeHTTP over TLS, verified against the instance's authority and offering
// http/1.1 only by ALPN: a server that answers it is ready for the HTTP/1.1 row and has its
// certificate loaded for the h2 one.
func (in *Instance) probeTLS(ctx context.Context, addr string) error {
	d := tls.Dialer{NetDialer: &probeDialer, Config: &tls.Config{RootCAs: in.roots, ServerName: "127.0.0.1", NextProtos: []string{"http/1.1"}}}
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return err
	}
	return askOptions(ctx, c, addr)
}

// tlsNote is the part of a TLS recipe's Notes that says where its certificate comes from.
const tlsNote = "; over TLS with a certificate made for the run by a throwaway authority (the run's --ca), "
