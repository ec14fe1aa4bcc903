package reference

import (
	"bytes"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// The HTTP/2 reference origin: a raw-frame server on x/net/http2's Framer (no net/http between
// the suite and the frames, so a mutant can send exactly the frame that is wrong). It serves h2c
// by prior knowledge on loopback. Each request stream: a 100 (Continue) as a HEADERS frame
// carrying only :status and no END_STREAM when the request expects 100-continue and its header
// block did not end the stream (RFC 9113 §8.1, §8.8.5), then, once the request's content ended,
// a 200 echoing it. What it does not need — priorities, push, trailers — it ignores.

// H2Behaviour is an HTTP/2 reference's behaviour; the zero knobs conform.
type H2Behaviour struct {
	Name string
	// EndStreamOn100 sends the 100 with END_STREAM, which makes it malformed (RFC 9113 §8.1:
	// an informational HEADERS frame carrying END_STREAM) and ends the stream before its final.
	EndStreamOn100 bool
}

// H2Conforming returns the conforming HTTP/2 references.
func H2Conforming() []H2Behaviour { return []H2Behaviour{{Name: "ref-h2-continue"}} }

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
	ln net.Listener
	b  H2Behaviour
	wg sync.WaitGroup
}

// StartH2 serves b as h2c on a loopback port.
func StartH2(b H2Behaviour) (*H2Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &H2Server{ln: ln, b: b}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.wg.Add(1)
			go func() { defer s.wg.Done(); s.serve(c) }()
		}
	}()
	return s, nil
}

// Addr is the server's host:port.
func (s *H2Server) Addr() string { return s.ln.Addr().String() }

// Close stops accepting; connections end at their deadline or when the client closes.
func (s *H2Server) Close() error {
	err := s.ln.Close()
	s.wg.Wait()
	return err
}

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
	fr.ReadMetaHeaders = hpack.NewDecoder(4096, nil)
	var block bytes.Buffer
	enc := hpack.NewEncoder(&block)
	headers := func(id uint32, end bool, fields ...string) error {
		block.Reset()
		for i := 0; i+1 < len(fields); i += 2 {
			enc.WriteField(hpack.HeaderField{Name: fields[i], Value: fields[i+1]})
		}
		return fr.WriteHeaders(http2.HeadersFrameParam{StreamID: id, BlockFragment: block.Bytes(), EndStream: end, EndHeaders: true})
	}
	final := func(id uint32, content []byte) error {
		if err := headers(id, len(content) == 0, ":status", "200", "content-length", strconv.Itoa(len(content))); err != nil || len(content) == 0 {
			return err
		}
		return fr.WriteData(id, true, content)
	}
	if fr.WriteSettings() != nil {
		return
	}
	streams := map[uint32]*h2Request{}
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
		case *http2.MetaHeadersFrame:
			id := f.StreamID
			if f.StreamEnded() {
				err = final(id, nil)
				break
			}
			streams[id] = &h2Request{}
			if expectsContinue(f.Fields) {
				err = headers(id, s.b.EndStreamOn100, ":status", "100")
			}
		case *http2.DataFrame:
			q := streams[f.StreamID]
			if q == nil {
				break
			}
			q.content.Write(f.Data())
			if n := f.Length; n > 0 { // give the credit back, so uploads never stall on us
				fr.WriteWindowUpdate(0, n)
				if !f.StreamEnded() {
					fr.WriteWindowUpdate(f.StreamID, n)
				}
			}
			if f.StreamEnded() {
				delete(streams, f.StreamID)
				err = final(f.StreamID, q.content.Bytes())
			}
		}
		if err != nil {
			return
		}
	}
}

// expectsContinue reports whether a request's fields carry the 100-continue expectation (the
// value compares case-insensitively, RFC 9110 §10.1.1; h2 field names are lowercase).
func expectsContinue(fields []hpack.HeaderField) bool {
	for _, f := range fields {
		if f.Name == "expect" && strings.EqualFold(strings.TrimSpace(f.Value), "100-continue") {
			return true
		}
	}
	return false
}
