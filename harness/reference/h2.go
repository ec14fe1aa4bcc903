package reference

import (
	"bytes"
	"crypto/tls"
	"io"
	"net"
	"strconv"
	"strings"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"

	"github.com/expectspec/expectspec/harness/internal/listener"
)

// The HTTP/2 reference origin: a raw-frame server on x/net/http2's Framer (no net/http between
// the suite and the frames, so a mutant can send exactly the frame that is wrong). It serves h2c
// by prior knowledge on loopback, or h2 over TLS (StartH2TLS). Each request stream to the upload
// resource: a 100 (Continue) as a HEADERS frame carrying only :status and no END_STREAM when the
// request expects 100-continue and its header block did not end the stream (RFC 9113 §8.1,
// §8.8.5), then, once the request's content ended, a 200 echoing it; a request to it that
// declares more than h2UploadLimit octets is answered 413 from the header block instead (RFC
// 9110 §15.5.14). Any other path is answered 404 from the header block at once, the response
// ending the stream (RFC 9113 §8.1.1 lets a server answer before the whole request arrived).
// DATA that still arrives on a stream it answered early is dropped, and its credit given back
// on the connection (RFC 9113 §6.9). What it does not need — priorities, push, trailers — it
// ignores.

// H2Behaviour is an HTTP/2 reference's behaviour; the zero knobs conform.
type H2Behaviour struct {
	Name string
	// EndStreamOn100 sends the 100 with END_STREAM, which makes it malformed (RFC 9113 §8.1:
	// an informational HEADERS frame carrying END_STREAM) and ends the stream before its final.
	EndStreamOn100 bool
	// NoContinue sends no 100 while it waits for the content: it answers only once the
	// content arrived, which a client that waits for the 100 never sends (RFC 9110 §10.1.1).
	NoContinue bool
	// InterimAfterFinal writes the final's HEADERS before its content, then a 100, then the
	// content: a 1xx after the final (RFC 9113 §8.1), as golang/go #14030 once did.
	InterimAfterFinal bool
	// ResetAfterEarlyFinal follows a final decided from the header block (the 404 of another
	// path, the 413 of a declared length over the limit; complete, with END_STREAM) with
	// RST_STREAM carrying EarlyResetCode, to stop the upload it will not read. RFC 9113 §8.1
	// names NO_ERROR for that; another code lets a client drop the response, and
	// REFUSED_STREAM says the request was never processed, which it was (§8.7).
	ResetAfterEarlyFinal bool
	EarlyResetCode       http2.ErrCode
	// NoCreditAfterEarly gives no connection credit back for DATA that arrives on a stream it
	// answered early: the DATA it drops is not accounted for, and the connection's window
	// shrinks until uploads stall (RFC 9113 §6.9).
	NoCreditAfterEarly bool
	// GoawayAfterReset answers DATA that arrives on a stream it reset with GOAWAY
	// (STREAM_CLOSED) and closes the connection: a connection error for frames RFC 9113 §5.1
	// has it discard, since they may have been in flight when it reset the stream.
	GoawayAfterReset bool
	// The field rules (h2fields.go): each knob processes a request RFC 9113 makes malformed
	// as a normal one, a 100 and all, instead of resetting its stream with PROTOCOL_ERROR:
	// one with an uppercase letter in a field name (§8.2.1), one with a value that starts or
	// ends with SP or HTAB (§8.2.1), one with a connection-specific field (§8.2.2).
	AcceptUppercaseName   bool
	AcceptPaddedValue     bool
	AcceptConnectionField bool
	// CaseSensitiveValue takes only the lowercase `100-continue` as the expectation, so a
	// request with `expect: 100-Continue` gets no 100 and waits for nothing: RFC 9110 §10.1.1
	// has the value compared case-insensitively.
	CaseSensitiveValue bool
	// RejectTETrailers counts `te: trailers` among the connection-specific fields and resets
	// the stream with PROTOCOL_ERROR, where RFC 9113 §8.2.2 allows te with that one value.
	RejectTETrailers bool
	// Reject417Continue answers a request that expects 100-continue with a complete 417
	// (Expectation Failed) from its header block: no MUST broken, but the upload fails
	// (EXP-NO-417-FOR-100-CONTINUE).
	Reject417Continue bool
	// ContinueContentLength puts content-length: 0 on the 100, which RFC 9110 §8.6 bars from
	// every 1xx (haproxy #1561 hung on such a 100).
	ContinueContentLength bool
	// DataAfterContinue sends a DATA frame right after the 100, before any final response: an
	// interim response has no content (RFC 9110 §15.2), and RFC 9113 §8.1 has DATA follow the
	// final's header block only.
	DataAfterContinue bool
}

// H2Conforming returns the conforming HTTP/2 references: one that ends an early final's stream
// with END_STREAM alone, one that then also resets it with NO_ERROR.
func H2Conforming() []H2Behaviour {
	return []H2Behaviour{{Name: "ref-h2-continue"}, {Name: "ref-h2-early-reset", ResetAfterEarlyFinal: true, EarlyResetCode: http2.ErrCodeNo}}
}

// H2Mutant is an HTTP/2 mutant: one knob set, the requirements it breaks, the scenario that
// shows it.
type H2Mutant struct {
	Behaviour H2Behaviour
	Breaks    []string
	Scenario  string
}

// H2Mutants returns the HTTP/2 mutants, one knob each.
func H2Mutants() []H2Mutant {
	return []H2Mutant{
		{H2Behaviour{Name: "mut-h2-100-end-stream", EndStreamOn100: true}, []string{"H2-1XX-NO-END-STREAM"}, "T40"},
		{H2Behaviour{Name: "mut-h2-no-continue", NoContinue: true}, []string{"EXP-ORIGIN-IMMEDIATE", "EXP-ORIGIN-NO-WAIT"}, "T40"},
		{H2Behaviour{Name: "mut-h2-interim-after-final", InterimAfterFinal: true}, []string{"IR-SEQUENCE-ONE-FINAL", "H2-NO-HEADERS-AFTER-FINAL"}, "T42"},
		{H2Behaviour{Name: "mut-h2-early-cancel", ResetAfterEarlyFinal: true, EarlyResetCode: http2.ErrCodeCancel}, []string{"H2-EARLY-RST-NO-ERROR"}, "T41"},
		{H2Behaviour{Name: "mut-h2-early-refused", ResetAfterEarlyFinal: true, EarlyResetCode: http2.ErrCodeRefusedStream}, []string{"H2-NO-REFUSED-AFTER-PROCESSING"}, "T41"},
		{H2Behaviour{Name: "mut-h2-early-no-credit", NoCreditAfterEarly: true}, []string{"H2-FLOW-ACCOUNT"}, "T41"},
		{H2Behaviour{Name: "mut-h2-goaway-after-reset", ResetAfterEarlyFinal: true, EarlyResetCode: http2.ErrCodeNo, GoawayAfterReset: true}, []string{"H2-AFTER-RST-DISCARD"}, "T41"},
		{H2Behaviour{Name: "mut-h2-accepts-uppercase-name", AcceptUppercaseName: true}, []string{"H2-FIELD-VALIDITY", "H2-MALFORMED-STREAM-ERROR"}, "T43"},
		{H2Behaviour{Name: "mut-h2-accepts-padded-value", AcceptPaddedValue: true}, []string{"H2-FIELD-VALIDITY", "H2-MALFORMED-STREAM-ERROR"}, "T43"},
		{H2Behaviour{Name: "mut-h2-accepts-connection-field", AcceptConnectionField: true}, []string{"H2-CONN-SPECIFIC", "H2-MALFORMED-STREAM-ERROR"}, "T43"},
		{H2Behaviour{Name: "mut-h2-case-sensitive-value", CaseSensitiveValue: true}, []string{"EXP-VALUE-CASE", "EXP-ORIGIN-IMMEDIATE"}, "T43"},
		{H2Behaviour{Name: "mut-h2-rejects-te-trailers", RejectTETrailers: true}, []string{"H2-CONN-SPECIFIC"}, "T43"},
		{H2Behaviour{Name: "mut-h2-417-continue", Reject417Continue: true}, []string{"EXP-NO-417-FOR-100-CONTINUE"}, "T01"},
		{H2Behaviour{Name: "mut-h2-100-content-length", ContinueContentLength: true}, []string{"IR-NO-CONTENT-LENGTH"}, "T40"},
		{H2Behaviour{Name: "mut-h2-data-after-100", DataAfterContinue: true}, []string{"IR-NO-CONTENT"}, "T40"},
	}
}

// H2ByName returns the HTTP/2 reference or mutant with this name.
func H2ByName(name string) (H2Behaviour, bool) {
	for _, b := range H2Conforming() {
		if b.Name == name {
			return b, true
		}
	}
	for _, m := range H2Mutants() {
		if m.Behaviour.Name == name {
			return m.Behaviour, true
		}
	}
	return H2Behaviour{}, false
}

// H2Server is a running HTTP/2 reference.
type H2Server struct {
	b    H2Behaviour
	loop *listener.Loop
}

// StartH2 serves b as h2c on a loopback port.
func StartH2(b H2Behaviour) (*H2Server, error) { return StartH2TLS(b, nil) }

// StartH2TLS serves b on a loopback port over TLS with cfg (h2 by ALPN: cfg's NextProtos are
// set to h2 alone), or as h2c when cfg is nil.
func StartH2TLS(b H2Behaviour, cfg *tls.Config) (*H2Server, error) {
	ln, err := listener.Loopback(cfg, "h2")
	if err != nil {
		return nil, err
	}
	s := &H2Server{b: b}
	s.loop = listener.Serve(ln, s.serve)
	return s, nil
}

// Addr is the server's host:port.
func (s *H2Server) Addr() string { return s.loop.Addr().String() }

// Close stops accepting, closes every live connection and returns once each has ended.
func (s *H2Server) Close() error { return s.loop.Close() }

// h2UploadLimit is the most content the reference takes on its upload resource.
const h2UploadLimit = 1 << 30

// h2Request is what the reference keeps of a request stream.
type h2Request struct {
	content bytes.Buffer
}

func (s *H2Server) serve(c net.Conn) {
	defer c.Close()
	c.SetDeadline(time.Now().Add(30 * time.Second))
	preface := make([]byte, len(http2.ClientPreface))
	if _, err := io.ReadFull(c, preface); err != nil || string(preface) != http2.ClientPreface {
		return
	}
	fr := http2.NewFramer(c, c)
	blocks := newHeaderBlocks()
	var block bytes.Buffer
	enc := hpack.NewEncoder(&block)
	headers := func(id uint32, end bool, fields ...string) error {
		block.Reset()
		for i := 0; i+1 < len(fields); i += 2 {
			enc.WriteField(hpack.HeaderField{Name: fields[i], Value: fields[i+1]})
		}
		return fr.WriteHeaders(http2.HeadersFrameParam{StreamID: id, BlockFragment: block.Bytes(), EndStream: end, EndHeaders: true})
	}
	final := func(id uint32, status string, content []byte) error {
		if err := headers(id, len(content) == 0, ":status", status, "content-length", strconv.Itoa(len(content))); err != nil || len(content) == 0 {
			return err
		}
		if s.b.InterimAfterFinal {
			if err := headers(id, false, ":status", "100"); err != nil {
				return err
			}
		}
		return fr.WriteData(id, true, content)
	}
	if fr.WriteSettings() != nil {
		return
	}
	streams := map[uint32]*h2Request{}
	early := &earlyStreams{answered: map[uint32]bool{}, reset: map[uint32]bool{}}
	for {
		f, err := fr.ReadFrame()
		if err != nil {
			return
		}
		switch f := f.(type) {
		case *http2.SettingsFrame:
			if !f.IsAck() {
				err = fr.WriteSettingsAck()
			}
		case *http2.PingFrame:
			if !f.IsAck() {
				err = fr.WritePing(true, f.Data)
			}
		case *http2.HeadersFrame, *http2.ContinuationFrame:
			mh, berr := blocks.add(f)
			if berr != nil || mh == nil {
				err = berr
				break
			}
			id := mh.StreamID
			switch {
			case s.b.malformed(mh.Fields):
				err = fr.WriteRSTStream(id, http2.ErrCodeProtocol)
			case mh.PseudoValue("path") != UploadPath:
				err = s.early(fr, final, early, id, "404")
			case declared(mh.Fields) > h2UploadLimit:
				err = s.early(fr, final, early, id, "413")
			case mh.StreamEnded():
				err = final(id, "200", nil)
			case s.b.Reject417Continue && s.b.expectsContinue(mh.Fields):
				err = final(id, "417", nil)
			default:
				streams[id] = &h2Request{}
				if s.b.expectsContinue(mh.Fields) && !s.b.NoContinue {
					err = s.b.sendContinue(fr, headers, id)
				}
			}
		case *http2.DataFrame:
			q := streams[f.StreamID]
			if early.reset[f.StreamID] && s.b.GoawayAfterReset {
				fr.WriteGoAway(f.StreamID, http2.ErrCodeStreamClosed, nil)
				listener.LingerClose(c, h2GoawayLinger)
				return
			}
			if n := f.Length; n > 0 && !(early.answered[f.StreamID] && s.b.NoCreditAfterEarly) {
				fr.WriteWindowUpdate(0, n) // give the credit back, so uploads never stall on us
				if q != nil && !f.StreamEnded() {
					fr.WriteWindowUpdate(f.StreamID, n)
				}
			}
			if q == nil {
				break
			}
			q.content.Write(f.Data())
			if f.StreamEnded() {
				delete(streams, f.StreamID)
				err = final(f.StreamID, "200", q.content.Bytes())
			}
		}
		if err != nil {
			return
		}
	}
}

// h2GoawayLinger bounds the lingering close after a mutant's GOAWAY. The GOAWAY is the mutant's
// one departure from the reference: closing at once with the client's in-flight DATA unread
// reset the connection, and the witness saw a reset (info) instead of the connection error it
// names, once in a few runs.
const h2GoawayLinger = time.Second

// earlyStreams are the streams of a connection the reference answered early, and those of them
// it reset: what the mutants need to treat the DATA that still arrives on them otherwise.
type earlyStreams struct{ answered, reset map[uint32]bool }

// early answers a request from its header block with a complete final response at once, and,
// with ResetAfterEarlyFinal, resets the stream to stop the upload it will not read. The DATA
// still arriving on the stream is dropped (the loop keeps no request for it), its credit given
// back on the connection.
func (s *H2Server) early(fr *http2.Framer, final func(uint32, string, []byte) error, e *earlyStreams, id uint32, status string) error {
	e.answered[id] = true
	content := "no such resource\n"
	if status == "413" {
		content = "content too large\n"
	}
	if err := final(id, status, []byte(content)); err != nil || !s.b.ResetAfterEarlyFinal {
		return err
	}
	e.reset[id] = true
	return fr.WriteRSTStream(id, s.b.EarlyResetCode)
}

// declared is a request's content-length, or -1 when it has none or it is not a number.
func declared(fields []hpack.HeaderField) int64 {
	for _, f := range fields {
		if f.Name == "content-length" {
			n, err := strconv.ParseInt(f.Value, 10, 64)
			if err != nil {
				return -1
			}
			return n
		}
	}
	return -1
}

// expectsContinue reports whether a request's fields carry the 100-continue expectation (the
// value compares case-insensitively, RFC 9110 §10.1.1; the name too, so that a mutant that
// accepts an uppercase name treats it as HTTP/1.1 would; CaseSensitiveValue compares the value
// exactly).
func (b H2Behaviour) expectsContinue(fields []hpack.HeaderField) bool {
	for _, f := range fields {
		v := strings.TrimSpace(f.Value)
		if strings.EqualFold(f.Name, "expect") && (v == "100-continue" || !b.CaseSensitiveValue && strings.EqualFold(v, "100-continue")) {
			return true
		}
	}
	return false
}

// sendContinue sends the 100 for stream id as the behaviour's knobs say.
func (b H2Behaviour) sendContinue(fr *http2.Framer, headers func(uint32, bool, ...string) error, id uint32) error {
	fields := []string{":status", "100"}
	if b.ContinueContentLength {
		fields = append(fields, "content-length", "0")
	}
	if err := headers(id, b.EndStreamOn100, fields...); err != nil || !b.DataAfterContinue {
		return err
	}
	return fr.WriteData(id, false, []byte("continue\n"))
}
