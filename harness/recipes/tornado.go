package recipes

func init() {
	register(&Recipe{
		Name: "tornado", Role: Origin, Software: "tornado", Packages: []string{"python3-tornado"},
		Needs: []string{debianPython}, Modules: []string{"tornado"}, Configs: "tornado-origin", Command: pythonApp("app.py"),
		Env: pythonEnv, Version: debianVersion("python3-tornado"), Early: "/denied",
		Notes: "tornado.web at its defaults; /upload's handler runs once tornado has the content. " +
			"/denied is a @stream_request_body handler whose prepare() refuses with 403 from the header section.",
	})
}
