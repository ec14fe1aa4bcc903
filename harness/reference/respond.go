package reference

import (
	"strconv"
	"strings"
	"time"
)

// reasons are the reason phrases of the statuses the servers send (RFC 9110 §15).
var reasons = map[int]string{
	100: "Continue",
	101: "Switching Protocols",
	200: "OK",
	400: "Bad Request",
	404: "Not Found",
	405: "Method Not Allowed",
	413: "Content Too Large",
	414: "URI Too Long",
	417: "Expectation Failed",
	431: "Request Header Fields Too Large",
	501: "Not Implemented",
	505: "HTTP Version Not Supported",
}

// bodies are the short text bodies of final responses.
var bodies = map[int]string{
	200: "ok\n",
	404: "not found\n",
	405: "method not allowed\n",
	413: "content too large\n",
	417: "expectation failed\n",
}

// response is a final response. Every final response is delimited by Content-Length, and never
// chunked (but for the HTTP10Chunked mutant), so a client can always tell where it ends.
type response struct {
	status int
	body   string
	extra  []string // further field lines, "Name: value"
	// close says `Connection: close`: the server will close after this response.
	close bool
	// keepAlive says `Connection: keep-alive` (an HTTP/1.0 connection kept open: mutant only).
	keepAlive bool
	// noBody leaves the body out but keeps its Content-Length (a response to HEAD).
	noBody bool
	// chunked frames the body with chunked coding (the HTTP10Chunked mutant).
	chunked bool
}

// writeFinal sends a final response.
func (c *conn) writeFinal(r response) error {
	var b strings.Builder
	b.WriteString("HTTP/1.1 " + strconv.Itoa(r.status) + " " + reasons[r.status] + "\r\n")
	// RFC 9110 §6.6.1: an origin server with a clock sends Date in 2xx-4xx responses.
	b.WriteString("Date: " + time.Now().UTC().Format("Mon, 02 Jan 2006 15:04:05 GMT") + "\r\n")
	server := "expectspec-reference"
	if c.b.Name != "" {
		server += " (" + c.b.Name + ")"
	}
	b.WriteString("Server: " + server + "\r\n")
	b.WriteString("Content-Type: text/plain; charset=utf-8\r\n")
	for _, f := range r.extra {
		b.WriteString(f + "\r\n")
	}
	switch {
	case r.close:
		b.WriteString("Connection: close\r\n")
	case r.keepAlive:
		b.WriteString("Connection: keep-alive\r\n")
	}
	if r.chunked {
		b.WriteString("Transfer-Encoding: chunked\r\n\r\n")
		if !r.noBody {
			if r.body != "" {
				b.WriteString(strconv.FormatInt(int64(len(r.body)), 16) + "\r\n" + r.body + "\r\n")
			}
			b.WriteString("0\r\n\r\n")
		}
		return c.write([]byte(b.String()))
	}
	b.WriteString("Content-Length: " + strconv.Itoa(len(r.body)) + "\r\n\r\n")
	if !r.noBody {
		b.WriteString(r.body)
	}
	return c.write([]byte(b.String()))
}

// writeContinue sends the 100 (Continue). Conforming, it is a status line and an empty line:
// no Content-Length (RFC 9110 §8.6), no Transfer-Encoding (RFC 9112 §6.1), no content (RFC 9110
// §15.2). Three mutants each break one of these.
func (c *conn) writeContinue() error {
	s := "HTTP/1.1 100 Continue\r\n"
	if c.b.ContinueContentLength {
		s += "Content-Length: 0\r\n"
	}
	if c.b.ContinueTransferEncoding {
		s += "Transfer-Encoding: chunked\r\n"
	}
	s += "\r\n"
	if c.b.ContinueWithContent {
		s += "xx"
	}
	return c.write([]byte(s))
}

// writeSwitching sends the 101 that starts the UpgradeProtocol echo.
func (c *conn) writeSwitching() error {
	return c.write([]byte("HTTP/1.1 101 Switching Protocols\r\nUpgrade: " + UpgradeProtocol + "\r\nConnection: Upgrade\r\n\r\n"))
}

// reply builds the final response to req with the given status, applying what the request
// implies for every response: HEAD has no body, HTTP/1.0 gets a close (or keep-alive), and the
// HTTP10Chunked mutant (H1-NO-TE-TO-HTTP10) chunks responses to HTTP/1.0.
func (c *conn) reply(req *request, status int, close bool) response {
	r := response{status: status, body: bodies[status], close: close, noBody: req.method == "HEAD"}
	if status == 405 {
		r.extra = append(r.extra, "Allow: GET, HEAD, POST, PUT")
	}
	if req.http10() {
		r.keepAlive = req.keepAlive10 && !close
		r.chunked = c.b.HTTP10Chunked
	}
	return r
}
