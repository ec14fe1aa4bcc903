package results_test

import (
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/expectspec/expectspec/results"
)

// publishedFixture is a realistic table as `expectspec matrix` + `report` would publish it:
// the real catalogue (cases, titles, requirements) and real reasons from a run of the embedded
// defaults, spread over implementations of every role, with every verdict, flaky cells, a target
// whose run was interrupted (not_run) and targets that are not installed. It is generated once
// from a real results.json (see the spec below) and committed, so the browser and merge tests
// render the same page a reader would get. Its implementations have made-up names (origin-a,
// gateway-b …): the verdicts are lent from reference servers and mutants, and must not read as
// findings about real software.
const publishedFixture = "testdata/table/published.json"

// fixtureTarget describes one implementation of the fixture: which real target of the source run
// lends it its verdicts and reasons (base), and what is special about it (mode).
type fixtureTarget struct {
	results.Target
	base string
	mode string // "", "flaky", "notrun" or "notinstalled"
}

var fixtureTargets = []fixtureTarget{
	{results.Target{Name: "origin-a", Role: "origin", Software: "Example Origin A", Version: "1.22.1"}, "ref-continue", ""},
	{results.Target{Name: "origin-b", Role: "origin", Software: "Example Origin B", Version: "2.4.62"}, "ref-lenient", ""},
	{results.Target{Name: "origin-c", Role: "origin", Software: "Example Origin C", Version: "1.4.69"}, "ref-omit-continue", ""},
	{results.Target{Name: "origin-d", Role: "origin", Software: "Example Origin D", Version: "go1.26.8"}, "go-net-http", ""},
	{results.Target{Name: "origin-e", Role: "origin", Software: "Example Origin E", Version: "18.20.4"}, "ref-close-early", ""},
	{results.Target{Name: "origin-f", Role: "origin", Software: "Example Origin F", Version: "10.1.31"}, "ref-continue", "flaky"},
	{results.Target{Name: "origin-g", Role: "origin", Software: "Example Origin G"}, "", "notinstalled"},
	{results.Target{Name: "gateway-a", Role: "gateway", Software: "Example Gateway A", Version: "1.22.1"}, "ref-gateway-buffering", ""},
	{results.Target{Name: "gateway-b", Role: "gateway", Software: "Example Gateway B", Version: "2.6.12"}, "ref-gateway-streaming", ""},
	{results.Target{Name: "gateway-c", Role: "gateway", Software: "Example Gateway C", Version: "7.1.1"}, "ref-gateway-buffering", ""},
	{results.Target{Name: "gateway-d", Role: "gateway", Software: "Example Gateway D", Version: "go1.26.8"}, "go-reverseproxy", ""},
	{results.Target{Name: "gateway-e", Role: "gateway", Software: "Example Gateway E"}, "", "notinstalled"},
	{results.Target{Name: "proxy-a", Role: "proxy", Software: "Example Proxy A", Version: "5.7"}, "ref-gateway-streaming", ""},
	{results.Target{Name: "proxy-b", Role: "proxy", Software: "Example Proxy B", Version: "1.11.1"}, "ref-gateway-buffering", "notrun"},
	{results.Target{Name: "proxy-c", Role: "proxy", Software: "Example Proxy C", Version: "2.4.62"}, "go-reverseproxy", ""},
	{results.Target{Name: "proxy-d", Role: "proxy", Software: "Example Proxy D"}, "", "notinstalled"},
}

// longEvil is a long reason full of characters HTML and Markdown interpret.
var longEvil = "EXP-PROXY-FORWARD-100: the proxy answered <b>\"HTTP/1.1 417 Expectation Failed\"</b> & closed; its body was " +
	strings.Repeat("<html><body><h1>417 Expectation Failed</h1><p>The expectation given in the 'Expect' request-header field could not be met by this server & its proxies.</p></body></html> ", 6) +
	"\r\n| a | table | row | and `code` *stars* _under_ [link](javascript:alert(1)) <script>alert('x')</script> \u202e end"

var _ = Describe("the published-table fixture", func() {
	// EXPECTSPEC_TABLE_FIXTURE_FROM=out/results.json (a run of the embedded defaults) rewrites it.
	It("is regenerated from a real run when asked", func() {
		from := os.Getenv("EXPECTSPEC_TABLE_FIXTURE_FROM")
		if from == "" {
			Skip("set EXPECTSPEC_TABLE_FIXTURE_FROM=PATH/results.json to regenerate " + publishedFixture)
		}
		src, err := results.Read(from)
		Expect(err).NotTo(HaveOccurred())
		Expect(os.MkdirAll(filepath.Dir(publishedFixture), 0o755)).To(Succeed())
		Expect(results.Write(publishedFixture, makeFixture(src))).To(Succeed())
	})

	It("is a valid results file with every verdict, flaky, not run and not installed cells", func() {
		f, err := results.Read(publishedFixture)
		Expect(err).NotTo(HaveOccurred())
		seen := map[results.Verdict]bool{}
		var flaky, notRun, notInstalled int
		for _, r := range f.Results {
			seen[r.Verdict] = true
			if r.Flaky {
				flaky++
			}
			if r.NotRun {
				notRun++
			}
			if strings.HasPrefix(r.Reason, "not installed") {
				notInstalled++
			}
		}
		Expect(seen).To(HaveLen(len(results.Verdicts)))
		Expect(flaky).To(BeNumerically(">", 0))
		Expect(notRun).To(BeNumerically(">", 0))
		Expect(notInstalled).To(BeNumerically(">", 0))
		Expect(f.Targets).To(HaveLen(len(fixtureTargets)))
	})
})

func makeFixture(src *results.File) *results.File {
	out := &results.File{
		Schema: results.Schema,
		Suite:  results.Suite{Version: "v0.4.0", Started: time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC), DurationMS: 0},
		Cases:  src.Cases,
	}
	base := map[[2]string]results.Result{}
	fails := map[string]results.Result{} // a real fail of each case, where the source run has one
	for _, r := range src.Results {
		base[[2]string{r.Target, r.Case}] = r
		if r.Verdict == results.Fail {
			fails[r.Case] = r
		}
	}
	for _, ft := range fixtureTargets {
		t := ft.Target
		t.Address = fmt.Sprintf("127.0.0.1:%d", 40000+len(out.Targets))
		out.Targets = append(out.Targets, t)
		n := 0
		for _, c := range src.Cases {
			if !slices.Contains(c.Roles, t.Role) {
				continue
			}
			n++
			r := fixtureCell(ft, c, n, base, fails)
			out.Results = append(out.Results, r)
			out.Suite.DurationMS += r.DurationMS
		}
	}
	return out
}

func fixtureCell(ft fixtureTarget, c results.Case, n int, base map[[2]string]results.Result, fails map[string]results.Result) results.Result {
	r := results.Result{Target: ft.Name, Case: c.ID, Trace: []results.TraceEntry{}}
	if ft.mode == "notinstalled" {
		r.Verdict, r.Reason = results.NA, "not installed: "+ft.Software+" is missing on this machine; install it with: apt-get install -y example-"+ft.Name
		return r
	}
	if ft.mode == "notrun" && n > 6 {
		r.Verdict, r.NotRun, r.Reason = results.Error, true, "not run: the run was interrupted by SIGINT"
		return r
	}
	b, ok := base[[2]string{ft.base, c.ID}]
	if !ok {
		b = results.Result{Verdict: results.NA, Reason: "the case did not run on " + ft.base}
	}
	r.Verdict, r.Reason, r.Requirements, r.Fix, r.DurationMS = b.Verdict, b.Reason, b.Requirements, b.Fix, b.DurationMS
	r.Trace = clipTrace(b.Trace)
	if ft.Name == ft.base { // a real result: keep it as it was
		if r.Verdict != results.Fail {
			r.Trace = []results.TraceEntry{}
		}
		return r
	}
	h := fnv.New32a()
	h.Write([]byte(ft.Name + "|" + c.ID))
	x := h.Sum32() % 100
	firstReq := ""
	if len(c.Requirements) > 0 {
		firstReq = c.Requirements[0].ID
	}
	switch {
	case ft.Role == "proxy" && n == 2:
		r.Verdict, r.Reason, r.Requirements, r.Fix = results.Fail, longEvil, []string{firstReq}, "forward the 100 (Continue) & the request content; do not answer 417 on the client's behalf"
	case x < 5:
		r.Verdict, r.Requirements = results.Fail, []string{firstReq}
		r.Reason = firstReq + ": no 100 (Continue) and no final status within 1.3 s of the header section; a client that waits for the 100 before it sends the content stalls"
		r.Fix = "answer 100 (Continue) or a final status as soon as the header section is read"
		if f, ok := fails[c.ID]; ok {
			r.Reason, r.Requirements, r.Fix, r.Trace = f.Reason, f.Requirements, f.Fix, clipTrace(f.Trace)
		}
	case x < 9:
		r.Verdict, r.Requirements = results.Warn, []string{firstReq}
		r.Reason = firstReq + ": 100 Continue arrived 1.4 s after the header section, after the client's usual wait (1 s) had run out"
		r.Fix = "send 100 (Continue) as soon as the header section is read"
	case x < 11:
		r.Verdict, r.Reason = results.Error, "the connection was refused (dial tcp 127.0.0.1:40000: connect: connection refused); the target stopped during the run"
	}
	if r.Verdict != results.Fail && r.Verdict != results.Warn && r.Verdict != results.Error {
		r.Trace = []results.TraceEntry{} // the page shows traces of these only; keep the fixture small
	}
	if ft.mode == "flaky" && x%7 == 3 {
		r.Flaky = true
		r.Runs = []results.Verdict{results.Pass, results.Pass, results.Fail, results.Pass, results.Pass}
		r.Verdict = results.Fail
		r.Reason = "flaky: pass×4, fail×1 — " + firstReq + ": no 100 (Continue) and no final status within 1.3 s of the header section, in one run of five"
	}
	return r
}

func clipTrace(t []results.TraceEntry) []results.TraceEntry {
	t = slices.Clone(t)
	if len(t) > 6 {
		t = t[:6]
	}
	for i := range t {
		if len(t[i].Data) > 240 {
			t[i].Data = t[i].Data[:240]
		}
	}
	if t == nil {
		t = []results.TraceEntry{}
	}
	return t
}
