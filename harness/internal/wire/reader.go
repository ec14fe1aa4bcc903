// Package wire is the connection reader that the scripted origin and the reference gateways
// share: it remembers when each read's octets arrived and splits a head into lines. It holds no
// grammar (chunk sizes, Content-Length, list fields and the chunked framer are h1's, read with
// the rules each side names) and knows nothing about scripts or records. It imports only the
// standard library.
package wire

import (
	"errors"
	"io"
	"net"
	"sync/atomic"
	"time"
)

// ErrTooLarge is returned when a head or a line exceeds its bound.
var ErrTooLarge = errors.New("wire: head larger than allowed")

// readSize is the most one underlying read asks for.
const readSize = 32 << 10

// Segment is octets that arrived in one underlying read (or the unconsumed rest of them).
type Segment struct {
	Data []byte
	At   time.Time // when the read returned
	Seq  int       // the index of the read on its connection, from 1
}

// Reader reads a connection one read at a time and keeps the octets not yet consumed as
// segments, so that every octet handed out carries the time it arrived. One goroutine owns it;
// only SetIdle may be called from another.
type Reader struct {
	conn net.Conn
	idle atomic.Int64 // time.Duration
	segs []Segment
	seq  int
	buf  []byte
}

// NewReader reads c; every read waits at most idle for the peer.
func NewReader(c net.Conn, idle time.Duration) *Reader {
	r := &Reader{conn: c}
	r.idle.Store(int64(idle))
	return r
}

// SetIdle changes how long each read waits for the peer, including a read already waiting: it
// may be called while the owner is blocked in a read.
func (r *Reader) SetIdle(d time.Duration) {
	r.idle.Store(int64(d))
	_ = r.conn.SetReadDeadline(time.Now().Add(d))
}

// idleDeadline arms the read deadline from the idle timeout. The timeout is read again after
// arming, so a concurrent SetIdle wins whichever way the two interleave: either SetIdle's own
// deadline comes last, or the second load sees its value.
func (r *Reader) idleDeadline() {
	d := time.Duration(r.idle.Load())
	_ = r.conn.SetReadDeadline(time.Now().Add(d))
	if d2 := time.Duration(r.idle.Load()); d2 != d {
		_ = r.conn.SetReadDeadline(time.Now().Add(d2))
	}
}

// Buffered is how many octets have arrived and not been consumed.
func (r *Reader) Buffered() int {
	n := 0
	for _, s := range r.segs {
		n += len(s.Data)
	}
	return n
}

// fill performs one read with a deadline of d from now (the idle timeout when d is 0) and
// appends what it got.
func (r *Reader) fill(d time.Duration) error {
	if r.buf == nil {
		r.buf = make([]byte, readSize)
	}
	if d > 0 {
		_ = r.conn.SetReadDeadline(time.Now().Add(d))
	} else {
		r.idleDeadline()
	}
	n, err := r.conn.Read(r.buf)
	if n > 0 {
		r.seq++
		r.segs = append(r.segs, Segment{Data: append([]byte(nil), r.buf[:n]...), At: time.Now(), Seq: r.seq})
		return nil
	}
	if err == nil {
		err = io.ErrNoProgress
	}
	return err
}

// Next returns up to max octets of the oldest unconsumed segment, reading first when nothing is
// buffered.
func (r *Reader) Next(max int) (Segment, error) {
	return r.NextWithin(max, 0)
}

// NextWithin is Next with a read deadline of d instead of the idle timeout (d > 0).
func (r *Reader) NextWithin(max int, d time.Duration) (Segment, error) {
	if len(r.segs) == 0 {
		if err := r.fill(d); err != nil {
			return Segment{}, err
		}
	}
	s := r.segs[0]
	if len(s.Data) > max {
		r.segs[0].Data = s.Data[max:]
		s.Data = s.Data[:max:max]
		return s, nil
	}
	r.segs = r.segs[1:]
	return s, nil
}

// Unread puts segments back in front of what is buffered, oldest first.
func (r *Reader) Unread(segs ...Segment) {
	var keep []Segment
	for _, s := range segs {
		if len(s.Data) > 0 {
			keep = append(keep, s)
		}
	}
	r.segs = append(keep, r.segs...)
}

// Read implements io.Reader over the buffered segments and the connection.
func (r *Reader) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	s, err := r.Next(len(p))
	return copy(p, s.Data), err
}

// Head is a start line and header section as it arrived.
type Head struct {
	Raw   []byte   // every octet from the start line to the empty line, both included
	Lines []string // the start line and the field lines, without their CRLF or LF
	// StartAt is when the start line's first octet arrived; EndAt and EndSeq are those of the
	// read that brought the empty line.
	StartAt time.Time
	EndAt   time.Time
	EndSeq  int
}

// ReadHead reads up to and including the empty line that ends a header section. Up to skipEmpty
// empty lines before the start line are skipped (RFC 9112 §2.2). A line ends at LF; a CR before
// it is removed, any other CR is kept for the caller to judge. max bounds Raw. A peer that
// closes before the head is complete gives io.ErrUnexpectedEOF, or io.EOF if nothing of it came.
func (r *Reader) ReadHead(max, skipEmpty int) (*Head, error) {
	h := &Head{}
	for {
		line, first, last, err := r.line(max - len(h.Raw))
		if err != nil {
			if errors.Is(err, io.EOF) && (len(h.Raw) > 0 || len(line) > 0) {
				err = io.ErrUnexpectedEOF
			}
			return nil, err
		}
		text := trimEOL(line)
		if len(h.Lines) == 0 && len(text) == 0 && skipEmpty > 0 {
			skipEmpty--
			continue
		}
		if len(h.Raw) == 0 {
			h.StartAt = first.At
		}
		h.Raw = append(h.Raw, line...)
		if len(text) == 0 && len(h.Lines) > 0 {
			h.EndAt, h.EndSeq = last.At, last.Seq
			return h, nil
		}
		h.Lines = append(h.Lines, string(text))
	}
}

// line consumes octets up to and including the next LF, at most max of them. It returns the
// segments (without data) of the first and last octet, for their arrival times.
func (r *Reader) line(max int) (line []byte, first, last Segment, err error) {
	for {
		if len(r.segs) == 0 {
			if err := r.fill(0); err != nil {
				return line, first, last, err
			}
		}
		s := &r.segs[0]
		if len(line) == 0 {
			first = Segment{At: s.At, Seq: s.Seq}
		}
		last = Segment{At: s.At, Seq: s.Seq}
		n := len(s.Data)
		for i, b := range s.Data {
			if b == '\n' {
				n = i + 1
				break
			}
		}
		if len(line)+n > max {
			return nil, first, last, ErrTooLarge
		}
		line = append(line, s.Data[:n]...)
		s.Data = s.Data[n:]
		if len(s.Data) == 0 {
			r.segs = r.segs[1:]
		}
		if line[len(line)-1] == '\n' {
			return line, first, last, nil
		}
	}
}

// trimEOL removes the LF and one CR before it.
func trimEOL(line []byte) []byte {
	line = line[:len(line)-1]
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	return line
}
