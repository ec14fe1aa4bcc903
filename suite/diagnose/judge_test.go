package diagnose

import (
	"strings"
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

// timeline is a made-up probe timeline and the problem its handshake must be judged to show.
type timeline struct {
	name   string
	events []conv.Event
	want   Problem
}

// judgeTimelines judges each timeline's handshake against a plain upload that worked, and
// returns the verdicts by name for checks of their words.
func judgeTimelines(t *testing.T, tcs []timeline) map[string]string {
	t.Helper()
	verdicts := map[string]string{}
	for _, tc := range tcs {
		got, verdict := handshake(observe(&conv.Timeline{Events: tc.events}), plainOK(), "Expect: 100-continue", 1500*time.Millisecond, 5*time.Second)
		if got != tc.want {
			t.Errorf("%s: problem %q (%s), want %q", tc.name, got, verdict, tc.want)
		}
		verdicts[tc.name] = verdict
	}
	return verdicts
}

func TestJudgeOrdersOfRacingEvents(t *testing.T) {
	ms := time.Millisecond
	judgeTimelines(t, []timeline{
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
		// A hop with a 1 s timer of its own sends its 100 just before or just after the
		// clients' 1 s, from run to run: a stall either way, never "works" one run in two.
		{"100 just before the clients' timer", []conv.Event{sent(0, stepHead), msg(990*ms, stepWait, 100), sent(990*ms, stepContent), msg(991*ms, stepFinal, 200)}, ProblemStall},
		{"100 just after the clients' timer", []conv.Event{sent(0, stepHead), msg(1010*ms, stepWait, 100), sent(1010*ms, stepContent), msg(1011*ms, stepFinal, 200)}, ProblemStall},
		// A hop with a 500 ms timer: works either side of it.
		{"100 just before 500 ms", []conv.Event{sent(0, stepHead), msg(490*ms, stepWait, 100), sent(490*ms, stepContent), msg(491*ms, stepFinal, 200)}, ProblemNone},
		{"100 just after 500 ms", []conv.Event{sent(0, stepHead), msg(510*ms, stepWait, 100), sent(510*ms, stepContent), msg(511*ms, stepFinal, 200)}, ProblemNone},
		// A final status from the header section is an answer (RFC 9110 §10.1.1).
		{"200 from the head", []conv.Event{sent(0, stepHead), msg(ms, stepWait, 200)}, ProblemNone},
		{"silence, then the final after the content", []conv.Event{sent(0, stepHead), {At: 1500 * ms, Kind: conv.EvDeadline, Step: stepWait}, sent(1500*ms, stepContent), msg(1501*ms, stepFinal, 200)}, ProblemStall},
		{"close before anything", []conv.Event{sent(0, stepHead), {At: ms, Kind: conv.EvRST, Step: stepWait}}, ProblemClose},
	})
}

func frame(at time.Duration, step, typ string, stream, code uint32) conv.Event {
	return conv.Event{At: at, Kind: conv.EvFrame, Step: step, Frame: &conv.FrameInfo{Type: typ, Stream: stream, Code: code}}
}

// Over HTTP/2 a server ends a stream with RST_STREAM, and a connection with GOAWAY: made-up
// timelines in which they race the responses.
func TestJudgeH2StreamEnds(t *testing.T) {
	ms := time.Millisecond
	tcs := []timeline{
		// An early 417 whose stream is then reset with NO_ERROR (RFC 9113 §8.1): the 417 is the
		// answer, whether the reset is read in the wait or after it.
		{"417 then RST_STREAM(NO_ERROR) in the wait", []conv.Event{sent(0, stepHead), msg(ms, stepWait, 417), frame(ms, stepWait, "RST_STREAM", 1, conv.CodeNoError)}, ProblemRefused},
		{"417, the RST_STREAM(NO_ERROR) read after the content", []conv.Event{sent(0, stepHead), msg(ms, stepWait, 417), sent(2*ms, stepContent), frame(3*ms, stepFinal, "RST_STREAM", 1, conv.CodeNoError)}, ProblemRefused},
		// A reset with no response at all: the upload fails, it does not stall.
		{"RST_STREAM(REFUSED_STREAM) before anything", []conv.Event{sent(0, stepHead), frame(ms, stepWait, "RST_STREAM", 1, conv.CodeRefusedStream)}, ProblemClose},
		{"GOAWAY(PROTOCOL_ERROR) before anything", []conv.Event{sent(0, stepHead), frame(ms, stepWait, "GOAWAY", 0, conv.CodeProtocolError)}, ProblemClose},
		// A graceful GOAWAY lets the stream finish: the 100 that follows it answers.
		{"GOAWAY(NO_ERROR), then the 100", []conv.Event{sent(0, stepHead), frame(ms, stepWait, "GOAWAY", 0, conv.CodeNoError), msg(ms, stepWait, 100), sent(2*ms, stepContent), msg(3*ms, stepFinal, 200)}, ProblemNone},
		// A reset of another stream is not this upload's.
		{"RST_STREAM on stream 3, then the 100", []conv.Event{sent(0, stepHead), frame(ms, stepWait, "RST_STREAM", 3, conv.CodeCancel), msg(ms, stepWait, 100), sent(2*ms, stepContent), msg(3*ms, stepFinal, 200)}, ProblemNone},
	}
	verdicts := judgeTimelines(t, tcs)
	for _, tc := range tcs {
		if tc.want == ProblemClose && !strings.Contains(verdicts[tc.name], "the server") {
			t.Errorf("%s: the verdict does not say how the server ended it: %s", tc.name, verdicts[tc.name])
		}
	}
}

// The exit status and first line of a URL diagnosed over two protocols: 1 when either breaks
// uploads with Expect, whichever it is; 2 when none breaks and one could not be diagnosed.
func TestReportCombinesProtocols(t *testing.T) {
	works := func(p conv.Protocol) *Diagnosis {
		return &Diagnosis{Protocol: p, Exit: ExitWorks, Verdict: "works: 100 Continue in 1 ms, then 200 OK"}
	}
	stalls := func(p conv.Protocol) *Diagnosis {
		return &Diagnosis{Protocol: p, Exit: ExitBroken, Problem: ProblemStall, Verdict: "each upload … stalls about 1 s"}
	}
	cannot := func(p conv.Protocol) *Diagnosis {
		return &Diagnosis{Protocol: p, Exit: ExitCannotRun, Verdict: "cannot diagnose: …"}
	}
	for _, tc := range []struct {
		over  []*Diagnosis
		exit  int
		first string
	}{
		{[]*Diagnosis{works(conv.HTTP1), works(conv.H2)}, ExitWorks, "works over HTTP/1.1 and HTTP/2 — HTTP/1.1: 100 Continue in 1 ms, then 200 OK; HTTP/2: 100 Continue in 1 ms, then 200 OK"},
		{[]*Diagnosis{works(conv.HTTP1), stalls(conv.H2)}, ExitBroken, "over HTTP/1.1: works; over HTTP/2: stalls — over HTTP/2, each upload … stalls about 1 s"},
		{[]*Diagnosis{stalls(conv.HTTP1), works(conv.H2)}, ExitBroken, "over HTTP/1.1: stalls; over HTTP/2: works — over HTTP/1.1, each upload … stalls about 1 s"},
		{[]*Diagnosis{stalls(conv.HTTP1), stalls(conv.H2)}, ExitBroken, "over HTTP/1.1: stalls; over HTTP/2: stalls — over HTTP/1.1, each upload … stalls about 1 s — over HTTP/2, each upload … stalls about 1 s"},
		{[]*Diagnosis{cannot(conv.HTTP1), works(conv.H2)}, ExitCannotRun, "over HTTP/1.1: could not be diagnosed; over HTTP/2: works — over HTTP/1.1, cannot diagnose: …"},
		{[]*Diagnosis{cannot(conv.HTTP1), stalls(conv.H2)}, ExitBroken, "over HTTP/1.1: could not be diagnosed; over HTTP/2: stalls — over HTTP/2, each upload … stalls about 1 s"},
		{[]*Diagnosis{stalls(conv.H2)}, ExitBroken, "over HTTP/2: each upload … stalls about 1 s"},
		{[]*Diagnosis{works(conv.HTTP1)}, ExitWorks, "works: 100 Continue in 1 ms, then 200 OK"},
	} {
		r := &Report{Over: tc.over}
		exit, first := r.overall()
		if exit != tc.exit || first != tc.first {
			t.Errorf("over %v: exit %d, %q; want %d, %q", names(tc.over), exit, first, tc.exit, tc.first)
		}
	}
}

// The waits the verdict names are the scaled ones (--timeout-scale), not the unscaled 5 s.
func TestJudgeNamesTheScaledWait(t *testing.T) {
	ms := time.Millisecond
	hang := observe(&conv.Timeline{Events: []conv.Event{sent(0, stepHead), msg(ms, stepWait, 100), sent(2*ms, stepContent), {At: 2502 * ms, Kind: conv.EvDeadline, Step: stepFinal}}})
	if _, v := handshake(hang, plainOK(), "Expect: 100-continue", 1500*ms, 2500*ms); !strings.Contains(v, "no final status within 2.5 s of the content") {
		t.Errorf("the verdict does not name the scaled wait: %s", v)
	}
	d := &Diagnosis{finalWait: 10 * time.Second}
	if v := d.cannotRun(Observed{}); !strings.HasSuffix(v, "without Expect within 10.0 s") {
		t.Errorf("the baseline's verdict does not name the scaled wait: %s", v)
	}
}
