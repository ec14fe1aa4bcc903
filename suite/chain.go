package suite

import (
	"context"
	"fmt"
	"time"

	"github.com/expectspec/expectspec/cases"
	"github.com/expectspec/expectspec/harness/conv"
	"github.com/expectspec/expectspec/harness/origin"
	"github.com/expectspec/expectspec/harness/target"
)

// Settling the origin's side. When the client's script ends, the origin may still be reading:
// the rest of a body the intermediary relays late, a staged close, a request smuggled behind
// an abandoned body. Play polls the origin's record every settlePoll until it has not
// changed for a sixth of env.Timing.Quiet, kept between settleQuietMin and settleQuietMax (a
// conforming chain has long finished, so this is the only wait it pays), and gives up waiting at
// env.Timing.Quiet (defaultSettleBound when the timing is unset).
const (
	settlePoll         = 5 * time.Millisecond
	settleQuietMin     = 20 * time.Millisecond
	settleQuietMax     = 100 * time.Millisecond
	defaultSettleBound = 300 * time.Millisecond
)

// settle polls the origin's record for token until it has not changed for a short quiet time
// with no message being written, bound passes or ctx is done, and returns the last copy. A
// message being written is not yet in the record though the client may have it already: on a
// busy machine the origin can take longer than the quiet time to record it.
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
	for (time.Since(since) < quiet || rec.Sending > 0) && time.Now().Before(deadline) {
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
	s := fmt.Sprintf("%d/%d/%d|", len(r.Requests), r.Dropped, r.Sending)
	for _, q := range r.Requests {
		s += fmt.Sprintf("%d.%d:%v%v%d,%d,%d,%d,%v%v%v%v%s;", q.Conn, q.Seq, q.Complete, q.EarlyFinal, len(q.ContentAt), q.ContentLen,
			len(q.Sent), len(q.AfterResponse), q.NextRequestOnConn, q.Closed, q.Truncated, q.EndStream, q.ClientReset)
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
// (target.UploadScript): Play registers both before it plays the case.
func CaseEnv(t target.Target, base cases.Env, c cases.Case) cases.Env {
	if t.Role == target.RoleClient {
		// a client under test: its command gets {url} under the case's own token
		env := base
		env.Token, env.OriginAuthority, env.Host, env.Command = target.Token(t.Name, c.ID), t.OriginAuthority, t.OriginAuthority, t.Command
		env.Path = env.Target("upload")
		return env
	}
	if !t.Intermediary() {
		return base
	}
	env := base
	tok := target.Token(t.Name, c.ID)
	env.Token, env.Role, env.OriginAuthority, env.Host = tok, t.Role, t.OriginAuthority, t.Host
	if env.Role != target.RoleProxy {
		env.Prefix = t.Prefix
	}
	env.Path = t.TokenPath(tok, "upload")
	if c.Origin != nil {
		env.EarlyPath = t.TokenPath(tok, "early")
	} else {
		env.EarlyPath = t.TokenPath(target.EarlyToken(tok), "early")
	}
	return env
}
