package target

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"github.com/expectspec/expectspec/harness/conv"
	"github.com/expectspec/expectspec/harness/driver"
	"github.com/expectspec/expectspec/harness/h1"
)

// The checks before a run (Probe, CheckContract, Capacity) are conversations like the cases':
// each plays a script through the driver of the target's protocol (request.go) and decides from
// its timeline, so the target's answer is read as a case's is and every read is bounded the
// same way.

// checkDeadline is each check's deadline: connecting, sending and the answer of one round.
const checkDeadline = 5 * time.Second

// maxCheckAnswer bounds what a check reads of an answer: the status and header sections of the
// interim responses before the final one, and the final one's head. A peer that sends 1xx
// forever, or a head that never ends, is cut there instead of being read until the deadline
// (at loopback speed, gigabytes).
const maxCheckAnswer = 64 << 10

// checkOptions bounds a check's conversation by maxCheckAnswer octets and by nothing else: the
// messages and events of 64 KiB of answer stay under these bounds however small they are (at
// least one octet an event, about twenty a message), so a flood of interim responses is cut at
// 64 KiB, which is what the reason then says.
func checkOptions(dial time.Duration) driver.Options {
	return driver.Options{
		DialTimeout: dial,
		MaxRecv:     maxCheckAnswer,
		MaxEvents:   2*maxCheckAnswer + 16,
		Limits:      h1.Limits{MaxMessages: maxCheckAnswer},
	}
}

// answer is what the target did in one check's conversation, read off its timeline.
type answer struct {
	err      string         // the connection could not be made (Timeline.Err)
	writeErr string         // the request could not be sent
	final    *conv.Response // the first final response or 101, complete or only its head
	interims int            // the 1xx other than 101 before it
	n        int64          // octets received
	first    time.Duration  // when the first of them arrived
	got      []byte         // the first of them, as recorded
	parseErr string         // the parser's complaint about them, if any
	limit    string         // the bound that stopped reading, if one did
	end      conv.Event     // how the answer ended: the FIN, RST or deadline (Kind "" if none)
}

// maxQuoted bounds the received octets an answer keeps to quote in a reason.
const maxQuoted = 4 << 10

// play plays a check's script against t within ctx and reads its timeline.
func play(ctx context.Context, t Target, s conv.Script, opt driver.Options) answer {
	return readAnswer(run(ctx, t, s, opt))
}

// readAnswer reads a check's timeline. Over HTTP/2 what arrived is the frames of the request's
// stream, each quoted as a line: the connection's own frames (SETTINGS, PING, WINDOW_UPDATE)
// come whether or not the request is answered.
func readAnswer(tl *conv.Timeline) answer {
	a := answer{err: tl.Err}
	arrived := func(at time.Duration, n int64, quote []byte) {
		if a.n == 0 {
			a.first = at
		}
		a.n += n
		a.got = append(a.got, quote[:min(len(quote), maxQuoted-len(a.got))]...)
	}
	for _, e := range tl.Events {
		switch e.Kind {
		case conv.EvRecv:
			arrived(e.At, e.N, e.Data)
		case conv.EvFrame:
			if f := e.Frame; !f.Sent && f.Stream != 0 {
				arrived(e.At, int64(f.Length), []byte(f.String()+"\n"))
			}
		case conv.EvMessage, conv.EvHead:
			switch {
			case a.final != nil:
			case e.Msg.Interim() && e.Msg.Status != 101:
				a.interims++
			default:
				a.final = e.Msg
			}
		case conv.EvWriteError:
			a.writeErr = e.Error
		case conv.EvParseError:
			if e.Cause == conv.CauseTruncated {
				// not a complaint about the octets: the connection ended inside a message,
				// which the end event says
				continue
			}
			a.parseErr = e.Error
		case conv.EvLimit:
			a.limit = e.Error
		case conv.EvFIN, conv.EvRST, conv.EvDeadline:
			if a.end.Kind == "" {
				a.end = e
			}
		}
	}
	return a
}

// answered reports whether the target sent a response head: a final's or a 1xx's.
func (a answer) answered() bool { return a.final != nil || a.interims > 0 }

// firstLine is the first line of what arrived, with its line end, as the checks quote it.
func (a answer) firstLine() string {
	if i := bytes.IndexByte(a.got, '\n'); i >= 0 {
		return string(a.got[:i+1])
	}
	return string(a.got)
}

// ending says why nothing more came: the parser's complaint, the bound that stopped reading, or
// how the connection ended.
func (a answer) ending(wait time.Duration) string {
	switch {
	case a.parseErr != "":
		return a.parseErr
	case a.limit != "":
		return a.limit
	case a.end.Kind == conv.EvFIN:
		return "the connection was closed"
	case a.end.Kind == conv.EvRST:
		return "the connection was reset: " + a.end.Error
	}
	return fmt.Sprintf("nothing more within %s", wait)
}

// statusLine is a response's status line as it arrived.
func statusLine(m *conv.Response) string {
	if line, _, ok := bytes.Cut(m.Head, []byte("\n")); ok {
		return string(bytes.TrimRight(line, "\r"))
	}
	return fmt.Sprintf("%s %d %s", m.Proto, m.Status, m.Reason)
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}
