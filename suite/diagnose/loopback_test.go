package diagnose

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/expectspec/expectspec/harness/conv"
	"github.com/expectspec/expectspec/harness/gateways"
	"github.com/expectspec/expectspec/harness/reference"
)

// End to end on loopback: the suite's reference origins and gateways, whose behaviour is known,
// diagnosed as a user would diagnose a deployment. Each test names the behaviour it expects and
// checks the verdict, the exit status and the hop named.

// testScale shortens the waits: the probes still withhold their content for 1.5 s (waitFor100's
// floor), longer than the 1 s after which a 100 stalls common clients.
const testScale = 0.5

func startOrigin(t *testing.T, name string) string {
	t.Helper()
	b := reference.Behaviour{Name: name}
	if name != "ref-continue" {
		found := false
		for _, m := range reference.Mutants() {
			if m.Name == name {
				b, found = m, true
			}
		}
		if !found {
			t.Fatalf("no reference mutant %s", name)
		}
	}
	srv, err := reference.Start(b)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return srv.Addr()
}

// startGateway starts an embedded gateway (a conforming one or a mutant, by name) in front of
// upstream.
func startGateway(t *testing.T, name, upstream string) string {
	t.Helper()
	var start func(string) (string, func(), error)
	for _, g := range append(gateways.Conforming(), gateways.Mutants()...) {
		if g.Name == name {
			start = g.Start
		}
	}
	if start == nil {
		t.Fatalf("no embedded gateway %s", name)
	}
	addr, stop, err := start(upstream)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	return addr
}

func endpoint(t *testing.T, addr string) Endpoint {
	t.Helper()
	ep, err := ParseURL("http://" + addr + reference.UploadPath)
	if err != nil {
		t.Fatal(err)
	}
	return ep
}

func diagnoseAddr(t *testing.T, addr string) (*Diagnosis, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	start := time.Now()
	r := Run(ctx, endpoint(t, addr), Options{Scale: testScale})
	var b bytes.Buffer
	r.Write(&b)
	t.Logf("diagnosis in %v:\n%s", time.Since(start).Round(time.Millisecond), b.String())
	if len(r.Over) != 1 || r.Over[0].Protocol != conv.HTTP1 || r.Exit != r.Over[0].Exit {
		t.Fatalf("an http URL is diagnosed over HTTP/1.1 alone, its exit status the URL's; got %d batteries, exit %d", len(r.Over), r.Exit)
	}
	return r.Over[0], b.String()
}

// diagnoseChain diagnoses the hops as the CLI does and returns the chain and its text.
func diagnoseChain(t *testing.T, hops ...Hop) (*Chain, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	c := RunHops(ctx, hops, Options{Scale: testScale})
	var b bytes.Buffer
	c.WriteChain(&b)
	t.Log(b.String())
	return c, b.String()
}

func expectOutcome(t *testing.T, d *Diagnosis, out string, exit int, problem Problem, firstLine ...string) {
	t.Helper()
	if d.Exit != exit || d.Problem != problem {
		t.Errorf("exit %d, problem %q; want exit %d, problem %q", d.Exit, d.Problem, exit, problem)
	}
	expectFirstLine(t, out, firstLine...)
}

func TestDiagnoseHealthyOrigin(t *testing.T) {
	t.Parallel()
	d, out := diagnoseAddr(t, startOrigin(t, "ref-continue"))
	expectOutcome(t, d, out, ExitWorks, ProblemNone, "works: 100 Continue in", "200 OK")
	if !strings.Contains(out, "413") {
		t.Errorf("the over-limit probe's early 413 is not reported:\n%s", out)
	}
}

func TestDiagnoseStreamingGatewayRelays100(t *testing.T) {
	t.Parallel()
	d, out := diagnoseAddr(t, startGateway(t, "gw-streaming", startOrigin(t, "ref-continue")))
	expectOutcome(t, d, out, ExitWorks, ProblemNone, "works: 100 Continue in")
}

func TestDiagnoseBufferingGatewayAnswers100Itself(t *testing.T) {
	t.Parallel()
	d, out := diagnoseAddr(t, startGateway(t, "gw-buffering", startOrigin(t, "ref-continue")))
	expectOutcome(t, d, out, ExitWorks, ProblemNone, "works: 100 Continue in")
}

func TestDiagnoseGatewayThatAnswers417(t *testing.T) {
	t.Parallel()
	d, out := diagnoseAddr(t, startGateway(t, "mut-gw-reject-continue", startOrigin(t, "ref-continue")))
	expectOutcome(t, d, out, ExitBroken, ProblemRefused, "fail here with 417 Expectation Failed", "without Expect gets 200 OK")
	// The 417 has no Server field, the origin's 200 has one: the hop in front made it.
	if !strings.Contains(out, `no Server field while uploads are answered by "expectspec-reference (ref-continue)"`) {
		t.Errorf("the diagnosis does not point at the hop in front of the origin:\n%s", out)
	}
	if !strings.Contains(out, "curl repeats the request at once without Expect") || !strings.Contains(out, "curl -H 'Expect:'") {
		t.Errorf("no client consequence or workaround:\n%s", out)
	}
}

func TestDiagnoseGatewayThatHoldsTheHead(t *testing.T) {
	t.Parallel()
	d, out := diagnoseAddr(t, startGateway(t, "mut-gw-wait-for-content", startOrigin(t, "ref-continue")))
	expectOutcome(t, d, out, ExitBroken, ProblemStall, "stalls about 1 s", "no 100 comes", "200 OK")
	if !strings.Contains(out, "curl waits 1 s") {
		t.Errorf("no client waits:\n%s", out)
	}
}

func TestDiagnoseGatewayThatSwallowsThe100(t *testing.T) {
	t.Parallel()
	d, out := diagnoseAddr(t, startGateway(t, "mut-gw-swallow-1xx-silent", startOrigin(t, "ref-continue")))
	expectOutcome(t, d, out, ExitBroken, ProblemStall, "stalls about 1 s")
}

func TestDiagnoseOriginThatAnswers417(t *testing.T) {
	t.Parallel()
	d, out := diagnoseAddr(t, startOrigin(t, "mut-417-continue"))
	expectOutcome(t, d, out, ExitBroken, ProblemRefused, "417")
	if !strings.Contains(out, "came from the same Server") {
		t.Errorf("the 417 is not tied to the server that answers uploads:\n%s", out)
	}
}

func TestDiagnoseCaseSensitiveGateway(t *testing.T) {
	t.Parallel()
	d, out := diagnoseAddr(t, startGateway(t, "mut-gw-expect-case-sensitive", startOrigin(t, "ref-continue")))
	expectOutcome(t, d, out, ExitBroken, ProblemStall, "Expect: 100-Continue", "case-sensitively")
}

func TestDiagnoseUnreachable(t *testing.T) {
	t.Parallel()
	ep := endpoint(t, "127.0.0.1:1")
	r := Run(context.Background(), ep, Options{Scale: testScale})
	d := r.Over[0]
	if r.Exit != ExitCannotRun || !strings.HasPrefix(r.Verdict, "cannot diagnose: connect to 127.0.0.1:1") || len(d.Probes) != 1 {
		t.Errorf("exit %d, verdict %q, %d probes; want exit 2 after the first probe", d.Exit, d.Verdict, len(d.Probes))
	}
}

func TestDiagnoseNoUploadResource(t *testing.T) {
	t.Parallel()
	ep, err := ParseURL("http://" + startOrigin(t, "ref-continue") + "/elsewhere")
	if err != nil {
		t.Fatal(err)
	}
	d := Run(context.Background(), ep, Options{Scale: testScale})
	if d.Exit != ExitCannotRun || !strings.Contains(d.Verdict, "answered 404 Not Found without Expect too: this URL does not take uploads") {
		t.Errorf("exit %d, verdict %q", d.Exit, d.Verdict)
	}
}

// A chain of two gateways in front of the origin, the middle one refusing 100-continue: listed
// from the app outwards, the first hop to break is the middle one, and the front inherits it.
func TestDiagnoseChainNamesTheBreakingHop(t *testing.T) {
	t.Parallel()
	app := startOrigin(t, "ref-continue")
	mid := startGateway(t, "mut-gw-reject-continue", app)
	front := startGateway(t, "gw-streaming", mid)
	c, out := diagnoseChain(t, Hop{"app", endpoint(t, app)}, Hop{"proxy", endpoint(t, mid)}, Hop{"front", endpoint(t, front)})
	if c.Exit != ExitBroken || c.Broken != 1 {
		t.Fatalf("exit %d, first broken hop %d; want 1 and the proxy (1)", c.Exit, c.Broken)
	}
	first, _, _ := strings.Cut(out, "\n")
	for _, want := range []string{"first breaks at proxy", "417", "app, listed before it, works"} {
		if !strings.Contains(first, want) {
			t.Errorf("first line %q does not say %q", first, want)
		}
	}
}

// A gateway that answers 100 itself in front of an origin that refuses: the front hides the
// break, and the chain says so.
func TestDiagnoseChainFrontHidesTheBreak(t *testing.T) {
	t.Parallel()
	app := startOrigin(t, "mut-417-continue")
	front := startGateway(t, "gw-buffering", app)
	c, out := diagnoseChain(t, Hop{"app", endpoint(t, app)}, Hop{"front", endpoint(t, front)})
	if c.Broken != 0 || !strings.Contains(out, "front, after it in the list, works: it hides the break") {
		t.Errorf("first broken hop %d; want the app (0), and the front named as hiding it:\n%s", c.Broken, out)
	}
}
