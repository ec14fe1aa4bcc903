package conv

import (
	"testing"
	"time"
)

// The windows the judges read: a 100 on the head, a parse error after the content, a FIN at the
// end; each query must see exactly the events inside its window.
func TestTimelineQueries(t *testing.T) {
	ms := func(n int) time.Duration { return time.Duration(n) * time.Millisecond }
	tl := &Timeline{Events: []Event{
		{At: ms(0), Kind: EvSent, Step: "head"},
		{At: ms(1), Kind: EvMessage, Step: "first", Msg: &Response{Status: 100}},
		{At: ms(5), Kind: EvSent, Step: "body"},
		{At: ms(6), Kind: EvMessage, Step: "final", Msg: &Response{Status: 200}},
		{At: ms(7), Kind: EvParseError, Step: "final", Error: "junk"},
		{At: ms(8), Kind: EvFIN, Step: "final"},
	}}
	statuses := func(ms []Timed) (out []int) {
		for _, m := range ms {
			out = append(out, m.Msg.Status)
		}
		return out
	}
	if got := statuses(tl.MessagesAfter("head")); len(got) != 2 || got[0] != 100 || got[1] != 200 {
		t.Errorf("MessagesAfter(head) = %v", got)
	}
	if got := statuses(tl.MessagesAfter("body")); len(got) != 1 || got[0] != 200 {
		t.Errorf("MessagesAfter(body) = %v", got)
	}
	if got := tl.MessagesAfter("never"); got != nil {
		t.Errorf("MessagesAfter(never) = %v, want none", got)
	}
	if got := statuses(tl.MessagesBetween("head", "body")); len(got) != 1 || got[0] != 100 {
		t.Errorf("MessagesBetween(head, body) = %v", got)
	}
	if got := statuses(tl.MessagesBetween("head", "never")); len(got) != 2 {
		t.Errorf("MessagesBetween(head, never) = %v, want to the end", got)
	}
	if e, ok := tl.ParseErrorAfter("body"); !ok || e.Error != "junk" {
		t.Errorf("ParseErrorAfter(body) = %v, %v", e, ok)
	}
	if at, ok := tl.NextSendAfter("head"); !ok || at != ms(5) {
		t.Errorf("NextSendAfter(head) = %v, %v", at, ok)
	}
	if _, ok := tl.NextSendAfter("body"); ok {
		t.Error("NextSendAfter(body): nothing was sent after the body")
	}
	if _, ok := tl.EventBeforeNextSend("head", EvFIN, EvParseError); ok {
		t.Error("EventBeforeNextSend(head) found an event after the body was sent")
	}
	if e, ok := tl.EventBeforeNextSend("body", EvFIN, EvParseError); !ok || e.Kind != EvParseError {
		t.Errorf("EventBeforeNextSend(body) = %v, %v, want the parse error before the end", e, ok)
	}
}
