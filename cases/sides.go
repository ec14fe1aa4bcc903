package cases

import "github.com/expectspec/expectspec/harness/conv"

// Observed is what the sides of one run of a case saw, handed to the case's judge.
type Observed struct {
	// Client is what the suite's client saw: the timeline of its script against the target.
	Client *conv.Timeline
	// Origin is the suite's origin's record of the case's requests; nil when no origin of the
	// suite's ran (the target is the origin).
	Origin *conv.OriginRecord
	// Reported is what a client under test reported of its run (exit status, duration, bounded
	// output), beside the origin's record of what it sent; nil for the other roles.
	Reported *conv.ClientReport
}

// onClient makes a judge of what the suite's client saw alone (a case against an origin).
func onClient(judge func(Env, *conv.Timeline) Outcome) func(Env, Observed) Outcome {
	return func(env Env, seen Observed) Outcome { return judge(env, seen.Client) }
}

// onBothSides makes a judge of an intermediary case, which reads what the client saw and what
// the suite's origin received. A missing record reads as an empty one: nothing reached the origin.
func onBothSides(judge func(Env, *conv.Timeline, conv.OriginRecord) Outcome) func(Env, Observed) Outcome {
	return func(env Env, seen Observed) Outcome {
		var rec conv.OriginRecord
		if seen.Origin != nil {
			rec = *seen.Origin
		}
		return judge(env, seen.Client, rec)
	}
}

// onForwarded is onBothSides for a judge that reads the request the origin received: when
// nothing reached the origin there is nothing to judge on requirement, so the outcome is info
// saying what the client received instead, and judge runs only when a request arrived.
func onForwarded(requirement string, judge func(Env, *conv.Timeline, conv.OriginRecord) Outcome) func(Env, Observed) Outcome {
	return onBothSides(func(env Env, tl *conv.Timeline, rec conv.OriginRecord) Outcome {
		if _, forwarded := chainFirstRequest(rec); !forwarded {
			var j Judgement
			j.Info(requirement, "nothing reached the origin (the client received %s)", chainStatuses(tl.Messages()))
			return j.Outcome()
		}
		return judge(env, tl, rec)
	})
}
