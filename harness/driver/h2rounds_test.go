package driver

import (
	"bytes"
	"context"
	"io"
	"net"
	"slices"
	"testing"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"

	"github.com/expectspec/expectspec/harness/conv"
)

// Rounds, NoWait DATA and the connection window's cause, against a peer that answers streams 1
// and 3 with a complete 404 once each is opened, credits the connection once (+1000) and never
// again.

func TestH2RoundsStopAtTheFirstStallAndNoWaitSpendsTheWindows(t *testing.T) {
	head := conv.Headers("head", false, time.Second, conv.Field{Name: ":method", Value: "POST"}, conv.Field{Name: ":path", Value: "/x"})
	round := []conv.Step{
		head,
		{Kind: conv.Await, Label: "end", Until: conv.UntilFinals, Count: 1, Within: time.Second},
		{Kind: conv.SendData, Label: "in-flight", Size: 100000, Within: time.Second, H2: conv.H2Frame{NoWait: true}},
	}
	upload := conv.Data("upload", []byte("hello"), true, 100*time.Millisecond)
	upload.H2.Stream = 99
	script := conv.Script{Steps: []conv.Step{
		{Kind: conv.Rounds, Label: "rounds", Count: 10, Within: 2 * time.Second, H2: conv.H2Frame{Round: round}},
		upload,
	}}
	tl, took := playAgainstAnswering(t, script, 1, 3)
	if took > 4*time.Second {
		t.Fatalf("took %v", took)
	}
	var heads []uint32
	var sent []int64
	for _, e := range tl.Events {
		switch {
		case e.Kind == conv.EvSent && e.Step == "head":
			heads = append(heads, e.Frame.Stream)
		case e.Kind == conv.EvSent && e.Step == "in-flight":
			sent = append(sent, e.N)
		}
	}
	// Stream 5 gets no answer: its await runs to the deadline and the rounds stop there.
	if len(heads) != 3 || heads[2] != 5 || len(sent) != 2 {
		t.Fatalf("heads on streams %v, in-flight sends %v; want streams 1, 3, 5 and two sends\n%s", heads, sent, tl.Transcript())
	}
	// Stream 1 spends its own window (65535, the initial one); stream 3 the rest of the
	// connection's (65535 plus the 1000 of credit); nothing is left for the upload.
	if sent[0] != 65535 || sent[1] != 1000 {
		t.Fatalf("in-flight sends %v; want 65535 and 1000 (the stream's window, then the connection's rest)\n%s", sent, tl.Transcript())
	}
	var incr uint32
	for _, e := range tl.Frames(0) {
		if e.Frame.Type == "WINDOW_UPDATE" {
			incr = e.Frame.Increment
		}
	}
	if incr != 1000 {
		t.Errorf("the WINDOW_UPDATE's increment was recorded as %d; want 1000", incr)
	}
	if e, ok := tl.WriteError("upload"); !ok || e.Cause != conv.CauseConnectionWindow {
		t.Errorf("upload write error %+v (%v); want CauseConnectionWindow\n%s", e, ok, tl.Transcript())
	}
}

// playAgainstAnswering plays script against a peer that sends its SETTINGS and +1000 of
// connection credit, then answers each stream in answer with a complete 404 once the client's
// header block on it has arrived (never before: an answer on a stream not yet opened would race
// the client's HEADERS), and reads everything else.
func playAgainstAnswering(t *testing.T, script conv.Script, answer ...uint32) (*conv.Timeline, time.Duration) {
	client, server := net.Pipe()
	done := make(chan struct{})
	go func() {
		defer close(done)
		preface := make([]byte, len(http2.ClientPreface))
		if _, err := io.ReadFull(server, preface); err != nil {
			return
		}
		fr := http2.NewFramer(server, server)
		var block bytes.Buffer
		enc := hpack.NewEncoder(&block)
		enc.WriteField(hpack.HeaderField{Name: ":status", Value: "404"})
		fr.WriteSettings()
		fr.WriteWindowUpdate(0, 1000)
		for {
			f, err := fr.ReadFrame()
			if err != nil {
				return
			}
			if h, ok := f.(*http2.HeadersFrame); ok && slices.Contains(answer, h.StreamID) {
				fr.WriteHeaders(http2.HeadersFrameParam{StreamID: h.StreamID, BlockFragment: block.Bytes(), EndStream: true, EndHeaders: true})
			}
		}
	}()
	defer func() { server.Close(); <-done }()
	opt := Options{}.withDefaults()
	opt.H2 = opt.H2.withDefaults()
	start := time.Now()
	tl := playH2(context.Background(), &dialed{c: client}, conv.Event{Kind: conv.EvConnect}, script, opt)
	return tl, time.Since(start)
}
