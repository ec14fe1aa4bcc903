package recipes

import "strings"

// h2Suffix ends the name of every HTTP/2 client recipe (curl-h2), so its results file sits
// beside the HTTP/1.1 recipe's (curl.json, curl-h2.json) while its row reads "curl [h2]".
const h2Suffix = "-h2"

// Row is the name of the recipe's row in the table: Name, or for an HTTP/2 client (H2) Name
// without "-h2" and with " [h2]", as a TLS server's HTTP/2 row is "NAME [h2]"; the column
// then says the protocol, and the same client over HTTP/1.1 keeps the plain name.
func (r *Recipe) Row() string {
	if !r.H2 {
		return r.Name
	}
	return strings.TrimSuffix(r.Name, h2Suffix) + " [h2]"
}

// The clients over HTTP/2: the suite's server speaks TLS with an authority made for the run and
// offers h2 (then http/1.1) by ALPN; each command trusts that authority ({ca}) and otherwise
// keeps its client's defaults. Only the HTTP/2 client cases run (T44).
func init() {
	register(&Recipe{
		Name: "curl-h2", Role: Client, H2: true, Software: "curl", Packages: []string{"curl"}, Needs: []string{"curl"},
		CommandLine: "curl -sS --http2 --cacert {ca} --data-binary @{file} {url}",
		Version:     versionOf([]string{"curl", "--version"}, `curl (\S+)`),
		Notes: "the curl recipe's command with --http2 (h2 by ALPN; curl's default over TLS when built with " +
			"nghttp2, said so the row does not depend on the build) and --cacert {ca}, the run's authority.",
	}, &Recipe{
		Name: "go-http-client-h2", Role: Client, H2: true, Software: "Go net/http Client",
		CommandLine: "expectspec go-client --ca {ca} {url} {file}",
		Version:     goVersion,
		Notes: "the go-http-client recipe (`expectspec go-client`) with --ca {ca}: a clone of DefaultTransport " +
			"keeps ForceAttemptHTTP2, so the client offers h2 by ALPN with the run's authority as its roots.",
	}, &Recipe{
		Name: "node-http2-h2", Role: Client, H2: true, Software: "Node.js http2", Packages: []string{"nodejs"},
		Needs: []string{"node"}, Configs: "node-http2-client",
		CommandLine: "node {dir}/upload.js {url} {file} {ca}",
		Version:     versionOf([]string{"node", "--version"}, `v(\S+)`),
		Notes: "http2.connect with the run's authority as ca and one request stream (upload.js): it sets " +
			"expect: 100-continue on content and writes the content on the stream's 'continue' event, as the " +
			"node-http-request recipe does over HTTP/1.1; a stream or session error exits 1.",
	})
}
