package driver

import (
	"slices"
	"strconv"
	"testing"
	"time"

	"golang.org/x/net/http2"

	"github.com/expectspec/expectspec/harness/conv"
)

// Messages() lists an h2 stream's responses in the order their header blocks arrived, as over
// HTTP/1.1: a final is placed where its header block came, even when its stream ends (or is
// reset) only after a 1xx that followed it. The judges of "no 1xx after the final" read that
// order, so both orders of the racing blocks are played here.

func dataEnd(body string) func(*http2.Framer, func(...string) []byte) {
	return func(fr *http2.Framer, _ func(...string) []byte) { fr.WriteData(1, true, []byte(body)) }
}

func resetCancel(fr *http2.Framer, _ func(...string) []byte) {
	fr.WriteRSTStream(1, http2.ErrCodeCancel)
}

func TestH2PeerMessagesKeepTheOrderOfTheirHeaderBlocks(t *testing.T) {
	for _, tc := range []struct {
		name      string
		peer      []byte
		want      []int
		truncated bool
	}{
		{"100 then the final", frames(serverSettings, headers(false, ":status", "100"), headers(false, ":status", "200"), dataEnd("ok")), []int{100, 200}, false},
		{"a 100 inside the final's stream", frames(serverSettings, headers(false, ":status", "200"), headers(false, ":status", "100"), dataEnd("ok")), []int{200, 100}, false},
		{"a 100 inside a final cut short", frames(serverSettings, headers(false, ":status", "200"), headers(false, ":status", "100"), resetCancel), []int{200, 100}, true},
		{"100 before a final cut short", frames(serverSettings, headers(false, ":status", "100"), headers(false, ":status", "200"), resetCancel), []int{100, 200}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tl, _ := playAgainst(t, tc.peer, true, quickUpload(time.Second), Options{})
			if got := statuses(tl); !slices.Equal(got, tc.want) {
				t.Fatalf("messages %v; want %v\n%s", got, tc.want, tl.Transcript())
			}
			fins := tl.Finals()
			if len(fins) != 1 || fins[0].Msg.Truncated != tc.truncated || !tc.truncated && string(fins[0].Msg.Body) != "ok" {
				t.Fatalf("finals %+v; want one 200 (truncated %v)\n%s", fins, tc.truncated, tl.Transcript())
			}
			// The final's event sits after its own HEADERS frame and before the 1xx's.
			var order []string
			for _, e := range tl.Events {
				switch {
				case e.Kind == conv.EvFrame && e.Frame.Type == "HEADERS" && !e.Frame.Sent:
					order = append(order, "frame:"+e.Frame.Fields[0].Value)
				case e.Kind == conv.EvMessage:
					order = append(order, "msg:"+strconv.Itoa(e.Msg.Status))
				}
			}
			want := []string{"frame:" + strconv.Itoa(tc.want[0]), "msg:" + strconv.Itoa(tc.want[0]), "frame:" + strconv.Itoa(tc.want[1]), "msg:" + strconv.Itoa(tc.want[1])}
			if !slices.Equal(order, want) {
				t.Errorf("events %v; want %v", order, want)
			}
		})
	}
}
