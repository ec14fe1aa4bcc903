package recipes

func init() {
	register(&Recipe{
		Name: "twisted", Role: Origin, Software: "twisted.web", Packages: []string{"python3-twisted"},
		Needs: []string{debianPython}, Modules: []string{"twisted"}, Configs: "twisted-origin", Command: pythonApp("app.py"),
		Env: pythonEnv, Version: debianVersion("python3-twisted"),
		Notes: "twisted.web Site at its defaults; /upload renders after twisted has received all of " +
			"the content. twisted sends 100 Continue itself, so it has no early resource.",
	})
}
