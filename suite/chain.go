package suite

import (
	"context"
	"fmt"
	"time"

	"github.com/expectspec/expectspec/cases"
	"github.com/expectspec/expectspec/harness/conv"
	"github.com/expectspec/expectspec/harness/driver"
	"github.com/expectspec/expectspec/harness/origin"
	"github.com/expectspec/expectspec/harness/target"
)

// Settling the origin's side. When the client's script ends, the origin may still be reading:
// the rest of a body the intermediary relays late, a staged close, a request smuggled behind
// an abandoned body. RunChainCase polls the origin's record every settlePoll until it has not
// changed for a sixth of env.Timing.Quiet, kept between settleQuietMin and settleQuietMax (a
// conforming chain has long finished, so this is the only wait it pays), and gives up waiting at
// env.Timing.Quiet (defaultSettleBound when the timing is unset).
const (
	settlePoll         = 5 * time.Millisecond
	settleQuietMin     = 20 * time.Millisecond
	settleQuietMax     = 100 * time.Millisecond
	defaultSettleBound = 300 * time.Millisecond
)

// RunChainCase runs an intermediary case (c.Chain set) against the intermediary at addr, with
// the suite's scripted origin o behind it:
//
//  1. it registers c.Chain.Origin(env) at o under env.Token (a fresh record whose offsets count
//     from now, just before the suite dials);
//  2. it plays c.Script(env) against addr with the driver;
//  3. it waits for the origin's side to settle: it polls the record until nothing has changed in
//     it for a short while (a fraction of env.Timing.Quiet, 20–100 ms), and at most
//     env.Timing.Quiet in all;
//  4. it judges with c.Decide(env, timeline, &record) (the case's chain judge, then the checks of every case).
//
// It returns the outcome, the client's timeline and the origin's record (a copy). Like RunCase it
// never panics: a panic of the origin script function or the judge is a defect of the case and
// yields an error outcome; a connection that cannot be made, a cancelled context, a case without
// a Chain, a nil origin or an empty token yield an error outcome too (never a fail).
//
// env.Token must be unique among the cases running at once against o: CaseEnv sets it (one
// token per target and case). The script sends env.Path and env.EarlyPath (token paths with the
// gateway's prefix, absolute-form through a forward proxy) or env.Target(resource) (no gateway
// prefix) through addr.
func RunChainCase(ctx context.Context, addr string, env cases.Env, c cases.Case, o *origin.Origin) (out cases.Outcome, tl *conv.Timeline, rec conv.OriginRecord) {
	defer func() {
		if p := recover(); p != nil {
			out = cases.Outcome{Verdict: cases.Error, Reason: fmt.Sprintf("the intermediary case %s panicked (a defect of the suite): %v", c.ID, p)}
		}
	}()
	switch {
	case c.Chain == nil || c.Chain.Origin == nil || c.Chain.Judge == nil:
		return cases.Outcome{Verdict: cases.Error, Reason: fmt.Sprintf("case %s has no origin script or no judge of both sides (a defect of the suite)", c.ID)}, nil, rec
	case o == nil:
		return cases.Outcome{Verdict: cases.Error, Reason: fmt.Sprintf("case %s needs the suite's scripted origin behind the intermediary, and none is running", c.ID)}, nil, rec
	case env.Token == "":
		return cases.Outcome{Verdict: cases.Error, Reason: fmt.Sprintf("case %s has no origin token (a defect of the suite)", c.ID)}, nil, rec
	}
	o.Register(env.Token, c.Chain.Origin(env))
	tl = driver.Run(ctx, addr, c.Script(env), driver.Options{})
	rec = settle(ctx, o, env.Token, env.Timing.Quiet)
	if tl.Err != "" {
		return cases.Outcome{Verdict: cases.Error, Reason: tl.Err}, tl, rec
	}
	if err := ctx.Err(); err != nil {
		return cases.Outcome{Verdict: cases.Error, Reason: "the case was interrupted before it finished (" + err.Error() + ")"}, tl, rec
	}
	judged := rec.Clone()
	return c.Decide(env, tl, &judged), tl, rec
}

// settle polls the origin's record for token until it has not changed for a short quiet time,
// bound passes or ctx is done, and returns the last copy.
func settle(ctx context.Context, o *origin.Origin, token string, bound time.Duration) conv.OriginRecord {
	if bound <= 0 {
		bound = defaultSettleBound
	}
	quiet := min(max(bound/6, settleQuietMin), settleQuietMax)
	deadline := time.Now().Add(bound)
	rec := o.Record(token)
	last, since := fingerprint(rec), time.Now()
	t := time.NewTicker(settlePoll)
	defer t.Stop()
	for time.Since(since) < quiet && time.Now().Before(deadline) {
		select {
		case <-ctx.Done():
			return o.Record(token)
		case <-t.C:
		}
		rec = o.Record(token)
		if f := fingerprint(rec); f != last {
			last, since = f, time.Now()
		}
	}
	return rec
}

// fingerprint summarises everything in a record that grows or flips while the origin works.
func fingerprint(r conv.OriginRecord) string {
	s := fmt.Sprintf("%d/%d|", len(r.Requests), r.Dropped)
	for _, q := range r.Requests {
		s += fmt.Sprintf("%d.%d:%v%v%d,%d,%d,%d,%v%v%v;", q.Conn, q.Seq, q.Complete, q.EarlyFinal, len(q.ContentAt), q.ContentLen,
			len(q.Sent), len(q.AfterResponse), q.NextRequestOnConn, q.Closed, q.Truncated)
	}
	for _, c := range r.Conns {
		s += fmt.Sprintf("c%d:%d%v;", c.ID, c.Requests, c.Closed)
	}
	return s
}

// CaseEnv is the Env of case c on target t, from the target's base Env (Env(t, timing)). An
// origin gets base unchanged. A gateway or a forward proxy gets the case's own token
// (target.Token of the target's name and the case's ID), so that cases never collide at the
// shared origin, and token paths: Path is /__expectspec/<token>/upload behind the gateway's
// prefix (absolute-form through a forward proxy). A chain case's EarlyPath is under the same
// token (its origin script covers both); an origin-role case run against a gateway (judged as an
// origin towards its client, RFC 9110 §3.7) gets EarlyPath under a second token, whose script
// answers 404 from the head (target.EarlyScript) while Path's is a conforming upload resource
// (target.UploadScript): runCase registers both before it plays the case.
func CaseEnv(t target.Target, base cases.Env, c cases.Case) cases.Env {
	if !t.Intermediary() {
		return base
	}
	env := base
	tok := target.Token(t.Name, c.ID)
	env.Token, env.Proxy, env.OriginAuthority, env.Host = tok, t.Role == target.RoleProxy, t.OriginAuthority, t.Host
	if !env.Proxy {
		env.Prefix = t.Prefix
	}
	env.Path = t.TokenPath(tok, "upload")
	if c.Chain != nil {
		env.EarlyPath = t.TokenPath(tok, "early")
	} else {
		env.EarlyPath = t.TokenPath(target.EarlyToken(tok), "early")
	}
	return env
}

// runCase runs any case: a chain case with RunChainCase; another case with RunCase, after
// registering the token paths of its Env at o when it runs through an intermediary (o != nil).
// It returns what the origin recorded for the case's tokens, for the trace. Through an
// intermediary that relayed the case's octets unchanged both ways (a tunnel, RFC 9110 §3.7), the
// outcome is na: what the client saw was the suite's own origin (cases.ThroughTunnel).
func runCase(ctx context.Context, addr string, env cases.Env, c cases.Case, o *origin.Origin) (cases.Outcome, *conv.Timeline, []conv.OriginRecord) {
	if c.Chain != nil {
		out, tl, rec := RunChainCase(ctx, addr, env, c, o)
		if rec.Token == "" {
			return out, tl, nil
		}
		recs := []conv.OriginRecord{rec}
		return cases.ThroughTunnel(out, tl, recs), tl, recs
	}
	if o == nil || env.Token == "" {
		out, tl := RunCase(ctx, addr, env, c)
		return out, tl, nil
	}
	o.Register(env.Token, target.UploadScript())
	o.Register(target.EarlyToken(env.Token), target.EarlyScript())
	out, tl := RunCase(ctx, addr, env, c)
	// Settled like a chain case's record: the origin records a write only once it has returned,
	// which can be after the client has read it; a record read at once would miss it.
	recs := []conv.OriginRecord{settle(ctx, o, env.Token, env.Timing.Quiet), settle(ctx, o, target.EarlyToken(env.Token), env.Timing.Quiet)}
	return cases.ThroughTunnel(out, tl, recs), tl, recs
}
