package driver

import (
	"runtime"
	"testing"
	"time"

	"golang.org/x/net/http2"
)

// FuzzH2Peer feeds arbitrary octets as the server's side of an HTTP/2 connection: the driver
// must not panic, must end within its deadlines, and must stay within its bounds whatever
// arrives. The seeds (and testdata/fuzz/FuzzH2Peer) are well-formed exchanges and the hostile
// shapes the unit tests name, for the fuzzer to mutate.
func FuzzH2Peer(f *testing.F) {
	f.Add(frames(serverSettings, headers(false, ":status", "100"), headers(true, ":status", "200")))
	f.Add(frames(serverSettings, headers(true, ":status", "100")))
	f.Add(frames(serverSettings, headers(false, ":status", "200"), func(fr *http2.Framer, _ func(...string) []byte) {
		fr.WriteData(1, true, []byte("ok"))
		fr.WriteGoAway(1, http2.ErrCodeNo, nil)
	}))
	f.Add(frames(func(fr *http2.Framer, enc func(...string) []byte) {
		fr.WriteSettings(http2.Setting{ID: http2.SettingInitialWindowSize, Val: 1}, http2.Setting{ID: http2.SettingMaxFrameSize, Val: 1 << 20})
		fr.WriteHeaders(http2.HeadersFrameParam{StreamID: 1, BlockFragment: enc(":status", "200")})
		fr.WriteContinuation(1, true, enc("x", "y"))
		fr.WritePing(false, [8]byte{})
		fr.WriteWindowUpdate(1, 5)
		fr.WriteRSTStream(1, http2.ErrCodeCancel)
	}))
	f.Add([]byte("HTTP/1.1 200 OK\r\n\r\n"))
	opt := Options{MaxRecv: 1 << 20, MaxEvents: 500, H2: H2Limits{MaxHeaderList: 8 << 10, MaxHeaderBlock: 16 << 10}}
	f.Fuzz(func(t *testing.T, peer []byte) {
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		tl, took := playAgainst(t, peer, false, quickUpload(20*time.Millisecond), opt)
		if took > 2*time.Second {
			t.Fatalf("took %v for %d octets", took, len(peer))
		}
		if len(tl.Events) > opt.MaxEvents+20 {
			t.Fatalf("%d events, bound %d", len(tl.Events), opt.MaxEvents)
		}
		for _, m := range tl.Messages() {
			if len(m.Msg.Body) > DefaultMaxRecord {
				t.Fatalf("a body of %d octets kept", len(m.Msg.Body))
			}
		}
		var after runtime.MemStats
		runtime.ReadMemStats(&after)
		if grew := int64(after.HeapAlloc) - int64(before.HeapAlloc); grew > 64<<20 {
			t.Fatalf("heap grew by %d octets", grew)
		}
	})
}
