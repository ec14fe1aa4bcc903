// Package suite is the Ginkgo glue: one container per target, a table of entries generated from
// the cases, labels for role, keyword, RFC section and case ID, per-entry timeouts, and a
// ReportAfterSuite that hands the outcomes to the results package.
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
	"github.com/expectspec/expectspec/harness/target"
)

// Env derives what a case knows about a target from the target and the measured timing.
func Env(t target.Target, timing cases.Timing) cases.Env {
	return cases.Env{Host: t.Host, Path: t.Path, EarlyPath: t.Early, UpgradeProtocol: t.Upgrade, Timing: timing}
}

// RunCase plays a case's script against addr and judges the timeline. It never panics: a judge
// that panics is a defect of the case and yields an error outcome.
func RunCase(ctx context.Context, addr string, env cases.Env, c cases.Case) (o cases.Outcome, tl *conv.Timeline) {
	tl = driver.Run(ctx, addr, c.Script(env), driver.Options{})
	if tl.Err != "" {
		return cases.Outcome{Verdict: cases.Error, Reason: tl.Err}, tl
	}
	if err := ctx.Err(); err != nil {
		return cases.Outcome{Verdict: cases.Error, Reason: "the case was interrupted before it finished (" + err.Error() + ")"}, tl
	}
	defer func() {
		if p := recover(); p != nil {
			o = cases.Outcome{Verdict: cases.Error, Reason: fmt.Sprintf("the judge of %s panicked (a defect of the suite): %v", c.ID, p)}
		}
	}()
	return c.Decide(env, tl, nil), tl
}

// caseTimeout is the per-entry deadline: the sum of the script's waits plus a margin for
// connecting and judging.
func caseTimeout(c cases.Case, env cases.Env) time.Duration {
	return c.Budget(env) + 5*time.Second
}
