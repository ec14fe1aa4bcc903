package reference_test

import (
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/expectspec/expectspec/harness/reference"
)

var _ = Describe("the conforming default (ref-continue)", func() {
	var c *client
	BeforeEach(func() {
		c = dial(start(reference.Behaviour{Name: "ref-continue"}))
	})

	It("sends a bare 100 at once, the final response after the content, and keeps the connection", func() {
		c.send(post(reference.UploadPath, 5, "Expect: 100-continue"))
		began := time.Now()
		c.exact(continueBytes)
		Expect(time.Since(began)).To(BeNumerically("<", 500*time.Millisecond))
		c.send("hello")
		r := c.final(200)
		Expect(r.body).To(Equal("ok\n"))
		Expect(r.get("Connection")).To(BeEmpty())
		Expect(r.get("Date")).NotTo(BeEmpty())
		c.silent(quiet) // exactly one final response

		c.send(head("GET", reference.UploadPath, "HTTP/1.1"))
		c.final(200)
	})

	It("answers another path with an early 404, then reads and discards the declared content (T10)", func() {
		c.send(post("/nope", len(smuggled), "Expect: 100-continue"))
		r := c.final(404)
		Expect(r.get("Connection")).To(BeEmpty(), "read-and-discard says nothing about closing")
		c.silent(quiet) // no 100 after the final response
		c.send(smuggled + head("GET", reference.UploadPath, "HTTP/1.1"))
		Expect(c.final(200).body).To(Equal("ok\n"), "the next response is for GET /upload, not for the content")
		c.silent(quiet)
	})

	It("takes octets within the declared length as content, never as a request (T10b)", func() {
		c := dial(start(reference.Behaviour{Name: "ref-continue"}, reference.WithIdleTimeout(300*time.Millisecond)))
		c.send(post("/nope", len(smuggled), "Expect: 100-continue"))
		c.final(404)
		c.send(head("GET", reference.UploadPath, "HTTP/1.1")) // fewer octets than declared
		c.silent(quiet)
		c.closed(within) // the idle timeout ends the incomplete content
	})

	It("discards a chunked body after an early response (T07b)", func() {
		c.send(head("POST", "/nope", "HTTP/1.1", "Transfer-Encoding: chunked", "Expect: 100-continue"))
		c.final(404)
		c.send("0\r\n\r\n" + head("GET", reference.UploadPath, "HTTP/1.1"))
		c.final(200)
		c.silent(quiet)
	})

	It("sends a 100 for chunked content and a 200 after it (T07)", func() {
		c.send(head("POST", reference.UploadPath, "HTTP/1.1", "Transfer-Encoding: chunked", "Expect: 100-continue"))
		c.exact(continueBytes)
		c.send("5;ext=1\r\nhello\r\n0\r\nTrailer-Field: x\r\n\r\n")
		c.final(200)
	})

	It("answers at once when no content is indicated (T06)", func() {
		c.send(head("GET", reference.UploadPath, "HTTP/1.1", "Expect: 100-continue"))
		c.final(200)
		c.send(post(reference.UploadPath, 0, "Expect: 100-continue"))
		c.final(200)
		c.send(head("GET", reference.UploadPath, "HTTP/1.1"))
		c.final(200)
	})

	It("answers content sent with the head exactly once (T08)", func() {
		c.send(post(reference.UploadPath, 5, "Expect: 100-continue") + "hello")
		c.exact(continueBytes)
		c.final(200)
		c.silent(quiet)
	})

	It("answers pipelined requests in order", func() {
		c.send(head("GET", "/nope", "HTTP/1.1") + post(reference.UploadPath, 5) + "hello" + head("HEAD", reference.UploadPath, "HTTP/1.1"))
		c.final(404)
		c.final(200)
		_ = c.conn.SetReadDeadline(time.Now().Add(within))
		line, err := c.br.ReadString('\n')
		Expect(err).NotTo(HaveOccurred())
		Expect(line).To(HavePrefix("HTTP/1.1 200"))
		for line != "\r\n" { // HEAD: a Content-Length, but no body
			line, err = c.br.ReadString('\n')
			Expect(err).NotTo(HaveOccurred())
		}
		c.silent(quiet)
	})

	DescribeTable("recognises 100-continue in every spelling and list form (T02, T03)",
		func(fields ...string) {
			c.send(post(reference.UploadPath, 5, fields...))
			c.exact(continueBytes)
			c.send("hello")
			c.final(200)
		},
		Entry("mixed-case name and value", "eXpEcT: 100-CoNtInUe"),
		Entry("no space after the colon", "Expect:100-continue"),
		Entry("leading and trailing OWS", "Expect: \t100-continue\t "),
		Entry("empty list elements", "Expect: ,100-continue,"),
		Entry("a repeated member", "Expect: 100-continue, 100-continue"),
		Entry("two field lines", "Expect: foo", "Expect: 100-continue"),
		Entry("with another member", "Expect: 100-continue, foo"),
	)

	DescribeTable("ignores expectations other than 100-continue (T04)",
		func(value string) {
			c.send(post(reference.UploadPath, 5, "Expect: "+value) + "hello")
			c.final(200)
			c.silent(quiet)
		},
		Entry("a token", "foo"),
		Entry("parameters", "100-continue;x=1"),
		Entry("a value", "100-continue=1"),
		Entry("quotes", `"100-continue"`),
		Entry("no hyphen", "100continue"),
	)

	It("sends no 100 for an ungrammatical 100-continue with the content withheld (T04 variant)", func() {
		c.send(post(reference.UploadPath, 5, "Expect: 100-continue;x=1"))
		c.silent(quiet)
		c.send("hello")
		c.final(200)
	})

	It("ignores 100-continue on HTTP/1.0, answers by framing without Transfer-Encoding, and closes (T09)", func() {
		c.send(head("POST", reference.UploadPath, "HTTP/1.0", "Content-Length: 5", "Expect: 100-continue"))
		c.silent(quiet)
		c.send("hello")
		r := c.final(200)
		Expect(r.get("Transfer-Encoding")).To(BeEmpty())
		Expect(r.get("Connection")).To(Equal("close"))
		c.closed(within)
	})

	It("processes HTTP/1.0 with Transfer-Encoding and closes after it (T09c)", func() {
		c.send(head("POST", reference.UploadPath, "HTTP/1.0", "Transfer-Encoding: chunked", "Expect: 100-continue") +
			"5\r\nhello\r\n0\r\n\r\n" + head("GET", reference.UploadPath, "HTTP/1.0"))
		c.final(200)
		c.closed(within)
	})

	It("answers a too large declared length with 413, Connection: close, and closes (T11a)", func() {
		c.send(head("PUT", reference.UploadPath, "HTTP/1.1", "Content-Length: 1099511627776", "Expect: 100-continue"))
		r := c.final(413)
		Expect(r.get("Connection")).To(Equal("close"))
		c.closed(within)
	})

	It("answers chunked content past the limit with 413 and closes", func() {
		chunk := strings.Repeat("x", 2*reference.Limit)
		c.send(head("POST", reference.UploadPath, "HTTP/1.1", "Transfer-Encoding: chunked", "Expect: 100-continue"))
		c.exact(continueBytes)
		c.send("800\r\n" + chunk + "\r\n0\r\n\r\n")
		Expect(c.final(413).get("Connection")).To(Equal("close"))
		c.closed(within)
	})

	It("processes Content-Length with Transfer-Encoding as chunked and closes after responding (T11d)", func() {
		c.send(post(reference.UploadPath, 5, "Transfer-Encoding: chunked", "Expect: 100-continue"))
		c.exact(continueBytes)
		c.send("5\r\nhello\r\n0\r\n\r\n" + head("GET", reference.UploadPath, "HTTP/1.1"))
		Expect(c.final(200).get("Connection")).To(Equal("close"))
		c.closed(within)
	})

	It("accepts a list of identical Content-Length values", func() {
		c.send(head("POST", reference.UploadPath, "HTTP/1.1", "Content-Length: 5, 5", "Expect: 100-continue"))
		c.exact(continueBytes)
		c.send("hello")
		c.final(200)
	})

	It("sends the 100 before the 101 and then echoes (T13)", func() {
		c.send(post(reference.UploadPath, 5, "Expect: 100-continue", "Upgrade: "+reference.UpgradeProtocol, "Connection: Upgrade"))
		c.exact(continueBytes)
		c.send("hello")
		r := c.read()
		Expect(r.status).To(Equal(101))
		Expect(r.get("Upgrade")).To(Equal(reference.UpgradeProtocol))
		c.send("ping")
		c.exact("ping")
	})

	It("ignores an Upgrade to another protocol", func() {
		c.send(post(reference.UploadPath, 5, "Expect: 100-continue", "Upgrade: h2c", "Connection: Upgrade"))
		c.exact(continueBytes)
		c.send("hello")
		c.final(200)
	})

	It("closes after a request with Connection: close", func() {
		c.send(post(reference.UploadPath, 5, "Connection: close") + "hello")
		Expect(c.final(200).get("Connection")).To(Equal("close"))
		c.closed(within)
	})

	It("tolerates bare LF line ends and an empty line before the request-line", func() {
		c.send("\r\nPOST /upload HTTP/1.1\nHost: t\nContent-Length: 5\nExpect: 100-continue\n\n")
		c.exact(continueBytes)
		c.send("hello")
		c.final(200)
	})

	It("refuses other methods on the upload resource with 405 from the header section", func() {
		c.send(head("DELETE", reference.UploadPath, "HTTP/1.1"))
		Expect(c.final(405).get("Allow")).To(ContainSubstring("POST"))
	})
})

var _ = Describe("the conforming alternatives", func() {
	It("ref-omit-continue skips the 100 when the content came with the head, and sends it otherwise", func() {
		c := dial(start(reference.Behaviour{Name: "ref-omit-continue", OmitContinueWhenBodyArrived: true}))
		c.send(post(reference.UploadPath, 5, "Expect: 100-continue") + "hello")
		c.final(200)
		c.send(post(reference.UploadPath, 5, "Expect: 100-continue"))
		c.exact(continueBytes)
		c.send("hello")
		c.final(200)
	})

	It("ref-close-early says Connection: close on an early response and closes (T10)", func() {
		c := dial(start(reference.Behaviour{Name: "ref-close-early", CloseAfterEarly: true}))
		c.send(post("/nope", len(smuggled), "Expect: 100-continue"))
		Expect(c.final(404).get("Connection")).To(Equal("close"))
		c.closed(within)
	})

	It("ref-close-early still keeps the connection after an ordinary exchange", func() {
		c := dial(start(reference.Behaviour{Name: "ref-close-early", CloseAfterEarly: true}))
		c.send(post(reference.UploadPath, 5, "Expect: 100-continue"))
		c.exact(continueBytes)
		c.send("hello")
		c.final(200)
		c.send(head("GET", "/nope", "HTTP/1.1"))
		c.final(404)
		c.silent(quiet)
	})

	It("ref-417-unknown answers 417 for an unknown member and then reads and discards the content (T04)", func() {
		c := dial(start(reference.Behaviour{Name: "ref-417-unknown", Reject417Unknown: true}))
		c.send(post(reference.UploadPath, 5, "Expect: foo"))
		Expect(c.final(417).get("Connection")).To(BeEmpty())
		c.send("hello" + head("GET", reference.UploadPath, "HTTP/1.1"))
		c.final(200)
		c.send(post(reference.UploadPath, 5, "Expect: 100-continue, foo"))
		c.final(417)
	})

	It("ref-417-unknown does not refuse 100-continue on HTTP/1.0", func() {
		c := dial(start(reference.Behaviour{Name: "ref-417-unknown", Reject417Unknown: true}))
		c.send(head("POST", reference.UploadPath, "HTTP/1.0", "Content-Length: 5", "Expect: 100-continue") + "hello")
		c.final(200)
	})

	It("ref-close-early-417 closes after its 417", func() {
		c := dial(start(reference.Behaviour{Name: "ref-close-early-417", CloseAfterEarly: true, Reject417Unknown: true}))
		c.send(post(reference.UploadPath, 5, "Expect: foo"))
		Expect(c.final(417).get("Connection")).To(Equal("close"))
		c.closed(within)
	})

	DescribeTable("ref-lenient replaces obs-fold and NUL with SP (T05b, T05d)",
		func(field string) {
			c := dial(start(reference.Behaviour{Name: "ref-lenient", ObsFoldReplace: true, NULReplace: true}))
			c.send(post(reference.UploadPath, 5, field))
			c.exact(continueBytes)
			c.send("hello")
			c.final(200)
		},
		Entry("obs-fold", "Expect:\r\n 100-continue"),
		Entry("NUL", "Expect: 100-continue\x00"),
	)
})
