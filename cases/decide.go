package cases

import "github.com/expectspec/expectspec/harness/conv"

// Decide judges a played case: its own judge, then the checks that hold in every case. rec is
// the suite origin's record for chain cases, nil for origin cases.
func (c Case) Decide(env Env, tl *conv.Timeline, rec *conv.OriginRecord) Outcome {
	// A late 408 is the target's timeout, not an answer (unanswered.go): no judge, of an origin
	// or of a chain, reads it as one, and the reason says what was set aside.
	clean, note := withoutLateTimeout(env, tl)
	var o Outcome
	if c.Chain != nil {
		var r conv.OriginRecord
		if rec != nil {
			r = *rec
		}
		o = c.Chain.Judge(env, clean, r)
	} else {
		o = c.Judge(env, clean)
	}
	if note != "" && o.Verdict != Error {
		o.Reason += " (" + note + ")"
	}
	if o.Verdict == Error || o.BreaksUploads != "" {
		return o
	}
	if !refused100Continue(tl, rec) || (c.Tolerates417 != nil && rec != nil && c.Tolerates417(*rec)) {
		return o
	}
	return withRefusal(o, env)
}
