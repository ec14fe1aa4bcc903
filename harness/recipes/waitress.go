package recipes

import "strconv"

func init() {
	register(&Recipe{
		Name: "waitress", Role: Origin, Software: "waitress", Packages: []string{"python3-waitress"},
		Needs: []string{"/usr/bin/waitress-serve", debianPython}, Configs: "waitress-origin",
		// waitress-serve imports app:app from its working directory, the instance's folder.
		Command: func(in *Instance) []string {
			return []string{"/usr/bin/waitress-serve", "--listen=127.0.0.1:" + strconv.Itoa(in.Port), "app:app"}
		},
		Env: pythonEnv, Version: debianVersion("python3-waitress"),
		Notes: "waitress-serve at its defaults (4 threads) serving a WSGI app whose /upload reads all " +
			"of wsgi.input; other paths answer 404 without reading the content.",
	})
}
