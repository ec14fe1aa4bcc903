package certs

import (
	"crypto/x509"
	"os"
	"testing"
)

// A leaf verifies against its authority for the names it was issued for, and for no other; the
// files hold what a server and a client are given, the key readable by its owner only.
func TestIssueAndWrite(t *testing.T) {
	ca, err := NewCA("t")
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := ca.Issue("127.0.0.1", "localhost")
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(leaf.TLS.Certificate[0])
	if err != nil {
		t.Fatal(err)
	}
	for name, ok := range map[string]bool{"127.0.0.1": true, "localhost": true, "other.example": false, "127.0.0.2": false} {
		_, err := cert.Verify(x509.VerifyOptions{DNSName: name, Roots: ca.Pool()})
		if (err == nil) != ok {
			t.Errorf("verify for %s: %v", name, err)
		}
	}
	other, _ := NewCA("other")
	if _, err := cert.Verify(x509.VerifyOptions{DNSName: "localhost", Roots: other.Pool()}); err == nil {
		t.Error("a leaf verifies against another authority")
	}
	f, err := WriteFiles(t.TempDir(), ca, leaf)
	if err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(f.Key); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("key file: %v, %v", st, err)
	}
	if data, err := os.ReadFile(f.CA); err != nil || string(data) != string(ca.PEM) {
		t.Errorf("CA file: %v", err)
	}
}
