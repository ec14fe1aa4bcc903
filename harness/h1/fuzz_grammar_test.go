package h1

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"testing"
)

// FuzzChunkSize reads arbitrary lines under the three chunk rules: no panic, sizes within the
// mode's bound, every mode reading the same size where two accept, the strict grammar a subset
// of the reference servers' (below their bound), and an accepted size written back in canonical
// form reading the same.
func FuzzChunkSize(f *testing.F) {
	for _, s := range []string{"5\r\n", "5\n", "0005 ;a=b\r\n", "5 \r\n", "5;\x00\r\n", "0x5\r\n", "-5\r\n", "7fffffffffffffff\r\n", "00000000000000000001\r\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		sizes := map[string]int64{}
		for name, r := range map[string]ChunkRules{"strict": StrictChunks, "framing": FramingChunks, "reference": ReferenceChunks} {
			n, err := ParseChunkSize(line, r)
			if err != nil {
				continue
			}
			if n < 0 || n > r.MaxSize {
				t.Fatalf("%s: %q gave %d, outside 0..%d", name, line, n, r.MaxSize)
			}
			if back, err := ParseChunkSize(fmt.Appendf(nil, "%x\r\n", n), r); err != nil || back != n {
				t.Fatalf("%s: %d written back gave %d, %v", name, n, back, err)
			}
			sizes[name] = n
		}
		for _, n := range sizes {
			for name, m := range sizes {
				if m != n {
					t.Fatalf("%q: %s read %d, another mode %d", line, name, m, n)
				}
			}
		}
		if n, ok := sizes["strict"]; ok && n <= ReferenceChunks.MaxSize {
			if _, ok := sizes["reference"]; !ok {
				t.Fatalf("%q: strict takes it, the reference servers refuse it", line)
			}
		}
	})
}

// FuzzContentLength reads arbitrary field values (one per line of the input) under the
// Content-Length rules: no panic, lengths within the bound, the framing rules a subset of the
// strict ones and the strict ones a subset of the wrapping mutant's, with the same value.
func FuzzContentLength(f *testing.F) {
	for _, s := range []string{"5", "5, 5", "5\n5", "5, 6", "5,", "+5", "18446744073709551617", "00000000000000005"} {
		f.Add(s)
	}
	wrap := StrictLengths
	wrap.Wrap = true
	f.Fuzz(func(t *testing.T, in string) {
		values := strings.Split(in, "\n")
		strict, errStrict := ContentLength(values, StrictLengths)
		framing, errFraming := ContentLength(values, FramingLengths)
		wrapped, errWrap := ContentLength(values, wrap)
		switch {
		case errFraming == nil && (framing < 0 || framing > FramingLengths.Max || errStrict != nil || strict != framing):
			t.Fatalf("%q: framing %d, strict %d, %v", in, framing, strict, errStrict)
		case errStrict == nil && (strict < 0 || errWrap != nil || wrapped != strict):
			t.Fatalf("%q: strict %d, wrap %d, %v", in, strict, wrapped, errWrap)
		case errStrict == nil:
			if back, err := ContentLength([]string{strconv.FormatInt(strict, 10)}, StrictLengths); err != nil || back != strict {
				t.Fatalf("%d written back gave %d, %v", strict, back, err)
			}
		}
	})
}

// FuzzChunkedFramer feeds arbitrary octets to the framer whole and one octet at a time: it must
// find the same end, the same content and the same verdict either way.
func FuzzChunkedFramer(f *testing.F) {
	f.Add([]byte("5\r\nhello\r\n0\r\n\r\nGET /"))
	f.Add([]byte("3;x=y\r\nhel\n2 ; z\r\nlo\r\n0\r\nT: 1\r\n\r\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		var whole, split Chunked
		var a, b bytes.Buffer
		n, err := whole.Feed(in, func(d []byte) { a.Write(d) })
		m := 0
		var errSplit error
		for i := 0; i < len(in) && errSplit == nil && !split.Done(); i++ {
			var k int
			k, errSplit = split.Feed(in[i:i+1], func(d []byte) { b.Write(d) })
			m += k
		}
		if (err == nil) != (errSplit == nil) || whole.Done() != split.Done() || !bytes.Equal(a.Bytes(), b.Bytes()) || err == nil && n != m {
			t.Fatalf("whole: n=%d done=%v err=%v; split: n=%d done=%v err=%v", n, whole.Done(), err, m, split.Done(), errSplit)
		}
	})
}

// FuzzStatusLine reads arbitrary lines under the strict and the upstream status-line rules: what
// the strict grammar takes, the upstream rules take the same way, always with a code of 100..599.
func FuzzStatusLine(f *testing.F) {
	for _, s := range []string{"HTTP/1.1 200 OK", "HTTP/1.1 200", "HTTP/1.1 200 \x00", "HTTP/1.1 +99 x"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		strict, errStrict := ParseStatusLine(line, StatusRules{})
		upstream, errUpstream := ParseStatusLine(line, UpstreamStatus)
		switch {
		case errUpstream == nil && (upstream.Status < 100 || upstream.Status > 599):
			t.Fatalf("%q: status %d", line, upstream.Status)
		case errStrict == nil && (errUpstream != nil || strict.Proto != upstream.Proto || strict.Status != upstream.Status || strict.Reason != upstream.Reason):
			t.Fatalf("%q: strict %+v, upstream %+v, %v", line, strict, upstream, errUpstream)
		}
	})
}
