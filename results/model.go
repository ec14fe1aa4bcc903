// Package results is the result model of expectspec and everything made from it: the published
// JSON format (results.json, schema "expectspec/results/v1"), JUnit XML, the Markdown and HTML
// compatibility tables, the console summary, and the cell-by-cell diff of two runs.
//
// It knows nothing about sockets, the harness or the case catalogue: the suite fills a File and
// hands it over: it imports nothing of the module.
package results

import (
	"fmt"
	"strings"
	"time"
)

// Schema is the value of the "schema" field this package writes and the only one it reads.
// Adding fields keeps the schema; renaming or removing one is a new version.
const Schema = "expectspec/results/v1"

// Verdict is the outcome of one case on one target (cases/CATALOGUE.md, "Verdicts").
type Verdict string

const (
	Pass  Verdict = "pass"  // the requirement was checked and held
	Fail  Verdict = "fail"  // an observable MUST or MUST NOT was broken
	Warn  Verdict = "warn"  // a SHOULD was broken, or interop breaks without breaking a MUST
	Info  Verdict = "info"  // the RFC leaves a choice; the reason says which one the target made
	NA    Verdict = "na"    // the case does not apply to this target
	Error Verdict = "error" // the suite could not carry the case out; never counted as fail
)

// Verdicts lists every verdict in the order reports count them.
var Verdicts = []Verdict{Pass, Fail, Warn, Info, NA, Error}

// Valid reports whether v is one of Verdicts.
func (v Verdict) Valid() bool {
	switch v {
	case Pass, Fail, Warn, Info, NA, Error:
		return true
	}
	return false
}

// Label is the short word tables print for v: PASS, FAIL, WARN, INFO, n/a, ERROR.
func (v Verdict) Label() string {
	if v == NA {
		return "n/a"
	}
	return strings.ToUpper(string(v))
}

// rank orders verdicts by how much they need a reader's attention, worst first.
func (v Verdict) rank() int {
	switch v {
	case Fail:
		return 0
	case Error:
		return 1
	case Warn:
		return 2
	case Info:
		return 3
	case NA:
		return 4
	case Pass:
		return 5
	}
	return 6
}

// Worst is the verdict of vs that most needs a reader's attention (fail, error, warn, info, na,
// pass, in that order); "" for none. A cell run several times (run --repeat) takes the worst.
func Worst(vs ...Verdict) Verdict {
	var w Verdict
	for _, v := range vs {
		if w == "" || v.rank() < w.rank() {
			w = v
		}
	}
	return w
}

// Flaky reports whether runs holds more than one verdict.
func Flaky(runs []Verdict) bool {
	for _, v := range runs {
		if v != runs[0] {
			return true
		}
	}
	return false
}

// RunCounts is how often each verdict occurs in runs, in the order of Verdicts:
// "pass×19, fail×1".
func RunCounts(runs []Verdict) string {
	var c Counts
	for _, v := range runs {
		c.Add(v)
	}
	var parts []string
	for _, v := range Verdicts {
		if n := c.Get(v); n > 0 {
			parts = append(parts, fmt.Sprintf("%s×%d", v, n))
		}
	}
	return strings.Join(parts, ", ")
}

// FlakyReason is the reason of a flaky cell: "flaky: pass×19, fail×1 — " and the worst run's
// reason.
func FlakyReason(runs []Verdict, worstReason string) string {
	return "flaky: " + RunCounts(runs) + " — " + worstReason
}

// CellLabel is the short text a table prints for r: its verdict's Label, "FLAKY pass×19 fail×1"
// for a flaky cell, "NOT RUN" for a case an interrupted run did not finish.
func (r Result) CellLabel() string {
	switch {
	case r.NotRun:
		return "NOT RUN"
	case r.Flaky:
		return "FLAKY " + strings.ReplaceAll(RunCounts(r.Runs), ", ", " ")
	}
	return r.Verdict.Label()
}

// File is one results.json: one run, or several merged.
type File struct {
	Schema  string   `json:"schema"`
	Suite   Suite    `json:"suite"`
	Targets []Target `json:"targets"`
	Cases   []Case   `json:"cases"`
	Results []Result `json:"results"`
}

// Suite describes the run.
type Suite struct {
	Version    string    `json:"version"`
	Started    time.Time `json:"started"` // RFC 3339
	DurationMS int64     `json:"duration_ms"`
	Args       []string  `json:"args,omitempty"` // the command line, when known
	// Interrupted is set when a signal (SIGINT, SIGTERM) stopped the run; the cases it did not
	// finish are in Results with NotRun set.
	Interrupted bool `json:"interrupted,omitempty"`
}

// Target is one implementation under test in one protocol (protocol.go). Name is unique within
// a file.
type Target struct {
	Name     string `json:"name"`
	Role     string `json:"role"` // origin, gateway, proxy or client
	Address  string `json:"address"`
	Software string `json:"software"`
	Version  string `json:"version"`
	Protocol string `json:"protocol,omitempty"` // "http/1.1"; absent in older files (HTTPProtocol)
	TLS      string `json:"tls,omitempty"`      // what the TLS handshake settled; absent for cleartext
}

// Case is one case of the catalogue, as far as reports need it. ID is unique within a file.
type Case struct {
	ID           string        `json:"id"`
	Title        string        `json:"title"`
	Scenario     string        `json:"scenario,omitempty"` // the wire scenario, e.g. "T01"
	Roles        []string      `json:"roles"`
	Requirements []Requirement `json:"requirements"`
}

// Requirement is one entry of the requirement catalogue a case cites.
type Requirement struct {
	ID      string `json:"id"`
	RFC     string `json:"rfc"`     // "9110"
	Section string `json:"section"` // "10.1.1"
	Keyword string `json:"keyword"` // MUST, MUST NOT, SHOULD, MAY, …
}

// URL is the address of the requirement's section on rfc-editor.org, or "" without an RFC number.
func (r Requirement) URL() string {
	return rfcURL(r.RFC, r.Section)
}

// Result is one cell of the matrix: one case on one target.
type Result struct {
	Target  string  `json:"target"`
	Case    string  `json:"case"`
	Verdict Verdict `json:"verdict"`
	Reason  string  `json:"reason"`
	// Requirements are the IDs the verdict rests on (for a fail, the requirements broken).
	Requirements []string `json:"requirements,omitempty"`
	Fix          string   `json:"fix,omitempty"` // what to change, for fail and warn
	// BreaksUploads names how uploads that send Expect: 100-continue fail at this target
	// ("answers 417 (Expectation Failed) to Expect: 100-continue"), whatever the verdict: the
	// overview counts such a target as breaking 100-continue. Optional; absent when not seen.
	BreaksUploads string       `json:"breaks_uploads,omitempty"`
	DurationMS    int64        `json:"duration_ms"`
	Trace         []TraceEntry `json:"trace"`
	// Runs is the verdict of every run, in order, when the case ran more than once (run
	// --repeat N). Flaky is set when they differ; Verdict is then the worst of them.
	Runs  []Verdict `json:"runs,omitempty"`
	Flaky bool      `json:"flaky,omitempty"`
	// RunReasons are the distinct findings of a flaky cell's runs: every verdict and reason that
	// came up, with how many runs gave it, worst verdict first (RunReasonsOf). Reason above is
	// the worst run's alone; these show what the other runs saw, so a flip can be diagnosed.
	RunReasons []RunReason `json:"run_reasons,omitempty"`
	// NotRun is set when the run ended (interrupted) before the case finished; Verdict is then
	// error and the reason says why.
	NotRun bool `json:"not_run,omitempty"`
}

// TraceEntry is one step of the conversation behind a result.
type TraceEntry struct {
	TMS  float64 `json:"t_ms"` // milliseconds since the case started; fractions show sub-ms timings
	Dir  string  `json:"dir"`  // send, recv or event; origin for what the suite's origin saw behind an intermediary
	Data string  `json:"data"`
}

// Counts is the number of results of each verdict.
type Counts struct {
	Pass, Fail, Warn, Info, NA, Error int
}

// Add counts one more v. Unknown verdicts are not counted.
func (c *Counts) Add(v Verdict) {
	if p := c.field(v); p != nil {
		*p++
	}
}

// Get is the count of v.
func (c Counts) Get(v Verdict) int {
	if p := c.field(v); p != nil {
		return *p
	}
	return 0
}

func (c *Counts) field(v Verdict) *int {
	switch v {
	case Pass:
		return &c.Pass
	case Fail:
		return &c.Fail
	case Warn:
		return &c.Warn
	case Info:
		return &c.Info
	case NA:
		return &c.NA
	case Error:
		return &c.Error
	}
	return nil
}

// Total is the number of results counted.
func (c Counts) Total() int {
	return c.Pass + c.Fail + c.Warn + c.Info + c.NA + c.Error
}

// String is "31 pass, 2 fail, 1 warn, 5 info, 0 na, 0 error".
func (c Counts) String() string {
	parts := make([]string, 0, len(Verdicts))
	for _, v := range Verdicts {
		parts = append(parts, fmt.Sprintf("%d %s", c.Get(v), v))
	}
	return strings.Join(parts, ", ")
}

// CountTarget counts the verdicts of one target's results.
func CountTarget(f *File, target string) Counts {
	if f == nil {
		f = &File{}
	}
	var c Counts
	for _, r := range f.Results {
		if r.Target == target {
			c.Add(r.Verdict)
		}
	}
	return c
}

// CountAll counts the verdicts of every target, keyed by target name.
func CountAll(f *File) map[string]Counts {
	if f == nil {
		f = &File{}
	}
	m := make(map[string]Counts, len(f.Targets))
	for _, t := range f.Targets {
		m[t.Name] = Counts{}
	}
	for _, r := range f.Results {
		c := m[r.Target]
		c.Add(r.Verdict)
		m[r.Target] = c
	}
	return m
}

// ExitCode is the exit status a run with these results ends with:
//
//	1  some result is fail;
//	2  otherwise, when the suite could not run: there are no results, or every result is error;
//	0  otherwise (pass, warn, info and na never change the status, nor does an error among
//	   other verdicts).
func ExitCode(f *File) int {
	if f == nil || len(f.Results) == 0 {
		return 2
	}
	allErrors := true
	for _, r := range f.Results {
		if r.Verdict == Fail {
			return 1
		}
		if r.Verdict != Error {
			allErrors = false
		}
	}
	if allErrors {
		return 2
	}
	return 0
}

// Lookup helpers shared by the renderers.

func (f *File) target(name string) (Target, bool) {
	for _, t := range f.Targets {
		if t.Name == name {
			return t, true
		}
	}
	return Target{}, false
}

// cells indexes results by target and case.
func (f *File) cells() map[cellKey]*Result {
	m := make(map[cellKey]*Result, len(f.Results))
	for i := range f.Results {
		r := &f.Results[i]
		m[cellKey{r.Target, r.Case}] = r
	}
	return m
}

type cellKey struct{ target, caseID string }

// heading is how a target is named in tables: "name version", or the name alone, then the
// protocol of the column when it is not cleartext HTTP/1.1 ("name version (http/1.1 over TLS)").
func (t Target) heading() string {
	h := t.Name
	if t.Version != "" {
		h += " " + t.Version
	}
	if n := t.ProtocolNote(); n != "" {
		h += " (" + n + ")"
	}
	return h
}

func rfcURL(rfc, section string) string {
	rfc = strings.TrimSpace(strings.TrimPrefix(strings.ToLower(strings.TrimSpace(rfc)), "rfc"))
	if rfc == "" || strings.Trim(rfc, "0123456789") != "" {
		return ""
	}
	u := "https://www.rfc-editor.org/rfc/rfc" + rfc
	section = strings.TrimSpace(section)
	if section != "" && strings.Trim(section, "0123456789.ABCDEFGHIJKLMNOPQRSTUVWXYZ") == "" {
		u += "#section-" + section
	}
	return u
}

// firstURL is the RFC section link of a case's first requirement that has one.
func (c Case) firstURL() string {
	for _, r := range c.Requirements {
		if u := r.URL(); u != "" {
			return u
		}
	}
	return ""
}
