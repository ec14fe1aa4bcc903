package origin

import (
	"fmt"
	"strconv"
	"time"

	"golang.org/x/net/http2"

	"github.com/expectspec/expectspec/harness/conv"
	"github.com/expectspec/expectspec/harness/h1"
)

// One request stream of an HTTP/2 connection: its record, and the script's answers. The
// script's HeadActions mean over HTTP/2 what they mean over HTTP/1.1, its responses are sent
// as frames (h2message.go), and AfterEarly EarlyResetNoError adds RST_STREAM(NO_ERROR) behind
// an early final. EarlyClose and HTTP10 have no HTTP/2 meaning here: the stream reads on.

// h2stream is one request stream.
type h2stream struct {
	o         *Origin
	x         *exchange
	ended     bool // the client ended its side (END_STREAM)
	reset     bool // either side reset the stream: no more credit for it
	earlyNext bool // HeadContinueThenFinal: the early final goes out on the first content
}

// onHeaders starts a request stream, or ends one with trailers.
func (h *h2conn) onHeaders(f *http2.MetaHeadersFrame) error {
	id := f.StreamID
	if s := h.streams[id]; s != nil { // trailers: only their END_STREAM matters here
		if f.StreamEnded() {
			s.record(nil, true, time.Now())
			return h.answerContent(s, false, true)
		}
		return nil
	}
	if id <= h.lastID || id%2 == 0 || len(h.streams) >= maxH2Streams {
		return errH2Limit // a stream id going back, a server's, or too many streams
	}
	h.lastID = id
	x := h.begin(f)
	s := &h2stream{o: h.c.o, x: x}
	h.streams[id] = s
	if f.StreamEnded() {
		s.record(nil, true, time.Now())
	}
	if f.Truncated {
		return h.respond(s, "HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Length: 0\r\n\r\n", false)
	}
	return h.answerHead(s)
}

// begin records a request's header block, as conn.begin does a request head.
func (h *h2conn) begin(f *http2.MetaHeadersFrame) *exchange {
	now := time.Now()
	p := parsedHead{method: f.PseudoValue("method"), target: f.PseudoValue("path"), proto: "HTTP/2", minor: 1, length: -1}
	for _, hf := range f.Fields {
		p.fields = append(p.fields, conv.Field{Name: hf.Name, Value: hf.Value})
		if hf.Name == "content-length" {
			if n, err := strconv.ParseInt(hf.Value, 10, 64); err == nil && n >= 0 {
				p.length = n
			}
		}
	}
	c := h.c
	token, script := c.o.scriptFor(tokenOf(p.target, p.fields))
	x := &exchange{script: script, head: p}
	c.last = x
	c.o.newRequest(token, c.info, func(e *entry, rec *conv.OriginRequest) {
		x.e, x.rec = e, rec
		rec.StartAt, rec.HeadAt = x.at(now), x.at(now)
		rec.RequestLine = fmt.Sprintf("%s %s HTTP/2", p.method, p.target)
		rec.Method, rec.Target, rec.Proto, rec.Stream = p.method, p.target, p.proto, f.StreamID
		rec.Fields = p.fields
		rec.ExpectValues = rec.Get("Expect")
		rec.ExpectSeen = len(rec.ExpectValues) > 0
		rec.ExpectsContinue = h1.ExpectsContinue(rec.ExpectValues)
		switch {
		case p.length >= 0:
			rec.Framing, rec.DeclaredLength = "content-length", p.length
		case !f.StreamEnded():
			rec.Framing = "data"
		}
		rec.HeadBeforeContent = !f.StreamEnded()
		rec.Truncated = f.Truncated
	})
	return x
}

// record logs DATA (or the end of the stream) on the stream's request.
func (s *h2stream) record(data []byte, ended bool, now time.Time) {
	x := s.x
	s.ended = s.ended || ended
	o := x.rec
	update := func() {
		if len(data) > 0 {
			o.ContentAt = appendArrival(o, o.ContentAt, conv.Arrival{At: x.at(now), N: len(data)})
			o.ContentLen += int64(len(data))
			if room := maxContentKept - len(o.Content); room > 0 {
				o.Content = append(o.Content, data[:min(len(data), room)]...)
			}
			if x.responded {
				o.AfterResponse = appendArrival(o, o.AfterResponse, conv.Arrival{At: x.at(now), N: len(data)})
				if room := maxAfterBytes - len(o.AfterBytes); room > 0 {
					o.AfterBytes = append(o.AfterBytes, data[:min(len(data), room)]...)
				}
			}
		}
		if ended && !o.EndStream {
			o.EndStream, o.EndStreamAt = true, x.at(now)
			o.Complete = o.DeclaredLength < 0 || o.ContentLen == o.DeclaredLength
		}
	}
	s.xUpdate(update)
}

// answerHead does what the script says once the header block has arrived.
func (h *h2conn) answerHead(s *h2stream) error {
	x, sc := s.x, s.x.script
	switch {
	case sc.FollowUp != "" && s.ended && x.rec.ContentLen == 0:
		return h.respond(s, sc.FollowUp, false)
	case sc.OnHead == conv.HeadFinal || sc.OnHead == conv.HeadFinalIfExpect && x.rec.ExpectSeen:
		return h.early(s)
	case s.ended:
		return h.answerContent(s, false, true)
	case sc.OnHead == conv.HeadContinue && x.rec.ExpectsContinue, sc.OnHead == conv.HeadContinueAlways:
		return h.interim(s, or(sc.Continue, conv.Continue100))
	case sc.OnHead == conv.HeadContinueThenFinal:
		s.earlyNext = true
		return h.interim(s, or(sc.Continue, conv.Continue100))
	}
	return nil // HeadWait, and HeadContinue without the expectation: wait for the content
}

// answerContent sends the early final on the first content of a HeadContinueThenFinal script,
// and the interims and final once the stream ended, unless a final went out already.
func (h *h2conn) answerContent(s *h2stream, content, ended bool) error {
	switch {
	case s.x.responded:
		return nil
	case s.earlyNext && content:
		return h.early(s)
	case ended:
		for _, m := range s.x.script.Interims {
			if err := h.interim(s, m); err != nil {
				return err
			}
		}
		return h.respond(s, or(s.x.script.Final, conv.OK200), false)
	}
	return nil
}

// early sends the script's early final, and RST_STREAM(NO_ERROR) behind it with
// EarlyResetNoError (RFC 9113 §8.1) when the client has not ended its stream.
func (h *h2conn) early(s *h2stream) error {
	if err := h.respond(s, or(s.x.script.Early, conv.ExpectationFailed417), true); err != nil {
		return err
	}
	if s.x.script.AfterEarly != conv.EarlyResetNoError || s.ended || s.reset {
		return nil
	}
	err := s.o.sendRecorded(s.x, "RST_STREAM NO_ERROR", func() error { return h.fr.WriteRSTStream(s.x.rec.Stream, http2.ErrCodeNo) },
		func() { s.x.rec.ServerReset = http2.ErrCodeNo.String() })
	s.reset = err == nil
	return err
}

// interim sends the 1xx messages of raw (any final in it is a defect of the script: refused).
func (h *h2conn) interim(s *h2stream, raw conv.RawMessage) error {
	ms, err := h2Messages(raw)
	if err != nil {
		return err
	}
	for _, m := range ms {
		if m.status >= 200 {
			return fmt.Errorf("origin: scripted interim %q holds a final response", raw)
		}
		if err := h.write(s, m); err != nil {
			return err
		}
	}
	return nil
}

// respond sends raw, 1xx and all, up to its final response, which ends the stream.
func (h *h2conn) respond(s *h2stream, raw conv.RawMessage, early bool) error {
	ms, err := h2Messages(raw)
	if err != nil {
		return err
	}
	for _, m := range ms {
		if m.status < 200 {
			if err := h.write(s, m); err != nil {
				return err
			}
			continue
		}
		isEarly := early && !s.ended
		err := h.write(s, m, func() { s.x.rec.EarlyFinal = isEarly })
		s.x.responded = err == nil
		return err
	}
	return nil
}

// write sends one message on the stream and records it; also runs in the same record update.
func (h *h2conn) write(s *h2stream, m h2Message, also ...func()) error {
	id := s.x.rec.Stream
	final := m.status >= 200
	return s.o.sendRecorded(s.x, conv.RawMessage(m.describe()), func() error {
		if err := h.headers(id, final && len(m.content) == 0, m); err != nil {
			return err
		}
		if final && len(m.content) > 0 {
			return h.fr.WriteData(id, true, m.content)
		}
		return nil
	}, also...)
}

// xUpdate runs f with the records locked.
func (s *h2stream) xUpdate(f func()) { s.o.update(f) }
