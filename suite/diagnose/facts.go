package diagnose

import "strings"

// The facts the diagnosis states about other software, each with where it was read, in one place
// so that they can be checked and kept current. A fact without a source does not belong here.

// clientFact is what a common client does when it sends Expect: 100-continue.
type clientFact struct {
	Client string
	Waits  string // how long it waits for a 100 before it sends the content anyway
	On417  string // what it does after a 417, where its documentation or source says ("" otherwise)
	Source string
	// OverH2 is what it does about Expect over HTTP/2 where that was seen ("" when unknown: the
	// HTTP/1.1 lines stand), with its own source.
	OverH2, OverH2Source string
}

var clientFacts = []clientFact{
	{
		Client: "curl",
		Waits:  "1 s (--expect100-timeout, CURLOPT_EXPECT_100_TIMEOUT_MS; it sends Expect on PUT and on POSTs over 1 MB)",
		On417:  "repeats the request at once without Expect, since curl 7.69.0",
		Source: "curl.se/libcurl/c/CURLOPT_EXPECT_100_TIMEOUT_MS.html; everything.curl.dev/http/post/expect100; curl commit 40961ff (Feb 2020)",
		OverH2: "sends no Expect over HTTP/2, so this does not touch it there (seen with curl 7.88.1)",
		OverH2Source: "measured for expectspec diagnose: curl 7.88.1 (nghttp2 1.52.0), `curl --http2 -T` and `--data-binary` of 2 MB to Go's h2 server: " +
			"no Expect field over h2, `Expect: 100-continue` over --http1.1",
	},
	{
		Client: "Go net/http",
		Waits:  "Transport.ExpectContinueTimeout, 1 s in http.DefaultTransport",
		Source: "net/http transport.go (DefaultTransport)",
	},
	{
		Client: ".NET HttpClient",
		Waits:  "SocketsHttpHandler.Expect100ContinueTimeout, 1 s by default",
		Source: "learn.microsoft.com: SocketsHttpHandler.Expect100ContinueTimeout",
	},
	{
		Client: "Java HttpClient",
		Waits:  "at most 5 s with expectContinue(true) since JDK-8324209 (2024); HttpURLConnection 5 s since JDK-8054022",
		Source: "openjdk/jdk pull requests 20525 and 13330",
	},
}

// clientWaits says, for a stall, how long each client waits (over HTTP/2, what a client that
// sends no Expect there does instead).
func clientWaits(h2 bool) []string {
	var out []string
	for _, c := range clientFacts {
		if h2 && c.OverH2 != "" {
			out = append(out, c.Client+" "+c.OverH2)
			continue
		}
		out = append(out, c.Client+" waits "+c.Waits)
	}
	return out
}

// clientsOn417 says, for a 417, what the clients known to retry do, and names the others, for
// which no retry is documented here.
func clientsOn417(h2 bool) []string {
	var out, rest []string
	for _, c := range clientFacts {
		switch {
		case h2 && c.OverH2 != "":
			out = append(out, c.Client+" "+c.OverH2)
		case c.On417 != "":
			out = append(out, c.Client+" "+c.On417)
		default:
			rest = append(rest, c.Client)
		}
	}
	return append(out, "for "+strings.Join(rest, ", ")+" expectspec knows of no automatic retry: an application that does not repeat the upload without Expect sees the 417")
}

// software is an implementation the diagnosis can recognise from Server, Via and similar fields,
// with the configuration that fixes a problem it causes, as its own documentation states it.
type software struct {
	Name  string
	Marks []string // lower-case substrings of Server, Via or a marker field's name or value
	// OnRefuse and OnStall are the fixes when this software refuses 100-continue with 417, or
	// holds the request so that no 100 comes; "" when its documentation gave us none.
	OnRefuse, OnStall string
	Source            string
}

var softwares = []software{
	{Name: "Squid", Marks: []string{"squid", "x-squid-error"},
		OnRefuse: "Squid before v5: `ignore_expect_100 on` in squid.conf (Squid's documentation calls it a protocol violation; the directive is gone from v5 on, so on a newer Squid find the hop that refuses)",
		Source:   "squid-cache.org/Doc/config/ignore_expect_100"},
	{Name: "Apache httpd", Marks: []string{"apache"},
		OnStall: "mod_proxy: `Proxy100Continue Off` makes Apache answer 100 itself instead of waiting for the backend's",
		Source:  "httpd mod_proxy documentation, Proxy100Continue"},
	{Name: "nginx", Marks: []string{"nginx", "openresty"}},
	{Name: "HAProxy", Marks: []string{"haproxy"}},
	{Name: "Varnish", Marks: []string{"varnish", "x-varnish"}},
	{Name: "Envoy", Marks: []string{"envoy", "x-envoy-"}},
	{Name: "Traefik", Marks: []string{"traefik"}},
	{Name: "Caddy", Marks: []string{"caddy"}},
	{Name: "Apache Traffic Server", Marks: []string{"ats/", "apachetrafficserver"}},
	{Name: "Cloudflare", Marks: []string{"cloudflare", "cf-ray"}},
	{Name: "Amazon CloudFront", Marks: []string{"cloudfront", "x-amz-cf-id"}},
	{Name: "Jetty", Marks: []string{"jetty"}},
	{Name: "Microsoft IIS", Marks: []string{"microsoft-iis"}},
	{Name: "Go net/http", Marks: []string{"go-http"}},
}

// markerFields are the response fields that say who answered.
var markerFields = []string{"Server", "Via", "X-Cache", "X-Served-By", "X-Varnish", "X-Squid-Error",
	"X-Envoy-Upstream-Service-Time", "Proxy-Agent", "X-Powered-By", "CF-Ray", "X-Amz-Cf-Id"}

// recognise returns the software whose marks appear in the fields (name: value lines).
func recognise(fields []string) []software {
	var out []software
	for _, s := range softwares {
		for _, m := range s.Marks {
			if containsFold(fields, m) {
				out = append(out, s)
				break
			}
		}
	}
	return out
}

func containsFold(lines []string, mark string) bool {
	for _, l := range lines {
		if strings.Contains(strings.ToLower(l), mark) {
			return true
		}
	}
	return false
}
