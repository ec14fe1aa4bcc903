package suite

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"

	"github.com/expectspec/expectspec/cases"
	"github.com/expectspec/expectspec/harness/conv"
	"github.com/expectspec/expectspec/results"
)

// buildFile turns the specs Ginkgo ran into the published results format. Specs the filters left
// out are not results; specs that were interrupted or timed out without an outcome are errors.
func buildFile(cfg Config, ps []prepared, sched *scheduler, r Report, started time.Time) *results.File {
	f := &results.File{
		Schema: results.Schema,
		Suite:  results.Suite{Version: cfg.Version, Started: started, DurationMS: time.Since(started).Milliseconds(), Args: cfg.Args},
	}
	for _, p := range ps {
		f.Targets = append(f.Targets, results.Target{Name: p.t.Name, Role: p.t.Role, Address: p.t.Address, Software: p.t.Software, Version: p.t.Version})
	}
	seenCase := map[string]bool{}
	for _, s := range r.SpecReports {
		if s.LeafNodeType != types.NodeTypeIt || s.State == types.SpecStatePending || (s.State == types.SpecStateSkipped && s.NumAttempts == 0) {
			continue
		}
		if len(s.ContainerHierarchyTexts) < 1 {
			continue
		}
		tname, id := s.ContainerHierarchyTexts[0], s.LeafNodeText
		c, ok := cases.ByID(id)
		if !ok {
			continue
		}
		if !seenCase[id] {
			seenCase[id] = true
			f.Cases = append(f.Cases, caseEntry(c))
		}
		f.Results = append(f.Results, resultEntry(tname, c, sched, s))
	}
	order := map[string]int{}
	for i, c := range cases.All() {
		order[c.ID] = i
	}
	sort.SliceStable(f.Cases, func(a, b int) bool { return order[f.Cases[a].ID] < order[f.Cases[b].ID] })
	return f
}

func caseEntry(c cases.Case) results.Case {
	rc := results.Case{ID: c.ID, Title: c.Title, Scenario: c.Scenario}
	for _, role := range c.Roles {
		rc.Roles = append(rc.Roles, string(role))
	}
	for _, id := range c.Requirements {
		if r, ok := cases.Lookup(id); ok {
			rc.Requirements = append(rc.Requirements, results.Requirement{ID: r.ID, RFC: r.RFC, Section: r.Section, Keyword: r.Keyword})
		}
	}
	return rc
}

func resultEntry(tname string, c cases.Case, sched *scheduler, s types.SpecReport) results.Result {
	res := results.Result{Target: tname, Case: c.ID, DurationMS: s.RunTime.Milliseconds()}
	sched.mu.Lock()
	j := sched.jobs[key(tname, c.ID)]
	finished := j != nil && j.state == done
	sched.mu.Unlock()
	if !finished {
		res.Verdict = results.Error
		res.Reason = fmt.Sprintf("not run to the end: the spec was %s", s.State)
		return res
	}
	o := j.outcome
	res.Verdict = results.Verdict(o.Verdict)
	res.Reason = o.Reason
	res.Requirements = o.Requirements
	res.Fix = o.Fix
	res.DurationMS = j.took.Milliseconds()
	res.Trace = mergeTrace(trace(j.tl), originTrace(j.recs))
	return res
}

// trace converts a timeline into the results file's trace entries.
func trace(tl *conv.Timeline) []results.TraceEntry {
	if tl == nil {
		return nil
	}
	var out []results.TraceEntry
	for _, e := range tl.Events {
		t := float64(e.At.Microseconds()) / 1000
		switch e.Kind {
		case conv.EvSent:
			out = append(out, results.TraceEntry{TMS: t, Dir: "send", Data: printable(e.Data, e.N)})
		case conv.EvRecv:
			out = append(out, results.TraceEntry{TMS: t, Dir: "recv", Data: printable(e.Data, e.N)})
		case conv.EvMessage:
			// the octets are already in the recv entries; the event marks where a message ended
			out = append(out, results.TraceEntry{TMS: t, Dir: "event", Data: fmt.Sprintf("message %d %s", e.Msg.Status, e.Msg.Reason)})
		default:
			data := string(e.Kind)
			if e.Error != "" {
				data += ": " + e.Error
			}
			if e.Kind == conv.EvWriteError {
				data += fmt.Sprintf(" (%d octets written)", e.N)
			}
			out = append(out, results.TraceEntry{TMS: t, Dir: "event", Data: data})
		}
	}
	return out
}

// printable keeps text readable and bytes exact: printable ASCII, CR, LF and tab as they are,
// everything else as \xNN, and a note when the recorded copy is shorter than what went by.
func printable(b []byte, n int64) string {
	var s strings.Builder
	for _, c := range b {
		switch {
		case c == '\\':
			s.WriteString(`\\`)
		case c == '\r' || c == '\n' || c == '\t' || (c >= 0x20 && c < 0x7f):
			s.WriteByte(c)
		default:
			fmt.Fprintf(&s, `\x%02x`, c)
		}
	}
	if n > int64(len(b)) {
		fmt.Fprintf(&s, "… (%d octets in all)", n)
	}
	return s.String()
}

// writeOutputs writes results.json and junit.xml into the out directory and prints the summary.
func writeOutputs(cfg Config, f *results.File) error {
	if err := os.MkdirAll(cfg.Out, 0o755); err != nil {
		return fmt.Errorf("cannot create --out %s: %v", cfg.Out, err)
	}
	jsonPath := filepath.Join(cfg.Out, "results.json")
	if err := results.Write(jsonPath, f); err != nil {
		return err
	}
	junitPath := filepath.Join(cfg.Out, "junit.xml")
	if err := results.WriteJUnit(junitPath, f); err != nil {
		return err
	}
	if len(f.Targets) > 1 {
		if err := results.WriteMarkdown(filepath.Join(cfg.Out, "matrix.md"), f); err != nil {
			return err
		}
		if err := results.WriteHTML(filepath.Join(cfg.Out, "matrix.html"), f); err != nil {
			return err
		}
	}
	return nil
}

// printSummary is the last thing a run prints: the matrix (for several targets), the summary per
// target, and where the files are.
func printSummary(cfg Config, f *results.File) {
	w := cfg.Stdout
	if len(f.Targets) > 1 {
		fmt.Fprintln(w, "\nconformance matrix:")
		_ = results.Matrix(w, f)
	}
	fmt.Fprintln(w)
	results.Summary(w, f, cfg.Verbose)
	names := []string{"results.json", "junit.xml"}
	if len(f.Targets) > 1 {
		names = append(names, "matrix.md", "matrix.html")
	}
	fmt.Fprintf(w, "\nwrote %s in %s\n", strings.Join(names, ", "), cfg.Out)
}
