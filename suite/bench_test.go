package suite

import (
	"context"
	"testing"

	"github.com/expectspec/expectspec/cases"
	"github.com/expectspec/expectspec/harness/reference"
	"github.com/expectspec/expectspec/harness/target"
)

// runCatalogue runs every origin case that applies over the target's protocol against one
// target the way `expectspec run` does: through the scheduler with the default concurrency and
// the default timing.
func runCatalogue(b *testing.B, t target.Target) map[cases.Verdict]int {
	rtt, err := target.Probe(context.Background(), t, 3)
	if err != nil {
		b.Fatal(err)
	}
	env := Env(t, cases.DefaultTiming(rtt, 1))
	s := newScheduler(context.Background())
	all := applicableOver(cases.All(), "origin", t.HTTPProtocol())
	for _, c := range all {
		s.add(key(t.Name, c.ID), t, env, c)
	}
	s.prefetch(8, func(string) bool { return true })
	counts := map[cases.Verdict]int{}
	for _, c := range all {
		j, err := s.result(context.Background(), key(t.Name, c.ID))
		if err != nil {
			b.Fatal(err)
		}
		counts[j.outcome.Verdict]++
	}
	s.wait()
	return counts
}

func benchTarget(b *testing.B, start func() (target.Target, error)) {
	t, err := start()
	if err != nil {
		b.Fatal(err)
	}
	defer t.Stop()
	b.ResetTimer()
	var counts map[cases.Verdict]int
	for i := 0; i < b.N; i++ {
		counts = runCatalogue(b, t)
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/catalogue")
	b.Logf("%s: %v", t.Name, counts)
}

// BenchmarkCatalogueConforming: the whole origin catalogue against a conforming loopback origin
// (the bar: under 3 s of wall time).
func BenchmarkCatalogueConforming(b *testing.B) {
	benchTarget(b, func() (target.Target, error) { return target.StartReference(reference.Behaviour{Name: "ref-continue"}) })
}

// BenchmarkCatalogueNetHTTP: the same against Go's net/http server.
func BenchmarkCatalogueNetHTTP(b *testing.B) { benchTarget(b, target.StartNetHTTP) }

// BenchmarkCatalogueSilentMutant: the worst case for time, a server that never answers a
// withheld request, so every such case waits its full deadline (the bar: under 60 s).
func BenchmarkCatalogueSilentMutant(b *testing.B) {
	benchTarget(b, func() (target.Target, error) {
		return target.StartReference(reference.Behaviour{Name: "mut-no-continue", NoContinue: true})
	})
}

// BenchmarkEmbeddedDefaults: what `make conformance` runs, without Ginkgo and the files: every
// embedded target (origins, and the intermediaries in front of the suite's origin) with every
// case of its role, targets side by side through one scheduler.
func BenchmarkEmbeddedDefaults(b *testing.B) {
	o, err := target.StartOrigin("")
	if err != nil {
		b.Fatal(err)
	}
	defer o.Close()
	origins, err := target.Embedded()
	if err != nil {
		b.Fatal(err)
	}
	defer stopTargets(origins)
	inter, err := target.EmbeddedIntermediaries(o)
	if err != nil {
		b.Fatal(err)
	}
	defer stopTargets(inter)
	ts := append(origins, inter...)
	b.ResetTimer()
	cells := 0
	for i := 0; i < b.N; i++ {
		s := newScheduler(context.Background())
		var keys []string
		for _, t := range ts {
			rtt, err := target.Probe(context.Background(), t, 3)
			if err != nil {
				b.Fatal(err)
			}
			env := Env(t, cases.DefaultTiming(rtt, 1))
			for _, c := range applicable(cases.All(), t.Role) {
				k := key(t.Name, c.ID)
				s.addVia(k, t, CaseEnv(t, env, c), c, t.Origin)
				keys = append(keys, k)
			}
		}
		s.prefetch(8, func(string) bool { return true })
		for _, k := range keys {
			if _, err := s.result(context.Background(), k); err != nil {
				b.Fatal(err)
			}
		}
		s.wait()
		cells = len(keys)
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/matrix")
	b.Logf("%d targets, %d cells", len(ts), cells)
}

func stopTargets(ts []target.Target) {
	for _, t := range ts {
		if t.Stop != nil {
			t.Stop()
		}
	}
}
