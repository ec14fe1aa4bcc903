package driver

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"time"

	"github.com/expectspec/expectspec/harness/conv"
)

// The connection a script is played on: TCP, or TLS over TCP when Options.TLS is set (an https
// target). Everything the runner does goes through the net.Conn; only closing and half-closing
// need to know which it is, so they keep the TCP connection beside it.

// dialed is an established connection.
type dialed struct {
	c   net.Conn     // what is read and written: the TCP connection or the TLS one over it
	tcp *net.TCPConn // the TCP connection under it (nil for a test's in-memory connection)
	tls *tls.Conn    // nil for cleartext
}

// dial connects to addr and, with opt.TLS set, completes a TLS handshake, each within
// opt.DialTimeout. When either fails it sets tl.Err to the one-line reason (and tl.ErrCause to
// CauseConnect when the TCP connection itself could not be made) and returns nil.
func dial(ctx context.Context, addr string, opt Options, tl *conv.Timeline) *dialed {
	d := net.Dialer{Timeout: opt.DialTimeout}
	nc, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		tl.Err, tl.ErrCause = dialError(addr, opt.DialTimeout, err), conv.CauseConnect
		return nil
	}
	tcp := nc.(*net.TCPConn)
	if opt.TLS == nil {
		return &dialed{c: tcp, tcp: tcp}
	}
	tc := tls.Client(tcp, opt.TLS)
	hctx, cancel := context.WithTimeout(ctx, opt.DialTimeout)
	defer cancel()
	if err := tc.HandshakeContext(hctx); err != nil {
		tcp.Close()
		tl.Err = HandshakeError(addr, opt.TLS, opt.DialTimeout, err)
		return nil
	}
	return &dialed{c: tc, tcp: tcp, tls: tc}
}

// close closes the TCP connection without a TLS close_notify: tls.Conn.Close would first write
// the alert with a deadline of its own, which blocks for seconds against a peer that stopped
// reading what a case streamed at it. The case is over; the peer sees the connection end as it
// does in cleartext.
func (d *dialed) close() {
	if d.tcp == nil { // a connection a test made (net.Pipe)
		d.c.Close()
		return
	}
	d.tcp.Close()
}

// closeWrite ends our side of the conversation: over TLS a close_notify alert
// (tls.Conn.CloseWrite), then the TCP FIN, so that the peer sees the end of the request at both
// layers, as a cleartext half-close shows it at the one.
func (d *dialed) closeWrite() error {
	if d.tcp == nil {
		return errors.New("an in-memory connection cannot be half-closed")
	}
	if d.tls != nil {
		if err := d.tls.CloseWrite(); err != nil {
			return err
		}
	}
	return d.tcp.CloseWrite()
}

// describeTLS says what a handshake settled, for the connect event: "TLS 1.3, ALPN http/1.1",
// or "ALPN none" when the server chose no application protocol (it then speaks HTTP/1.1, the
// default of an https origin).
func describeTLS(st tls.ConnectionState) string {
	alpn := st.NegotiatedProtocol
	if alpn == "" {
		alpn = "none"
	}
	return tls.VersionName(st.Version) + ", ALPN " + alpn
}

// HandshakeError renders a failed TLS handshake as one line that says what failed: "TLS
// handshake with 127.0.0.1:8443 failed: the certificate is signed by an unknown authority (…)".
func HandshakeError(addr string, cfg *tls.Config, timeout time.Duration, err error) string {
	return "TLS handshake with " + addr + " failed: " + handshakeCause(cfg, timeout, err)
}

func handshakeCause(cfg *tls.Config, timeout time.Duration, err error) string {
	var (
		unknown  x509.UnknownAuthorityError
		hostname x509.HostnameError
		invalid  x509.CertificateInvalidError
		remote   *net.OpError
		record   tls.RecordHeaderError
		ne       net.Error
	)
	switch {
	case errors.As(err, &unknown):
		return "the server's certificate is signed by an unknown authority (give the authority with --ca FILE, or skip verification with --insecure)"
	case errors.As(err, &hostname):
		return fmt.Sprintf("the server's certificate does not match the name %q (%s)", hostname.Host, strings.TrimPrefix(hostname.Error(), "x509: "))
	case errors.As(err, &invalid):
		return "the server's certificate is not valid: " + strings.TrimPrefix(invalid.Error(), "x509: ")
	case errors.As(err, &remote) && remote.Op == "remote error" && remote.Err != nil:
		// an alert the server sent; crypto/tls reports it as a "remote error"
		alert := strings.TrimPrefix(remote.Err.Error(), "tls: ")
		return fmt.Sprintf("the server refused it with the alert %q%s", alert, alertHint(cfg, alert))
	case errors.As(err, &record):
		return "the server did not answer in TLS (is it a cleartext port? try http://)"
	case errors.As(err, &ne) && ne.Timeout(), errors.Is(err, context.DeadlineExceeded):
		return "no handshake within " + timeout.String()
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "the server closed the connection during the handshake"
	case isReset(err):
		return "the server reset the connection during the handshake"
	case strings.Contains(err.Error(), "protocol version"):
		return "no protocol version in common: " + strings.TrimPrefix(err.Error(), "tls: ")
	}
	return strings.TrimPrefix(describe(err), "tls: ")
}

// alertHint says what the suite offered when the server's alert is about it.
func alertHint(cfg *tls.Config, alert string) string {
	switch alert {
	case "no application protocol": // RFC 7301 §3.2
		return fmt.Sprintf(" (it shares no application protocol with the suite's ALPN offer %s)", strings.Join(cfg.NextProtos, ", "))
	case "protocol version not supported":
		return " (it shares no TLS version with the suite, which offers TLS 1.2 and 1.3)"
	case "unrecognized name":
		return fmt.Sprintf(" (it has no certificate for the name %q the suite sent as SNI)", cfg.ServerName)
	}
	return ""
}
