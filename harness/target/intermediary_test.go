package target

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/expectspec/expectspec/harness/conv"
	"github.com/expectspec/expectspec/harness/gateways"
	"github.com/expectspec/expectspec/harness/origin"
)

func TestToken(t *testing.T) {
	valid := regexp.MustCompile(`^[A-Za-z0-9._~-]+$`)
	a, b := Token("ref-gateway-streaming", "origin/immediate-100"), Token("ref-gateway-buffering", "origin/immediate-100")
	if a == b {
		t.Fatalf("two targets share the token %q", a)
	}
	if a != Token("ref-gateway-streaming", "origin/immediate-100") {
		t.Fatal("tokens are not stable")
	}
	for _, tok := range []string{a, b, Token("x y", "über/ünïcode?#&"), EarlyToken(a), ContractToken("h:1")} {
		if !valid.MatchString(tok) {
			t.Errorf("token %q has characters the origin cannot recognise in a path", tok)
		}
	}
	if !strings.HasPrefix(a, "origin.immediate-100-") {
		t.Errorf("token %q does not start with the case's slug", a)
	}
	if long := Token("t", strings.Repeat("x", 200)); len(long) > 60 {
		t.Errorf("token of a long ID is %d characters long", len(long))
	}
}

func TestParseIntermediaries(t *testing.T) {
	o, err := origin.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	g, err := ParseGateway("http://gw.example:8080/api/", "", o)
	if err != nil {
		t.Fatal(err)
	}
	tok := ContractToken(g.Name)
	if g.Role != RoleGateway || g.Address != "gw.example:8080" || g.Prefix != "/api" || g.Path != "/api/__expectspec/"+tok+"/upload" {
		t.Errorf("gateway target: %+v", g)
	}
	p, err := ParseProxy("http://127.0.0.1:3128", "sq", o)
	if err != nil {
		t.Fatal(err)
	}
	if p.Role != RoleProxy || p.Host != o.Addr() || p.Path != "http://"+o.Addr()+"/__expectspec/"+ContractToken("sq")+"/upload" {
		t.Errorf("proxy target: %+v", p)
	}
	for _, bad := range []string{"::", "https://h/", "http://h:1/x", "http://u@h:1"} {
		if _, err := ParseProxy(bad, "", nil); err == nil || strings.Contains(err.Error(), "\n") {
			t.Errorf("ParseProxy(%q): %v", bad, err)
		}
	}
	if _, err := StartOrigin("nope"); err == nil || !strings.Contains(err.Error(), "host:port") {
		t.Errorf("StartOrigin(nope): %v", err)
	}
}

func TestOriginAuthorityOfUnspecifiedHost(t *testing.T) {
	o, err := StartOrigin("0.0.0.0:0")
	if err != nil {
		t.Skip(err)
	}
	defer o.Close()
	if a := OriginAuthority(o); !strings.HasPrefix(a, "127.0.0.1:") {
		t.Errorf("authority %q", a)
	}
}

func TestCheckContractThroughGateways(t *testing.T) {
	ctx := context.Background()
	o, err := origin.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()

	gw, err := StartGateway("streaming", gateways.StartStreaming, o)
	if err != nil {
		t.Fatal(err)
	}
	defer gw.Stop()
	if err := CheckContract(ctx, gw); err != nil {
		t.Errorf("a conforming gateway: %v", err)
	}

	// A gateway under /api that keeps its prefix.
	up, _ := url.Parse("http://" + o.Addr())
	keeps := httptest.NewServer(httputil.NewSingleHostReverseProxy(up))
	defer keeps.Close()
	kt, err := ParseGateway(keeps.URL+"/api/", "keeps", o)
	if err != nil {
		t.Fatal(err)
	}
	if err := CheckContract(ctx, kt); err == nil || !strings.Contains(err.Error(), "strip its own prefix") {
		t.Errorf("a gateway that keeps its prefix: %v", err)
	}

	// A gateway that answers by itself.
	self := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	defer self.Close()
	st, err := ParseGateway(self.URL+"/", "self", o)
	if err != nil {
		t.Fatal(err)
	}
	if err := CheckContract(ctx, st); err == nil || !strings.Contains(err.Error(), "never reached the suite's origin") {
		t.Errorf("a gateway that answers by itself: %v", err)
	}
}

func TestEmbeddedIntermediaries(t *testing.T) {
	o, err := origin.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	ts, err := EmbeddedIntermediaries(o)
	if err != nil {
		t.Fatal(err)
	}
	roles := map[conv.Role][]string{}
	for _, tg := range ts {
		defer tg.Stop()
		roles[tg.Role] = append(roles[tg.Role], tg.Name)
		if err := CheckContract(context.Background(), tg); err != nil {
			t.Errorf("%s (%s): %v", tg.Name, tg.Role, err)
		}
	}
	if len(roles[RoleGateway]) != 3 || strings.Join(roles[RoleProxy], ",") != "ref-proxy-streaming" {
		t.Errorf("embedded intermediaries by role: %v", roles)
	}
	for _, tg := range ts {
		if tg.Role == RoleProxy && (tg.Host != OriginAuthority(o) || !strings.HasPrefix(tg.Path, "http://"+OriginAuthority(o)+"/__expectspec/")) {
			t.Errorf("the embedded proxy is not sent absolute-form requests for the origin: %+v", tg)
		}
	}
}

// The gateways with an HTTP/2 front end pass the checks before the cases over their protocol,
// with the suite's origin behind them.
func TestEmbeddedH2Gateways(t *testing.T) {
	o, err := origin.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	ts, err := EmbeddedH2Gateways(o)
	if err != nil {
		t.Fatal(err)
	}
	for _, tg := range ts {
		defer tg.Stop()
		if tg.Role != RoleGateway || !tg.HTTPProtocol().IsH2() {
			t.Errorf("%s: role %s over %s", tg.Name, tg.Role, tg.HTTPProtocol())
		}
		t.Run(tg.Name, func(t *testing.T) { passesChecks(t, tg) })
	}
}

// A gateway's h2 row (--gateway https://… --protocol auto) is the HTTP/1.1 row under another
// name: Named gives it that name's contract paths, so its contract POST is found at the origin.
func TestNamedGatewayRowPassesChecks(t *testing.T) {
	o, err := origin.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	cfg, roots, err := throwawayTLS("named gateway row")
	if err != nil {
		t.Fatal(err)
	}
	gw, err := StartGateway("gw", func(origin string) (string, func(), error) {
		return gateways.StartGoReverseProxyTLS(origin, cfg)
	}, o)
	if err != nil {
		t.Fatal(err)
	}
	defer gw.Stop()
	gw.TLS = Security{Roots: roots}.TLSConfig("127.0.0.1")
	h2 := gw.Named("gw [h2]")
	h2.Protocol = conv.H2
	if h2.Path == gw.Path {
		t.Errorf("the renamed row kept the contract path %s of the first", gw.Path)
	}
	passesChecks(t, gw)
	t.Run("h2 row", func(t *testing.T) { passesChecks(t, h2) })
}
