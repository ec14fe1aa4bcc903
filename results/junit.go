package results

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/onsi/ginkgo/v2/reporters"
)

// WriteJUnit stores f at path as JUnit XML (atomically, like Write). See JUnit for the mapping.
func WriteJUnit(path string, f *File) error {
	data, err := EncodeJUnit(f)
	if err != nil {
		return fmt.Errorf("cannot write %s: %w", path, err)
	}
	return writeAtomic(path, data)
}

// EncodeJUnit is the XML WriteJUnit stores: an XML header, then JUnit(f) indented.
func EncodeJUnit(f *File) ([]byte, error) {
	if f == nil {
		return nil, errors.New("no results (nil File)")
	}
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(JUnit(f)); err != nil {
		return nil, err
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}

// JUnit maps f onto Ginkgo's JUnit XML types: one <testsuite name="expectspec: TARGET"> per target,
// one <testcase name="CASE-ID" classname="expectspec.TARGET" status="VERDICT"> per result, with
// time in seconds, and:
//
//	fail   <failure type="fail" message=reason>  reason, requirements, fix, trace
//	error  <error type="error" message=reason>   reason, requirements, fix, trace
//	na     <skipped message=reason>
//	warn   passed, <system-out> "warn: reason" (plus requirements and fix)
//	info   passed, <system-out> "info: reason"
//	pass   passed, <system-out> "pass: reason"
//
// A flaky cell (run --repeat, runs that disagreed) is mapped by its worst verdict, and its reason
// begins "flaky: pass×19, fail×1 — "; a flaky fail or error has type="flaky". A case an
// interrupted run did not finish is an <error type="not_run">. A repeated cell carries the
// verdict of every run in the property "runs" ("pass pass fail …").
//
// tests, failures, errors and skipped are counted per suite; disabled is 0. The <testsuites>
// element carries the totals of tests, failures and errors (its schema has no skipped).
// Text that XML cannot carry (control characters) is replaced by the encoder with U+FFFD.
func JUnit(f *File) reporters.JUnitTestSuites {
	if f == nil {
		f = &File{}
	}
	out := reporters.JUnitTestSuites{}
	timestamp := ""
	if !f.Suite.Started.IsZero() {
		timestamp = f.Suite.Started.UTC().Format("2006-01-02T15:04:05")
	}
	byTarget := map[string][]Result{}
	for _, r := range f.Results {
		byTarget[r.Target] = append(byTarget[r.Target], r)
	}
	caseOrder := map[string]int{}
	for i, c := range f.Cases {
		caseOrder[c.ID] = i
	}
	for _, t := range f.Targets {
		s := reporters.JUnitTestSuite{
			Name:      "expectspec: " + t.Name + protocolSuffix(t),
			Package:   t.Address,
			Timestamp: timestamp,
			Properties: reporters.JUnitProperties{Properties: []reporters.JUnitProperty{
				{Name: "schema", Value: Schema},
				{Name: "suite.version", Value: f.Suite.Version},
				{Name: "target.name", Value: t.Name},
				{Name: "target.role", Value: t.Role},
				{Name: "target.address", Value: t.Address},
				{Name: "target.software", Value: t.Software},
				{Name: "target.version", Value: t.Version},
				{Name: "target.protocol", Value: t.HTTPProtocol()},
				{Name: "target.tls", Value: t.TLS},
			}},
			TestCases: []reporters.JUnitTestCase{},
		}
		rs := byTarget[t.Name]
		sortByCase(rs, caseOrder)
		var ms int64
		for _, r := range rs {
			tc := reporters.JUnitTestCase{
				Name:      r.Case,
				Classname: "expectspec." + t.Name,
				Status:    string(r.Verdict),
				Time:      float64(r.DurationMS) / 1000,
			}
			ms += r.DurationMS
			s.Tests++
			switch r.Verdict {
			case Fail:
				tc.Failure = &reporters.JUnitFailure{Message: oneLine(r.Reason, 500), Type: "fail", Description: details(r, true)}
				if r.Flaky {
					tc.Failure.Type = "flaky"
				}
				s.Failures++
			case Error:
				tc.Error = &reporters.JUnitError{Message: oneLine(r.Reason, 500), Type: "error", Description: details(r, true)}
				if r.NotRun {
					tc.Error.Type = "not_run"
				} else if r.Flaky {
					tc.Error.Type = "flaky"
				}
				s.Errors++
			case NA:
				tc.Skipped = &reporters.JUnitSkipped{Message: oneLine(r.Reason, 500)}
				s.Skipped++
			default:
				tc.SystemOut = string(r.Verdict) + ": " + details(r, false)
			}
			var props []reporters.JUnitProperty
			if len(r.Requirements) > 0 {
				props = append(props, reporters.JUnitProperty{Name: "requirements", Value: strings.Join(r.Requirements, " ")})
			}
			if len(r.Runs) > 0 {
				props = append(props, reporters.JUnitProperty{Name: "runs", Value: joinVerdicts(r.Runs)})
			}
			if len(props) > 0 {
				tc.Properties = &reporters.JUnitProperties{Properties: props}
			}
			s.TestCases = append(s.TestCases, tc)
		}
		s.Time = float64(ms) / 1000
		out.Tests += s.Tests
		out.Failures += s.Failures
		out.Errors += s.Errors
		out.Time += s.Time
		out.TestSuites = append(out.TestSuites, s)
	}
	return out
}

func sortByCase(rs []Result, order map[string]int) {
	slices.SortStableFunc(rs, func(a, b Result) int { return order[a.Case] - order[b.Case] })
}

func joinVerdicts(vs []Verdict) string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = string(v)
	}
	return strings.Join(parts, " ")
}

// protocolSuffix tells apart, in a suite's name, the columns of one implementation in different
// protocols: " [http/1.1 over TLS]"; nothing for cleartext HTTP/1.1, so suite names stay as
// they were before the protocol was recorded.
func protocolSuffix(t Target) string {
	if n := t.ProtocolNote(); n != "" {
		return " [" + n + "]"
	}
	return ""
}
