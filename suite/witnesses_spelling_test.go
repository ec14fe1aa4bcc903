package suite

import "github.com/expectspec/expectspec/cases"

// Witnesses of scenarios T02-T05 and T11: spelling and list forms (T02, T03), expectations
// that are not 100-continue (T04), field-syntax obfuscation (T05) and declared lengths (T11).
var witnessesSpelling = append(spellingWitnesses(), []witness{
	// T03: whitespace and list forms.
	{Case: "origin/ows-none", Mutant: "mut-no-continue", Verdict: cases.Fail, Requirement: "EXP-ORIGIN-IMMEDIATE"},
	{Case: "origin/ows-around", Mutant: "mut-no-trim-ows", Verdict: cases.Fail, Requirement: "FLD-TRIM-OWS"},
	{Case: "origin/list-empty-elements", Mutant: "mut-whole-value-only", Verdict: cases.Fail, Requirement: "FLD-LIST-EMPTY-ELEMENTS"},
	{Case: "origin/list-repeated", Mutant: "mut-whole-value-only", Verdict: cases.Fail, Requirement: "EXP-ABNF-LIST"},
	{Case: "origin/list-two-lines", Mutant: "mut-first-line-only", Verdict: cases.Fail, Requirement: "FLD-COMBINE-LINES"},
	{Case: "origin/list-with-unknown", Mutant: "mut-whole-value-only", Verdict: cases.Fail, Requirement: "EXP-ABNF-LIST"},

	// T04: every choice about an unknown expectation is info; a 100 with no final response is not.
	{Case: "origin/unknown-foo", Mutant: "mut-unknown-continue-no-final", Verdict: cases.Fail, Requirement: "EXP-FINAL-AFTER-100"},
	{Case: "origin/unknown-200-ok", Mutant: "mut-unknown-continue-no-final", Verdict: cases.Fail, Requirement: "EXP-FINAL-AFTER-100"},
	{Case: "origin/unknown-with-param", Mutant: "mut-unknown-continue-no-final", Verdict: cases.Fail, Requirement: "EXP-FINAL-AFTER-100"},
	{Case: "origin/unknown-with-value", Mutant: "mut-unknown-continue-no-final", Verdict: cases.Fail, Requirement: "EXP-FINAL-AFTER-100"},
	{Case: "origin/unknown-quoted", Mutant: "mut-unknown-continue-no-final", Verdict: cases.Fail, Requirement: "EXP-FINAL-AFTER-100"},
	{Case: "origin/unknown-no-hyphen", Mutant: "mut-unknown-continue-no-final", Verdict: cases.Fail, Requirement: "EXP-FINAL-AFTER-100"},
	{Case: "origin/unknown-with-param-withheld", Mutant: "mut-unknown-continue-no-final", Verdict: cases.Fail, Requirement: "EXP-FINAL-AFTER-100"},

	// T05: field-syntax obfuscation.
	{Case: "origin/ws-before-colon", Mutant: "mut-accept-ws-before-colon", Verdict: cases.Fail, Requirement: "H1-WS-BEFORE-COLON"},
	{Case: "origin/obs-fold", Mutant: "mut-obs-fold-empty", Verdict: cases.Fail, Requirement: "H1-OBS-FOLD"},
	{Case: "origin/ws-line-after-start", Mutant: "mut-process-ws-line", Verdict: cases.Fail, Requirement: "H1-WS-LINE-AFTER-START"},
	// Keeping the NUL is silence, which replacing it with SP after trimming can also produce
	// (`100-continue ` is no 100-continue expectation): a warning.
	{Case: "origin/nul-in-value", Mutant: "mut-nul-keep", Verdict: cases.Warn, Requirement: "FLD-CR-LF-NUL"},
	{Case: "origin/bare-cr-in-value", Mutant: "mut-bare-cr-drop", Verdict: cases.Fail, Requirement: "H1-BARE-CR"},
	{Case: "origin/oversize-expect", Mutant: "mut-oversize-hang", Verdict: cases.Fail, Requirement: "FLD-OVERSIZE-4XX"},

	// T11: declared lengths.
	{Case: "origin/content-length-1tib", Mutant: "mut-close-but-continue", Verdict: cases.Fail, Requirement: "H1-READ-OR-CLOSE"},
	{Case: "origin/content-length-1tib", Mutant: "mut-close-but-continue", Verdict: cases.Fail, Requirement: "H1-CLOSE-THEN-NO-MORE"},
	{Case: "origin/content-length-1tib", Mutant: "mut-early-close-silently", Verdict: cases.Warn, Requirement: "EXP-INDICATE-CLOSE"},
	{Case: "origin/content-length-overflow", Mutant: "mut-cl-wrap", Verdict: cases.Fail, Requirement: "SRV-CL-LARGE-NUMBERS"},
	{Case: "origin/content-length-list", Mutant: "mut-cl-list-first", Verdict: cases.Fail, Requirement: "H1-INVALID-CL-400"},
	{Case: "origin/content-length-and-chunked", Mutant: "mut-cl-te-keep-open", Verdict: cases.Fail, Requirement: "H1-CL-AND-TE-CLOSE"},
}...)

// spellingWitnesses are T02's rows: the canonical spelling is witnessed by a server that never
// sends 100; a non-canonical name by a server that matches the name case-sensitively; a
// non-canonical value by a server that matches it case-sensitively and waits (fail) or refuses
// it with 417 (warn).
func spellingWitnesses() []witness {
	names := []string{"title", "lower", "upper", "mixed"}
	values := []string{"lower", "title", "upper", "mixed"}
	var out []witness
	for ni, n := range names {
		for vi, v := range values {
			id := "origin/name-" + n + "-value-" + v
			if ni == 0 && vi == 0 {
				out = append(out, witness{Case: id, Mutant: "mut-no-continue", Verdict: cases.Fail, Requirement: "EXP-ORIGIN-IMMEDIATE"})
			}
			if ni > 0 && vi > 0 {
				// Both parts non-canonical: the failure is the immediate duty's, a 417 a warning.
				out = append(out,
					witness{Case: id, Mutant: "mut-case-sensitive-name", Verdict: cases.Fail, Requirement: "EXP-ORIGIN-IMMEDIATE"},
					witness{Case: id, Mutant: "mut-case-sensitive-value", Verdict: cases.Fail, Requirement: "EXP-ORIGIN-IMMEDIATE"},
					witness{Case: id, Mutant: "mut-case-sensitive-value-417", Verdict: cases.Warn, Requirement: "S417-MEANING"})
				continue
			}
			if ni > 0 {
				out = append(out, witness{Case: id, Mutant: "mut-case-sensitive-name", Verdict: cases.Fail, Requirement: "FLD-NAME-CASE"})
			}
			if vi > 0 {
				out = append(out,
					witness{Case: id, Mutant: "mut-case-sensitive-value", Verdict: cases.Fail, Requirement: "EXP-VALUE-CASE"},
					witness{Case: id, Mutant: "mut-case-sensitive-value-417", Verdict: cases.Warn, Requirement: "EXP-VALUE-CASE"})
			}
		}
	}
	return out
}
