// Package suite is the Ginkgo glue: one container per target, a table of entries generated from
// the cases, labels for role, keyword, RFC section and case ID, per-entry timeouts; the
// outcomes go to the results package once RunSpecs returns. Play runs any case against any
// target.
//
// It is the one package that may import cases, harness and results together; nothing imports it.
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

// Env derives what a case knows about a target from the target and the measured timing.
func Env(t target.Target, timing cases.Timing) cases.Env {
	return cases.Env{Host: t.Host, Path: t.Path, EarlyPath: t.Early, UpgradeProtocol: t.Upgrade, Timing: timing,
		Protocol: t.HTTPProtocol(), Secure: t.TLS != nil, Role: t.Role, ClientTLS: t.CAFile != ""}
}

// Play runs case c against target t (at t.Address, over t.TLS) and judges what its sides observed. o is the
// suite's scripted origin behind an intermediary (nil for an origin target); env comes from
// CaseEnv.
//
//  1. It registers at o what the origin does with the case's requests: for an intermediary case
//     (c.Origin set) c.Origin(env) under env.Token; for another case run through an intermediary
//     (o set and a token), a conforming upload resource under env.Token and a 404 from the head
//     under its early token (target.UploadScript, target.EarlyScript). A fresh registration's
//     offsets count from now, just before the suite dials.
//  2. It plays c.Client(env) against t.Address with the driver of env.Protocol, over TLS when
//     t.TLS is set; a client under test gets {ca}, t.CAFile.
//  3. It lets each registered record settle (settle: until nothing has changed in it for a
//     short while, at most env.Timing.Quiet): the origin may still be reading, and it records a
//     write only once it returned, which can be after the client read it.
//  4. It judges with c.Decide (the case's judge, then the checks of every case); the origin's
//     record goes to the judge only for an intermediary case. Through an intermediary that
//     relayed the case's octets unchanged both ways (a tunnel, RFC 9110 §3.7), the outcome is
//     na: what the client saw was the suite's own origin (cases.ThroughTunnel).
//
// It returns the outcome, the client's timeline and the records (copies) of the tokens it
// registered, for the trace. It never panics and never fails a target for the suite's own
// trouble: a panic of the case's code, a protocol without a driver, a case without a client
// script or a judge, an intermediary case without an origin or a token, a connection that cannot
// be made and a cancelled context all yield an error outcome.
//
// env.Token must be unique among the cases running at once against o: CaseEnv sets it (one
// token per target and case).
func Play(ctx context.Context, t target.Target, env cases.Env, c cases.Case, o *origin.Origin) (cases.Outcome, *conv.Timeline, []conv.OriginRecord) {
	p := playCase(ctx, t, env, c, o)
	return p.o, p.tl, p.recs
}

// playCase is Play keeping a client's report (what the scheduler records). It holds the one
// panic guard of both roles: a panic in a client case's origin side or judge is the suite's
// defect as much as one in a server case's.
func playCase(ctx context.Context, t target.Target, env cases.Env, c cases.Case, o *origin.Origin) (p played) {
	defer func() {
		if r := recover(); r != nil {
			p.o = failedSuite("case %s panicked (a defect of the suite): %v", c.ID, r)
		}
	}()
	if env.Role == conv.RoleClient {
		p.o, p.rep, p.recs = playClient(ctx, t, env, c, o)
		return p
	}
	p.o, p.tl, p.recs = playServer(ctx, t, env, c, o)
	return p
}

// playServer is Play for a target that serves (origin, gateway, forward proxy).
func playServer(ctx context.Context, t target.Target, env cases.Env, c cases.Case, o *origin.Origin) (out cases.Outcome, tl *conv.Timeline, recs []conv.OriginRecord) {
	drv, err := driver.For(env.Protocol, driver.Options{TLS: t.TLS})
	switch {
	case err != nil:
		return failedSuite("case %s cannot run: %v", c.ID, err), nil, nil
	case c.Client == nil || c.Judge == nil:
		return failedSuite("case %s has no client script or no judge (a defect of the suite)", c.ID), nil, nil
	case c.Origin != nil && o == nil:
		return failedSuite("case %s needs the suite's scripted origin behind the intermediary, and none is running", c.ID), nil, nil
	case c.Origin != nil && env.Token == "":
		return failedSuite("case %s has no origin token (a defect of the suite)", c.ID), nil, nil
	}
	var tokens []string
	switch {
	case c.Origin != nil:
		o.Register(env.Token, c.Origin(env))
		tokens = []string{env.Token}
	case o != nil && env.Token != "":
		o.Register(env.Token, target.UploadScript())
		o.Register(target.EarlyToken(env.Token), target.EarlyScript())
		tokens = []string{env.Token, target.EarlyToken(env.Token)}
	}
	tl = drv.Play(ctx, t.Address, c.Client(env))
	for _, tok := range tokens {
		recs = append(recs, settle(ctx, o, tok, env.Timing.Quiet))
	}
	if tl.Err != "" {
		return cases.Outcome{Verdict: cases.Error, Reason: tl.Err}, tl, recs
	}
	if err := ctx.Err(); err != nil {
		return interruptedCase(err), tl, recs
	}
	seen := cases.Observed{Client: tl}
	if c.Origin != nil {
		judged := recs[0].Clone()
		seen.Origin = &judged
	}
	out = c.Decide(env, seen)
	if len(recs) > 0 {
		out = cases.ThroughTunnel(out, tl, recs)
	}
	return out, tl, recs
}

// failedSuite is the error outcome of a run the suite could not make.
func failedSuite(format string, args ...any) cases.Outcome {
	return cases.Outcome{Verdict: cases.Error, Reason: fmt.Sprintf(format, args...)}
}

// interruptedCase is the error outcome of a case whose context ended before it finished.
func interruptedCase(err error) cases.Outcome {
	return cases.Outcome{Verdict: cases.Error, Reason: "the case was interrupted before it finished (" + err.Error() + ")"}
}

// caseTimeout is the per-entry deadline: the sum of the script's waits plus a margin for
// connecting and judging.
func caseTimeout(c cases.Case, env cases.Env) time.Duration {
	return c.Budget(env) + 5*time.Second
}
