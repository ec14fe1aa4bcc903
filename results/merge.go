package results

import (
	"errors"
	"fmt"
	"slices"
	"time"
)

// Merge combines several results files into one table (expectspec report):
//
//   - targets: the union, in order of first appearance. A target name may appear in several files
//     only with identical details (role, address, software, version); otherwise Merge fails and
//     asks for one to be renamed, because the table could not tell the two apart.
//   - cases: the union by ID, in order of first appearance; the first file's description wins.
//   - results: all of them. A cell (target, case) present in several files must agree on verdict,
//     reason, requirements and fix; the first copy is kept. Conflicting cells are an error.
//   - suite: the first file's version, the earliest start, the summed duration; Args only when
//     there is a single file.
//
// The inputs are not modified. Each input must be valid as Read checks it.
func Merge(files ...*File) (*File, error) { return MergeNamed(nil, files...) }

// MergeNamed is Merge with a name for each file (its path), used in errors; without one a file
// is called by its position ("file 2").
func MergeNamed(names []string, files ...*File) (*File, error) {
	label := func(n int) string {
		if n < len(names) && names[n] != "" {
			return names[n]
		}
		return fmt.Sprintf("file %d", n+1)
	}
	if len(files) == 0 {
		return nil, errors.New("nothing to merge")
	}
	out := &File{Schema: Schema}
	targetFrom := map[string]int{}
	caseSeen := map[string]bool{}
	cellFrom := map[cellKey]int{}
	cellIndex := map[cellKey]int{}
	for n, f := range files {
		which := label(n)
		if f == nil {
			return nil, fmt.Errorf("%s is missing (nil)", which)
		}
		if f.Schema != "" && f.Schema != Schema {
			return nil, fmt.Errorf("%s has schema %q; this expectspec reads %s", which, f.Schema, Schema)
		}
		if err := f.validate(); err != nil {
			return nil, fmt.Errorf("%s: %w", which, err)
		}
		if n == 0 {
			out.Suite = Suite{Version: f.Suite.Version, Started: f.Suite.Started, DurationMS: f.Suite.DurationMS, Args: slices.Clone(f.Suite.Args)}
		} else {
			out.Suite.Args = nil
			out.Suite.DurationMS += f.Suite.DurationMS
			if earlier(f.Suite.Started, out.Suite.Started) {
				out.Suite.Started = f.Suite.Started
			}
		}
		for _, t := range f.Targets {
			first, ok := targetFrom[t.Name]
			if !ok {
				targetFrom[t.Name] = n
				out.Targets = append(out.Targets, t)
				continue
			}
			if prev, _ := out.target(t.Name); !sameTarget(prev, t) {
				return nil, fmt.Errorf("target %q differs between %s (%s) and %s (%s); rename one of them to merge",
					t.Name, label(first), describeTarget(prev), which, describeTarget(t))
			}
		}
		for _, c := range f.Cases {
			if !caseSeen[c.ID] {
				caseSeen[c.ID] = true
				out.Cases = append(out.Cases, cloneCase(c))
			}
		}
		for _, r := range f.Results {
			k := cellKey{r.Target, r.Case}
			if i, ok := cellIndex[k]; ok {
				prev := out.Results[i]
				if !sameFinding(prev, r) {
					return nil, fmt.Errorf("target %q, case %q: %s says %s (%s) but %s says %s (%s)",
						r.Target, r.Case, label(cellFrom[k]), prev.Verdict, clip(prev.Reason, 100), which, r.Verdict, clip(r.Reason, 100))
				}
				continue
			}
			cellFrom[k] = n
			cellIndex[k] = len(out.Results)
			out.Results = append(out.Results, cloneResult(r))
		}
	}
	out.sortResults()
	return out, nil
}

func earlier(a, b time.Time) bool {
	if a.IsZero() {
		return false
	}
	return b.IsZero() || a.Before(b)
}

func describeTarget(t Target) string {
	return fmt.Sprintf("role %q, address %q, software %q, version %q, protocol %q, TLS %q", t.Role, t.Address, t.Software, t.Version, t.HTTPProtocol(), t.TLS)
}

// sameFinding compares what a cell says, not how long it took or the exact exchange.
func sameFinding(a, b Result) bool {
	return a.Verdict == b.Verdict && a.Reason == b.Reason && a.Fix == b.Fix && slices.Equal(a.Requirements, b.Requirements)
}

func cloneCase(c Case) Case {
	c.Roles = slices.Clone(c.Roles)
	c.Requirements = slices.Clone(c.Requirements)
	return c
}

func cloneResult(r Result) Result {
	r.Requirements = slices.Clone(r.Requirements)
	r.Trace = slices.Clone(r.Trace)
	r.Runs = slices.Clone(r.Runs)
	r.RunReasons = slices.Clone(r.RunReasons)
	return r
}
