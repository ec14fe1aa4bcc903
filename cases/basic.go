package cases

import (
	"strings"

	"github.com/expectspec/expectspec/harness/conv"
)

// Basic 100-continue: scenarios T01 and T01b (CATALOGUE.md).

// immediateHundred is T01: with the content withheld, a 100 or a final status comes at once; after
// the content, exactly one final response.
var immediateHundred = Case{
	ID:       "origin/immediate-100",
	Scenario: "T01",
	Title:    "With the content withheld, the server answers 100 (Continue) or a final status at once, and a final status after the content",
	Requirements: []string{"EXP-ORIGIN-IMMEDIATE", "EXP-ORIGIN-NO-WAIT", "EXP-FINAL-AFTER-100",
		"IR-NO-CONTENT-LENGTH", "IR-NO-TRANSFER-ENCODING", "IR-NO-CONTENT", "IR-SEQUENCE-ONE-FINAL", "GW-ORIGIN-RULES-OUTBOUND"},
	Witnesses: []Witness{
		passes("ref-continue"), passes("ref-gateway-streaming"),
		fails("mut-no-continue", "EXP-ORIGIN-IMMEDIATE"),
		fails("mut-no-continue", "EXP-ORIGIN-NO-WAIT"),
		warns("mut-slow-continue", "EXP-ORIGIN-IMMEDIATE"),
		warns("mut-417-continue", "EXP-NO-417-FOR-100-CONTINUE"),
		fails("mut-no-final-after-continue", "EXP-FINAL-AFTER-100"),
		fails("mut-continue-content-length", "IR-NO-CONTENT-LENGTH"),
		fails("mut-continue-transfer-encoding", "IR-NO-TRANSFER-ENCODING"),
		fails("mut-continue-with-content", "IR-NO-CONTENT"),
		fails("mut-continue-after-final", "IR-SEQUENCE-ONE-FINAL"),
		fails("mut-silent-idle-close", "EXP-ORIGIN-IMMEDIATE"),
		fails("mut-silent-idle-close", "EXP-ORIGIN-NO-WAIT"),
		passes("ref-h2-continue"),
		fails("mut-h2-no-continue", "EXP-ORIGIN-IMMEDIATE"),
		warns("mut-h2-417-continue", "EXP-NO-417-FOR-100-CONTINUE"),
	},
	Roles:     []Role{Origin, Gateway},
	Protocols: []conv.Protocol{conv.HTTP1, conv.H2, conv.H2C},
	Client: func(env Env) conv.Script {
		if env.Protocol.IsH2() { // the same request as a header block and a DATA frame
			return h2WithheldThenContent(env, env.Path, conv.Field{Name: "content-type", Value: "text/plain"}, expectContinue)
		}
		return withheldThenContent(env, post(env, env.Path, len(body), "Content-Type: text/plain", "Expect: 100-continue"))
	},
	Judge: onClient(judgeWithheld),
}

// withheldThenContent is the shape of T01 and its spelling variants: send the head, wait for a
// first response, send the content, wait for the final response, then listen a while longer.
func withheldThenContent(env Env, head []byte) conv.Script {
	return script(
		send("head", head),
		awaitMessage("first", env.Timing.Max),
		sendString("body", body),
		awaitFinals("final", 1, env.Timing.Response),
		quietAfterFinal(env),
	)
}

// judgeWithheld judges withheldThenContent for a request that carries a 100-continue
// expectation: the immediate duty, the 1xx rules, and a final response after a 100.
func judgeWithheld(env Env, tl *conv.Timeline) Outcome {
	var j Judgement
	judgeWithheldInto(&j, env, tl)
	return j.Outcome()
}

func judgeWithheldInto(j *Judgement, env Env, tl *conv.Timeline) (first conv.Timed, ok bool) {
	first, ok = firstResponse(j, env, tl, "head")
	interimHygiene(j, tl)
	// A 100 obliges a final whenever it came, also one that came only after the content.
	if ok && first.Msg.Interim() || continueBeforeFinal(tl) {
		finalAfterContinue(j, env, tl)
	}
	interimsAfterFinal(j, tl, "")
	return first, ok
}

// continueBeforeFinal reports whether a 100 (Continue) was read before any final response.
func continueBeforeFinal(tl *conv.Timeline) bool {
	for _, m := range tl.Messages() {
		if !m.Msg.Interim() {
			return false
		}
		if m.Msg.Status == 100 {
			return true
		}
	}
	return false
}

// headBeforeBlankLine is T01b: a 100 sent before the header section is complete was decided on a
// partial header section. RFC 9110 frames the duty on a complete header section, but sending a
// 100 is not applying the request (§5.3), so this is a warning, not a failure (CATALOGUE.md,
// interpretation early-100).
var headBeforeBlankLine = Case{
	ID:           "origin/100-after-complete-head",
	Scenario:     "T01b",
	Title:        "The 100 (Continue) is decided on the complete header section, not before its empty line",
	Requirements: []string{"SRV-WHOLE-HEADER-SECTION", "EXP-ORIGIN-IMMEDIATE"},
	Witnesses:    []Witness{passes("ref-continue"), passes("ref-gateway-streaming"), warns("mut-continue-before-head-end", "SRV-WHOLE-HEADER-SECTION")},
	Roles:        []Role{Origin, Gateway},
	Client: func(env Env) conv.Script {
		full := string(post(env, env.Path, len(body), "Expect: 100-continue"))
		partial := strings.TrimSuffix(full, "\r\n") // everything but the empty line
		return script(
			sendString("partial-head", partial),
			awaitMessage("early", env.Timing.Quiet),
			sendString("head", "\r\n"),
			awaitMessage("first", env.Timing.Max),
			sendString("body", body),
			awaitFinals("final", 1, env.Timing.Response),
			quietAfterFinal(env),
		)
	},
	Judge: onClient(func(env Env, tl *conv.Timeline) Outcome {
		var j Judgement
		headAt, _ := tl.StepAt("head")
		msgs := tl.Messages()
		if len(msgs) == 0 || msgs[0].At >= headAt {
			j.Pass("SRV-WHOLE-HEADER-SECTION", "nothing arrived during the %s before the empty line", ms(env.Timing.Quiet))
			judgeWithheldInto(&j, env, tl)
			return j.Outcome()
		}
		j.Warn("SRV-WHOLE-HEADER-SECTION", "a %s arrived before the header section's empty line was sent", status(msgs[0].Msg))
		interimHygiene(&j, tl)
		if msgs[0].Msg.Interim() {
			finalAfterContinue(&j, env, tl)
		}
		interimsAfterFinal(&j, tl, "")
		return j.Outcome()
	}),
}

var basicCases = []Case{immediateHundred, headBeforeBlankLine}
