package reference_test

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/expectspec/expectspec/harness/reference"
)

// Every wait in these specs has a deadline. On loopback a server answers in well under a
// millisecond, so "nothing within quiet" is a safe stand-in for silence, and "within" is a
// generous bound for anything that should arrive.
const (
	quiet  = 100 * time.Millisecond
	within = 2 * time.Second
)

// continueBytes is the conforming 100 (Continue), octet for octet.
const continueBytes = "HTTP/1.1 100 Continue\r\n\r\n"

// smuggled is the 37-octet request used as declared content: it must never be answered.
const smuggled = "GET /__smuggled HTTP/1.1\r\nHost: t\r\n\r\n"

// start runs a reference server for the current spec, with short idle and linger times, and
// closes it when the spec ends.
func start(b reference.Behaviour, opts ...reference.Option) *reference.Server {
	GinkgoHelper()
	opts = append([]reference.Option{reference.WithIdleTimeout(2 * time.Second), reference.WithLinger(200 * time.Millisecond)}, opts...)
	srv, err := reference.Start(b, opts...)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(func() { _ = srv.Close() })
	return srv
}

// head builds a request head: the request-line, Host, the given field lines, the empty line.
func head(method, path, proto string, fields ...string) string {
	var b strings.Builder
	b.WriteString(method + " " + path + " " + proto + "\r\nHost: t\r\n")
	for _, f := range fields {
		b.WriteString(f + "\r\n")
	}
	b.WriteString("\r\n")
	return b.String()
}

// post is the usual upload head: POST with a Content-Length and the given fields.
func post(path string, n int, fields ...string) string {
	return head("POST", path, "HTTP/1.1", append([]string{"Content-Length: " + strconv.Itoa(n)}, fields...)...)
}

// client is one raw connection to a server.
type client struct {
	conn net.Conn
	br   *bufio.Reader
}

func dial(srv *reference.Server) *client {
	GinkgoHelper()
	c, err := net.DialTimeout("tcp", srv.Addr(), within)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(func() { _ = c.Close() })
	return &client{conn: c, br: bufio.NewReader(c)}
}

func (c *client) send(s string) {
	GinkgoHelper()
	Expect(c.conn.SetWriteDeadline(time.Now().Add(within))).To(Succeed())
	_, err := io.WriteString(c.conn, s)
	Expect(err).NotTo(HaveOccurred())
}

// response is a parsed response message.
type response struct {
	status int
	header map[string][]string // lower-case names
	body   string
}

func (r *response) get(name string) string {
	return strings.Join(r.header[strings.ToLower(name)], ", ")
}

func (r *response) String() string { return fmt.Sprintf("%d %v %q", r.status, r.header, r.body) }

// next reads one response message (interim or final) within d.
func (c *client) next(d time.Duration) (*response, error) {
	_ = c.conn.SetReadDeadline(time.Now().Add(d))
	line, err := c.br.ReadString('\n')
	if err != nil {
		return nil, err
	}
	var r response
	if _, err := fmt.Sscanf(line, "HTTP/1.1 %d", &r.status); err != nil {
		return nil, fmt.Errorf("not a status line: %q", line)
	}
	r.header = map[string][]string{}
	for {
		line, err := c.br.ReadString('\n')
		if err != nil {
			return nil, err
		}
		line = strings.TrimRight(line, "\r\n")
		if line == "" {
			break
		}
		name, value, _ := strings.Cut(line, ":")
		name = strings.ToLower(name)
		r.header[name] = append(r.header[name], strings.TrimSpace(value))
	}
	if r.status < 200 {
		return &r, nil
	}
	if r.get("Transfer-Encoding") == "chunked" {
		for {
			sizeLine, err := c.br.ReadString('\n')
			if err != nil {
				return nil, err
			}
			n, err := strconv.ParseInt(strings.TrimSpace(sizeLine), 16, 64)
			if err != nil {
				return nil, err
			}
			buf := make([]byte, n+2)
			if _, err := io.ReadFull(c.br, buf); err != nil {
				return nil, err
			}
			if n == 0 {
				return &r, nil
			}
			r.body += string(buf[:n])
		}
	}
	n, err := strconv.Atoi(r.get("Content-Length"))
	if err != nil {
		return nil, fmt.Errorf("final response without a usable Content-Length: %v", r.header)
	}
	buf := make([]byte, n)
	if _, err := io.ReadFull(c.br, buf); err != nil {
		return nil, err
	}
	r.body = string(buf)
	return &r, nil
}

// read expects one response message within the default bound.
func (c *client) read() *response {
	GinkgoHelper()
	r, err := c.next(within)
	Expect(err).NotTo(HaveOccurred())
	return r
}

// final expects a final response with this status.
func (c *client) final(status int) *response {
	GinkgoHelper()
	r := c.read()
	Expect(r.status).To(Equal(status), "response %v", r)
	return r
}

// exact expects these octets next.
func (c *client) exact(s string) {
	GinkgoHelper()
	_ = c.conn.SetReadDeadline(time.Now().Add(within))
	buf := make([]byte, len(s))
	_, err := io.ReadFull(c.br, buf)
	Expect(err).NotTo(HaveOccurred())
	Expect(string(buf)).To(Equal(s))
}

// silent expects nothing to arrive (and no close) for d.
func (c *client) silent(d time.Duration) {
	GinkgoHelper()
	_ = c.conn.SetReadDeadline(time.Now().Add(d))
	b, err := c.br.ReadByte()
	Expect(err).To(HaveOccurred(), "unexpected octet %q", b)
	var ne net.Error
	Expect(errors.As(err, &ne) && ne.Timeout()).To(BeTrue(), "expected silence, got %v", err)
}

// closed expects the peer to close (FIN or reset) within d, with nothing more to read.
func (c *client) closed(d time.Duration) {
	GinkgoHelper()
	_ = c.conn.SetReadDeadline(time.Now().Add(d))
	b, err := c.br.ReadByte()
	Expect(err).To(HaveOccurred(), "unexpected octet %q", b)
	Expect(err == io.EOF || errors.Is(err, syscall.ECONNRESET)).To(BeTrue(), "expected a close, got %v", err)
}

// dialAddr dials without registering the connection; the caller closes it.
func dialAddr(addr string) (net.Conn, error) {
	return net.DialTimeout("tcp", addr, within)
}

// drainToClose reads whatever is left and expects the peer to close (FIN or reset) within d.
func (c *client) drainToClose(d time.Duration) {
	GinkgoHelper()
	_ = c.conn.SetReadDeadline(time.Now().Add(d))
	_, err := io.ReadAll(c.br)
	Expect(err == nil || errors.Is(err, syscall.ECONNRESET)).To(BeTrue(), "expected a close, got %v", err)
}
