package cases_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/expectspec/expectspec/cases"
	"github.com/expectspec/expectspec/harness/conv"
)

// A judge finds the moments of its conversation by the labels of its script's steps; a label
// the script does not have reads as "that step never ran", silently. Every case's judge is run
// here on made-up timelines of its own script (one where nothing answers, one where every wait
// gets a 100 and a final response, then a close) with Timeline.Asked recording every label it
// looks up: each must be a step of the script. A judge must not panic on either timeline.
func TestJudgesAskOnlyForTheirScriptsSteps(t *testing.T) {
	for _, c := range cases.All() {
		if c.Client == nil {
			continue // a client case has no script (client_judge_test.go)
		}
		for _, role := range c.Roles {
			env := exampleEnv(role)
			script := c.Client(env)
			have := map[string]bool{}
			for _, s := range script.Steps {
				have[s.Label] = true
			}
			for _, answered := range []bool{false, true} {
				tl := playedAs(script, answered)
				asked := map[string]bool{}
				tl.Asked = func(label string) { asked[label] = true }
				var rec *conv.OriginRecord
				if c.Origin != nil {
					rec = &conv.OriginRecord{Token: env.Token}
				}
				if err := decide(c, env, tl, rec); err != nil {
					t.Errorf("%s as %s (answered %v): %v", c.ID, role, answered, err)
				}
				for label := range asked {
					if !have[label] {
						t.Errorf("%s as %s: the judge asks for step %q, which its script does not have", c.ID, role, label)
					}
				}
			}
		}
	}
}

func decide(c cases.Case, env cases.Env, tl *conv.Timeline, rec *conv.OriginRecord) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("the judge panicked: %v", p)
		}
	}()
	c.Decide(env, cases.Observed{Client: tl, Origin: rec})
	return nil
}

func exampleEnv(role cases.Role) cases.Env {
	env := cases.Env{Host: "t", Path: "/upload", EarlyPath: "/nope", UpgradeProtocol: "x",
		Timing: cases.DefaultTiming(time.Millisecond, 1)}
	if role != cases.Origin {
		env.Token, env.OriginAuthority, env.Role = "tok", "127.0.0.1:1", role
	}
	return env
}

// playedAs is the script as a timeline: every write happened; every wait ran out (answered
// false) or got a 100 and a 200 (answered true), and the last wait saw the peer close.
func playedAs(s conv.Script, answered bool) *conv.Timeline {
	tl := &conv.Timeline{State: conv.StateOpen}
	now := time.Duration(0)
	add := func(e conv.Event) {
		now += time.Millisecond
		e.At = now
		tl.Events = append(tl.Events, e)
	}
	for i, st := range s.Steps {
		switch st.Kind {
		case conv.Send, conv.SendStream:
			add(conv.Event{Kind: conv.EvSent, Step: st.Label, Data: st.Data, N: int64(len(st.Data))})
		case conv.HalfClose:
			add(conv.Event{Kind: conv.EvHalfClose, Step: st.Label})
		case conv.Await:
			if !answered {
				now += st.Within
				add(conv.Event{Kind: conv.EvDeadline, Step: st.Label})
				continue
			}
			add(conv.Event{Kind: conv.EvMessage, Step: st.Label, Msg: &conv.Response{Proto: "HTTP/1.1", Status: 100, Reason: "Continue", Framing: "none"}})
			add(conv.Event{Kind: conv.EvMessage, Step: st.Label, Msg: &conv.Response{Proto: "HTTP/1.1", Status: 200, Reason: "OK", Framing: "content-length",
				Header: []conv.Field{{Name: "Content-Length", Value: "0"}}}})
			if i == len(s.Steps)-1 {
				add(conv.Event{Kind: conv.EvFIN, Step: st.Label})
				tl.State = conv.StateFIN
			}
		}
	}
	return tl
}
