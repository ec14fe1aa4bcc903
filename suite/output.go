package suite

import (
	"context"
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
	"github.com/expectspec/expectspec/harness/target"
	"github.com/expectspec/expectspec/results"
)

// buildFile turns the run into the published results format. The cells are every applicable
// case of every target that the selection picked or Ginkgo ran (the two agree; a case Ginkgo ran
// despite the selector is kept): its outcome when the scheduler finished it, else not run when
// the run was interrupted, else an error naming the spec's state. The cells come from the
// scheduler, never from Ginkgo's spec states alone, so that an interrupt, which Ginkgo handles
// on its own, gives the same file whichever handler saw the signal first. sched and r are nil
// when the run stopped before its cases started. The cases of a target in failed never ran:
// each is error with the reason of the check it failed.
func buildFile(ctx context.Context, cfg Config, sched *scheduler, failed []checkFailure, selected selection, r *Report, started time.Time) *results.File {
	f := &results.File{
		Schema: results.Schema,
		Suite:  results.Suite{Version: cfg.Version, Started: started, DurationMS: time.Since(started).Milliseconds(), Args: cfg.Args},
	}
	interrupt, interrupted := InterruptOf(ctx)
	f.Suite.Interrupted = interrupted
	states := map[string]types.SpecState{} // by key: the state of each spec Ginkgo ran
	if r != nil {
		for _, s := range r.SpecReports {
			if s.LeafNodeType != types.NodeTypeIt || len(s.ContainerHierarchyTexts) < 1 || s.NumAttempts == 0 {
				continue
			}
			states[key(s.ContainerHierarchyTexts[0], s.LeafNodeText)] = s.State
		}
	}
	broken := map[string]*checkFailure{}
	for i := range failed {
		broken[failed[i].target] = &failed[i]
	}
	caseSeen := map[string]bool{}
	for _, t := range cfg.Targets {
		f.Targets = append(f.Targets, results.Target{Name: t.Name, Role: string(t.Role), Address: t.Address, Software: t.Software, Version: t.Version,
			Protocol: string(t.HTTPProtocol()), TLS: tlsOf(t)})
		for _, c := range applicableOver(cases.All(), t.Role, t.HTTPProtocol()) {
			k := key(t.Name, c.ID)
			state, ran := states[k]
			if !ran && !selected(fullText(t.Name, c), labels(t.Role, t.Name, c)) {
				continue
			}
			if !caseSeen[c.ID] {
				caseSeen[c.ID] = true
				f.Cases = append(f.Cases, caseEntry(c))
			}
			res := resultEntry(t.Name, c, sched)
			if res == nil {
				res = &results.Result{Target: t.Name, Case: c.ID, Verdict: results.Error}
				switch {
				case broken[t.Name] != nil:
					res.Reason = broken[t.Name].reason()
				case interrupted:
					res.NotRun, res.Reason = true, "not run: "+interrupt.Error()
				case ran:
					res.Reason = fmt.Sprintf("not run to the end: the spec was %s", state)
				default:
					res.Reason = "not run to the end: the suite never reached the case"
				}
			}
			f.Results = append(f.Results, *res)
		}
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

// resultEntry is the cell of a case the scheduler finished, or nil when it did not (or the run
// was cancelled while the case ran, so what it saw is no verdict).
func resultEntry(tname string, c cases.Case, sched *scheduler) *results.Result {
	if sched == nil {
		return nil
	}
	sched.mu.Lock()
	j := sched.jobs[key(tname, c.ID)]
	finished := j != nil && j.state == done && !j.interrupted
	sched.mu.Unlock()
	if !finished {
		return nil
	}
	o := j.outcome
	res := &results.Result{Target: tname, Case: c.ID, Verdict: results.Verdict(o.Verdict), Reason: o.Reason,
		Requirements: o.Requirements, Fix: o.Fix, BreaksUploads: o.BreaksUploads, DurationMS: j.took.Milliseconds()}
	res.Trace = mergeTrace(append(trace(j.tl), clientTrace(j.rep)...), originTrace(j.recs))
	if len(j.runs) > 1 {
		for _, v := range j.runs {
			res.Runs = append(res.Runs, results.Verdict(v))
		}
		res.Flaky = results.Flaky(res.Runs)
		res.RunReasons = j.runReasons
	}
	return res
}

// tlsOf is the results' note of how the target was secured: what its handshake settled, "TLS"
// for a client the suite served over TLS (no handshake of the suite's own to describe) or
// when no handshake completed, "" for cleartext.
func tlsOf(t target.Target) string {
	if t.CAFile != "" {
		return "TLS" // a client under test, to which the suite's server spoke TLS
	}
	if t.TLS == nil || t.Negotiated != "" {
		return t.Negotiated
	}
	return "TLS"
}

// trace converts a timeline into the results file's trace entries.
func trace(tl *conv.Timeline) []results.TraceEntry {
	if tl == nil {
		return nil
	}
	var out []results.TraceEntry
	for _, e := range tl.Events {
		t := float64(e.At.Microseconds()) / 1000
		switch {
		case e.Frame != nil && (e.Kind == conv.EvSent || e.Frame.Sent):
			// an HTTP/2 frame of ours: a step's, or one the driver sent itself (SETTINGS, ACKs,
			// PING answers, WINDOW_UPDATE); its octets are framing, so the frame says more
			out = append(out, results.TraceEntry{TMS: t, Dir: "send", Data: e.Frame.String()})
			continue
		case e.Kind == conv.EvFrame && e.Frame != nil:
			out = append(out, results.TraceEntry{TMS: t, Dir: "recv", Data: e.Frame.String()})
			continue
		}
		switch e.Kind {
		case conv.EvSent:
			out = append(out, results.TraceEntry{TMS: t, Dir: "send", Data: printable(e.Data, e.N)})
		case conv.EvRecv:
			out = append(out, results.TraceEntry{TMS: t, Dir: "recv", Data: printable(e.Data, e.N)})
		case conv.EvMessage:
			// the octets are already in the recv entries; the event marks where a message ended
			out = append(out, results.TraceEntry{TMS: t, Dir: "event", Data: strings.TrimSpace(fmt.Sprintf("message %d %s", e.Msg.Status, e.Msg.Reason))})
		default:
			data := string(e.Kind)
			if e.Kind == conv.EvConnect && len(e.Data) > 0 {
				data += " over " + string(e.Data) // what the TLS handshake settled
			}
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
// target, and the conclusion (conclusion.go): counts, what they mean, where the files are.
func printSummary(cfg Config, f *results.File, failed []checkFailure) {
	w := cfg.Stdout
	if len(f.Targets) > 1 {
		fmt.Fprintln(w, "\nconformance matrix:")
		_ = results.Matrix(w, f)
	}
	fmt.Fprintln(w)
	results.Summary(w, f, cfg.Verbose)
	if f.Suite.Interrupted {
		notRun := 0
		for _, r := range f.Results {
			if r.NotRun {
				notRun++
			}
		}
		fmt.Fprintf(w, "\nthe run was interrupted: %d of %d case(s) not run\n", notRun, len(f.Results))
	}
	names := []string{"results.json", "junit.xml"}
	if len(f.Targets) > 1 {
		names = append(names, "matrix.md", "matrix.html")
	}
	fmt.Fprintf(w, "\n%s\n", conclusion(f, failed, cfg.Out, names))
}
