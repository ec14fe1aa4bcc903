package diagnose

import (
	"time"

	"github.com/expectspec/expectspec/harness/conv"
)

// Answer is how the peer answered a head whose content was withheld, read from the timeline.
type Answer int

const (
	AnsweredNothing  Answer = iota // silence for the whole wait
	AnsweredContinue               // a 100 (Continue)
	AnsweredFinal                  // a final status before any content was sent
	AnsweredClose                  // the connection closed (or reset, or spoke no HTTP) with nothing else
)

func (a Answer) String() string {
	return [...]string{"silence", "100 Continue", "a final status", "a close"}[a]
}

// Observed is what one probe saw, in the terms the diagnosis needs. Offsets are from the moment
// the head was sent.
type Observed struct {
	Err string // the connection could not be made (nothing else is set)

	// While the content was withheld (probes with a wait step only).
	First      Answer
	FirstAt    time.Duration  // when the first answer came (the 100, the final, the close)
	Continues  int            // 100 responses before the final
	EarlyFinal *conv.Response // the final that came before the content, if one did
	Interims   []int          // every 1xx status, in order (100, 102, 103 …)

	ContentSent bool           // the content went out (all of it)
	WaitedFor   time.Duration  // from the head to the content: how long the content was withheld
	Final       *conv.Response // the final response, early or after the content
	FinalAt     time.Duration
	Closed      bool   // the peer closed or reset the connection (or, in HTTP/2, the stream) at some point
	ParseError  string // the answer was not HTTP/1.x (or not valid HTTP/2)
	// StreamEnd says how an HTTP/2 server ended the probe's stream without a response, when it
	// did: "the server reset the stream (RST_STREAM with REFUSED_STREAM)". "" otherwise.
	StreamEnd string
}

// observe reads a probe's timeline. It reads windows by step label, never by read boundaries, so
// that a 100 and a final arriving in one segment read the same as in two.
func observe(tl *conv.Timeline) Observed {
	if tl.Err != "" {
		return Observed{Err: tl.Err}
	}
	var o Observed
	start, ok := tl.StepAt(stepHead)
	if !ok {
		start, _ = tl.StepAt(stepUpload)
	}
	for _, e := range tl.Events {
		switch e.Kind {
		case conv.EvFIN, conv.EvRST:
			o.Closed = true
		case conv.EvParseError:
			if o.ParseError == "" {
				o.ParseError = e.Error
			}
		case conv.EvSent:
			if e.Step == stepContent {
				o.ContentSent = true
			}
		case conv.EvFrame:
			if why := streamEnd(e); why != "" && o.StreamEnd == "" {
				o.Closed, o.StreamEnd = true, why
			}
		}
	}
	for _, m := range tl.Messages() {
		if m.Msg.Interim() {
			o.Interims = append(o.Interims, m.Msg.Status)
			if m.Msg.Status == 100 && o.Final == nil {
				o.Continues++
			}
			continue
		}
		if o.Final == nil {
			o.Final, o.FinalAt = m.Msg, m.At-start
		}
	}
	if at, ok := tl.StepAt(stepContent); ok && o.ContentSent {
		if _, withheld := tl.StepAt(stepHead); withheld {
			o.WaitedFor = at - start
		}
	}
	o.First, o.FirstAt = firstAnswer(tl, start)
	if o.First == AnsweredFinal {
		o.EarlyFinal = o.Final
	}
	return o
}

// firstAnswer is what came while the content was withheld: what the wait step read (the driver
// reads only while awaiting, so an answer that lost the race with the wait's deadline is read by
// the final step, after the content, as a client with a timer would have met it). A 1xx other than 100 (102,
// 103) is not an answer to the expectation: the wait goes on to what follows it.
func firstAnswer(tl *conv.Timeline, start time.Duration) (Answer, time.Duration) {
	if _, ok := tl.StepAt(stepHead); !ok {
		return AnsweredNothing, 0
	}
	for _, e := range tl.Events {
		if e.Step == stepContent || e.Step == stepFinal {
			break
		}
		switch e.Kind {
		case conv.EvMessage:
			if e.Msg == nil || (e.Msg.Interim() && e.Msg.Status != 100) {
				continue
			}
			if e.Msg.Status == 100 {
				return AnsweredContinue, e.At - start
			}
			return AnsweredFinal, e.At - start
		case conv.EvFIN, conv.EvRST, conv.EvParseError:
			return AnsweredClose, e.At - start
		case conv.EvFrame:
			if streamEnd(e) != "" {
				return AnsweredClose, e.At - start
			}
		}
	}
	return AnsweredNothing, 0
}

// streamEnd reads an HTTP/2 frame received that ends the probe's stream (stream 1) from the
// server's side without the rest of a response: its RST_STREAM, or a GOAWAY with an error code
// (a GOAWAY with NO_ERROR is a graceful shutdown that lets the stream finish, RFC 9113 §6.8).
// It says how, in words; "" for every other event. A RST_STREAM that follows a complete early
// final is read after that final, so it does not hide it.
func streamEnd(e conv.Event) string {
	f := e.Frame
	if e.Kind != conv.EvFrame || f == nil || f.Sent {
		return ""
	}
	switch {
	case f.Type == "RST_STREAM" && f.Stream == 1:
		return "the server reset the stream (RST_STREAM with " + conv.CodeName(f.Code) + ")"
	case f.Type == "GOAWAY" && f.Code != conv.CodeNoError:
		return "the server ended the connection (GOAWAY with " + conv.CodeName(f.Code) + ")"
	}
	return ""
}

// closedWords says how the exchange ended without an answer: the connection closed, or, over
// HTTP/2, how the server ended the stream.
func (o Observed) closedWords() string {
	if o.StreamEnd != "" {
		return o.StreamEnd
	}
	return "the connection closed"
}
