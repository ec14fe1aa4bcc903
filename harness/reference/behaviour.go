// Package reference holds the suite's own HTTP/1.1 origin servers: conforming ones, one per
// alternative the RFC allows, and mutants that each break exactly one requirement. They are the
// witnesses of the suite's tests and part of the embedded default target. They speak HTTP/1.1 on
// raw sockets (not net/http), so that a mutant can differ from a conforming server by one byte.
//
// Resources (the target contract of the suite):
//
//	UploadPath (POST/PUT)      reads the content (at most Limit octets), answers 200 with "ok\n"
//	UploadPath (GET/HEAD)      answers 200 at once
//	UploadPath (other methods) 405, decided from the header section
//	any other path             an early final status decided from the header section: 404
//	                           (before any 100 and before reading content)
//	UploadPath with a declared Content-Length above Limit: 413 decided from the header section,
//	with `Connection: close`, then a staged close; chunked content that passes Limit: 413 and
//	close once it does
//	UploadPath offering UpgradeProtocol: 101 after the content, then an echo
//
// Every knob below defaults to conforming behaviour; a mutant sets one of them. Start serves a
// Behaviour; Conforming and Mutants list the ones the suite uses.
//
// It may import h1, harness/internal (listener, h2field), x/net/http2 and the standard library;
// never the scripted origin, cases, suite or results.
package reference

import "time"

// UploadPath is the upload resource of every reference server.
const UploadPath = "/upload"

// Limit is the largest content the upload resource accepts.
const Limit = 1024

// UpgradeProtocol is the protocol token the reference servers switch to when offered (after a 101
// they echo what they read).
const UpgradeProtocol = "expectspec-echo"

// Behaviour describes how a reference server handles requests. The zero value is a conforming
// server that sends 100 at once, reads and discards after early responses and ignores unknown
// expectations.
type Behaviour struct {
	Name string

	// --- conforming alternatives (all of these conform) ---

	// OmitContinueWhenBodyArrived: skip the 100 when content octets arrived with the head
	// (EXP-MAY-OMIT-100).
	OmitContinueWhenBodyArrived bool
	// CloseAfterEarly: after an early final response (before the content was read), send
	// `Connection: close` and close in stages (half-close, drain briefly, close) instead of reading
	// and discarding the content.
	CloseAfterEarly bool
	// Reject417Unknown: answer 417 when Expect has a member other than 100-continue
	// (EXP-UNKNOWN-417-MAY). Otherwise such members are ignored.
	Reject417Unknown bool

	// ObsFoldReplace: replace obs-fold with SP instead of rejecting with 400 (H1-OBS-FOLD allows both).
	ObsFoldReplace bool
	// NULReplace: replace NUL in field values with SP instead of rejecting (FLD-CR-LF-NUL allows both).
	NULReplace bool

	// --- mutants: each breaks one requirement ---

	// NoContinue: never send 100; wait for the content (EXP-ORIGIN-IMMEDIATE, EXP-ORIGIN-NO-WAIT).
	NoContinue bool
	// ContinueDelay: send the 100 only after this delay (a slow 100: the warn band when between
	// T_imm and T_max).
	ContinueDelay time.Duration
	// NoFinalAfterContinue: after 100 and the whole content, never send a final response
	// (EXP-FINAL-AFTER-100).
	NoFinalAfterContinue bool
	// ContinueContentLength: the 100 carries `Content-Length: 0` (IR-NO-CONTENT-LENGTH).
	ContinueContentLength bool
	// ContinueTransferEncoding: the 100 carries `Transfer-Encoding: chunked` (IR-NO-TRANSFER-ENCODING).
	ContinueTransferEncoding bool
	// ContinueWithContent: write "xx" after the 100's empty line (IR-NO-CONTENT).
	ContinueWithContent bool
	// CaseSensitiveValue: only the exact lowercase "100-continue" is recognised; other spellings are
	// treated as unknown and ignored, so the server waits for the content (EXP-VALUE-CASE).
	CaseSensitiveValue bool
	// CaseSensitiveValue417: other spellings of 100-continue get 417 (EXP-VALUE-CASE; warn).
	CaseSensitiveValue417 bool
	// Reject417Continue: every HTTP/1.1 request with the 100-continue expectation gets 417 and
	// a close, the content unread (EXP-NO-417-FOR-100-CONTINUE; warn: uploads fail).
	Reject417Continue bool
	// CaseSensitiveName: only a field named exactly "Expect" is recognised (FLD-NAME-CASE).
	CaseSensitiveName bool
	// NoTrimOWS: the value is compared without trimming spaces and tabs (FLD-TRIM-OWS). Only the
	// one SP conventionally written after the colon is skipped, so `Expect: 100-continue` still
	// works and `Expect: \t100-continue\t ` does not.
	NoTrimOWS bool
	// WholeValueOnly: the whole field value must equal 100-continue; list forms with empty
	// elements or other members are not recognised (FLD-LIST-EMPTY-ELEMENTS, EXP-ABNF-LIST).
	WholeValueOnly bool
	// FirstLineOnly: only the first Expect field line is considered (FLD-COMBINE-LINES).
	FirstLineOnly bool
	// AcceptWSBeforeColon: `Expect : 100-continue` is accepted as Expect (H1-WS-BEFORE-COLON).
	AcceptWSBeforeColon bool
	// ObsFoldEmpty: an obs-folded value is taken as empty (neither rejected nor replaced) (H1-OBS-FOLD).
	ObsFoldEmpty bool
	// ProcessWSLine: a whitespace-preceded line after the request line is processed as a field
	// (H1-WS-LINE-AFTER-START).
	ProcessWSLine bool
	// NULKeep: NUL is kept in the value, so `100-continue\0` is not recognised and not rejected
	// (FLD-CR-LF-NUL).
	NULKeep bool
	// BareCRDrop: a bare CR inside a field value is dropped silently (H1-BARE-CR).
	BareCRDrop bool
	// OversizeHang: a header section over 8 KiB makes the server stop reading and never answer
	// (FLD-OVERSIZE-4XX).
	OversizeHang bool
	// WaitWithoutFraming: a request with Expect but no Content-Length or Transfer-Encoding is
	// treated as having content still to come; the server waits (T06).
	WaitWithoutFraming bool
	// ChunkedNoContinue: no 100 for chunked content; wait for it (EXP-ORIGIN-IMMEDIATE, T07).
	ChunkedNoContinue bool
	// SkipUnreadContent: when Expect: 100-continue is present and content arrived with the head,
	// answer without consuming it, so the content is parsed as the next request (H1-READ-OR-CLOSE, T08).
	SkipUnreadContent bool
	// HTTP10Continue: send 100 to HTTP/1.0 requests with Expect: 100-continue (EXP-HTTP10-IGNORE,
	// IR-NOT-TO-HTTP10).
	HTTP10Continue bool
	// HTTP10Reject417: answer 417 to HTTP/1.0 requests with Expect: 100-continue (EXP-HTTP10-IGNORE).
	HTTP10Reject417 bool
	// HTTP10Chunked: answer HTTP/1.0 requests with a chunked response (H1-NO-TE-TO-HTTP10).
	HTTP10Chunked bool
	// HTTP10TEKeepOpen: keep the connection open after an HTTP/1.0 request with
	// Transfer-Encoding (H1-HTTP10-TE-FAULTY).
	HTTP10TEKeepOpen bool
	// EarlyNoDiscard: after an early final response without close, take the next octets as a new
	// request instead of the declared content (H1-READ-OR-CLOSE; the desync).
	EarlyNoDiscard bool
	// EarlyCloseSilently: after an early final response, close without saying `Connection: close`
	// (EXP-INDICATE-CLOSE, H1-SEND-CLOSE-OPTION; warn).
	EarlyCloseSilently bool
	// CloseButContinue: say `Connection: close` on the early response but keep processing
	// requests on the connection, taking the next octets as a request (H1-CLOSE-THEN-NO-MORE).
	CloseButContinue bool
	// AbruptClose: after an early final response, close at once without draining, so unread
	// content makes the kernel reset the connection (H1-RST-RISK; warn). On Linux the response
	// already delivered stays readable; the reset shows as a failed write, or a read error after
	// the response.
	AbruptClose bool
	// CLWrap: parse Content-Length modulo 2^64 (SRV-CL-LARGE-NUMBERS).
	CLWrap bool
	// CLListFirst: accept `Content-Length: 5, 6` as 5 (H1-INVALID-CL-400).
	CLListFirst bool
	// CLTEKeepOpen: with both Content-Length and Transfer-Encoding, use chunked and keep the
	// connection open (H1-CL-AND-TE-CLOSE).
	CLTEKeepOpen bool
	// NoLimit413: never answer 413 from the header section; send 100 and wait (T11a: then the
	// 1 TiB request waits for content; info) — combined with NoContinue it is silence.
	NoLimit413 bool
	// LateContinue: send the 100 on the first read of the content, even after an early final
	// response was sent (IR-SEQUENCE-ONE-FINAL).
	LateContinue bool
	// UpgradeBeforeContinue: switch protocols with a 101 before sending the 100 (IR-100-BEFORE-101).
	UpgradeBeforeContinue bool
	// ContinueBeforeHeadEnd: send the 100 as soon as the Expect line arrives, before the header
	// section is complete (SRV-WHOLE-HEADER-SECTION; warn).
	ContinueBeforeHeadEnd bool
	// UnknownContinueNoFinal: send 100 for an unknown expectation and then never a final response
	// (EXP-FINAL-AFTER-100 via T04).
	UnknownContinueNoFinal bool
	// ZeroLengthWait: a request with Expect: 100-continue and `Content-Length: 0` is treated as
	// having content still to come; the server waits (H1-NO-FRAMING-NO-CONTENT, T06b).
	ZeroLengthWait bool
	// ContinueAfterFinal: after the final response of a request that got a 100, send another
	// `100 Continue` although no request is outstanding (IR-SEQUENCE-ONE-FINAL, T12b).
	ContinueAfterFinal bool
	// EarlyFinalThenContinue: answer a request that carries an expectation other than
	// 100-continue with 417 at once, write `HTTP/1.1 100 Continue` 20 ms behind it (so a client
	// reads it after the 417, in a read of its own), then read the content
	// (IR-SEQUENCE-ONE-FINAL: a 1xx after the final response, T04).
	EarlyFinalThenContinue bool
	// SilentIdleClose: never send 100 (as NoContinue) and close the connection once no octet has
	// arrived for this long, the way a server's idle timeout ends its wait for the content
	// (uWSGI's is 4 s): the request gets no answer at all (EXP-ORIGIN-IMMEDIATE,
	// EXP-ORIGIN-NO-WAIT).
	SilentIdleClose time.Duration
}
