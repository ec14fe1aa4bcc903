package driver

import (
	"bytes"
	"context"
	"io"
	"net"
	"testing"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"

	"github.com/expectspec/expectspec/harness/conv"
)

// A scripted HTTP/2 server side on an in-memory connection: the octets it sends are given (made
// with the Framer in the tests, arbitrary in the fuzz test); what the driver sends is read and
// dropped.

// frames builds a server's octets with x/net/http2's Framer: each function writes some frames.
func frames(write ...func(fr *http2.Framer, enc func(fields ...string) []byte)) []byte {
	var out, block bytes.Buffer
	fr := http2.NewFramer(&out, nil)
	fr.AllowIllegalWrites = true
	he := hpack.NewEncoder(&block)
	enc := func(fields ...string) []byte {
		block.Reset()
		for i := 0; i+1 < len(fields); i += 2 {
			he.WriteField(hpack.HeaderField{Name: fields[i], Value: fields[i+1]})
		}
		return bytes.Clone(block.Bytes())
	}
	for _, w := range write {
		w(fr, enc)
	}
	return out.Bytes()
}

func serverSettings(fr *http2.Framer, _ func(...string) []byte) { fr.WriteSettings() }

// headers writes a header block on stream 1.
func headers(end bool, fields ...string) func(*http2.Framer, func(...string) []byte) {
	return func(fr *http2.Framer, enc func(...string) []byte) {
		fr.WriteHeaders(http2.HeadersFrameParam{StreamID: 1, BlockFragment: enc(fields...), EndStream: end, EndHeaders: true})
	}
}

// playAgainst plays script with the server's side sending peer and then, when hold is false,
// closing; it returns the timeline and how long the run took.
func playAgainst(t testing.TB, peer []byte, hold bool, script conv.Script, opt Options) (*conv.Timeline, time.Duration) {
	client, server := net.Pipe()
	done := make(chan struct{})
	go func() { io.Copy(io.Discard, server); close(done) }()
	go func() {
		server.Write(peer)
		if !hold {
			server.Close()
		}
	}()
	defer func() { server.Close(); <-done }()
	opt = opt.withDefaults()
	opt.H2 = opt.H2.withDefaults()
	start := time.Now()
	tl := playH2(context.Background(), &dialed{c: client}, conv.Event{Kind: conv.EvConnect}, script, opt)
	return tl, time.Since(start)
}

// quickUpload is h2Upload with short waits.
func quickUpload(wait time.Duration) conv.Script {
	s := h2Upload("t")
	for i := range s.Steps {
		s.Steps[i].Within = wait
	}
	return s
}

func TestH2PeerHundredWithEndStreamIsRecordedAsSent(t *testing.T) {
	peer := frames(serverSettings, headers(true, ":status", "100"))
	tl, _ := playAgainst(t, peer, true, quickUpload(200*time.Millisecond), Options{})
	msgs := tl.Messages()
	if len(msgs) != 1 || msgs[0].Msg.Status != 100 {
		t.Fatalf("messages %v; want the 100\n%s", statuses(tl), tl.Transcript())
	}
	fs := tl.Frames(1)
	if len(fs) != 1 || !fs[0].Frame.EndStream() {
		t.Fatalf("frames on stream 1: %v; want one HEADERS with END_STREAM\n%s", fs, tl.Transcript())
	}
}

func TestH2PeerFinalCutShortByResetIsTruncatedWhereItsHeadArrived(t *testing.T) {
	peer := frames(serverSettings, headers(false, ":status", "200"), func(fr *http2.Framer, _ func(...string) []byte) {
		fr.WriteData(1, false, []byte("par"))
		fr.WriteRSTStream(1, http2.ErrCodeCancel)
	})
	tl, _ := playAgainst(t, peer, true, conv.Script{Steps: []conv.Step{
		h2Upload("t").Steps[0],
		{Kind: conv.Await, Label: "close", Until: conv.UntilClose, Within: time.Second},
	}}, Options{})
	fins := tl.Finals()
	if len(fins) != 1 || !fins[0].Msg.Truncated || string(fins[0].Msg.Body) != "par" {
		t.Fatalf("finals %v; want one truncated 200 with \"par\"\n%s", statuses(tl), tl.Transcript())
	}
	rst := tl.Frames(1)[2]
	if rst.Frame.Type != "RST_STREAM" || rst.Frame.Code != conv.CodeCancel {
		t.Errorf("third frame %s; want RST_STREAM(CANCEL)", rst.Frame)
	}
	if _, ok := tl.First(conv.EvDeadline); ok {
		t.Errorf("the close wait ran to its deadline though the stream was reset\n%s", tl.Transcript())
	}
}

func TestH2PeerWindowThatNeverOpensEndsTheDataStep(t *testing.T) {
	peer := frames(func(fr *http2.Framer, _ func(...string) []byte) {
		fr.WriteSettings(http2.Setting{ID: http2.SettingInitialWindowSize, Val: 0})
	})
	script := conv.Script{Steps: []conv.Step{
		{Kind: conv.Await, Label: "settings", Until: conv.UntilClose, Within: 100 * time.Millisecond},
		h2Upload("t").Steps[0],
		conv.Data("body", []byte("hello"), true, 150*time.Millisecond),
	}}
	tl, took := playAgainst(t, peer, true, script, Options{})
	e, ok := tl.WriteError("body")
	if !ok || e.Cause != conv.CauseFlowControl || e.N != 0 || took > 2*time.Second {
		t.Fatalf("write error %+v (%v) after %v; want a flow-control failure of the body with nothing sent\n%s", e, ok, took, tl.Transcript())
	}
}

func TestH2PeerEndlessContinuationStopsAtTheBlockLimit(t *testing.T) {
	peer := frames(serverSettings, func(fr *http2.Framer, enc func(...string) []byte) {
		fr.WriteHeaders(http2.HeadersFrameParam{StreamID: 1, BlockFragment: enc(":status", "200")})
		filler := bytes.Repeat([]byte{0}, 16000)
		for range 10 {
			fr.WriteContinuation(1, false, filler)
		}
	})
	tl, _ := playAgainst(t, peer, true, quickUpload(time.Second), Options{H2: H2Limits{MaxHeaderBlock: 50000}})
	e, ok := tl.First(conv.EvLimit)
	if !ok || e.Cause != conv.CauseLimitLength {
		t.Fatalf("limit %+v; want the header block length limit\n%s", e, tl.Transcript())
	}
}

func TestH2PeerPingFloodIsAnsweredWithinTheEventBound(t *testing.T) {
	var pings []func(*http2.Framer, func(...string) []byte)
	for range 3000 {
		pings = append(pings, func(fr *http2.Framer, _ func(...string) []byte) { fr.WritePing(false, [8]byte{1}) })
	}
	tl, took := playAgainst(t, frames(pings...), true, quickUpload(2*time.Second), Options{MaxEvents: 500})
	if e, ok := tl.First(conv.EvLimit); !ok || e.Cause != conv.CauseLimitEvents || len(tl.Events) > 520 || took > 3*time.Second {
		t.Fatalf("limit %+v, %d events after %v; want the event bound", e, len(tl.Events), took)
	}
}

func TestH2PeerGarbageIsAFrameError(t *testing.T) {
	tl, _ := playAgainst(t, []byte("HTTP/1.1 400 Bad Request\r\n\r\n"), false, quickUpload(time.Second), Options{})
	e, ok := tl.First(conv.EvParseError)
	if !ok || e.Cause != conv.CauseFrame {
		t.Fatalf("parse error %+v; want a frame error\n%s", e, tl.Transcript())
	}
}
