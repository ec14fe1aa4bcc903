package cases_test

import (
	"fmt"
	"sort"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/expectspec/expectspec/cases"
	"github.com/expectspec/expectspec/harness/conv"
)

// mute plays a case's script, on paper, against a server that never answers anything: it stays
// silent (closeAt < 0), or closes the connection closeAt after the start (its idle timeout). A
// close is read at the first await that is running then, or at the next one to start.
func mute(c cases.Case, env cases.Env, closeAt time.Duration) *conv.Timeline {
	return muteWith(c, env, closeAt, false)
}

// muteWith is mute; with timeout408 the server sends `408 Request Timeout` (with
// `Connection: close`) just before it closes, as cheroot does when its timeout runs out.
func muteWith(c cases.Case, env cases.Env, closeAt time.Duration, timeout408 bool) *conv.Timeline {
	tl := &conv.Timeline{State: conv.StateOpen, Events: []conv.Event{{Kind: conv.EvConnect}}}
	var now time.Duration
	add := func(kind conv.EventKind, step string, n int64) {
		tl.Events = append(tl.Events, conv.Event{At: now, Kind: kind, Step: step, N: n})
	}
	closed := false
	for _, st := range c.Client(env).Steps {
		if st.IfReusable && closed {
			tl.Events = append(tl.Events, conv.Event{At: now, Kind: conv.EvSkipped, Step: st.Label, Cause: conv.CausePeerClosed, Error: "closed"})
			break
		}
		switch st.Kind {
		case conv.Send:
			now += time.Microsecond
			add(conv.EvSent, st.Label, int64(len(st.Data)))
		case conv.SendStream:
			now += time.Millisecond
			add(conv.EvSent, st.Label, st.Size)
		case conv.HalfClose:
			add(conv.EvHalfClose, st.Label, 0)
		case conv.Await:
			if closed {
				continue
			}
			end := now + st.Within
			if closeAt >= 0 && closeAt <= end {
				now = max(now, closeAt)
				if timeout408 {
					add(conv.EvRecv, st.Label, 60)
					tl.Events = append(tl.Events, conv.Event{At: now, Kind: conv.EvMessage, Step: st.Label, Msg: &conv.Response{
						Proto: "HTTP/1.1", Status: 408, Reason: "Request Timeout", Framing: "content-length",
						Header: []conv.Field{{Name: "Content-Length", Value: "0"}, {Name: "Connection", Value: "close"}}}})
				}
				add(conv.EvFIN, st.Label, 0)
				tl.State, closed = conv.StateFIN, true
				continue
			}
			now = end
			add(conv.EvDeadline, st.Label, 0)
		}
	}
	return tl
}

func describeOutcome(o cases.Outcome) string {
	reqs := append([]string(nil), o.Requirements...)
	sort.Strings(reqs)
	return fmt.Sprintf("%s %s", o.Verdict, strings.Join(reqs, ","))
}

// The verdict on a server that never answers must not depend on whether its idle timeout ends
// the conversation before the suite stops waiting (uWSGI closes after 4 s, cheroot after 10 s,
// like the suite's T_max): a close after the immediate bound is the same finding as silence
// (cases/unanswered.go). Every case of the catalogue is played on paper against such a server,
// silent, and closing at moments on both sides of each of the suite's deadlines.
var _ = Describe("a server that never answers, silent or closed by its idle timeout", func() {
	env := cases.Env{Host: "t", Path: "/upload", EarlyPath: "/nope", UpgradeProtocol: "x",
		Timing: cases.DefaultTiming(time.Millisecond, 1)}
	late := []time.Duration{2 * time.Second, 4 * time.Second, 9999 * time.Millisecond, 10001 * time.Millisecond,
		12 * time.Second, 14999 * time.Millisecond, 15001 * time.Millisecond, 30 * time.Second}

	It("gets the same verdict, for the same requirements, whenever the close (or a 408 and a close) comes after the immediate bound", func() {
		for _, c := range cases.All() {
			if c.Origin != nil {
				continue
			}
			silent := c.Decide(env, cases.Observed{Client: mute(c, env, -1)})
			for _, timeout408 := range []bool{false, true} {
				for _, at := range late {
					o := c.Decide(env, cases.Observed{Client: muteWith(c, env, at, timeout408)})
					what := fmt.Sprintf("%s: silent: %s\nclosed at %v (408 first: %v): %s", c.ID, silent, at, timeout408, o)
					Expect(o.Verdict).To(Equal(silent.Verdict), what)
					Expect(o.Reason).NotTo(ContainSubstring("  "), what)
					if o.Verdict == cases.Fail || o.Verdict == cases.Warn {
						Expect(describeOutcome(o)).To(Equal(describeOutcome(silent)), what)
					}
				}
			}
		}
	})

	It("reads a late 408 as the timeout it is, and says so; a prompt 408 stays an answer", func() {
		c, _ := cases.ByID("origin/name-title-value-title")
		o := c.Decide(env, cases.Observed{Client: muteWith(c, env, 9999*time.Millisecond, true)})
		Expect(o.Verdict).To(Equal(cases.Fail), o.String())
		Expect(o.Requirements).To(ContainElement("EXP-VALUE-CASE"))
		Expect(o.Reason).To(MatchRegexp(`408 Request Timeout that came \d+ ms after the last octet sent is the server.s own timeout`))

		prompt := spellTimeline().sent(0, "head").resp(5, "first", 408, "Connection: close").fin(6)
		o = c.Decide(env, cases.Observed{Client: &prompt.tl})
		Expect(o.Reason).To(ContainSubstring("408 arrived 5.0 ms after the header section"), o.String())
		Expect(o.Reason).NotTo(ContainSubstring("own timeout"))
	})

	It("says in the reason that the server closed, and when", func() {
		c, _ := cases.ByID("origin/name-title-value-title")
		o := c.Decide(env, cases.Observed{Client: mute(c, env, 4*time.Second)})
		Expect(o.Verdict).To(Equal(cases.Fail), o.String())
		Expect(o.Requirements).To(ContainElements("EXP-ORIGIN-IMMEDIATE", "EXP-ORIGIN-NO-WAIT", "EXP-VALUE-CASE"))
		Expect(o.Reason).To(MatchRegexp(`closed the connection \(fin\) (3999|4000) ms after the header section`))
		Expect(o.Reason).To(ContainSubstring("idle timeout"))
		Expect(o.Reason).NotTo(ContainSubstring("within 10000 ms"))
	})

	It("keeps a close within the immediate bound a close: a warning at worst, never worse than silence", func() {
		for _, c := range cases.All() {
			if c.Origin != nil {
				continue
			}
			silent := c.Decide(env, cases.Observed{Client: mute(c, env, -1)})
			o := c.Decide(env, cases.Observed{Client: mute(c, env, 500*time.Millisecond)})
			Expect(o.Verdict).NotTo(Equal(cases.Fail), "%s closed at 500 ms: %s", c.ID, o)
			if silent.Verdict != cases.Fail {
				Expect(o.Verdict).To(BeElementOf(cases.Warn, cases.Info, cases.Pass, cases.NA), "%s", c.ID)
			}
		}
	})
})
