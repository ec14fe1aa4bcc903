package h1

import (
	"bytes"
	"errors"
	"fmt"
	"testing"

	"github.com/expectspec/expectspec/harness/conv"
)

// fuzzLimits are small so that the fuzzer reaches every limit with short inputs.
var fuzzLimits = Limits{MaxHead: 256, MaxFields: 6, MaxBody: 24, MaxMessages: 12}

// run is one parse of an input fed in pieces, with its invariants checked after every Feed.
type run struct {
	msgs    []*conv.Response
	pending *conv.Response // Pending just before EOF
	err     error
}

// feedSplit feeds data in pieces whose lengths come from cuts (each octet is a length of 1 to
// 256; the last length repeats), then calls EOF.
func feedSplit(t *testing.T, data, cuts []byte) run {
	p := NewParser(fuzzLimits)
	var r run
	for i := 0; len(data) > 0; i++ {
		n := len(data)
		if len(cuts) > 0 {
			n = int(cuts[min(i, len(cuts)-1)]) + 1
		}
		n = min(n, len(data))
		msgs, err := p.Feed(data[:n])
		data = data[n:]
		r.msgs = append(r.msgs, msgs...)
		checkBounds(t, p)
		checkPending(t, p, err)
		if err != nil {
			if _, again := p.Feed([]byte("HTTP/1.1 200 OK\r\n\r\n")); again != err {
				t.Fatalf("a dead parser returned %v, then %v", err, again)
			}
			r.err = err
			return r
		}
	}
	r.pending = p.Pending()
	m, err := p.EOF()
	if m != nil {
		r.msgs = append(r.msgs, m)
	}
	r.err = err
	// A message in progress at EOF is completed by it when close-delimited, with the same
	// content, and is otherwise cut short: EOF reports a truncation and Pending keeps it.
	switch after := p.Pending(); {
	case r.pending == nil:
		if after != nil {
			t.Fatalf("nothing pending before EOF, %+v after", after)
		}
	case r.pending.Framing == "close":
		if m == nil || err != nil || after != nil || !sameMessage(m, r.pending) {
			t.Fatalf("pending %+v before EOF; EOF gave %+v, %v; pending %+v after", r.pending, m, err, after)
		}
	default:
		if m != nil || !errors.Is(err, ErrTruncated) || after == nil || !sameMessage(after, r.pending) {
			t.Fatalf("pending %+v before EOF; EOF gave %+v, %v; pending %+v after", r.pending, m, err, after)
		}
	}
	return r
}

// checkPending checks Pending after a Feed: nil on a dead parser or between messages, else a
// message with content framing, within the limits, that the parser did not mark Truncated.
func checkPending(t *testing.T, p *Parser, err error) {
	m := p.Pending()
	switch {
	case m == nil:
		return
	case err != nil:
		t.Fatalf("Pending after the error %v = %+v", err, m)
	case p.Idle():
		t.Fatalf("an idle parser has a pending message %+v", m)
	case m.Truncated || m.Framing == "none" || m.Interim():
		t.Fatalf("pending message %+v", m)
	}
	checkMessage(t, m)
}

// checkBounds checks that the parser holds no more than its limits allow.
func checkBounds(t *testing.T, p *Parser) {
	if max := max(fuzzLimits.MaxHead, maxChunkLine); p.Buffered() > max || cap(p.buf) > max {
		t.Fatalf("buffer holds %d octets (cap %d), over %d", p.Buffered(), cap(p.buf), max)
	}
	if p.cur != nil && cap(p.cur.Body) > fuzzLimits.MaxBody {
		t.Fatalf("body capacity %d over %d", cap(p.cur.Body), fuzzLimits.MaxBody)
	}
}

// checkMessage checks what every parsed message must satisfy.
func checkMessage(t *testing.T, m *conv.Response) {
	switch {
	case m.Status < 100 || m.Status > 599:
		t.Fatalf("status %d", m.Status)
	case len(m.Body) > fuzzLimits.MaxBody || int64(len(m.Body)) > m.BodyLen:
		t.Fatalf("body %d octets kept of %d", len(m.Body), m.BodyLen)
	case len(m.Head) > fuzzLimits.MaxHead || len(m.Header) > fuzzLimits.MaxFields:
		t.Fatalf("head of %d octets, %d fields", len(m.Head), len(m.Header))
	case (m.Interim() || m.Status == 204 || m.Status == 304) && (m.Framing != "none" || m.BodyLen != 0):
		t.Fatalf("a %d has framing %q and %d content octets", m.Status, m.Framing, m.BodyLen)
	}
	switch m.Framing {
	case "none", "content-length", "chunked", "close":
	default:
		t.Fatalf("framing %q", m.Framing)
	}
}

// kind is an error's kind and Cause: both must not depend on how the octets were split.
func kind(err error) string {
	for _, k := range []error{ErrSyntax, ErrTruncated, ErrLimit} {
		if errors.Is(err, k) {
			return k.Error() + " / " + string(CauseOf(err))
		}
	}
	return fmt.Sprint(err)
}

// sameRuns reports how two parses of the same octets differ, or "".
func sameRuns(a, b run) string {
	if kind(a.err) != kind(b.err) {
		return fmt.Sprintf("errors differ: %v / %v", a.err, b.err)
	}
	if len(a.msgs) != len(b.msgs) {
		return fmt.Sprintf("%d messages / %d", len(a.msgs), len(b.msgs))
	}
	for i := range a.msgs {
		if x, y := a.msgs[i], b.msgs[i]; !sameMessage(x, y) {
			return fmt.Sprintf("message %d differs: %+v / %+v", i, x, y)
		}
	}
	if (a.pending == nil) != (b.pending == nil) || a.pending != nil && !sameMessage(a.pending, b.pending) {
		return fmt.Sprintf("pending at EOF differs: %+v / %+v", a.pending, b.pending)
	}
	return ""
}

func sameMessage(x, y *conv.Response) bool {
	return x.Proto == y.Proto && x.Status == y.Status && x.Reason == y.Reason && x.Framing == y.Framing &&
		x.BodyLen == y.BodyLen && bytes.Equal(x.Body, y.Body) && bytes.Equal(x.Head, y.Head) &&
		fmt.Sprint(x.Header) == fmt.Sprint(y.Header) && x.Truncated == y.Truncated
}

// FuzzParser feeds arbitrary octets whole, split where cuts says, and one octet at a time: the
// parser must never panic, must stay within its limits, and must parse the same messages (and
// fail in the same way) however the octets were split.
func FuzzParser(f *testing.F) {
	f.Add([]byte("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"), []byte{3, 17})
	f.Add([]byte("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;x=y\r\nhello\r\n0\r\nT: v\r\n\r\n"), []byte{0})
	f.Fuzz(func(t *testing.T, data, cuts []byte) {
		whole := feedSplit(t, data, nil)
		for _, m := range whole.msgs {
			checkMessage(t, m)
		}
		if len(whole.msgs) > fuzzLimits.MaxMessages {
			t.Fatalf("%d messages, over the limit of %d", len(whole.msgs), fuzzLimits.MaxMessages)
		}
		if d := sameRuns(whole, feedSplit(t, data, cuts)); d != "" {
			t.Fatalf("whole vs split by %v: %s", cuts, d)
		}
		if len(data) <= 4096 {
			if d := sameRuns(whole, feedSplit(t, data, []byte{0})); d != "" {
				t.Fatalf("whole vs one octet at a time: %s", d)
			}
		}
	})
}
