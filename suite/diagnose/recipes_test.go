package diagnose

import (
	"context"
	"crypto/x509"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/expectspec/expectspec/harness/conv"
	"github.com/expectspec/expectspec/harness/recipes"
	"github.com/expectspec/expectspec/harness/target"
)

// startRecipe starts a real gateway from its recipe in front of upstream, or skips the test with
// the reason when the implementation is not installed.
func startRecipe(t *testing.T, name, upstream string) string {
	t.Helper()
	return startRecipeInstance(t, name, upstream).Addr()
}

// startRecipeInstance starts a recipe (upstream "" for an origin) and returns its instance.
func startRecipeInstance(t *testing.T, name, upstream string) *recipes.Instance {
	t.Helper()
	rs, err := recipes.Select([]string{name})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	in, err := recipes.Start(ctx, rs[0], recipes.Options{Dir: filepath.Join(t.TempDir(), name), Origin: upstream})
	var missing *recipes.NotInstalledError
	if errors.As(err, &missing) {
		t.Skipf("%s is not installed (%v): install it with harness/recipes/install-debian.sh %s", name, err, strings.Join(rs[0].Packages, " "))
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(in.Stop)
	return in
}

// nginx in front of the reference origin, with nginx's defaults (request buffering: it answers
// 100 itself and forwards the whole request): the chain works at every hop.
func TestDiagnoseRealNginxChain(t *testing.T) {
	t.Parallel()
	app := startOrigin(t, "ref-continue")
	front := startRecipe(t, "nginx-gateway", app)
	c, out := diagnoseChain(t, Hop{"app", endpoint(t, app)}, Hop{"nginx", endpoint(t, front)})
	if c.Exit != ExitWorks || !strings.HasPrefix(out, "works at every hop (2)") {
		t.Errorf("exit %d; want 0 and every hop working", c.Exit)
	}
	if !strings.Contains(out, "recognised nginx") {
		t.Errorf("nginx not recognised from its Server field")
	}
}

// HAProxy in front of an origin that refuses 100-continue: HAProxy forwards the expectation, so
// the 417 reaches the client through it, and the chain names the app as where it breaks.
func TestDiagnoseRealHAProxyInFrontOfA417Origin(t *testing.T) {
	t.Parallel()
	app := startOrigin(t, "mut-417-continue")
	front := startRecipe(t, "haproxy-gateway", app)
	c, out := diagnoseChain(t, Hop{"app", endpoint(t, app)}, Hop{"haproxy", endpoint(t, front)})
	if c.Exit != ExitBroken || c.Broken != 0 || !strings.HasPrefix(out, "the handshake first breaks at app") {
		t.Errorf("exit %d, first broken %d; want 1 and the app (0)", c.Exit, c.Broken)
	}
	if c.Results[1].Over[0].Problem != ProblemRefused {
		t.Errorf("through HAProxy: problem %q, want the origin's 417 relayed (%q)", c.Results[1].Over[0].Problem, ProblemRefused)
	}
}

// nginx over TLS with `listen … ssl http2`, its upload resource proxied to a second server of
// the same nginx that reads the content: over HTTP/1.1 nginx answers 100 itself; over HTTP/2
// nginx 1.22 sends none while it waits for the content, so the h2 path stalls and the URL
// exits 1 whatever HTTP/1.1 says.
func TestDiagnoseRealNginxOverHTTP1AndH2(t *testing.T) {
	t.Parallel()
	in := startRecipeInstance(t, "nginx-tls", "")
	pem, err := os.ReadFile(in.CA)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(pem) {
		t.Fatalf("no certificate in %s", in.CA)
	}
	ep, err := ParseURL(in.URL())
	if err != nil {
		t.Fatal(err)
	}
	ep.TLS = target.Security{Roots: roots}.TLSConfig("127.0.0.1")
	r, out := diagnoseReport(t, ep, ModeAuto)
	if len(r.Over) != 2 || over(t, r, conv.HTTP1).Exit != ExitWorks {
		t.Fatalf("over %v, HTTP/1.1 exit %d; want both protocols, HTTP/1.1 working", names(r.Over), r.Over[0].Exit)
	}
	if h2 := over(t, r, conv.H2); h2.Problem != ProblemStall || r.Exit != ExitBroken {
		t.Errorf("over HTTP/2: problem %q, URL exit %d; want a stall and exit 1", h2.Problem, r.Exit)
	}
	expectFirstLine(t, out, "over HTTP/1.1: works; over HTTP/2: stalls")
	if !strings.Contains(out, "recognised nginx") {
		t.Errorf("nginx not recognised from its Server field")
	}
}
