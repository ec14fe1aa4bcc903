package recipes

func init() {
	register(&Recipe{
		Name: "gunicorn", Role: Origin, Software: "gunicorn",
		Packages: []string{"gunicorn", "python3-gunicorn"},
		Needs:    []string{"/usr/bin/gunicorn", debianPython}, Configs: "gunicorn-origin",
		Command: func(in *Instance) []string {
			return []string{"/usr/bin/gunicorn", "--config", in.Dir + "/gunicorn.conf.py"}
		},
		Env: pythonEnv, Version: debianVersion("python3-gunicorn"),
		Notes: "gunicorn's defaults (one sync worker) serving a WSGI app whose /upload reads all of " +
			"wsgi.input; other paths answer 404 without reading the content.",
	})
}
