package reference

import "time"

// serveRequest answers one request whose header section has been read. It reports whether the
// connection goes on to the next request; when it returns false, serve closes the socket (at
// once: any staged close has already happened).
func (c *conn) serveRequest(req *request) bool {
	if c.b.WaitWithoutFraming && !req.http10() && req.expect.cont && !req.chunked && req.contentLength < 0 {
		// Mutant (RFC 9112 §6.3 framing; T06): no Content-Length and no Transfer-Encoding mean
		// no content, but this server waits for some because the client expects to send it.
		c.hang(true)
		return false
	}
	if c.b.ZeroLengthWait && !req.http10() && req.expect.cont && !req.chunked && req.contentLength == 0 {
		// Mutant (T06b): Content-Length: 0 declares empty content, but this server waits for
		// the content the expectation announced.
		c.hang(true)
		return false
	}
	if c.b.LateContinue && c.continueDue(req) {
		// Mutant (IR-SEQUENCE-ONE-FINAL): the 100 is armed now and sent on the first read of the
		// content, even when that read only discards content after an early final response.
		req.continuePending = true
	}
	if status := c.earlyStatus(req); status != 0 {
		return c.early(req, status)
	}
	return c.upload(req)
}

// continueAfterFinalGap is how long the EarlyFinalThenContinue mutant pauses between its final
// response and the 100 behind it.
const continueAfterFinalGap = 20 * time.Millisecond

// earlyStatus is the final status the resource decides from the request-line and header section
// alone, before any content is read (the first branch of RFC 9110 §10.1.1's MUST), or 0 when the
// request goes on to the upload resource.
func (c *conn) earlyStatus(req *request) int {
	switch {
	case c.expectFails(req):
		return 417
	case req.path != UploadPath:
		return 404
	case req.method == "GET" || req.method == "HEAD":
		return 200
	case req.method != "POST" && req.method != "PUT":
		return 405
	case !c.b.NoLimit413 && !req.chunked && req.contentLength > Limit:
		return 413
	}
	return 0
}

// early sends a final response decided from the header section. With no content indicated it is
// an ordinary response. Otherwise the content is still unread and RFC 9112 §9.3 leaves two
// conforming fates: read the entire content and go on, or close. Doing neither leaves the content
// on the connection to be parsed as the next request (the desync several mutants exhibit).
func (c *conn) early(req *request, status int) bool {
	if !req.hasContent() {
		return c.finish(req, status, req.closeAfter)
	}
	// A 413 closes: the declared content is too large to be worth reading (RFC 9110 §15.5.14).
	mustClose := req.closeAfter || status == 413 || status == 417 && c.b.Reject417Continue
	switch {
	case c.b.EarlyNoDiscard && !mustClose:
		// Mutant (H1-READ-OR-CLOSE): neither read nor close; the content becomes the next request.
		return c.writeFinal(c.reply(req, status, false)) == nil
	case c.b.CloseButContinue:
		// Mutant (H1-CLOSE-THEN-NO-MORE): says close, then parses the content as a request.
		return c.writeFinal(c.reply(req, status, true)) == nil
	case c.b.AbruptClose:
		// Mutant (H1-RST-RISK): close at once; with content still arriving the kernel resets the
		// connection, which can destroy the response before the client has read it.
		_ = c.writeFinal(c.reply(req, status, true))
		return false
	case c.b.EarlyCloseSilently:
		// Mutant (EXP-INDICATE-CLOSE, H1-SEND-CLOSE-OPTION): a close nobody was told about.
		if c.writeFinal(c.reply(req, status, false)) == nil {
			c.closeStaged()
		}
		return false
	case c.b.EarlyFinalThenContinue && !mustClose && len(req.expect.unknown) > 0:
		// Mutant (IR-SEQUENCE-ONE-FINAL): a 100 right behind the final response, when no request
		// is outstanding any more; then the content is read and discarded as usual. The pause
		// puts the 100 in a read of its own, after the one that carried the final: the arrival a
		// client stops reading before, unless it listens on after the final.
		if c.writeFinal(c.reply(req, status, false)) != nil || !c.srv.sleep(continueAfterFinalGap) ||
			c.write([]byte("HTTP/1.1 100 Continue\r\n\r\n")) != nil {
			return false
		}
		_, err := c.discardContent(req, -1)
		return err == nil
	case c.b.CloseAfterEarly || mustClose:
		if c.writeFinal(c.reply(req, status, true)) == nil {
			c.closeStaged()
		}
		return false
	}
	// Read and discard. The response says nothing about the connection (it persists); a client
	// that withholds the content for good leaves us waiting until the idle timeout, which closes
	// the connection: the partial content is never parsed as a request.
	if c.writeFinal(c.reply(req, status, false)) != nil {
		return false
	}
	_, err := c.discardContent(req, -1)
	return err == nil
}

// upload serves POST and PUT on the upload resource: the 100 when it is due, the content (read
// and discarded, at most Limit octets), then the final response, or the switch to
// UpgradeProtocol when offered.
func (c *conn) upload(req *request) bool {
	if c.b.UnknownContinueNoFinal && !req.http10() && len(req.expect.unknown) > 0 {
		// Mutant (EXP-FINAL-AFTER-100): a 100 for an expectation it does not know, the content,
		// then no final response at all.
		if c.sendContinue(req) != nil {
			return false
		}
		if _, err := c.discardContent(req, -1); err == nil {
			c.hang(true)
		}
		return false
	}
	if c.b.SkipUnreadContent && !req.http10() && req.expect.cont && req.hasContent() && c.br.Buffered() > 0 {
		// Mutant (H1-READ-OR-CLOSE): the client sent the content with the head, and the server
		// answers as if it had not, leaving the content to be parsed as the next request.
		return c.finish(req, 200, req.closeAfter)
	}
	if req.upgrade && c.b.UpgradeBeforeContinue {
		// Mutant (IR-100-BEFORE-101): switch first; the 100 follows below.
		if c.writeSwitching() != nil {
			return false
		}
	}
	if !req.continuePending && c.continueDue(req) {
		if d := c.b.ContinueDelay; d > 0 && !c.srv.sleep(d) {
			return false // mutant (EXP-ORIGIN-IMMEDIATE): a slow 100
		}
		if c.sendContinue(req) != nil {
			return false
		}
	}
	limit := int64(Limit)
	if c.b.NoLimit413 {
		limit = -1
	}
	n, err := c.discardContent(req, limit)
	switch {
	case err == errContentTooLarge || err == nil && n > Limit:
		return c.finish(req, 413, true)
	case err == errBadChunk:
		if c.writeFinal(response{status: 400, body: err.Error() + "\n", close: true}) == nil {
			c.closeStaged()
		}
		return false
	case err != nil:
		return false // incomplete content: close (RFC 9112 §6.3)
	}
	if c.b.NoFinalAfterContinue && req.continueSent {
		c.hang(true) // mutant (EXP-FINAL-AFTER-100): a 100, the content, then silence
		return false
	}
	if req.upgrade {
		if !c.b.UpgradeBeforeContinue && c.writeSwitching() != nil {
			return false
		}
		c.echo()
		return false
	}
	ok := c.finish(req, 200, req.closeAfter)
	if ok && c.b.ContinueAfterFinal && req.continueSent {
		// Mutant (IR-SEQUENCE-ONE-FINAL): a stray 100 after the final response.
		_ = c.write([]byte("HTTP/1.1 100 Continue\r\n\r\n"))
	}
	return ok
}

// finish sends a final response after which nothing of the request is left unread, and closes
// in stages when asked to.
func (c *conn) finish(req *request, status int, close bool) bool {
	if c.writeFinal(c.reply(req, status, close)) != nil {
		return false
	}
	if close {
		c.closeStaged()
		return false
	}
	return true
}

// echo is UpgradeProtocol: everything read is written back until the peer closes or falls
// silent.
func (c *conn) echo() {
	buf := make([]byte, 4096)
	for {
		n, err := c.br.Read(buf)
		if n > 0 && c.write(buf[:n]) != nil {
			return
		}
		if err != nil {
			return
		}
	}
}
