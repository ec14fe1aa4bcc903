package reference

import (
	"strings"

	"github.com/expectspec/expectspec/harness/h1"
)

// continueToken is the one expectation RFC 9110 §10.1.1 defines.
const continueToken = "100-continue"

// expectation is what the server made of the Expect field.
type expectation struct {
	// cont: a member is the 100-continue expectation.
	cont bool
	// unknown lists the other members, in order. They are ignored unless Reject417Unknown.
	unknown []string
	// miscased: a 100-continue in another letter case was seen and refused (only the
	// CaseSensitiveValue417 mutant sets it).
	miscased bool
}

// evaluateExpect reads Expect as RFC 9110 wants it: every field line named Expect in any case
// (§5.1), combined in order into one list (§5.2, §5.3), split on commas with OWS trimmed and
// empty elements skipped (§5.5, §5.6.1), and each member compared case-insensitively with
// 100-continue (§10.1.1). A member with a value or parameters (`100-continue=1`,
// `100-continue;x=1`) or quotes is another expectation. Each mutant knob breaks one of these
// steps.
func evaluateExpect(b *Behaviour, fields []field) expectation {
	var lines []string
	for _, f := range fields {
		named := strings.EqualFold(f.name, "Expect")
		if b.CaseSensitiveName {
			named = f.name == "Expect" // mutant (FLD-NAME-CASE)
		}
		if !named {
			continue
		}
		v := f.value
		if b.NoTrimOWS {
			v = f.raw // mutant (FLD-TRIM-OWS)
		}
		lines = append(lines, v)
		if b.FirstLineOnly {
			break // mutant (FLD-COMBINE-LINES)
		}
	}
	var e expectation
	if b.WholeValueOnly {
		// Mutant (FLD-LIST-EMPTY-ELEMENTS, EXP-ABNF-LIST): the combined value as a whole must be
		// the token, so `,100-continue,` or `100-continue, foo` are not recognised.
		if len(lines) > 0 {
			e.classify(b, strings.Join(lines, ", "))
		}
		return e
	}
	for _, line := range lines {
		for _, m := range strings.Split(line, ",") {
			if !b.NoTrimOWS {
				m = trimOWS(m)
			}
			if m == "" {
				continue
			}
			e.classify(b, m)
		}
	}
	return e
}

func (e *expectation) classify(b *Behaviour, m string) {
	switch {
	case m == continueToken:
		e.cont = true
	case strings.EqualFold(m, continueToken) && b.CaseSensitiveValue417:
		e.miscased = true // mutant (EXP-VALUE-CASE): refused with 417
	case strings.EqualFold(m, continueToken) && !b.CaseSensitiveValue:
		e.cont = true
	default:
		// Any other member, or (CaseSensitiveValue mutant, EXP-VALUE-CASE) a 100-continue
		// in another case taken as unknown.
		e.unknown = append(e.unknown, m)
	}
}

// expectFails reports whether the server answers 417 from the header section.
func (c *conn) expectFails(req *request) bool {
	e := req.expect
	if len(e.unknown) > 0 && (c.b.Reject417Unknown || c.b.EarlyFinalThenContinue) {
		// RFC 9110 §10.1.1: MAY. The HTTP/1.0 ignore rule covers only 100-continue, so this
		// applies to HTTP/1.0 too.
		return true
	}
	if req.http10() {
		// RFC 9110 §10.1.1: a 100-continue in an HTTP/1.0 request MUST be ignored.
		return e.cont && c.b.HTTP10Reject417 // mutant (EXP-HTTP10-IGNORE)
	}
	return e.miscased || e.cont && c.b.Reject417Continue // mutants (EXP-VALUE-CASE, EXP-NO-417-FOR-100-CONTINUE)
}

// continueDue reports whether a 100 (Continue) is owed before the content is read: the request
// is HTTP/1.1, carries the 100-continue expectation, has a complete header section (it has, we
// parsed it) and indicates content (RFC 9110 §10.1.1). It does not look at the resource: an
// early final status is decided before this is asked.
func (c *conn) continueDue(req *request) bool {
	if !req.expect.cont || !req.hasContent() || req.continueSent {
		return false
	}
	if req.http10() {
		return c.b.HTTP10Continue // mutant (EXP-HTTP10-IGNORE, IR-NOT-TO-HTTP10)
	}
	switch {
	case c.b.NoContinue || c.b.SilentIdleClose > 0:
		return false // mutant (EXP-ORIGIN-IMMEDIATE)
	case c.b.ChunkedNoContinue && req.chunked:
		return false // mutant (EXP-ORIGIN-IMMEDIATE for chunked content)
	case c.b.OmitContinueWhenBodyArrived && c.br.Buffered() > 0:
		// RFC 9110 §10.1.1: a server MAY omit the 100 when some content already arrived; the
		// octets buffered behind the head are content, since the framing says content follows.
		return false
	}
	return true
}

// sendContinue sends the 100 now, unless one was sent already.
func (c *conn) sendContinue(req *request) error {
	if req.continueSent {
		return nil
	}
	req.continueSent, req.continuePending = true, false
	return c.writeContinue()
}

// continueOnExpectLine is the ContinueBeforeHeadEnd mutant (SRV-WHOLE-HEADER-SECTION): as soon
// as an Expect line naming 100-continue arrives on an HTTP/1.1 request, send the 100, before
// the rest of the header section (and its empty line) has been read.
func (c *conn) continueOnExpectLine(req *request, f field) {
	if req.http10() || req.continueSent || !strings.EqualFold(f.name, "Expect") {
		return
	}
	if h1.HasMember([]string{f.value}, continueToken) {
		_ = c.sendContinue(req)
	}
}
