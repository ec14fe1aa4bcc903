package conv

import (
	"strings"
	"testing"
)

func TestFrameInfoRendersFlagsCodeAndFields(t *testing.T) {
	f := &FrameInfo{Stream: 1, Type: "HEADERS", Flags: FlagEndStream | FlagEndHeaders, Length: 1,
		Fields: []Field{{Name: ":status", Value: "100"}}}
	if got, want := f.String(), "HEADERS stream=1 flags=END_STREAM|END_HEADERS len=1 {:status: 100}"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if !f.EndStream() {
		t.Error("END_STREAM on HEADERS not seen")
	}
	rst := &FrameInfo{Stream: 3, Type: "RST_STREAM", Flags: 0x1, Length: 4, Code: CodeCancel}
	if got := rst.String(); got != "RST_STREAM stream=3 flags=0x1 len=4 code=0x8 CANCEL" || rst.EndStream() {
		t.Errorf("RST_STREAM rendered %q (END_STREAM %v): flag 0x1 means nothing on it", got, rst.EndStream())
	}
}

func TestFramesSelectsReceivedFramesOfAStream(t *testing.T) {
	tl := Timeline{Events: []Event{
		{Kind: EvFrame, Frame: &FrameInfo{Stream: 0, Type: "SETTINGS"}},
		{Kind: EvFrame, Frame: &FrameInfo{Stream: 1, Type: "HEADERS"}},
		{Kind: EvFrame, Frame: &FrameInfo{Sent: true, Stream: 1, Type: "WINDOW_UPDATE"}},
		{Kind: EvSent, Frame: &FrameInfo{Stream: 1, Type: "DATA"}},
		{Kind: EvFrame, Frame: &FrameInfo{Stream: 1, Type: "DATA"}},
	}}
	if n := len(tl.Frames(1)); n != 2 {
		t.Errorf("stream 1: %d frames, want the 2 received", n)
	}
	if n := len(tl.Frames(0)); n != 3 {
		t.Errorf("all streams: %d frames, want 3", n)
	}
	if s := tl.Transcript(); !strings.Contains(s, "⇠ HEADERS stream=1") || !strings.Contains(s, "→ WINDOW_UPDATE stream=1") || !strings.Contains(s, "→ DATA stream=1") {
		t.Errorf("transcript does not show frames both ways:\n%s", s)
	}
}
