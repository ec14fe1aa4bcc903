package wire

import (
	"net"
	"strings"
	"testing"
	"time"
)

func TestReaderHeadAndSegments(t *testing.T) {
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	go func() {
		_, _ = b.Write([]byte("\r\nPOST / HTTP/1.1\r\nA: 1\nB:  2 \r\n\r\nhel"))
		time.Sleep(10 * time.Millisecond)
		_, _ = b.Write([]byte("lo"))
	}()
	r := NewReader(a, time.Second)
	h, err := r.ReadHead(1024, 1)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(h.Lines, "|"); got != "POST / HTTP/1.1|A: 1|B:  2 " {
		t.Errorf("lines %q", got)
	}
	if string(h.Raw) != "POST / HTTP/1.1\r\nA: 1\nB:  2 \r\n\r\n" {
		t.Errorf("raw %q", h.Raw)
	}
	s1, _ := r.Next(100)
	s2, _ := r.Next(100)
	if string(s1.Data) != "hel" || s1.Seq != h.EndSeq || string(s2.Data) != "lo" || s2.Seq == s1.Seq || !s2.At.After(s1.At) {
		t.Errorf("segments %q/%d %q/%d, head ended in read %d", s1.Data, s1.Seq, s2.Data, s2.Seq, h.EndSeq)
	}
	if _, err := NewReader(a, 10*time.Millisecond).ReadHead(4, 0); err == nil {
		t.Error("a silent peer must time out")
	}
}
