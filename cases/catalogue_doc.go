package cases

import (
	"bufio"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/expectspec/expectspec/harness/conv"
)

// CATALOGUE.md is written from the catalogue's own data (requirements, fixes, cases, their
// scripts) and the prose of catalogue_notes.go, so it cannot drift from what the suite runs. A
// test (catalogue_doc_test.go) fails when the committed file differs from what WriteCatalogue
// writes, and rewrites it with -update:
//
//go:generate go test -run TestCatalogueDoc -update .

// CatalogueFile is the document's path, relative to the repository root.
const CatalogueFile = "cases/CATALOGUE.md"

// docEnv is the made-up target every script is rendered against in the document: the values a
// reader sees in "what it sends". Timing is that of a baseline round trip of 0 and
// --timeout-scale 1, so each wait reads as its named bound.
func docEnv(c Case) Env {
	env := Env{Host: "target.test", Path: "/upload", EarlyPath: "/missing", UpgradeProtocol: "expectspec-echo",
		Timing: DefaultTiming(0, 1)}
	if c.Origin != nil {
		env.Token = "case"
		env.OriginAuthority = "origin.test:8080"
		if len(c.Roles) > 0 {
			env.Role = c.Roles[0]
		}
	}
	return env
}

// WriteCatalogue writes the catalogue as Markdown. The output depends only on the catalogue's
// data: same data, same octets.
func WriteCatalogue(w io.Writer) error {
	b := bufio.NewWriter(w)
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	p("<!-- Written by `go generate ./cases` from the catalogue's data (cases/*.go). Do not edit by hand. -->\n\n")
	p("# The expectspec catalogue\n\n%s\n\n", catalogueIntro)
	p("Contents: [Verdicts](#verdicts) · [Interpretations](#interpretations) · [Scenarios](#scenarios) · [Requirements](#requirements) · [Cases](#cases)\n\n")
	writeVerdicts(p)
	writeInterpretations(p)
	writeScenarios(p)
	writeRequirements(p)
	writeCases(p)
	return b.Flush()
}

type printer func(format string, args ...any)

func writeVerdicts(p printer) {
	p("<a id=\"verdicts\"></a>\n\n## Verdicts\n\n| verdict | meaning |\n|---|---|\n")
	for _, v := range verdictNotes {
		p("| `%s` | %s |\n", v.verdict, v.meaning)
	}
	p("\n%s\n\n", verdictRules)
}

func writeInterpretations(p printer) {
	p("<a id=\"interpretations\"></a>\n\n## Interpretations\n\n")
	p("Where the RFCs can be read more than one way, the judges apply one of these readings, and a\n")
	p("reason that rests on one names it (\"interpretation proxy-wording\"). Code cites them as\n")
	p("`CATALOGUE.md, interpretation <name>`.\n\n")
	for _, in := range interpretations {
		p("<a id=\"interpretation-%s\"></a>\n\n### %s — %s\n\n%s\n\n", in.Name, in.Name, in.Title, in.Text)
		p("Requirements: %s\n\n", reqLinks(in.Requirements))
	}
}

// scenarioOf is the number of a case's scenario: "T05" for "T05c".
var scenarioNumber = regexp.MustCompile(`^T\d\d`)

func scenarioOf(c Case) string { return scenarioNumber.FindString(c.Scenario) }

// scenarioOrder lists scenario numbers in the order their first case appears in All().
func scenarioOrder() []string {
	var out []string
	seen := map[string]bool{}
	for _, c := range All() {
		if s := scenarioOf(c); !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

func writeScenarios(p printer) {
	p("<a id=\"scenarios\"></a>\n\n## Scenarios\n\n")
	p("A scenario is one shape of conversation on the wire; its cases vary a detail of it (a letter\n")
	p("after the number marks a variant).\n\n| scenario | what it covers | cases |\n|---|---|---|\n")
	for _, s := range scenarioOrder() {
		var ids []string
		for _, c := range All() {
			if scenarioOf(c) == s {
				ids = append(ids, c.ID)
			}
		}
		p("| %s | %s | %s |\n", s, scenarioTitles[s], caseLinks(ids))
	}
	p("\n")
}

// citedBy maps a requirement ID to the cases that cite it, in catalogue order.
func citedBy() map[string][]string {
	m := map[string][]string{}
	for _, c := range All() {
		for _, id := range c.Requirements {
			m[id] = append(m[id], c.ID)
		}
	}
	return m
}

func writeRequirements(p printer) {
	reqs, cited := Catalogue(), citedBy()
	n := 0
	for _, r := range reqs {
		if len(cited[r.ID]) > 0 {
			n++
		}
	}
	p("<a id=\"requirements\"></a>\n\n## Requirements\n\n")
	p("%d requirements; %d of them are checked by at least one case. The others (HTTP/2, HTTP/3,\n", len(reqs), n)
	p("client-side rules) are listed so that the cases that will check them cite the same rows.\n")
	p("The keyword sets the default severity: MUST and MUST NOT fail, SHOULD and SHOULD NOT warn, MAY\n")
	p("and descriptive rows inform.\n\n")
	for _, r := range reqs {
		p("<a id=\"%s\"></a>\n\n### %s\n\n", reqAnchor(r.ID), r.ID)
		p("[RFC %s §%s](%s) · **%s** · %s\n\n%s\n\n", r.RFC, r.Section, r.Anchor(), r.Keyword, linkInterpretations(r.Role), linkInterpretations(r.Summary))
		if r.Fix != "" {
			p("Fix: %s\n\n", r.Fix)
		}
		if ids := cited[r.ID]; len(ids) > 0 {
			p("Cases: %s\n\n", caseLinks(ids))
		} else {
			p("Cases: none yet.\n\n")
		}
	}
}

func writeCases(p printer) {
	all := All()
	p("<a id=\"cases\"></a>\n\n## Cases\n\n")
	p("%d cases, by scenario. \"Sends\" is the case's script played against a made-up target\n", len(all))
	p("(`target.test`, upload resource `/upload`, early resource `/missing`); through an intermediary\n")
	p("the request-target names the suite's origin (`origin.test:8080`) and the case's token. Octets\n")
	p("are shown as Go escapes, one line per CRLF. Waits are named by their bound: the immediate bound\n")
	p("(RTT0 + 1 s), the long wait (10 s), the response wait (5 s) and the quiet wait (300 ms + 4 RTT0).\n\n")
	p(witnessesIntro)
	for _, s := range scenarioOrder() {
		p("### %s — %s\n\n", s, scenarioTitles[s])
		for _, c := range all {
			if scenarioOf(c) == s {
				writeCase(p, c)
			}
		}
	}
}

func writeCase(p printer, c Case) {
	roles := make([]string, len(c.Roles))
	for i, r := range c.Roles {
		roles[i] = string(r)
	}
	p("<a id=\"%s\"></a>\n\n#### %s\n\n", caseAnchor(c.ID), c.ID)
	p("%s\n\n", c.Title)
	p("Scenario %s · roles: %s · requirements: %s\n\n", c.Scenario, strings.Join(roles, ", "), reqLinks(c.Requirements))
	p("Accepts: %s\n\n", linkInterpretations(caseAccepts[c.ID]))
	env := docEnv(c)
	if c.Client != nil && c.AppliesTo(conv.HTTP1) {
		p("Sends:\n\n```\n%s```\n\n", renderScript(env, c.Client(env)))
	}
	writeH2Script(p, c, env)
	if c.Origin != nil {
		p("The suite's origin: %s\n\n", describeOrigin(c.Origin(env)))
	}
	writeWitnesses(p, c)
}

// linkInterpretations turns each "interpretation <name>" of a text into a link to its section.
func linkInterpretations(s string) string {
	return interpretationName.ReplaceAllString(s, "[interpretation $1](#interpretation-$1)")
}

var interpretationName = regexp.MustCompile(`interpretation ([a-z0-9]+(?:-[a-z0-9]+)+)`)

func reqAnchor(id string) string { return "req-" + strings.ToLower(id) }

func caseAnchor(id string) string { return "case-" + strings.ReplaceAll(id, "/", "-") }

func reqLinks(ids []string) string {
	l := make([]string, len(ids))
	for i, id := range ids {
		l[i] = fmt.Sprintf("[%s](#%s)", id, reqAnchor(id))
	}
	return strings.Join(l, ", ")
}

func caseLinks(ids []string) string {
	l := make([]string, len(ids))
	for i, id := range ids {
		l[i] = fmt.Sprintf("[%s](#%s)", id, caseAnchor(id))
	}
	return strings.Join(l, ", ")
}

// Bounds on what a send shows: every request head of the catalogue in full, not the filler of a
// large content.
const (
	shownLines = 14
	shownLine  = 80
)

// renderScript writes one line per step, and the octets of each send below it, one line per
// CRLF, escaped so that NUL, bare CR, tabs and trailing spaces are visible.
func renderScript(env Env, s conv.Script) string {
	var b strings.Builder
	for _, st := range s.Steps {
		cond := ""
		if st.IfReusable {
			cond = " (only if the connection can still carry a request)"
		}
		switch st.Kind {
		case conv.Send:
			fmt.Fprintf(&b, "send %q, %d octets%s:\n", st.Label, len(st.Data), cond)
			writeOctets(&b, st.Data)
		case conv.SendStream:
			fmt.Fprintf(&b, "send %q: %d filler octets, without reading, for up to %s%s\n", st.Label, st.Size, durationName(env.Timing, st.Within), cond)
		case conv.Await:
			fmt.Fprintf(&b, "await %q: %s, for up to %s%s\n", st.Label, untilText(st), durationName(env.Timing, st.Within), cond)
		case conv.HalfClose:
			fmt.Fprintf(&b, "half-close %q: send FIN, keep reading%s\n", st.Label, cond)
		default:
			renderH2Step(&b, env, st)
		}
	}
	return b.String()
}

func writeOctets(b *strings.Builder, data []byte) {
	lines := strings.SplitAfter(string(data), "\r\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	rest := len(data)
	for i, l := range lines {
		if i == shownLines {
			fmt.Fprintf(b, "    … %d more octets\n", rest)
			break
		}
		rest -= len(l)
		more := ""
		if len(l) > shownLine {
			more = fmt.Sprintf("… and %d more octets on this line", len(l)-shownLine)
			l = l[:shownLine]
		}
		q := strconv.Quote(l)
		fmt.Fprintf(b, "    %s%s\n", q[1:len(q)-1], more)
	}
}

func untilText(st conv.Step) string {
	switch st.Until {
	case conv.UntilMessage:
		return "one more response"
	case conv.UntilFinals:
		return finalsText(st.Count, "")
	case conv.UntilClose:
		if st.H2.Stream != 0 {
			return untilH2Text(st)
		}
		return "the peer closes (a negative wait: nothing more should come)"
	case conv.UntilFinalOrSwitch:
		return finalsText(st.Count, " or 101 (Switching Protocols)")
	}
	return fmt.Sprintf("condition %d", st.Until)
}

// finalsText counts final responses on the whole connection, as the await does.
func finalsText(n int, or string) string {
	if n == 1 {
		return "the first final response" + or
	}
	return fmt.Sprintf("%d final responses%s on the connection", n, or)
}

// durationName names a wait by the bound it is, for a baseline round trip of 0.
func durationName(t Timing, d time.Duration) string {
	switch d {
	case t.Immediate:
		return "the immediate bound"
	case t.Max:
		return "the long wait"
	case t.Response:
		return "the response wait"
	case t.Quiet:
		return "the quiet wait"
	case t.Prompt():
		return "half the immediate bound"
	}
	return d.String()
}

// describeOrigin says in words what the suite's origin does with the case's requests.
func describeOrigin(o conv.OriginScript) string {
	var parts []string
	if o.HTTP10 {
		parts = append(parts, "speaks HTTP/1.0: never sends a 1xx, and closes after each response")
	}
	early := o.Early
	if early == "" {
		early = conv.ExpectationFailed417
	}
	switch o.OnHead {
	case conv.HeadContinue:
		parts = append(parts, "on a head with Expect: 100-continue and declared content, sends "+rawText(orDefault(o.Continue, conv.Continue100)))
	case conv.HeadContinueAlways:
		parts = append(parts, "on every head, sends "+rawText(orDefault(o.Continue, conv.Continue100)))
	case conv.HeadWait:
		parts = append(parts, "sends nothing on the head and waits for the content")
	case conv.HeadFinal:
		parts = append(parts, "on the head, sends "+rawText(early)+" without reading the content, "+afterEarlyText(o.AfterEarly))
	case conv.HeadContinueThenFinal:
		parts = append(parts, "on every head, sends "+rawText(orDefault(o.Continue, conv.Continue100))+"; once the first content octets arrive, sends "+rawText(early)+", "+afterEarlyText(o.AfterEarly))
	case conv.HeadFinalIfExpect:
		parts = append(parts, "on a head with Expect, sends "+rawText(early)+", "+afterEarlyText(o.AfterEarly)+"; serves a request without Expect")
	}
	if len(o.Interims) > 0 {
		var ls []string
		for _, m := range o.Interims {
			ls = append(ls, rawText(m))
		}
		parts = append(parts, "after the content, sends "+strings.Join(ls, ", "))
	}
	final := o.Final
	if final == "" {
		final = conv.OK200
		if o.HTTP10 {
			final = conv.OK200HTTP10
		}
	}
	parts = append(parts, "answers the complete request with "+rawText(final))
	if o.FollowUp != "" {
		parts = append(parts, "answers a request without content (a client following the redirect) with "+rawText(o.FollowUp))
	}
	return strings.Join(parts, "; ") + "."
}

func orDefault(m, def conv.RawMessage) conv.RawMessage {
	if m == "" {
		return def
	}
	return m
}

func afterEarlyText(a conv.AfterEarly) string {
	if a == conv.EarlyClose {
		return "then closes in stages"
	}
	return "then keeps the connection and reads the declared content"
}

// rawText shows raw response octets as one escaped code span.
func rawText(m conv.RawMessage) string {
	q := strconv.Quote(string(m))
	return "`" + q[1:len(q)-1] + "`"
}
