package reference

import (
	"strings"

	"github.com/expectspec/expectspec/harness/h1"
)

// interpret derives the framing and the connection options from the fields (RFC 9112 §6.1-§6.3,
// §9.3, §9.6) and evaluates Expect.
func (c *conn) interpret(req *request) error {
	if hosts := req.get("Host"); !req.http10() && len(hosts) != 1 {
		// RFC 9112 §3.2: an HTTP/1.1 request without Host, or with more than one, gets 400.
		return reject(400, "HTTP/1.1 request needs exactly one Host field")
	}
	for _, opt := range h1.Members(req.get("Connection")) {
		if strings.EqualFold(opt, "close") {
			req.closeAfter = true
		}
	}
	if req.http10() {
		// RFC 9112 §9.3: HTTP/1.0 persists only with keep-alive; we do not offer it.
		req.closeAfter = true
	}
	if err := c.framing(req); err != nil {
		return err
	}
	req.upgrade = !req.http10() && offersUpgrade(req)
	req.expect = evaluateExpect(c.b, req.fields)
	return nil
}

// framing decides how the content is delimited.
func (c *conn) framing(req *request) error {
	te := req.get("Transfer-Encoding")
	cl := req.get("Content-Length")
	if len(te) > 0 {
		codings := h1.Members(te)
		if len(codings) == 0 || !strings.EqualFold(codings[len(codings)-1], "chunked") {
			// RFC 9112 §6.3: the length cannot be determined; 400 and close.
			return reject(400, "Transfer-Encoding without chunked as the final coding")
		}
		if len(codings) > 1 {
			for _, cd := range codings[:len(codings)-1] {
				if strings.EqualFold(cd, "chunked") {
					return reject(400, "chunked applied more than once")
				}
			}
			// RFC 9112 §6.1: a coding the server does not understand SHOULD get 501.
			return reject(501, "transfer coding %q not implemented", codings[0])
		}
		req.chunked = true
		if len(cl) > 0 {
			// RFC 9112 §6.1: Transfer-Encoding overrides Content-Length, and the server MUST
			// close after responding (the message looks like a smuggling attempt).
			if !c.b.CLTEKeepOpen { // the mutant keeps it open (H1-CL-AND-TE-CLOSE)
				req.closeAfter = true
			}
		}
		if req.http10() {
			// RFC 9112 §6.1: HTTP/1.0 with Transfer-Encoding has faulty framing; process it,
			// then close.
			req.closeAfter = true
			if c.b.HTTP10TEKeepOpen {
				req.closeAfter, req.keepAlive10 = false, true // mutant (H1-HTTP10-TE-FAULTY)
			}
		}
		return nil
	}
	if len(cl) > 0 {
		n, err := c.parseContentLength(cl)
		if err != nil {
			return err
		}
		req.contentLength = n
	}
	return nil
}

// parseContentLength parses the Content-Length lines with the one grammar (h1.ContentLength):
// RFC 9112 §6.3 allows a list of identical values ("5, 5"); anything else that is not 1*DIGIT,
// or a number that does not fit int64, is invalid: 400 and close (RFC 9110 §8.6).
func (c *conn) parseContentLength(lines []string) (int64, error) {
	rules := h1.StrictLengths
	rules.Wrap = c.b.CLWrap // mutant (SRV-CL-LARGE-NUMBERS): 18446744073709551617 is 1
	if c.b.CLListFirst {
		first, _, _ := strings.Cut(lines[0], ",")
		lines = []string{first} // mutant (H1-INVALID-CL-400): "5, 6" is 5
	}
	n, err := h1.ContentLength(lines, rules)
	if err != nil {
		return 0, reject(400, "%v", err)
	}
	return n, nil
}

// offersUpgrade reports whether the request asks to switch to UpgradeProtocol: the token in
// Upgrade and the upgrade option in Connection (RFC 9110 §7.8).
func offersUpgrade(req *request) bool {
	offered := false
	for _, p := range h1.Members(req.get("Upgrade")) {
		name, _, _ := strings.Cut(p, "/")
		if strings.EqualFold(name, UpgradeProtocol) {
			offered = true
		}
	}
	if !offered {
		return false
	}
	for _, opt := range h1.Members(req.get("Connection")) {
		if strings.EqualFold(opt, "upgrade") {
			return true
		}
	}
	return false
}
