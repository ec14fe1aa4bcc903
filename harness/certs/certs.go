// Package certs makes throwaway X.509 material for TLS on loopback: a certificate authority
// that lives for one run (or one test) and server certificates it signs for the names a server
// is reached by. The suite's tests serve its reference servers over TLS with it, and a real
// server started from a recipe can be given a certificate made the same way; nothing it makes is
// meant to outlive the process that made it.
//
// It imports nothing of the module.
package certs

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// lifetime is how long what this package makes is valid: long enough for any run, short enough
// that a leaked file is soon worthless. The start is backdated a little for clocks that differ.
const lifetime = 24 * time.Hour

// CA is a throwaway certificate authority.
type CA struct {
	Cert *x509.Certificate
	key  *ecdsa.PrivateKey
	// PEM is the authority's certificate in PEM: what a client is given as its trusted root
	// (expectspec run --ca FILE).
	PEM []byte
}

// NewCA makes a certificate authority named name.
func NewCA(name string) (*CA, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: name, Organization: []string{"expectspec throwaway"}},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(lifetime),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	return &CA{Cert: cert, key: key, PEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})}, nil
}

// Pool is a certificate pool holding only the authority.
func (ca *CA) Pool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(ca.Cert)
	return p
}

// Leaf is a server certificate signed by a CA, with its key.
type Leaf struct {
	TLS     tls.Certificate // for a Go server's tls.Config
	CertPEM []byte          // the certificate followed by the authority's, as servers want a chain
	KeyPEM  []byte          // the private key (PKCS #8)
}

// Loopback makes an authority named name and a server certificate it issued for 127.0.0.1 and
// localhost: what every TLS server on loopback here needs, and the authority its clients trust.
func Loopback(name string) (*CA, *Leaf, error) {
	ca, err := NewCA(name)
	if err != nil {
		return nil, nil, fmt.Errorf("a certificate authority for %s: %w", name, err)
	}
	leaf, err := ca.Issue("127.0.0.1", "localhost")
	if err != nil {
		return nil, nil, fmt.Errorf("a certificate for %s: %w", name, err)
	}
	return ca, leaf, nil
}

// Issue signs a server certificate valid for hosts: IP addresses become IP subject alternative
// names, anything else a DNS name.
func (ca *CA) Issue(hosts ...string) (*Leaf, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{CommonName: "expectspec test server"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(lifetime),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	for _, h := range hosts {
		if ip := net.ParseIP(h); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, h)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.Cert, &key.PublicKey, ca.key)
	if err != nil {
		return nil, err
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, err
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	certPEM = append(certPEM, ca.PEM...)
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})
	pair, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return nil, err
	}
	return &Leaf{TLS: pair, CertPEM: certPEM, KeyPEM: keyPEM}, nil
}

// Files are the paths WriteFiles wrote.
type Files struct {
	CA, Cert, Key string
}

// WriteFiles writes the authority's certificate, and the leaf's chain and key, into dir as
// ca.pem, cert.pem and key.pem (the key readable by its owner only).
func WriteFiles(dir string, ca *CA, leaf *Leaf) (Files, error) {
	f := Files{CA: filepath.Join(dir, "ca.pem"), Cert: filepath.Join(dir, "cert.pem"), Key: filepath.Join(dir, "key.pem")}
	for _, w := range []struct {
		path string
		data []byte
		mode os.FileMode
	}{{f.CA, ca.PEM, 0o644}, {f.Cert, leaf.CertPEM, 0o644}, {f.Key, leaf.KeyPEM, 0o600}} {
		if err := os.WriteFile(w.path, w.data, w.mode); err != nil {
			return Files{}, fmt.Errorf("writing %s: %w", w.path, err)
		}
	}
	return f, nil
}

// serial is a random certificate serial number: two throwaway authorities of one run must not
// issue certificates a client could confuse.
func serial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		return big.NewInt(time.Now().UnixNano())
	}
	return n
}
