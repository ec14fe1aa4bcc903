package cases

// Decide judges a played case: its own judge, then the checks that hold in every case.
// seen.Origin is the suite origin's record for intermediary cases, nil for origin cases.
func (c Case) Decide(env Env, seen Observed) Outcome {
	if env.Role == ClientUnderTest {
		// the checks below judge a server; here the server is the suite's own origin
		return c.Judge(env, seen)
	}
	// A late 408 is the target's timeout, not an answer (unanswered.go): no judge, of an origin
	// or of a chain, reads it as one, and the reason says what was set aside.
	tl, rec := seen.Client, seen.Origin
	clean, note := withoutLateTimeout(env, tl)
	o := c.Judge(env, Observed{Client: clean, Origin: rec})
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
