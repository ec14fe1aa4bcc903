package target

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/expectspec/expectspec/harness/conv"
)

// An https target (--target or --gateway with an https URL) is tested over TLS: the driver
// makes the handshake before each conversation, the cases and the checks are played over it
// unchanged. SNI and certificate verification use the URL's host. A target spoken to in
// HTTP/1.1 is offered "http/1.1" by ALPN, one spoken to in h2 only "h2" (the HTTP/2 driver sets
// it), so each row's handshake settles the protocol of its row.

// ALPN is what the suite offers by ALPN (RFC 7301) to a target it speaks HTTP/1.1 to.
var ALPN = []string{"http/1.1"}

// OffersH2 reports whether t, reached over TLS, selects h2 by ALPN when offered h2 and
// http/1.1 (--protocol auto adds an h2 row for it then), or the error of a handshake that
// failed, so that "no" and "could not tell" read differently.
func OffersH2(ctx context.Context, t Target) (bool, error) {
	if t.TLS == nil {
		return false, nil
	}
	selected, err := SelectsALPN(ctx, t.Address, t.TLS, 3*time.Second, "h2", "http/1.1")
	return selected == "h2", err
}

// SelectsALPN is the protocol the server at addr selects when offered protos by ALPN (RFC 7301)
// in a handshake made with cfg (cloned) within the given time: "" for none, or the handshake's
// error. Nothing is sent over the connection.
func SelectsALPN(ctx context.Context, addr string, cfg *tls.Config, within time.Duration, protos ...string) (string, error) {
	cfg = cfg.Clone()
	cfg.NextProtos = protos
	ctx, cancel := context.WithTimeout(ctx, within)
	defer cancel()
	c, err := (&tls.Dialer{Config: cfg}).DialContext(ctx, "tcp", addr)
	if err != nil {
		return "", err
	}
	defer c.Close()
	return c.(*tls.Conn).ConnectionState().NegotiatedProtocol, nil
}

// Security is how the run verifies the servers it reaches over TLS: the --ca and --insecure
// flags.
type Security struct {
	Roots    *x509.CertPool // the trusted authorities; nil for the system's
	Insecure bool           // skip verification: any certificate, any name
}

// TLSConfig is the client configuration for a server reached by the name serverName (the URL's
// host: sent as SNI unless it is an IP address, and what the certificate must be valid for).
func (s Security) TLSConfig(serverName string) *tls.Config {
	return &tls.Config{
		ServerName:         serverName,
		NextProtos:         ALPN,
		RootCAs:            s.Roots,
		InsecureSkipVerify: s.Insecure,
		MinVersion:         tls.VersionTLS12,
	}
}

// Secure applies s to a target reached over TLS; a cleartext target is left as it is.
func (t *Target) Secure(s Security) {
	if t.TLS != nil {
		t.TLS = s.TLSConfig(t.TLS.ServerName)
	}
}

// HTTPProtocol is the protocol the suite speaks to the target: Protocol, HTTP/1.1 when unset.
func (t Target) HTTPProtocol() conv.Protocol {
	if t.Protocol == "" {
		return conv.HTTP1
	}
	return t.Protocol
}

// LoadCA reads the PEM certificates of --ca FILE into a pool. Its errors are one line that
// names the file and what is wrong with it.
func LoadCA(path string) (*x509.CertPool, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("--ca %s cannot be read: %v", path, unwrapPath(err))
	}
	pool := x509.NewCertPool()
	n := 0
	for rest := data; ; {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		if b.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			return nil, fmt.Errorf("--ca %s holds a certificate that cannot be parsed: %v", path, strings.TrimPrefix(err.Error(), "x509: "))
		}
		pool.AddCert(c)
		n++
	}
	if n == 0 {
		return nil, fmt.Errorf("--ca %s holds no PEM certificate (expected one or more \"-----BEGIN CERTIFICATE-----\" blocks)", path)
	}
	return pool, nil
}

// unwrapPath shortens "open /x: no such file or directory" to its cause.
func unwrapPath(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}

// Handshake is the first check of a target reached over TLS: one connection and its handshake,
// nothing sent over it. It returns what the handshake settled ("TLS 1.3, ALPN http/1.1"), or
// an error that says what failed (the certificate's authority, its name, the protocol version,
// the application protocol) before the probe would say it less plainly. A cleartext target
// passes with "", and so does one that refuses the TCP connection (the probe reports that).
func Handshake(ctx context.Context, t Target) (string, error) {
	if t.TLS == nil {
		return "", nil
	}
	tl := run(ctx, t, conv.Script{}, checkOptions(checkDeadline))
	switch {
	case tl.ErrCause == conv.CauseConnect:
		// no TCP connection, so no TLS to judge: the probe that follows says the target is
		// unreachable, in the words it uses for a cleartext target
		return "", nil
	case tl.Err != "":
		return "", fmt.Errorf("%s: %s", describe(t), tl.Err)
	}
	if e, ok := tl.First(conv.EvConnect); ok {
		return string(e.Data), nil
	}
	return "", nil
}
