package reference

import "strings"

// interpret derives the framing and the connection options from the fields (RFC 9112 §6.1-§6.3,
// §9.3, §9.6) and evaluates Expect.
func (c *conn) interpret(req *request) error {
	if hosts := req.get("Host"); !req.http10() && len(hosts) != 1 {
		// RFC 9112 §3.2: an HTTP/1.1 request without Host, or with more than one, gets 400.
		return reject(400, "HTTP/1.1 request needs exactly one Host field")
	}
	for _, opt := range listMembers(req.get("Connection")) {
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
		codings := listMembers(te)
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

// parseContentLength parses the combined Content-Length value. RFC 9112 §6.3 allows a list of
// identical values ("5, 5"); anything else that is not 1*DIGIT, or a number that does not fit,
// is invalid: 400 and close. The number is parsed with an overflow check (RFC 9110 §8.6).
func (c *conn) parseContentLength(lines []string) (int64, error) {
	members := strings.Split(strings.Join(lines, ","), ",")
	if c.b.CLListFirst {
		members = members[:1] // mutant (H1-INVALID-CL-400): "5, 6" is 5
	}
	n := int64(-1)
	for _, m := range members {
		m = trimOWS(m)
		v, ok := parseDecimal(m, c.b.CLWrap)
		if !ok {
			return 0, reject(400, "invalid Content-Length %q", m)
		}
		if n >= 0 && v != n {
			return 0, reject(400, "differing Content-Length values")
		}
		n = v
	}
	return n, nil
}

// parseDecimal parses 1*DIGIT into a non-negative int64, refusing overflow. With wrap (the CLWrap
// mutant, SRV-CL-LARGE-NUMBERS) it computes modulo 2^64 the way a careless uint64 loop does, so
// 18446744073709551617 becomes 1.
func parseDecimal(s string, wrap bool) (int64, bool) {
	if s == "" {
		return 0, false
	}
	var n uint64
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return 0, false
		}
		d := uint64(s[i] - '0')
		if !wrap && n > (1<<63-1-d)/10 {
			return 0, false
		}
		n = n*10 + d
	}
	if n > 1<<63-1 {
		return 0, false
	}
	return int64(n), true
}

// offersUpgrade reports whether the request asks to switch to UpgradeProtocol: the token in
// Upgrade and the upgrade option in Connection (RFC 9110 §7.8).
func offersUpgrade(req *request) bool {
	offered := false
	for _, p := range listMembers(req.get("Upgrade")) {
		name, _, _ := strings.Cut(p, "/")
		if strings.EqualFold(name, UpgradeProtocol) {
			offered = true
		}
	}
	if !offered {
		return false
	}
	for _, opt := range listMembers(req.get("Connection")) {
		if strings.EqualFold(opt, "upgrade") {
			return true
		}
	}
	return false
}

// listMembers splits field values by the list rule of RFC 9110 §5.6.1: comma-separated, OWS
// trimmed, empty elements ignored.
func listMembers(values []string) []string {
	var out []string
	for _, v := range values {
		for _, m := range strings.Split(v, ",") {
			if m = trimOWS(m); m != "" {
				out = append(out, m)
			}
		}
	}
	return out
}
