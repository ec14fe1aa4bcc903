package diagnose

import (
	"testing"
	"time"

	"github.com/expectspec/expectspec/harness/conv"
)

// Made-up timelines: the judge must read the same verdict whichever way racing events land.

func msg(at time.Duration, step string, status int) conv.Event {
	return conv.Event{At: at, Kind: conv.EvMessage, Step: step, Msg: &conv.Response{Proto: "HTTP/1.1", Status: status}}
}

func sent(at time.Duration, step string) conv.Event {
	return conv.Event{At: at, Kind: conv.EvSent, Step: step, N: 1}
}

func plainOK() Observed {
	return observe(&conv.Timeline{Events: []conv.Event{sent(0, stepUpload), sent(0, stepContent), msg(time.Millisecond, stepFinal, 200)}})
}

func TestJudgeOrdersOfRacingEvents(t *testing.T) {
	ms := time.Millisecond
	for _, tc := range []struct {
		name   string
		events []conv.Event
		want   Problem
	}{
		// A 417 and the close that follows it, in one read or two: refused either way.
		{"417 then FIN", []conv.Event{sent(0, stepHead), msg(ms, stepWait, 417), {At: ms, Kind: conv.EvFIN, Step: stepWait}}, ProblemRefused},
		{"417 with the FIN later, after the content step was skipped", []conv.Event{sent(0, stepHead), msg(ms, stepWait, 417), {At: 2 * ms, Kind: conv.EvFIN, Step: stepFinal}}, ProblemRefused},
		// The 100 and the final in one segment, or the 100 alone first: works either way.
		{"100 and final read together", []conv.Event{sent(0, stepHead), msg(ms, stepWait, 100), sent(2*ms, stepContent), msg(3*ms, stepFinal, 200)}, ProblemNone},
		{"103 before the 100", []conv.Event{sent(0, stepHead), msg(ms, stepWait, 103), msg(ms, stepWait, 100), sent(2*ms, stepContent), msg(3*ms, stepFinal, 200)}, ProblemNone},
		// A 100 that loses the race with the wait's deadline is read after the content: the
		// client had already waited it out, a stall.
		{"100 after the wait", []conv.Event{sent(0, stepHead), {At: 1500 * ms, Kind: conv.EvDeadline, Step: stepWait}, sent(1500*ms, stepContent), msg(1501*ms, stepFinal, 100), msg(1502*ms, stepFinal, 200)}, ProblemStall},
		{"100 late but within the wait", []conv.Event{sent(0, stepHead), msg(1200*ms, stepWait, 100), sent(1200*ms, stepContent), msg(1201*ms, stepFinal, 200)}, ProblemStall},
		// A final status from the header section is an answer (RFC 9110 §10.1.1).
		{"200 from the head", []conv.Event{sent(0, stepHead), msg(ms, stepWait, 200)}, ProblemNone},
		{"silence, then the final after the content", []conv.Event{sent(0, stepHead), {At: 1500 * ms, Kind: conv.EvDeadline, Step: stepWait}, sent(1500*ms, stepContent), msg(1501*ms, stepFinal, 200)}, ProblemStall},
		{"close before anything", []conv.Event{sent(0, stepHead), {At: ms, Kind: conv.EvRST, Step: stepWait}}, ProblemClose},
	} {
		got, verdict := handshake(observe(&conv.Timeline{Events: tc.events}), plainOK(), "Expect: 100-continue", 1500*ms, 5*time.Second)
		if got != tc.want {
			t.Errorf("%s: problem %q (%s), want %q", tc.name, got, verdict, tc.want)
		}
	}
}
