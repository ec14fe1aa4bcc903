package suite

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/expectspec/expectspec/cases"
	"github.com/expectspec/expectspec/harness/conv"
	"github.com/expectspec/expectspec/harness/gateways"
	"github.com/expectspec/expectspec/harness/origin"
	"github.com/expectspec/expectspec/harness/target"
)

// A small intermediary case, independent of the catalogue: a POST with Expect through the
// gateway, the origin answering 100 and then 200.
func probeChainCase(judge func(cases.Env, *conv.Timeline, conv.OriginRecord) cases.Outcome) cases.Case {
	return cases.Case{
		ID: "test/chain", Roles: []cases.Role{cases.Gateway},
		Client: func(env cases.Env) conv.Script {
			head := "POST " + env.Target("upload") + " HTTP/1.1\r\nHost: " + env.Host + "\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n"
			return conv.Script{Steps: []conv.Step{
				{Kind: conv.Send, Label: "head", Data: []byte(head), Within: time.Second},
				{Kind: conv.Await, Label: "withheld", Until: conv.UntilMessage, Within: 2 * time.Second},
				{Kind: conv.Send, Label: "body", Data: []byte("hello"), Within: time.Second},
				{Kind: conv.Await, Label: "final", Until: conv.UntilFinals, Count: 1, Within: 2 * time.Second},
			}}
		},
		Origin: func(cases.Env) conv.OriginScript { return conv.OriginScript{} },
		Judge: func(env cases.Env, seen cases.Observed) cases.Outcome {
			return judge(env, seen.Client, *seen.Origin)
		},
	}
}

func TestPlayThroughGateway(t *testing.T) {
	o, err := origin.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	gw, err := target.StartGateway("streaming", gateways.StartStreaming, o)
	if err != nil {
		t.Fatal(err)
	}
	defer gw.Stop()
	ctx := context.Background()
	base := Env(gw, cases.DefaultTiming(time.Millisecond, 1))

	t.Run("judges both sides once the origin has settled", func(t *testing.T) {
		c := probeChainCase(func(env cases.Env, tl *conv.Timeline, rec conv.OriginRecord) cases.Outcome {
			if len(tl.Finals()) != 1 || len(rec.Requests) != 1 || !rec.Requests[0].Complete || len(rec.Requests[0].Sent) != 2 {
				return cases.Outcome{Verdict: cases.Fail, Reason: "incomplete sides"}
			}
			return cases.Outcome{Verdict: cases.Pass, Reason: rec.Requests[0].RequestLine}
		})
		env := CaseEnv(gw, base, c)
		start := time.Now()
		out, tl, recs := Play(ctx, gw, env, c, o)
		took := time.Since(start)
		if out.Verdict != cases.Pass || len(recs) != 1 {
			t.Fatalf("%s (%d records)\n%s", out, len(recs), tl.Transcript())
		}
		rec := recs[0]
		if rec.Token != env.Token || !strings.Contains(out.Reason, "/__expectspec/"+env.Token+"/upload") {
			t.Errorf("record of %q for token %q: %s", rec.Token, env.Token, out.Reason)
		}
		// A conforming chain pays the settling time only: a few round trips and the quiet time.
		if took > 600*time.Millisecond {
			t.Errorf("a conforming chain took %s", took)
		}
		side := originTranscript([]conv.OriginRecord{rec})
		for _, want := range []string{"origin received head", "Expect: 100-continue", "origin sent 100 Continue", "origin received 5 octets of content", "origin sent 200 OK"} {
			if !strings.Contains(side, want) {
				t.Errorf("the origin's side lacks %q:\n%s", want, side)
			}
		}
	})

	t.Run("contains a panicking judge", func(t *testing.T) {
		c := probeChainCase(func(cases.Env, *conv.Timeline, conv.OriginRecord) cases.Outcome { panic("boom") })
		out, _, _ := Play(ctx, gw, CaseEnv(gw, base, c), c, o)
		if out.Verdict != cases.Error || !strings.Contains(out.Reason, "boom") {
			t.Errorf("%s", out)
		}
	})

	t.Run("errs without an origin, a token, a reachable intermediary or a driver for the protocol", func(t *testing.T) {
		c := probeChainCase(func(cases.Env, *conv.Timeline, conv.OriginRecord) cases.Outcome {
			return cases.Outcome{Verdict: cases.Fail}
		})
		env := CaseEnv(gw, base, c)
		if out, _, _ := Play(ctx, gw, env, c, nil); out.Verdict != cases.Error {
			t.Errorf("no origin: %s", out)
		}
		noTok := env
		noTok.Token = ""
		if out, _, _ := Play(ctx, gw, noTok, c, o); out.Verdict != cases.Error {
			t.Errorf("no token: %s", out)
		}
		if out, _, _ := Play(ctx, target.Target{Address: "127.0.0.1:1"}, env, c, o); out.Verdict != cases.Error {
			t.Errorf("unreachable: %s", out)
		}
		h3 := env
		h3.Protocol = "h3" // (h2 and h2c have a driver now)
		if out, _, _ := Play(ctx, gw, h3, c, o); out.Verdict != cases.Error || !strings.Contains(out.Reason, `"h3"`) {
			t.Errorf("a protocol without a driver: %s", out)
		}
	})

	t.Run("gives an origin-role case token paths with a conforming and an early resource", func(t *testing.T) {
		oc, ok := cases.ByID("origin/early-final-read-or-close")
		if !ok {
			t.Skip("no such case")
		}
		env := CaseEnv(gw, base, oc)
		if env.Path == env.EarlyPath || !strings.HasPrefix(env.Path, "/__expectspec/") || !strings.Contains(env.EarlyPath, target.EarlyToken(env.Token)) {
			t.Fatalf("paths %q and %q", env.Path, env.EarlyPath)
		}
		out, tl, recs := Play(ctx, gw, env, oc, o)
		if out.Verdict != cases.Pass {
			t.Errorf("%s\n%s%s", out, tl.Transcript(), originTranscript(recs))
		}
	})
}
