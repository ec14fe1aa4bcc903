package recipes

func init() {
	register(&Recipe{
		Name: "aiohttp", Role: Origin, Software: "aiohttp", Packages: []string{"python3-aiohttp"},
		Needs: []string{debianPython}, Modules: []string{"aiohttp"}, Configs: "aiohttp-origin", Command: pythonApp("app.py"),
		Env: pythonEnv, Version: debianVersion("python3-aiohttp"), Early: "/denied",
		Notes: "aiohttp.web at its defaults; /upload awaits request.read(). /denied refuses with 403 " +
			"from a per-route expect_handler, aiohttp's documented way to answer before 100 Continue.",
	})
}
