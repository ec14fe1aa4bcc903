package reference

import "time"

// Conforming returns the conforming reference servers: one per alternative the RFCs allow that
// the suite must never fail, and the combinations that matter. None sets a mutant knob.
func Conforming() []Behaviour {
	return []Behaviour{
		// 100 at once, read-and-discard after early responses, unknown expectations ignored,
		// obs-fold and NUL rejected.
		{Name: "ref-continue"},
		// No 100 when content arrived with the head (EXP-MAY-OMIT-100).
		{Name: "ref-omit-continue", OmitContinueWhenBodyArrived: true},
		// Close instead of read-and-discard after an early response (H1-READ-OR-CLOSE's other
		// branch), announced and staged.
		{Name: "ref-close-early", CloseAfterEarly: true},
		// 417 for expectations other than 100-continue (EXP-UNKNOWN-417-MAY).
		{Name: "ref-417-unknown", Reject417Unknown: true},
		// obs-fold and NUL replaced with SP instead of rejected (H1-OBS-FOLD, FLD-CR-LF-NUL).
		{Name: "ref-lenient", ObsFoldReplace: true, NULReplace: true},
		// A 417 is itself an early response: this one closes after it.
		{Name: "ref-close-early-417", CloseAfterEarly: true, Reject417Unknown: true},
	}
}

// Mutant is the record of a mutant: its behaviour (one knob set), the requirements of the
// catalogue it breaks, and the scenario (cases/CATALOGUE.md) that shows the defect.
type Mutant struct {
	Behaviour Behaviour
	Breaks    []string
	Scenario  string
}

// mutants is the table behind Mutants, Breaks and MutantRecords; it holds one mutant per knob.
var mutants = []Mutant{
	// Never a 100; the content is awaited, then 200. Silence while the content is withheld.
	{Behaviour{Name: "mut-no-continue", NoContinue: true},
		[]string{"EXP-ORIGIN-IMMEDIATE", "EXP-ORIGIN-NO-WAIT"}, "T01"},
	// The 100 comes 3 s after the head: later than T_imm, before T_max (the warn band).
	{Behaviour{Name: "mut-slow-continue", ContinueDelay: 3 * time.Second},
		[]string{"EXP-ORIGIN-IMMEDIATE"}, "T01"},
	// 100, the content, then silence on an open connection.
	{Behaviour{Name: "mut-no-final-after-continue", NoFinalAfterContinue: true},
		[]string{"EXP-FINAL-AFTER-100"}, "T01"},
	// `HTTP/1.1 100 Continue` with `Content-Length: 0`.
	{Behaviour{Name: "mut-continue-content-length", ContinueContentLength: true},
		[]string{"IR-NO-CONTENT-LENGTH"}, "T01"},
	// `HTTP/1.1 100 Continue` with `Transfer-Encoding: chunked`.
	{Behaviour{Name: "mut-continue-transfer-encoding", ContinueTransferEncoding: true},
		[]string{"IR-NO-TRANSFER-ENCODING"}, "T01"},
	// "xx" after the 100's empty line, so the final response's status line is not where it
	// should be.
	{Behaviour{Name: "mut-continue-with-content", ContinueWithContent: true},
		[]string{"IR-NO-CONTENT"}, "T01"},
	// `100-Continue` is not recognised: no 100, waits for the content.
	{Behaviour{Name: "mut-case-sensitive-value", CaseSensitiveValue: true},
		[]string{"EXP-VALUE-CASE"}, "T02"},
	// Every 100-continue is refused with 417 and a close: the upload fails.
	{Behaviour{Name: "mut-417-continue", Reject417Continue: true},
		[]string{"EXP-NO-417-FOR-100-CONTINUE"}, "T01"},
	// `100-Continue` is refused with 417.
	{Behaviour{Name: "mut-case-sensitive-value-417", CaseSensitiveValue417: true},
		[]string{"EXP-VALUE-CASE"}, "T02"},
	// `expect: 100-continue` is not recognised: no 100, waits for the content.
	{Behaviour{Name: "mut-case-sensitive-name", CaseSensitiveName: true},
		[]string{"FLD-NAME-CASE"}, "T02"},
	// `Expect: \t100-continue\t ` is not recognised: no 100, waits for the content.
	{Behaviour{Name: "mut-no-trim-ows", NoTrimOWS: true},
		[]string{"FLD-TRIM-OWS"}, "T03"},
	// `,100-continue,`, `100-continue, 100-continue` and `100-continue, foo` are not recognised.
	{Behaviour{Name: "mut-whole-value-only", WholeValueOnly: true},
		[]string{"FLD-LIST-EMPTY-ELEMENTS", "EXP-ABNF-LIST"}, "T03"},
	// `Expect: foo` then `Expect: 100-continue`: only foo is seen, so no 100.
	{Behaviour{Name: "mut-first-line-only", FirstLineOnly: true},
		[]string{"FLD-COMBINE-LINES"}, "T03"},
	// `Expect : 100-continue` gets a 100 instead of a 400.
	{Behaviour{Name: "mut-accept-ws-before-colon", AcceptWSBeforeColon: true},
		[]string{"H1-WS-BEFORE-COLON"}, "T05"},
	// `Expect:\r\n 100-continue` is read as an empty Expect: no 400, no 100, waits.
	{Behaviour{Name: "mut-obs-fold-empty", ObsFoldEmpty: true},
		[]string{"H1-OBS-FOLD"}, "T05"},
	// ` Expect: 100-continue` right after the request-line gets a 100.
	{Behaviour{Name: "mut-process-ws-line", ProcessWSLine: true},
		[]string{"H1-WS-LINE-AFTER-START"}, "T05"},
	// `100-continue\0` is kept as an unknown member: no 400, no 100, waits.
	{Behaviour{Name: "mut-nul-keep", NULKeep: true},
		[]string{"FLD-CR-LF-NUL"}, "T05"},
	// `100-\rcontinue` becomes `100-continue`: a 100.
	{Behaviour{Name: "mut-bare-cr-drop", BareCRDrop: true},
		[]string{"H1-BARE-CR"}, "T05"},
	// A header section over 8 KiB: reading stops, no answer until the idle timeout.
	{Behaviour{Name: "mut-oversize-hang", OversizeHang: true},
		[]string{"FLD-OVERSIZE-4XX"}, "T05"},
	// Expect without Content-Length or Transfer-Encoding: waits for content, never answers.
	{Behaviour{Name: "mut-wait-without-framing", WaitWithoutFraming: true},
		[]string{"H1-NO-FRAMING-NO-CONTENT"}, "T06"},
	// Expect with Content-Length: 0: waits for content, never answers.
	{Behaviour{Name: "mut-zero-length-wait", ZeroLengthWait: true},
		[]string{"H1-NO-FRAMING-NO-CONTENT"}, "T06"},
	// After 100, content and the final 200: another 100, with no request outstanding.
	{Behaviour{Name: "mut-continue-after-final", ContinueAfterFinal: true},
		[]string{"IR-SEQUENCE-ONE-FINAL"}, "T12"},
	// Chunked content with Expect: no 100; waits for the content.
	{Behaviour{Name: "mut-chunked-no-continue", ChunkedNoContinue: true},
		[]string{"EXP-ORIGIN-IMMEDIATE"}, "T07"},
	// Content sent with the head: 200 at once, then the content is parsed as a request (400).
	{Behaviour{Name: "mut-skip-unread-content", SkipUnreadContent: true},
		[]string{"H1-READ-OR-CLOSE"}, "T08"},
	// A 100 to an HTTP/1.0 request.
	{Behaviour{Name: "mut-http10-continue", HTTP10Continue: true},
		[]string{"EXP-HTTP10-IGNORE", "IR-NOT-TO-HTTP10"}, "T09"},
	// A 417 to an HTTP/1.0 request with 100-continue.
	{Behaviour{Name: "mut-http10-reject-417", HTTP10Reject417: true},
		[]string{"EXP-HTTP10-IGNORE"}, "T09"},
	// `Transfer-Encoding: chunked` in responses to HTTP/1.0.
	{Behaviour{Name: "mut-http10-chunked", HTTP10Chunked: true},
		[]string{"H1-NO-TE-TO-HTTP10"}, "T09"},
	// HTTP/1.0 with Transfer-Encoding: `Connection: keep-alive`, and the next request answered.
	{Behaviour{Name: "mut-http10-te-keep-open", HTTP10TEKeepOpen: true},
		[]string{"H1-HTTP10-TE-FAULTY"}, "T09"},
	// Early 404 without close, content left unread: the content is answered as a request.
	{Behaviour{Name: "mut-early-no-discard", EarlyNoDiscard: true},
		[]string{"H1-READ-OR-CLOSE"}, "T10"},
	// Early 404 without `Connection: close`, then a (staged) close.
	{Behaviour{Name: "mut-early-close-silently", EarlyCloseSilently: true},
		[]string{"EXP-INDICATE-CLOSE", "H1-SEND-CLOSE-OPTION"}, "T10"},
	// Early 404 with `Connection: close`, then the content is answered as a request.
	{Behaviour{Name: "mut-close-but-continue", CloseButContinue: true},
		[]string{"H1-CLOSE-THEN-NO-MORE"}, "T10"},
	// Early 404 with `Connection: close`, then an immediate close: a reset when content is
	// still arriving.
	{Behaviour{Name: "mut-abrupt-close", AbruptClose: true},
		[]string{"H1-RST-RISK"}, "T10"},
	// `Content-Length: 18446744073709551617` is 1: a 100, then 200 after one octet.
	{Behaviour{Name: "mut-cl-wrap", CLWrap: true},
		[]string{"SRV-CL-LARGE-NUMBERS"}, "T11"},
	// `Content-Length: 5, 6` is 5: a 100 instead of a 400.
	{Behaviour{Name: "mut-cl-list-first", CLListFirst: true},
		[]string{"H1-INVALID-CL-400"}, "T11"},
	// Content-Length with Transfer-Encoding: chunked is used and the connection stays open.
	{Behaviour{Name: "mut-cl-te-keep-open", CLTEKeepOpen: true},
		[]string{"H1-CL-AND-TE-CLOSE"}, "T11"},
	// No 413 from the header section: a 100 to a 1 TiB PUT (allowed, reported as info), then the
	// content is awaited.
	{Behaviour{Name: "mut-no-limit-413", NoLimit413: true},
		[]string{"SRV-413"}, "T11"},
	// The 100 goes out on the first read of the content: after an early 404, while discarding.
	{Behaviour{Name: "mut-late-continue", LateContinue: true},
		[]string{"IR-SEQUENCE-ONE-FINAL"}, "T12"},
	// 101 before 100 when Upgrade and 100-continue meet.
	{Behaviour{Name: "mut-upgrade-before-continue", UpgradeBeforeContinue: true},
		[]string{"IR-100-BEFORE-101"}, "T13"},
	// A 100 as soon as the Expect line arrives, before the header section's empty line.
	{Behaviour{Name: "mut-continue-before-head-end", ContinueBeforeHeadEnd: true},
		[]string{"SRV-WHOLE-HEADER-SECTION"}, "T01b"},
	// `Expect: 100-continue;x=1` (or any other expectation) gets 417 at once and a 100 20 ms
	// behind it; then the content is read.
	{Behaviour{Name: "mut-early-final-then-continue", EarlyFinalThenContinue: true},
		[]string{"IR-SEQUENCE-ONE-FINAL"}, "T04"},
	// Never a 100, and the connection closed after 4 s without an octet (an idle timeout like
	// uWSGI's): no answer at all while the content is withheld.
	{Behaviour{Name: "mut-silent-idle-close", SilentIdleClose: 4 * time.Second},
		[]string{"EXP-ORIGIN-IMMEDIATE", "EXP-ORIGIN-NO-WAIT"}, "T01"},
	// A 100 for `Expect: foo`, then no final response.
	{Behaviour{Name: "mut-unknown-continue-no-final", UnknownContinueNoFinal: true},
		[]string{"EXP-FINAL-AFTER-100"}, "T04"},
}

// Mutants returns one Behaviour per mutant knob, each named mut-…; the comments on the table
// above say what each does on the wire, and Breaks which requirements it breaks.
func Mutants() []Behaviour {
	out := make([]Behaviour, len(mutants))
	for i, m := range mutants {
		out[i] = m.Behaviour
	}
	return out
}

// MutantRecords returns every mutant with the requirements it breaks and its scenario.
func MutantRecords() []Mutant {
	out := make([]Mutant, len(mutants))
	for i, m := range mutants {
		out[i] = m
		out[i].Breaks = append([]string(nil), m.Breaks...)
	}
	return out
}

// Breaks returns the catalogue IDs the named mutant breaks (nil for a conforming server, an
// unknown name, or a mutant whose rule has no catalogue row).
func Breaks(name string) []string {
	for _, m := range mutants {
		if m.Behaviour.Name == name {
			return append([]string(nil), m.Breaks...)
		}
	}
	return nil
}
