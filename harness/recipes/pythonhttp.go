package recipes

func init() {
	register(&Recipe{
		Name: "python-http-server", Role: Origin, Software: "Python http.server", Packages: []string{"python3"},
		Needs: []string{debianPython}, Configs: "python-http-server-origin", Command: pythonApp("server.py"),
		Env: pythonEnv, Version: versionOf([]string{debianPython, "--version"}, `Python (\S+)`),
		Notes: "ThreadingHTTPServer; the handler reads Content-Length octets and answers 200 (it does not " +
			"de-chunk). protocol_version is HTTP/1.1: with the default HTTP/1.0 the module never sends 100 Continue.",
	})
}
