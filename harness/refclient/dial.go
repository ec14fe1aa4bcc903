package refclient

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"os"
)

// dial opens a connection to the server of the URL: over TLS for an https URL (c.tls set), with
// the same deadline for the TCP connect and the handshake.
func (c *client) dial() (*conn, error) {
	d := &net.Dialer{Timeout: ioDeadline}
	var nc net.Conn
	var err error
	if c.tls != nil {
		nc, err = tls.DialWithDialer(d, "tcp", c.host, c.tls)
	} else {
		nc, err = d.Dial("tcp", c.host)
	}
	if err != nil {
		return nil, err
	}
	return &conn{nc: nc, br: bufio.NewReader(nc)}, nil
}

// tlsConfig verifies the server as host against the authorities in caFile (the system's when
// ""), offering only http/1.1 by ALPN: the client speaks nothing else.
func tlsConfig(host, caFile string) (*tls.Config, error) {
	cfg := &tls.Config{ServerName: host, NextProtos: []string{"http/1.1"}, MinVersion: tls.VersionTLS12}
	if caFile == "" {
		return cfg, nil
	}
	pem, err := os.ReadFile(caFile)
	if err != nil {
		return nil, err
	}
	cfg.RootCAs = x509.NewCertPool()
	if !cfg.RootCAs.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("%s holds no PEM certificate", caFile)
	}
	return cfg, nil
}
