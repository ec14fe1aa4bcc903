package origin

import (
	"bytes"
	"io"
	"net"
	"testing"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"

	"github.com/expectspec/expectspec/harness/conv"
)

// FuzzH2Side feeds the HTTP/2 side of the origin whatever a client might send after its
// connection preface: it must neither panic nor hang past its idle timeout, whatever the frames.
// The seeds are a T44 upload, a header block cut short, and frames on odd streams.
func FuzzH2Side(f *testing.F) {
	var seed bytes.Buffer
	fr := http2.NewFramer(&seed, nil)
	_ = fr.WriteSettings()
	var block bytes.Buffer
	enc := hpack.NewEncoder(&block)
	for _, kv := range [][2]string{{":method", "POST"}, {":scheme", "https"}, {":authority", "a"},
		{":path", conv.OriginPath("fz", "upload")}, {"content-length", "10"}, {"expect", "100-continue"}} {
		_ = enc.WriteField(hpack.HeaderField{Name: kv[0], Value: kv[1]})
	}
	_ = fr.WriteHeaders(http2.HeadersFrameParam{StreamID: 1, BlockFragment: block.Bytes(), EndHeaders: true})
	_ = fr.WriteData(1, false, []byte("abcde"))
	_ = fr.WriteRSTStream(1, http2.ErrCodeCancel)
	_ = fr.WriteData(1, true, []byte("fghij"))
	f.Add(seed.Bytes())
	f.Add(seed.Bytes()[:len(seed.Bytes())/2])
	seed.Reset()
	_ = fr.WriteHeaders(http2.HeadersFrameParam{StreamID: 2, BlockFragment: block.Bytes(), EndHeaders: false})
	_ = fr.WriteContinuation(2, true, []byte{0x82})
	_ = fr.WriteWindowUpdate(0, 1<<31-1)
	_ = fr.WritePing(false, [8]byte{})
	f.Add(seed.Bytes())

	o, err := Start(WithIdleTimeout(200 * time.Millisecond))
	if err != nil {
		f.Fatal(err)
	}
	defer o.Close()
	o.Register("fz", conv.OriginScript{OnHead: conv.HeadContinueThenFinal, AfterEarly: conv.EarlyResetNoError})
	f.Fuzz(func(t *testing.T, data []byte) {
		client, server := net.Pipe()
		c := o.track(server)
		done := make(chan struct{})
		go func() {
			defer close(done)
			c.serveH2()
		}()
		go func() { _, _ = io.Copy(io.Discard, client) }()
		// The client half-closes as soon as its input is written (net.Pipe: by closing), so a
		// frame cut short ends at once; a write the origin stopped reading ends at its deadline.
		_ = client.SetWriteDeadline(time.Now().Add(time.Second))
		_, _ = client.Write(append([]byte(http2.ClientPreface), data...))
		_ = client.Close()
		select {
		case <-done:
		case <-time.After(2 * time.Second):
			t.Fatal("the HTTP/2 side still served 2 s after its client closed, with an idle timeout of 200 ms")
		}
	})
}
