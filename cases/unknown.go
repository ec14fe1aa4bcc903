package cases

import (
	"github.com/expectspec/expectspec/harness/conv"
)

// Expectations that are not 100-continue: scenario T04 (CATALOGUE.md). The server may answer 417
// or ignore the member (EXP-UNKNOWN-417-MAY), and how it reads an ungrammatical look-alike of
// 100-continue is its own business (GEN-ERROR-RECOVERY), so every choice about the Expect field is
// info. The header section and the content go in one write so that nothing can stall on the
// expectation; what can still fail is what follows a 100: a final response must come
// (EXP-FINAL-AFTER-100), and no 1xx may come after it (IR-SEQUENCE-ONE-FINAL).

// unknownValues are the Expect values of T04. lookalike marks the ungrammatical spellings of
// 100-continue, which a lenient server may recover as 100-continue.
var unknownValues = []struct {
	id, value string
	lookalike bool
}{
	{"foo", "foo", false},
	{"200-ok", "200-ok", false},
	{"with-param", "100-continue;x=1", true},
	{"with-value", "100-continue=1", true},
	{"quoted", `"100-continue"`, true},
	{"no-hyphen", "100continue", true},
}

var unknownRequirements = []string{"EXP-UNKNOWN-417-MAY", "EXP-ONLY-100-CONTINUE", "GEN-ERROR-RECOVERY",
	"EXP-FINAL-AFTER-100", "IR-SEQUENCE-ONE-FINAL", "IR-NO-CONTENT-LENGTH", "IR-NO-TRANSFER-ENCODING", "IR-NO-CONTENT", "H1-READ-OR-CLOSE"}

// unknownWitnesses are T04's: every reference's choice about the expectation is info (ignored,
// or refused with 417, then the connection kept or closed); a 100 with no final response after it
// fails. For `foo`, also a 100 written right behind the 417: out of sequence however it is read.
func unknownWitnesses(id string) []Witness {
	w := []Witness{informs("ref-continue"), informs("ref-close-early"), informs("ref-417-unknown"), informs("ref-close-early-417"),
		informs("ref-gateway-streaming"), fails("mut-unknown-continue-no-final", "EXP-FINAL-AFTER-100")}
	if id == "foo" {
		w = append(w, fails("mut-early-final-then-continue", "IR-SEQUENCE-ONE-FINAL"), informs("ref-h2-continue"))
	}
	return w
}

// unknownCase is T04 for one value. `foo` runs over HTTP/2 as well: its judge reads only the
// responses (Messages), which the h2 driver gives in the same terms.
func unknownCase(id, value string, lookalike bool) Case {
	field := "Expect: " + value
	var protocols []conv.Protocol
	if id == "foo" {
		protocols = []conv.Protocol{conv.HTTP1, conv.H2, conv.H2C}
	}
	return Case{
		ID:           "origin/unknown-" + id,
		Scenario:     "T04",
		Title:        "`" + field + "` is not a 100-continue expectation: the server may refuse it with 417 or ignore it, and answers the request either way",
		Requirements: unknownRequirements,
		Witnesses:    unknownWitnesses(id),
		Roles:        []Role{Origin, Gateway},
		Protocols:    protocols,
		Client: func(env Env) conv.Script {
			if env.Protocol.IsH2() { // the header block and the content at once
				return script(
					h2Head(env, "request", env.Path, false, conv.Field{Name: "expect", Value: value}),
					h2Content("content"),
					awaitFinals("final", 1, env.Timing.Response),
					h2Quiet(env),
				)
			}
			return script(
				send("request", append(post(env, env.Path, len(body), field), body...)),
				awaitFinals("final", 1, env.Timing.Response),
				quietAfterFinal(env), // a 1xx or a second answer after the final
			)
		},
		Judge: onClient(func(env Env, tl *conv.Timeline) Outcome {
			var j Judgement
			finals := tl.Finals()
			judgeExpectationChoice(&j, env, tl, field, lookalike)
			if len(finals) > 1 {
				j.Fail("H1-READ-OR-CLOSE", "answered one request (header section and content `hello` in one write) with %d final responses (%s, then %s): the content was parsed as a request", len(finals), status(finals[0].Msg), status(finals[1].Msg))
			}
			interimHygiene(&j, tl)
			interimsAfterFinal(&j, tl, "")
			return j.Outcome()
		}),
	}
}

// judgeExpectationChoice reports what the server made of an expectation other than 100-continue
// (info whatever it chose), and applies the duties that follow a 100.
func judgeExpectationChoice(j *Judgement, env Env, tl *conv.Timeline, field string, lookalike bool) {
	finals := tl.Finals()
	hundred := false
	for _, m := range tl.Messages() {
		if m.Msg.Status == 100 && (len(finals) == 0 || m.At < finals[0].At) {
			hundred = true
			break
		}
	}
	if hundred {
		if lookalike {
			j.Info("GEN-ERROR-RECOVERY", "sent 100 (Continue) for `%s`: read the ungrammatical value as 100-continue", field)
		} else {
			j.Info("EXP-ONLY-100-CONTINUE", "sent 100 (Continue) for `%s`, which asks for no 100; clients discard an unsolicited 100", field)
		}
		finalAfterContinue(j, env, tl)
	}
	switch {
	case len(finals) > 0 && finals[0].Msg.Status == 417:
		j.Info("EXP-UNKNOWN-417-MAY", "refused `%s` with 417", field)
	case len(finals) > 0:
		j.Info("EXP-UNKNOWN-417-MAY", "ignored `%s` and answered the request with %s", field, status(finals[0].Msg))
	case hundred:
		// finalAfterContinue has judged it.
	default:
		if e, ok := tl.Closed(); ok {
			j.Warn("EXP-UNKNOWN-417-MAY", "closed the connection (%s) without answering a complete request with `%s`: neither refused it with 417 nor processed it", e.Kind, field)
		} else if e, ok := tl.First(conv.EvParseError); ok {
			j.Warn("EXP-UNKNOWN-417-MAY", "answered a complete request with `%s` with octets that are not an HTTP/1.x response (%s)", field, e.Error)
		} else {
			j.Warn("EXP-UNKNOWN-417-MAY", "sent no final response to a complete request with `%s`: neither refused it with 417 nor processed it", field)
		}
	}
}

// unknownWithheld is T04's variant: `100-continue;x=1` with the content withheld. The value is not
// grammatical, so it is not a 100-continue expectation and waiting for the content is fine; a
// lenient server may recover it as 100-continue and send a 100. The suite waits a short while,
// sends the content anyway, and expects a final response.
var unknownWithheld = Case{
	ID:           "origin/unknown-with-param-withheld",
	Scenario:     "T04",
	Title:        "With `Expect: 100-continue;x=1` and the content withheld, the server may wait for the content or send 100 (Continue); it answers once the content arrives",
	Requirements: []string{"EXP-ABNF-LIST", "GEN-ERROR-RECOVERY", "EXP-UNKNOWN-417-MAY", "EXP-FINAL-AFTER-100", "IR-SEQUENCE-ONE-FINAL", "IR-NO-CONTENT-LENGTH", "IR-NO-TRANSFER-ENCODING", "IR-NO-CONTENT"},
	Witnesses:    []Witness{informs("ref-continue"), informs("ref-417-unknown"), informs("ref-gateway-streaming"), fails("mut-unknown-continue-no-final", "EXP-FINAL-AFTER-100"), fails("mut-early-final-then-continue", "IR-SEQUENCE-ONE-FINAL")},
	Roles:        []Role{Origin, Gateway},
	Client: func(env Env) conv.Script {
		return script(
			send("head", post(env, env.Path, len(body), "Expect: 100-continue;x=1")),
			awaitMessage("first", env.Timing.Quiet),
			sendString("body", body),
			awaitFinals("final", 1, env.Timing.Response),
			quietAfterFinal(env),
		)
	},
	Judge: onClient(func(env Env, tl *conv.Timeline) Outcome {
		var j Judgement
		headAt, _ := tl.StepAt("head")
		bodyAt, sentBody := tl.StepAt("body")
		if msgs := tl.MessagesAfter("head"); len(msgs) == 0 || (sentBody && msgs[0].At >= bodyAt) {
			j.Info("EXP-ABNF-LIST", "sent nothing in the %s before the content: treated `100-continue;x=1` as no 100-continue expectation and waited for the content", ms(env.Timing.Quiet))
		} else {
			j.Info("GEN-ERROR-RECOVERY", "answered %s %s after the header section, before the content", status(msgs[0].Msg), ms(msgs[0].At-headAt))
		}
		judgeExpectationChoice(&j, env, tl, "Expect: 100-continue;x=1", true)
		interimHygiene(&j, tl)
		interimsAfterFinal(&j, tl, "")
		return j.Outcome()
	}),
}

var unknownCases = func() []Case {
	var out []Case
	for _, v := range unknownValues {
		out = append(out, unknownCase(v.id, v.value, v.lookalike))
	}
	return append(out, unknownWithheld)
}()
