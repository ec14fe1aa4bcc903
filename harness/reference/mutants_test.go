package reference_test

import (
	"errors"
	"io"
	"strings"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/expectspec/expectspec/harness/reference"
)

// withheld sends an upload head with the content withheld.
func withheld(c *client, fields ...string) {
	c.send(post(reference.UploadPath, 5, fields...))
}

// defects shows each mutant's defect on the wire, in the scenario its record names.
var defects = map[string]func(c *client){
	"mut-no-continue": func(c *client) {
		withheld(c, "Expect: 100-continue")
		c.silent(quiet)
		c.send("hello")
		c.final(200)
	},
	"mut-slow-continue": func(c *client) { // run with the delay cut to 300 ms
		withheld(c, "Expect: 100-continue")
		c.silent(quiet)
		c.exact(continueBytes)
	},
	"mut-no-final-after-continue": func(c *client) {
		withheld(c, "Expect: 100-continue")
		c.exact(continueBytes)
		c.send("hello")
		c.silent(quiet)
	},
	"mut-continue-content-length": func(c *client) {
		withheld(c, "Expect: 100-continue")
		r := c.read()
		Expect(r.status).To(Equal(100))
		Expect(r.get("Content-Length")).To(Equal("0"))
	},
	"mut-continue-transfer-encoding": func(c *client) {
		withheld(c, "Expect: 100-continue")
		r := c.read()
		Expect(r.status).To(Equal(100))
		Expect(r.get("Transfer-Encoding")).To(Equal("chunked"))
	},
	"mut-continue-with-content": func(c *client) {
		withheld(c, "Expect: 100-continue")
		c.exact(continueBytes + "xx")
	},
	"mut-case-sensitive-value": func(c *client) {
		withheld(c, "Expect: 100-Continue")
		c.silent(quiet)
	},
	"mut-case-sensitive-value-417": func(c *client) {
		withheld(c, "Expect: 100-Continue")
		c.final(417)
	},
	"mut-417-continue": func(c *client) {
		withheld(c, "Expect: 100-continue")
		Expect(c.final(417).get("Connection")).To(Equal("close"))
		c.closed(within)
	},
	"mut-case-sensitive-name": func(c *client) {
		withheld(c, "expect: 100-continue")
		c.silent(quiet)
	},
	"mut-no-trim-ows": func(c *client) {
		withheld(c, "Expect: \t100-continue\t ")
		c.silent(quiet)
	},
	"mut-whole-value-only": func(c *client) {
		withheld(c, "Expect: ,100-continue,")
		c.silent(quiet)
	},
	"mut-first-line-only": func(c *client) {
		withheld(c, "Expect: foo", "Expect: 100-continue")
		c.silent(quiet)
	},
	"mut-accept-ws-before-colon": func(c *client) {
		withheld(c, "Expect : 100-continue")
		c.exact(continueBytes)
	},
	"mut-obs-fold-empty": func(c *client) {
		withheld(c, "Expect:\r\n 100-continue")
		c.silent(quiet)
	},
	"mut-process-ws-line": func(c *client) {
		c.send("POST /upload HTTP/1.1\r\n Expect: 100-continue\r\nHost: t\r\nContent-Length: 5\r\n\r\n")
		c.exact(continueBytes)
	},
	"mut-nul-keep": func(c *client) {
		withheld(c, "Expect: 100-continue\x00")
		c.silent(quiet)
	},
	"mut-bare-cr-drop": func(c *client) {
		withheld(c, "Expect: 100-\rcontinue")
		c.exact(continueBytes)
	},
	"mut-oversize-hang": func(c *client) {
		withheld(c, "Expect: "+strings.Repeat("100-continue, ", 64<<10/14))
		c.silent(quiet)
	},
	"mut-wait-without-framing": func(c *client) {
		c.send(head("GET", reference.UploadPath, "HTTP/1.1", "Expect: 100-continue"))
		c.silent(quiet)
	},
	"mut-zero-length-wait": func(c *client) {
		c.send(post(reference.UploadPath, 0, "Expect: 100-continue"))
		c.silent(quiet)
	},
	"mut-continue-after-final": func(c *client) {
		withheld(c, "Expect: 100-continue")
		c.exact(continueBytes)
		c.send("hello")
		c.final(200)
		Expect(c.read().status).To(Equal(100))
	},
	"mut-chunked-no-continue": func(c *client) {
		c.send(head("POST", reference.UploadPath, "HTTP/1.1", "Transfer-Encoding: chunked", "Expect: 100-continue"))
		c.silent(quiet)
		c.send("5\r\nhello\r\n0\r\n\r\n")
		c.final(200)
	},
	"mut-skip-unread-content": func(c *client) {
		c.send(post(reference.UploadPath, 5, "Expect: 100-continue") + "hello")
		c.final(200)
		c.final(501) // "hello" taken as the start of a request-line
	},
	"mut-http10-continue": func(c *client) {
		c.send(head("POST", reference.UploadPath, "HTTP/1.0", "Content-Length: 5", "Expect: 100-continue"))
		Expect(c.read().status).To(Equal(100))
	},
	"mut-http10-reject-417": func(c *client) {
		c.send(head("POST", reference.UploadPath, "HTTP/1.0", "Content-Length: 5", "Expect: 100-continue"))
		c.final(417)
	},
	"mut-http10-chunked": func(c *client) {
		c.send(head("POST", reference.UploadPath, "HTTP/1.0", "Content-Length: 5") + "hello")
		r := c.final(200)
		Expect(r.get("Transfer-Encoding")).To(Equal("chunked"))
		Expect(r.body).To(Equal("ok\n"))
	},
	"mut-http10-te-keep-open": func(c *client) {
		c.send(head("POST", reference.UploadPath, "HTTP/1.0", "Transfer-Encoding: chunked", "Expect: 100-continue") +
			"5\r\nhello\r\n0\r\n\r\n" + head("GET", reference.UploadPath, "HTTP/1.0"))
		Expect(c.final(200).get("Connection")).To(Equal("keep-alive"))
		c.final(200) // the pipelined request is answered
	},
	"mut-early-no-discard": func(c *client) {
		c.send(post("/nope", len(smuggled), "Expect: 100-continue"))
		Expect(c.final(404).get("Connection")).To(BeEmpty())
		c.send(smuggled + head("GET", reference.UploadPath, "HTTP/1.1"))
		c.final(404) // GET /__smuggled answered: the desync
		c.final(200)
	},
	"mut-early-close-silently": func(c *client) {
		c.send(post("/nope", len(smuggled), "Expect: 100-continue"))
		Expect(c.final(404).get("Connection")).To(BeEmpty())
		c.closed(within)
	},
	"mut-close-but-continue": func(c *client) {
		c.send(post("/nope", len(smuggled), "Expect: 100-continue"))
		Expect(c.final(404).get("Connection")).To(Equal("close"))
		c.send(smuggled)
		c.final(404) // answered after saying close
	},
	"mut-abrupt-close": func(c *client) {
		// Content still arriving when the server closes: the kernel resets the connection. On
		// Linux the response already delivered stays readable; the reset follows it.
		c.send(post("/nope", 1<<20, "Expect: 100-continue") + strings.Repeat("x", 64<<10))
		Expect(c.final(404).get("Connection")).To(Equal("close"))
		_ = c.conn.SetReadDeadline(time.Now().Add(within))
		_, err := io.ReadAll(c.br)
		Expect(errors.Is(err, syscall.ECONNRESET)).To(BeTrue(), "expected a reset, got %v", err)
	},
	"mut-cl-wrap": func(c *client) {
		c.send(head("POST", reference.UploadPath, "HTTP/1.1", "Content-Length: 18446744073709551617", "Expect: 100-continue"))
		c.exact(continueBytes)
		c.send("h")
		c.final(200) // after one octet
	},
	"mut-cl-list-first": func(c *client) {
		c.send(head("POST", reference.UploadPath, "HTTP/1.1", "Content-Length: 5, 6", "Expect: 100-continue"))
		c.exact(continueBytes)
		c.send("hello")
		c.final(200)
	},
	"mut-cl-te-keep-open": func(c *client) {
		c.send(post(reference.UploadPath, 5, "Transfer-Encoding: chunked", "Expect: 100-continue"))
		c.exact(continueBytes)
		c.send("5\r\nhello\r\n0\r\n\r\n" + head("GET", reference.UploadPath, "HTTP/1.1"))
		Expect(c.final(200).get("Connection")).To(BeEmpty())
		c.final(200) // the pipelined request is answered
	},
	"mut-no-limit-413": func(c *client) {
		c.send(head("PUT", reference.UploadPath, "HTTP/1.1", "Content-Length: 1099511627776", "Expect: 100-continue"))
		c.exact(continueBytes)
	},
	"mut-late-continue": func(c *client) {
		c.send(post("/nope", len(smuggled), "Expect: 100-continue"))
		c.final(404)
		Expect(c.read().status).To(Equal(100)) // a 100 after the final response
	},
	"mut-upgrade-before-continue": func(c *client) {
		withheld(c, "Expect: 100-continue", "Upgrade: "+reference.UpgradeProtocol, "Connection: Upgrade")
		Expect(c.read().status).To(Equal(101))
		c.exact(continueBytes)
		c.send("hello")
		c.send("ping")
		c.exact("ping")
	},
	"mut-continue-before-head-end": func(c *client) {
		c.send(strings.TrimSuffix(post(reference.UploadPath, 5, "Expect: 100-continue"), "\r\n"))
		c.exact(continueBytes) // before the empty line was sent
	},
	"mut-early-final-then-continue": func(c *client) {
		withheld(c, "Expect: 100-continue;x=1")
		c.final(417)
		c.exact(continueBytes) // a 100 after the final response, before any content
		c.send("hello")
		c.silent(quiet) // the content was read as content
	},
	"mut-silent-idle-close": func(c *client) { // run with the idle timeout cut to 300 ms
		withheld(c, "Expect: 100-continue")
		c.silent(quiet)
		c.closed(time.Second) // no answer at all, then the idle timeout's close
	},
	"mut-unknown-continue-no-final": func(c *client) {
		c.send(post(reference.UploadPath, 5, "Expect: foo") + "hello")
		c.exact(continueBytes)
		c.silent(quiet)
	},
}

// startMutant starts a mutant for a spec, with ContinueDelay and SilentIdleClose cut so the specs
// stay fast.
func startMutant(b reference.Behaviour) *reference.Server {
	GinkgoHelper()
	if b.ContinueDelay > 0 {
		b.ContinueDelay = 300 * time.Millisecond
	}
	if b.SilentIdleClose > 0 {
		b.SilentIdleClose = 300 * time.Millisecond
	}
	return start(b)
}

var _ = Describe("the mutants", func() {
	for _, m := range reference.MutantRecords() {
		b := m.Behaviour
		It(b.Name+" shows its defect ("+m.Scenario+")", func() {
			show, ok := defects[b.Name]
			Expect(ok).To(BeTrue(), "no spec shows the defect of %s", b.Name)
			show(dial(startMutant(b)))
		})
	}

	// Each mutant breaks one requirement: on the scenarios it does not target, it is
	// indistinguishable from the conforming default.
	differsOnT01 := map[string]bool{"mut-no-continue": true, "mut-slow-continue": true, "mut-no-final-after-continue": true,
		"mut-continue-content-length": true, "mut-continue-transfer-encoding": true, "mut-continue-with-content": true,
		"mut-continue-after-final": true, "mut-417-continue": true, "mut-silent-idle-close": true}
	differsOnT10 := map[string]bool{"mut-early-no-discard": true, "mut-early-close-silently": true,
		"mut-close-but-continue": true, "mut-abrupt-close": true, "mut-late-continue": true,
		"mut-continue-before-head-end": true, // a 100 before the 404: it decided before the path mattered
		"mut-417-continue":             true} // a 417 and a close before the path mattered
	It("behave like the conforming default on the basic exchange (T01) and after an early response (T10)", func() {
		for _, b := range reference.Mutants() {
			srv := startMutant(b)
			if !differsOnT01[b.Name] {
				c := dial(srv)
				withheld(c, "Expect: 100-continue")
				c.exact(continueBytes)
				c.send("hello")
				Expect(c.final(200).body).To(Equal("ok\n"), b.Name)
			}
			if !differsOnT10[b.Name] {
				c := dial(srv)
				c.send(post("/nope", len(smuggled), "Expect: 100-continue"))
				c.final(404)
				c.send(smuggled + head("GET", reference.UploadPath, "HTTP/1.1"))
				Expect(c.final(200).body).To(Equal("ok\n"), b.Name)
			}
			Expect(srv.Close()).To(Succeed())
		}
	})
})
