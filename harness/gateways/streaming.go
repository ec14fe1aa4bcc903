package gateways

import "crypto/tls"

// StartStreaming starts the reference streaming gateway on a loopback port, in front of the
// origin at originAddr. For each request it:
//   - forwards the request-line and header section at once, before any content, keeping Expect
//     (dropping it only for an HTTP/1.0 client, whose expectation must be ignored);
//   - relays every 1xx from the origin to an HTTP/1.1 client as it arrives, repaired (no
//     Content-Length or Transfer-Encoding, no whitespace before a colon), and none to HTTP/1.0;
//   - streams the content as the client sends it;
//   - after a final response that came before the content was complete, keeps relaying the
//     content for a bounded time; a client that stops sending has abandoned the body, and then
//     both connections are closed: the upstream connection is never reused with a body owed.
//
// stop closes everything and waits for every goroutine of the gateway.
func StartStreaming(originAddr string) (addr string, stop func(), err error) {
	// The mutants are this gateway with one knob set (knobs.go): with none set, knobExchange is
	// the streaming exchange itself, so there is one copy of it.
	return startKnobbed(originAddr, "1.1 expectspec-streaming", knobs{}, false, nil)
}

// StartStreamingTLS is StartStreaming serving its clients over TLS with cfg (an https gateway in
// front of a cleartext origin, as TLS terminators are deployed).
func StartStreamingTLS(originAddr string, cfg *tls.Config) (addr string, stop func(), err error) {
	return startKnobbed(originAddr, "1.1 expectspec-streaming", knobs{}, false, cfg)
}

// StartStreamingProxy starts the streaming reference as a forward proxy on a loopback port: the
// same exchange as StartStreaming, but each request goes to the authority of its absolute-form
// request-target, with the Host field replaced by that authority (RFC 9112 §3.2.2), on
// connections pooled per authority. It forwards only to loopback addresses, and refuses an
// origin-form request (400), a non-http scheme (501) and CONNECT (501). originAddr is not
// used: requests name their origin (the parameter makes it one of the embedded intermediaries).
func StartStreamingProxy(originAddr string) (addr string, stop func(), err error) {
	return startKnobbed(originAddr, "1.1 expectspec-proxy", knobs{}, true, nil)
}
