package gateways

import (
	"bytes"
	"crypto/tls"
	"errors"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/expectspec/expectspec/harness/conv"
	"github.com/expectspec/expectspec/harness/h1"
	"github.com/expectspec/expectspec/harness/internal/wire"
)

// This file is the streaming reference gateway with knobs: each knob departs from it in one way,
// and mutants.go turns each into a mutant intermediary that breaks one requirement. The zero
// knobs is the streaming gateway (StartStreaming uses it with no knob set).

// knobs are the departures from the streaming reference gateway.
type knobs struct {
	// ownContinue: answer 100 (Continue) itself at once to an HTTP/1.1 request with a
	// 100-continue expectation and content, still forwarding Expect.
	ownContinue bool
	// swallow1xx: relay no 1xx from upstream.
	swallow1xx bool
	// holdHead: read the whole content before sending anything upstream (head and content in
	// one write, without Expect, as the buffering gateway does), and answer no 100 itself.
	holdHead bool
	// interimsToHTTP10: relay upstream 1xx to an HTTP/1.0 client too.
	interimsToHTTP10 bool
	// reject100: answer 417 (Expectation Failed) to every 100-continue expectation.
	reject100 bool
	// noDiscard: after an early final response, stop reading the client's content and keep the
	// client connection, so that the rest of the content is read as the next request (the
	// upstream connection is closed).
	noDiscard bool
	// reuseAbandoned: after an early final response, read and discard the rest of the client's
	// content without relaying it, and pool the upstream connection although the content it
	// declared is still owed.
	reuseAbandoned bool
	// expectCaseSensitive: compare the 100-continue token case-sensitively, and drop an Expect
	// field it does not recognise that way (`100-Continue`) before forwarding.
	expectCaseSensitive bool
	// keepConnectionExpect: forward Expect even when the client's Connection field names it.
	keepConnectionExpect bool
	// laxWSColon, laxObsFold, laxNUL: accept a request field line with whitespace before the
	// colon, an obs-fold, or a NUL in a value, and forward that line as received.
	laxWSColon, laxObsFold, laxNUL bool
	// frame1xxByLength: take an upstream 1xx's Content-Length as the length of its content, and
	// skip that many octets.
	frame1xxByLength bool
	// raw1xx: relay an upstream 1xx exactly as received (no repair of its field lines).
	raw1xx bool
	// unknown1xxFails: take an upstream 1xx other than 100, 102 and 103 as a malformed response
	// (502).
	unknown1xxFails bool
	// chunkedToHTTP10: send chunked content upstream even when the origin answered in HTTP/1.0.
	chunkedToHTTP10 bool
	// convert417: turn an upstream 417 (Expectation Failed) into a 502.
	convert417 bool
	// addExpectWait: add `Expect: 100-continue` to an HTTP/1.1 request with content that has
	// none, and hold the content until the origin answers, however long that takes.
	addExpectWait bool
	// keepHTTP10: keep an HTTP/1.0 client's connection when it asks for keep-alive (and say
	// `Connection: keep-alive`), as an origin may but a proxy must not.
	keepHTTP10 bool
	// refuseHTTP10Expect: answer 417 to an HTTP/1.0 request with a 100-continue expectation,
	// since no 100 may go to such a client, instead of ignoring the expectation.
	refuseHTTP10Expect bool
	// retry417: hold the content of a request with a 100-continue expectation until the origin
	// answers (at most retryHold), and when the answer is 417, send the request again on a new
	// upstream connection without Expect, answer 100 itself and stream the content there.
	retry417 bool
	// closeButKeep: relay an early final response (one before the content was complete) with
	// `Connection: close`, then go on as if it had not said so: read the rest of the content and
	// serve the next request on the connection.
	closeButKeep bool
	// holdFor10: once the origin has answered in HTTP/1.0, read the whole content of a request
	// before sending anything upstream, and answer no 100 meanwhile.
	holdFor10 bool
	// copyVersion: forward an HTTP/1.0 client's request upstream as HTTP/1.0 (the client's
	// version, not its own), while answering the client as HTTP/1.1.
	copyVersion bool
	// downgrade: forward every request upstream as HTTP/1.0 while answering the client as
	// HTTP/1.1 (nginx's default proxy_http_version).
	downgrade bool
	// closed502: take an upstream that closes after a final response sent before the content
	// was all relayed for a failed upstream, and answer 502 instead of relaying the response.
	closed502 bool
	// holdEarlyFinal: relay a final response sent before the content was all relayed only once
	// the client's content has been relayed.
	holdEarlyFinal bool
}

// retryHold is how long retry417 holds the content for the origin's answer, like a client's
// wait for a 100.
const retryHold = time.Second

// startKnobbed starts the streaming gateway with knobs k, in front of originAddr or, with
// forward, as a forward proxy.
func startKnobbed(originAddr, via string, k knobs, forward bool, secure *tls.Config) (string, func(), error) {
	p := &pins{m: map[*client]*upstream{}}
	exchange := func(g *gateway, c *client, req *request) bool { return knobExchange(g, c, req, k, p) }
	parse := parseRequest
	if k.laxWSColon || k.laxObsFold || k.laxNUL {
		parse = func(h *wire.Head) (*request, error) { return parseLax(h, k) }
	}
	return startParsing(originAddr, via, exchange, parse, forward, secure)
}

// expectationFailed is what reject100 answers.
const expectationFailed = "HTTP/1.1 417 Expectation Failed\r\nContent-Type: text/plain\r\nContent-Length: 19\r\nConnection: close\r\n\r\nExpectation Failed\n"

// knobExchange is the streaming gateway's exchange; each knob breaks one requirement.
func knobExchange(g *gateway, c *client, req *request, k knobs, p *pins) bool {
	if req.chunked && g.isHTTP10(g.next(req)) && !k.chunkedToHTTP10 {
		g.fail(c, refuse(411, "the origin speaks HTTP/1.0: send Content-Length"))
		return false
	}
	expects := req.expectContinue
	if k.expectCaseSensitive {
		expects = req.minor == 1 && req.hasContent() && hasExactMember(get(req.fields, "Expect"), "100-continue")
	}
	if k.reject100 && expects || k.refuseHTTP10Expect && req.minor == 0 && h1.ExpectsContinue(get(req.fields, "Expect")) {
		if write(c.nc, []byte(expectationFailed)) == nil {
			closeStaged(c)
		}
		return false
	}
	if k.holdHead || k.holdFor10 && g.isHTTP10(g.next(req)) && req.hasContent() {
		return heldExchange(g, c, req)
	}
	keepAlive := k.keepHTTP10 && req.minor == 0 && !h1.HasMember(get(req.fields, "Connection"), "close") &&
		h1.HasMember(get(req.fields, "Connection"), "keep-alive")
	if keepAlive {
		req.closeAfter = false
	}
	drop := []string{"Content-Length", "Transfer-Encoding"}
	if req.minor == 0 {
		drop = append(drop, "Expect")
	}
	fields := forwardable(req.fields, drop...)
	if k.keepConnectionExpect && !inFold("Expect", drop) && len(get(fields, "Expect")) == 0 {
		for _, f := range req.fields {
			if strings.EqualFold(f.Name, "Expect") {
				fields = append(fields, f)
			}
		}
	}
	if k.expectCaseSensitive {
		var kept []conv.Field
		for _, f := range fields {
			if strings.EqualFold(f.Name, "Expect") && h1.ExpectsContinue([]string{f.Value}) && !hasExactMember([]string{f.Value}, "100-continue") {
				continue // `100-Continue` is not an expectation it knows
			}
			kept = append(kept, f)
		}
		fields = kept
	}
	// hold is closed once the content may go upstream: at once, unless addExpectWait added an
	// expectation, then when the origin answers.
	hold := make(chan struct{})
	var once sync.Once
	var released atomic.Bool
	release := func() {
		once.Do(func() {
			released.Store(true)
			close(hold)
		})
	}
	var retryTimer *time.Timer
	switch {
	case k.addExpectWait && req.minor == 1 && req.hasContent() && len(get(fields, "Expect")) == 0:
		fields = append(fields, conv.Field{Name: "Expect", Value: "100-continue"})
	case k.retry417 && expects && len(get(fields, "Expect")) > 0:
		retryTimer = time.AfterFunc(retryHold, release)
		defer retryTimer.Stop()
	default:
		release()
	}
	defer release()
	var framing []conv.Field
	switch {
	case req.chunked:
		framing = []conv.Field{{Name: "Transfer-Encoding", Value: "chunked"}}
	case req.length >= 0:
		framing = []conv.Field{{Name: "Content-Length", Value: strconv.FormatInt(req.length, 10)}}
	}
	if k.ownContinue && expects {
		if write(c.nc, []byte(conv.Continue100)) != nil {
			return false
		}
	}
	u := p.take(c)
	if u == nil {
		var err error
		if u, err = g.dial(g.next(req)); err != nil {
			g.fail(c, err)
			return false
		}
	}
	head := upstreamHead(req, g.via, fields, framing...)
	if k.copyVersion && req.minor == 0 || k.downgrade {
		head = bytes.Replace(head, []byte(" HTTP/1.1\r\n"), []byte(" HTTP/1.0\r\n"), 1)
	}
	if err := write(u.nc, head); err != nil {
		g.forget(u.nc)
		g.fail(c, err)
		return false
	}

	gated := &gatedConn{Conn: u.nc}
	body := make(chan error, 1)
	if req.hasContent() {
		g.wg.Add(1)
		go func() {
			defer g.wg.Done()
			select {
			case <-hold:
			case <-g.done:
				body <- net.ErrClosed
				return
			}
			var err error
			if req.chunked {
				err = copyChunked(gated, c.r, false)
			} else {
				err = copyN(gated, c.r, req.length)
			}
			if err != nil {
				g.forget(u.nc)
			}
			body <- err
		}()
	} else {
		body <- nil
	}
	stopBody := func() error {
		release() // a body still held would otherwise never report
		c.r.SetIdle(time.Nanosecond)
		err := <-body
		c.r.SetIdle(idleTimeout)
		return err
	}

	answered := func(int) { release() }
	if retryTimer != nil {
		answered = func(status int) {
			if status != 417 {
				release()
			}
		}
	}
	resp, err := readFinalKnobbed(c, u, req, !k.swallow1xx, k, answered)
	if err == nil && retryTimer != nil && resp.status == 417 && retryTimer.Stop() && !released.Load() {
		// The mutant's departure: the content has not gone upstream, so it re-sends the POST
		// without Expect on a fresh connection and lets the client's content follow there.
		g.forget(u.nc)
		if u, err = g.dial(g.next(req)); err != nil {
			stopBody()
			g.fail(c, err)
			return false
		}
		if err = write(u.nc, upstreamHead(req, g.via, forwardable(fields, "Expect"), framing...)); err == nil && req.expectContinue {
			err = write(c.nc, []byte(conv.Continue100))
		}
		if err != nil {
			stopBody()
			g.forget(u.nc)
			g.fail(c, err)
			return false
		}
		gated.Conn = u.nc // before release: the content goroutine writes only after it
		release()
		resp, err = readFinalKnobbed(c, u, req, !k.swallow1xx, k, answered)
	}
	if err == nil && k.convert417 && resp.status == 417 {
		err = errors.New("upstream refused the expectation")
	}
	if err != nil {
		stopBody()
		g.forget(u.nc)
		g.fail(c, err)
		return false
	}
	if resp.minor == 0 {
		g.markHTTP10(u.addr)
	}
	var bodyErr error
	bodyDone := false
	select {
	case bodyErr = <-body:
		bodyDone = true
	default:
	}
	if !bodyDone && k.closed502 && resp.close {
		stopBody()
		g.forget(u.nc)
		g.fail(c, errors.New("the upstream closed before the content was sent"))
		return false
	}
	if !bodyDone && k.holdEarlyFinal {
		bodyErr, bodyDone = <-body, true // the content reader ends at the idle bound at most
	}
	if !bodyDone && k.reuseAbandoned {
		gated.drop.Store(true) // the rest of the content is read and not relayed
	}
	closing := mustClose(req, resp) || !bodyDone && resp.close
	if !bodyDone && k.noDiscard && !closing {
		// Stop reading the content before the client learns of the early response: a client
		// that sends the rest at once must not see it read as content by chance.
		stopBody()
		relayErr := relayFinal(c, u, resp, req, false)
		g.forget(u.nc)
		return relayErr == nil // the rest of the content is read as the next request
	}
	if !bodyDone && k.closeButKeep && !closing {
		resp.announce = "close" // said, and then not done
	} else if keepAlive && !closing {
		resp.announce = "keep-alive"
	}
	relayErr := relayFinal(c, u, resp, req, closing)
	if !bodyDone {
		if closing || relayErr != nil {
			bodyErr = stopBody()
		} else {
			c.r.SetIdle(abandonAfter)
			bodyErr = <-body
			c.r.SetIdle(idleTimeout)
		}
	}
	clean := bodyErr == nil && relayErr == nil
	if k.reuseAbandoned && gated.drop.Load() && clean && !resp.close && !closing {
		p.put(c, u) // kept for this client's next request, the content still owed
		return true
	}
	g.release(u, clean && !resp.close)
	if !clean || closing {
		closeStaged(c)
		return false
	}
	return true
}

// heldExchange reads the whole content before anything goes upstream, answering no 100 while it
// waits (the client stalls), then sends head and content in one write without Expect and relays
// the final response: the buffering gateway without its own 100.
func heldExchange(g *gateway, c *client, req *request) bool { return buffered(g, c, req, false, true) }
