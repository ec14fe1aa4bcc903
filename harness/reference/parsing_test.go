package reference_test

import (
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/expectspec/expectspec/harness/reference"
)

var _ = Describe("request parsing", func() {
	var c *client
	BeforeEach(func() {
		c = dial(start(reference.Behaviour{Name: "ref-continue"}))
	})

	// Each malformed head is refused with its status, `Connection: close`, and a close: the
	// framing of whatever follows cannot be trusted.
	DescribeTable("refuses malformed requests and closes",
		func(status int, raw string) {
			c.send(raw)
			r := c.final(status)
			Expect(r.get("Connection")).To(Equal("close"))
			c.closed(within)
		},
		Entry("whitespace before the colon (T05a)", 400, post(reference.UploadPath, 5, "Expect : 100-continue")),
		Entry("obs-fold (T05b)", 400, post(reference.UploadPath, 5, "Expect:\r\n 100-continue")),
		Entry("a whitespace-preceded line after the request-line (T05c)", 400,
			"POST /upload HTTP/1.1\r\n Expect: 100-continue\r\nHost: t\r\nContent-Length: 5\r\n\r\n"),
		Entry("NUL in a value (T05d)", 400, post(reference.UploadPath, 5, "Expect: 100-continue\x00")),
		Entry("bare CR in a value (T05e)", 400, post(reference.UploadPath, 5, "Expect: 100-\rcontinue")),
		Entry("another control character in a value", 400, post(reference.UploadPath, 5, "X: a\x01b")),
		Entry("differing Content-Length values (T11c)", 400, head("POST", reference.UploadPath, "HTTP/1.1", "Content-Length: 5, 6", "Expect: 100-continue")),
		Entry("differing Content-Length lines", 400, head("POST", reference.UploadPath, "HTTP/1.1", "Content-Length: 5", "Content-Length: 6")),
		Entry("a non-numeric Content-Length", 400, head("POST", reference.UploadPath, "HTTP/1.1", "Content-Length: abc")),
		Entry("a signed Content-Length", 400, head("POST", reference.UploadPath, "HTTP/1.1", "Content-Length: +5")),
		Entry("an empty Content-Length", 400, head("POST", reference.UploadPath, "HTTP/1.1", "Content-Length: ")),
		Entry("Content-Length 2^64+1 (T11b)", 400, head("POST", reference.UploadPath, "HTTP/1.1", "Content-Length: 18446744073709551617", "Expect: 100-continue")),
		Entry("Content-Length 2^63", 400, head("POST", reference.UploadPath, "HTTP/1.1", "Content-Length: 9223372036854775808")),
		Entry("a final coding other than chunked", 400, head("POST", reference.UploadPath, "HTTP/1.1", "Transfer-Encoding: chunked, gzip")),
		Entry("chunked twice", 400, head("POST", reference.UploadPath, "HTTP/1.1", "Transfer-Encoding: chunked, chunked")),
		Entry("an unknown coding before chunked", 501, head("POST", reference.UploadPath, "HTTP/1.1", "Transfer-Encoding: gzip, chunked")),
		Entry("HTTP/1.1 without Host", 400, "POST /upload HTTP/1.1\r\nContent-Length: 0\r\n\r\n"),
		Entry("two Host fields", 400, head("GET", reference.UploadPath, "HTTP/1.1", "Host: u")),
		Entry("two spaces in the request-line", 400, "GET  /upload HTTP/1.1\r\nHost: t\r\n\r\n"),
		Entry("a bad version", 400, "GET /upload HTTP/1\r\nHost: t\r\n\r\n"),
		Entry("HTTP/2.0 over HTTP/1 framing", 505, "GET /upload HTTP/2.0\r\nHost: t\r\n\r\n"),
		Entry("an unknown method", 501, head("BREW", reference.UploadPath, "HTTP/1.1")),
		Entry("garbage without a line end, as soon as it cannot be a method", 501, "hello"),
		Entry("a TLS handshake on the plain-text port", 400, "\x16\x03\x01\x02\x00"),
		Entry("a field line without a colon", 400, head("GET", reference.UploadPath, "HTTP/1.1", "Expect")),
		Entry("a header section over 8 KiB (T05f)", 431,
			post(reference.UploadPath, 5, "Expect: "+strings.Repeat("100-continue, ", 64<<10/14))),
		Entry("a request-line over 8 KiB", 414, "GET /"+strings.Repeat("a", 9<<10)+" HTTP/1.1\r\nHost: t\r\n\r\n"),
	)

	It("refuses malformed chunked content with 400 after the 100 and closes", func() {
		c.send(head("POST", reference.UploadPath, "HTTP/1.1", "Transfer-Encoding: chunked", "Expect: 100-continue"))
		c.exact(continueBytes)
		c.send("5\r\nhelloXX0\r\n\r\n")
		c.final(400)
		c.closed(within)
	})

	It("reads a chunk-size line only when it ends in CRLF", func() {
		c.send(head("POST", reference.UploadPath, "HTTP/1.1", "Transfer-Encoding: chunked") + "5\nhello\r\n0\r\n\r\n")
		c.final(400)
		c.closed(within)
	})

	It("closes without an answer when the peer goes away mid-head", func() {
		c.send("POST /upload HTTP/1.1\r\nHost: t\r\n")
		Expect(c.conn.(interface{ CloseWrite() error }).CloseWrite()).To(Succeed())
		c.closed(within)
	})
})
