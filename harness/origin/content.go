package origin

import (
	"github.com/expectspec/expectspec/harness/conv"
	"github.com/expectspec/expectspec/harness/h1"
	"github.com/expectspec/expectspec/harness/internal/wire"
)

// contentEnd is how the reading of a request's content ended.
type contentEnd int

const (
	contentComplete contentEnd = iota // every declared octet arrived
	contentDesync                     // a request for a case began inside the declared content
	contentGone                       // the connection ended or fell silent first
	contentBroken                     // the chunked coding is broken
	contentLimit                      // more content than the origin reads for one request
	contentClosing                    // an early final went out inside the content, and the script closes
)

// readContent reads the declared content, recording every read with its time. It stops at the
// end of the content, where the octets that follow are left for the next request; at the start
// of a request for a case found inside the content (an intermediary that abandoned the body and
// reused the connection), where that request is left to be served next; or when the connection
// ends. After an early final the same octets are also logged as arriving after the response.
func (c *conn) readContent(x *exchange) contentEnd {
	if !x.hasContent() {
		c.o.update(func() { x.rec.Complete = true })
		return contentComplete
	}
	cr := &contentReader{c: c, x: x, remaining: x.head.length}
	if x.head.chunked {
		cr.framer = &h1.Chunked{}
	}
	for {
		seg, err := c.r.Next(readSize)
		if err != nil {
			c.closed(c.cause(err))
			return contentGone
		}
		end, done, broken := cr.boundary(seg.Data)
		// Search the octets kept from earlier reads too: a request-line may span two reads.
		scan := append(append([]byte(nil), cr.tail...), seg.Data...)
		if start, line, ok := findRequest(scan, len(cr.tail)+end); ok && !x.script.ContentIsContent {
			k := max(start-len(cr.tail), 0)
			cr.consume(seg, seg.Data[:k])
			c.r.Unread(wire.Segment{Data: scan[start:], At: seg.At, Seq: seg.Seq})
			c.o.update(func() {
				x.rec.NextRequestOnConn, x.rec.NextRequestAt, x.rec.NextRequestLine = true, x.at(seg.At), line
			})
			return contentDesync
		}
		cr.consume(seg, seg.Data[:end])
		c.r.Unread(wire.Segment{Data: seg.Data[end:], At: seg.At, Seq: seg.Seq})
		if end > 0 && !done {
			closing, ok := c.earlyInContent(x)
			switch {
			case !ok:
				return contentGone
			case closing:
				return contentClosing
			}
		}
		switch {
		case done:
			c.o.update(func() { x.rec.Complete = true })
			return contentComplete
		case broken != nil:
			c.o.update(func() { x.rec.FramingError = "chunked content: " + broken.Error() })
			return contentBroken
		case cr.read > maxContentRead || x.responded && cr.read > maxReadAfterResponse:
			c.o.update(func() { x.rec.Truncated = true })
			return contentLimit
		}
	}
}

// contentReader is the state of reading one request's content.
type contentReader struct {
	c         *conn
	x         *exchange
	remaining int64       // Content-Length octets still to come
	framer    *h1.Chunked // chunked coding, or nil
	read      int64       // octets of content read so far, on the wire
	tail      []byte      // the last content octets, to find a request-line split across reads
}

// boundary says how many octets of b belong to the content, whether they complete it, and
// whether the chunked coding broke at that point. Nothing is committed.
func (cr *contentReader) boundary(b []byte) (end int, done bool, broken error) {
	if cr.framer == nil {
		if int64(len(b)) >= cr.remaining {
			return int(cr.remaining), true, nil
		}
		return len(b), false, nil
	}
	f := cr.framer.Clone()
	n, err := f.Feed(b, nil)
	return n, f.Done(), err
}

// consume commits b, the content octets of seg, to the record.
func (cr *contentReader) consume(seg wire.Segment, b []byte) {
	if len(b) == 0 {
		return
	}
	x := cr.x
	cr.read += int64(len(b))
	cr.tail = append(cr.tail, b...)
	if n := len(cr.tail); n > maxTrailingTail {
		cr.tail = append(cr.tail[:0], cr.tail[n-maxTrailingTail:]...)
	}
	var decoded [][]byte
	if cr.framer == nil {
		cr.remaining -= int64(len(b))
		decoded = [][]byte{b}
	} else {
		_, _ = cr.framer.Feed(b, func(d []byte) { decoded = append(decoded, d) })
	}
	at := x.at(seg.At)
	cr.c.o.update(func() {
		q := x.rec
		if len(q.ContentAt) == 0 && seg.Seq == x.headSeq {
			q.HeadBeforeContent = false
		}
		q.ContentAt = appendArrival(q, q.ContentAt, conv.Arrival{At: at, N: len(b)})
		for _, d := range decoded {
			keepContent(q, d)
		}
	})
	if x.responded {
		cr.c.logAfter(x, wire.Segment{Data: b, At: seg.At, Seq: seg.Seq})
	}
}
