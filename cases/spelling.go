package cases

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/expectspec/expectspec/harness/conv"
)

// What counts as a 100-continue expectation: scenarios T02 and T03 (CATALOGUE.md). Each case sends
// T01's request with the Expect field spelled or laid out differently and withholds the content.
// The field is a 100-continue expectation every time, so T01's duties hold; a 417 says the
// server did not recognise it, and silence says it waited for the content.

// spelling is one such request: the Expect field lines as sent, the rules a server that does not
// recognise them breaks, and what a 417 means.
type spelling struct {
	id, scenario, title string
	fields              []string // the Expect field lines, exactly as sent
	rules               []string // broken when the expectation goes unrecognised (silence, 417)
	on417               Verdict  // warn: the defined expectation was refused; info: a MAY
	rule417             []string // what a 417 is reported against
	// note is added to the reason of a failure: what commonly causes it, so that a vendor does
	// not take it for a defect of the suite.
	note string
	// both: the name and the value are both non-canonical (T02's combined spellings); a failure
	// cannot be put on either part, only on the immediate duty.
	both bool
	// witnesses are the mutants the case must fail or warn; spellingCase adds the references.
	witnesses []Witness
	// h2: the case runs over HTTP/2 too, its field lines sent as h2Fields makes them (the name
	// lowercase, as HTTP/2 requires); only for spellings whose claim is the same there.
	h2 bool
}

// spellingCase turns a spelling into a case: T01's conversation and judge, plus the rule findings.
func spellingCase(s spelling) Case {
	return Case{
		ID:           "origin/" + s.id,
		Scenario:     s.scenario,
		Title:        s.title,
		Requirements: uniq("EXP-ORIGIN-IMMEDIATE", "EXP-ORIGIN-NO-WAIT", "EXP-FINAL-AFTER-100", s.rules, s.rule417),
		Witnesses:    spellingWitnesses(s),
		Roles:        []Role{Origin, Gateway},
		Protocols:    s.protocols(),
		Client: func(env Env) conv.Script {
			if env.Protocol.IsH2() {
				return h2WithheldThenContent(env, env.Path, h2Fields(s.fields)...)
			}
			return withheldThenContent(env, post(env, env.Path, len(body), s.fields...))
		},
		Judge: onClient(func(env Env, tl *conv.Timeline) Outcome {
			var j Judgement
			judgeWithheldInto(&j, env, tl)
			sent := quoteFields(s.fields)
			if env.Protocol.IsH2() {
				sent = "`" + fieldsText(h2Fields(s.fields)) + "`"
			}
			first, ok := answerToHead(tl, "head", "body")
			// Silence and a close after the immediate bound are one finding (unanswered.go).
			quiet := unansweredWithheld(env, tl, "head")
			switch {
			case ok && first.Msg.Status == 417:
				for _, r := range s.rule417 {
					j.add(s.on417, r, "answered %s to %s with the content withheld", []any{status(first.Msg), sent})
				}
			case !ok && quiet.ok && s.both:
				j.Fail("EXP-ORIGIN-IMMEDIATE", "sent %s with the content withheld and %s%s: the field was apparently not taken as a 100-continue expectation%s", sent, quiet.gotNone(env), afterContent(tl), s.note)
			case !ok && quiet.ok:
				for _, r := range s.rules {
					j.Fail(r, "sent %s with the content withheld and %s%s: the field was apparently not taken as a 100-continue expectation (if origin/immediate-100 passes, this spelling is the cause)%s", sent, quiet.gotNone(env), afterContent(tl), s.note)
				}
			}
			return j.Outcome()
		}),
	}
}

// protocols are the protocols the spelling's case runs over: HTTP/1.1, and HTTP/2 with h2.
func (s spelling) protocols() []conv.Protocol {
	if !s.h2 {
		return nil
	}
	return []conv.Protocol{conv.HTTP1, conv.H2, conv.H2C}
}

// h2Fields turns field lines into HTTP/2 fields: the name lowercase (RFC 9113 §8.2.1 makes an
// uppercase name malformed, so over HTTP/2 only the value's spelling can vary), the value
// without the whitespace around it.
func h2Fields(lines []string) []conv.Field {
	out := make([]conv.Field, len(lines))
	for i, l := range lines {
		name, value, _ := strings.Cut(l, ":")
		out[i] = conv.Field{Name: strings.ToLower(name), Value: strings.Trim(value, " \t")}
	}
	return out
}

// uniq flattens strings and string slices into a list without repeats, in order.
func uniq(items ...any) []string {
	var out []string
	seen := map[string]bool{}
	add := func(s string) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, it := range items {
		switch v := it.(type) {
		case string:
			add(v)
		case []string:
			for _, s := range v {
				add(s)
			}
		}
	}
	return out
}

// answerToHead returns the answer to a withheld header section: the first response read after
// the step head was sent and before the step next was (all of them when next never ran).
func answerToHead(tl *conv.Timeline, head, next string) (conv.Timed, bool) {
	nextAt, sent := tl.StepAt(next)
	for _, m := range tl.MessagesAfter(head) {
		if sent && m.At >= nextAt {
			break
		}
		return m, true
	}
	return conv.Timed{}, false
}

// quoteFields renders field lines for a reason, escaping control characters: `Expect:\t100-continue`.
func quoteFields(fields []string) string {
	q := make([]string, len(fields))
	for i, f := range fields {
		s := strconv.Quote(f)
		q[i] = "`" + s[1:len(s)-1] + "`"
	}
	return strings.Join(q, " + ")
}

// The spellings of T02. The first entry of each list is the canonical one; IDs name the spelling
// of each part ("title" is `Expect` and `100-Continue`).
var (
	nameSpellings = []struct{ id, name string }{
		{"title", "Expect"}, {"lower", "expect"}, {"upper", "EXPECT"}, {"mixed", "eXpEcT"},
	}
	valueSpellings = []struct{ id, value string }{
		{"lower", "100-continue"}, {"title", "100-Continue"}, {"upper", "100-CONTINUE"}, {"mixed", "100-cOnTiNuE"},
	}
)

// caseSpellings is T02: every field-name spelling times every value spelling.
func caseSpellings() []Case {
	var out []Case
	for ni, n := range nameSpellings {
		for vi, v := range valueSpellings {
			s := spelling{
				id:       "name-" + n.id + "-value-" + v.id,
				scenario: "T02",
				title:    fmt.Sprintf("`%s: %s` is a 100-continue expectation (field names and the Expect value are case-insensitive): the server answers 100 (Continue) or a final status at once", n.name, v.value),
				fields:   []string{n.name + ": " + v.value},
				on417:    Warn,
			}
			switch {
			case ni > 0 && vi > 0:
				// Both parts differ from the canonical spelling, so one conversation cannot tell
				// which of them the server misread: a failure is the immediate duty's (which the
				// base judge reports), and the reason points at the cases that vary one part.
				s.on417, s.rule417 = Warn, []string{"S417-MEANING"}
				s.note = fmt.Sprintf(". Both the field name and the value differ from `Expect: 100-continue` here: "+
					"origin/name-%s-value-lower and origin/name-title-value-%s tell whether the name's case (FLD-NAME-CASE) "+
					"or the value's (EXP-VALUE-CASE) is misread", n.id, v.id)
				s.both = true
				s.witnesses = []Witness{
					fails("mut-case-sensitive-name", "EXP-ORIGIN-IMMEDIATE").because(bothParts),
					fails("mut-case-sensitive-value", "EXP-ORIGIN-IMMEDIATE").because(bothParts),
					warns("mut-case-sensitive-value-417", "S417-MEANING").because(bothParts417),
				}
			case ni > 0:
				s.rules = append(s.rules, "FLD-NAME-CASE")
				s.witnesses = []Witness{fails("mut-case-sensitive-name", "FLD-NAME-CASE")}
			case vi > 0:
				// The value's case alone: the same claim over HTTP/2 (T43c), where the name is
				// lowercase on the wire whatever its spelling.
				s.rules = append(s.rules, "EXP-VALUE-CASE")
				s.h2 = true
				s.witnesses = []Witness{fails("mut-case-sensitive-value", "EXP-VALUE-CASE"), warns("mut-case-sensitive-value-417", "EXP-VALUE-CASE"),
					passes("ref-h2-continue"), fails("mut-h2-case-sensitive-value", "EXP-VALUE-CASE"), fails("mut-h2-case-sensitive-value", "EXP-ORIGIN-IMMEDIATE")}
			default:
				// The canonical spelling: a server that never sends 100 is what it must tell apart.
				s.witnesses = []Witness{fails("mut-no-continue", "EXP-ORIGIN-IMMEDIATE")}
			}
			if s.rule417 == nil {
				s.rule417 = s.rules
			}
			if len(s.rule417) == 0 {
				// The canonical spelling: a 417 is a final status the immediate duty allows; it
				// tells the client the chain does not support expectations (RFC 9110 §10.1.1).
				// Case.Decide still makes it a warning: uploads fail there (refused417.go).
				s.on417, s.rule417 = Info, []string{"S417-CHAIN-SIGNAL"}
			}
			out = append(out, spellingCase(s))
		}
	}
	return out
}

// listForms is T03: whitespace around the value and the list forms of the field. In a–d every
// member is 100-continue, so a 417 refuses the defined expectation (warn); in e–f another member
// is present, so a 417 is the server's choice (EXP-UNKNOWN-417-MAY).
var listForms = []spelling{
	{id: "ows-none", scenario: "T03a", fields: []string{"Expect:100-continue"},
		title: "`Expect:100-continue`, with no whitespace after the colon, is a 100-continue expectation",
		rules: []string{"FLD-TRIM-OWS"}, on417: Warn},
	{id: "ows-around", scenario: "T03b", fields: []string{"Expect: \t100-continue\t "},
		title: "Spaces and tabs around the Expect value are not part of it: `Expect: \\t100-continue\\t ` is a 100-continue expectation",
		rules: []string{"FLD-TRIM-OWS"}, note: rfc7231Note, on417: Warn},
	{id: "list-empty-elements", scenario: "T03c", fields: []string{"Expect: ,100-continue,"},
		title: "Empty list elements are ignored: `Expect: ,100-continue,` is a 100-continue expectation",
		rules: []string{"FLD-LIST-EMPTY-ELEMENTS"}, note: rfc7231Note, on417: Warn},
	{id: "list-repeated", scenario: "T03d", fields: []string{"Expect: 100-continue, 100-continue"},
		title: "Expect is a list: `Expect: 100-continue, 100-continue` is a 100-continue expectation",
		rules: []string{"EXP-ABNF-LIST"}, note: rfc7231Note, on417: Warn},
	{id: "list-two-lines", scenario: "T03e", fields: []string{"Expect: foo", "Expect: 100-continue"},
		title: "Two Expect lines form one list: `foo` then `100-continue` carries a 100-continue expectation, so the server answers at once (a 417 for `foo` is allowed)",
		rules: []string{"FLD-COMBINE-LINES"}, note: rfc7231Note, on417: Info, rule417: []string{"EXP-UNKNOWN-417-MAY"}},
	{id: "list-with-unknown", scenario: "T03f", fields: []string{"Expect: 100-continue, foo"},
		title: "`Expect: 100-continue, foo` carries a 100-continue expectation, so the server answers at once (a 417 for `foo` is allowed)",
		rules: []string{"EXP-ABNF-LIST"}, note: rfc7231Note, on417: Info, rule417: []string{"EXP-UNKNOWN-417-MAY"}},
}

// bothParts and bothParts417 say why a spelling with both parts non-canonical names the
// immediate duty and S417-MEANING, not the rule its mutant breaks.
const (
	bothParts    = "both the name and the value are non-canonical here, so one conversation cannot tell which of them went unrecognised: the silence is the immediate duty's"
	bothParts417 = "both the name and the value are non-canonical here, so the 417 cannot be put on the value's case: it is a refusal of the defined expectation"
)

// spellingWitnesses are the references every spelling passes (the conforming origin, and the
// streaming gateway in front of the suite's origin), then the spelling's own mutants.
func spellingWitnesses(s spelling) []Witness {
	return append([]Witness{passes("ref-continue"), passes("ref-gateway-streaming")}, s.witnesses...)
}

// rfc7231Note is the note of the list-form cases.
const rfc7231Note = ". RFC 9110 restored the list syntax of Expect (RFC 7231 allowed only the single token); servers written to RFC 7231 commonly fail this"

var spellingCases = func() []Case {
	out := caseSpellings()
	for _, s := range listForms {
		if s.rule417 == nil {
			s.rule417 = s.rules
		}
		s.witnesses = listFormWitnesses[s.id]
		out = append(out, spellingCase(s))
	}
	return out
}()

// listFormWitnesses are T03's mutants, by spelling ID; where a 417 for the other member is
// allowed, the reference that sends it is named too.
var listFormWitnesses = map[string][]Witness{
	"ows-none":            {fails("mut-no-continue", "EXP-ORIGIN-IMMEDIATE")},
	"ows-around":          {fails("mut-no-trim-ows", "FLD-TRIM-OWS")},
	"list-empty-elements": {fails("mut-whole-value-only", "FLD-LIST-EMPTY-ELEMENTS")},
	"list-repeated":       {fails("mut-whole-value-only", "EXP-ABNF-LIST")},
	"list-two-lines":      {informs("ref-417-unknown"), fails("mut-first-line-only", "FLD-COMBINE-LINES")},
	"list-with-unknown":   {informs("ref-417-unknown"), fails("mut-whole-value-only", "EXP-ABNF-LIST")},
}
