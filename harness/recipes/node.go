package recipes

import "strconv"

// Node's http module, twice: at its defaults (Node answers every 100-continue expectation
// itself, before the application sees the request), and with the 'checkContinue' listener its
// documentation offers for deciding from the header section, the way to refuse an upload early.
func init() {
	node := func(extra ...string) func(in *Instance) []string {
		return func(in *Instance) []string {
			return append([]string{"node", in.Dir + "/server.js", strconv.Itoa(in.Port)}, extra...)
		}
	}
	version := versionOf([]string{"node", "--version"}, `v(\S+)`)
	register(&Recipe{
		Name: "node-http", Role: Origin, Software: "Node.js http", Packages: []string{"nodejs"},
		Needs: []string{"node"}, Configs: "node-http-origin", Command: node(), Version: version,
		Notes: "http.createServer at its defaults; /upload reads all of the content with req.on('data') and answers " +
			"with Content-Length set and res.end(body), as Express's res.send does for most apps; without the length " +
			"Node closes after every HTTP/1.0 response. Node sends the 100 itself before the handler runs, so no resource can answer from the header section alone.",
	}, &Recipe{
		Name: "node-http-checkcontinue", Role: Origin, Software: "Node.js http", Packages: []string{"nodejs"},
		Needs: []string{"node"}, Configs: "node-http-origin", Command: node("--check-continue"),
		Version: version, Early: "/early",
		Notes: "A 'checkContinue' listener (Node's documented way to decide on the header section) " +
			"refuses /early with 401 and calls writeContinue() for everything else; /upload reads all of the content " +
			"with req.on('data') and answers with Content-Length set and res.end(body), as Express's res.send does.",
	}, &Recipe{
		Name: "node-http2-tls", Role: Origin, Software: "Node.js http2", Packages: []string{"nodejs"},
		Needs: []string{"node"}, Configs: "node-http2-tls-origin", TLS: true,
		Command: func(in *Instance) []string {
			return []string{"node", in.Dir + "/server.js", strconv.Itoa(in.Port), in.CertFile(), in.KeyFile()}
		},
		Version: version,
		Notes: "http2.createSecureServer with allowHTTP1 (h2 by ALPN, else Node's HTTP/1.1)" + tlsNote +
			"the handler uses the compatibility API; /upload reads all of the content and answers with Content-Length " +
			"set; Node sends the 100 itself, so there is no early-response resource.",
	})
}
