package suite

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/expectspec/expectspec/cases"
	"github.com/expectspec/expectspec/harness/conv"
	"github.com/expectspec/expectspec/harness/recipes"
	"github.com/expectspec/expectspec/results"
)

// MatrixConfig is one run of the compatibility matrix: every recipe started from its committed
// config, tested by `expectspec run` in a process of its own (Ginkgo runs once per process), and
// stopped; then one table from all of them.
type MatrixConfig struct {
	Recipes  []*recipes.Recipe
	Out      string // Out/NAME/ holds each run's files and server log; Out/NAME.json its results
	Parallel int    // recipes at once
	Self     string // the expectspec executable
	RunArgs  []string
	Version  string
	Stdout   io.Writer
}

// MatrixOutcome is what happened to one recipe.
type MatrixOutcome struct {
	Recipe *recipes.Recipe
	File   string // its results file
	Status MatrixStatus
	Detail string
}

// MatrixStatus is what became of one recipe in a matrix run.
type MatrixStatus string

const (
	MatrixRan           MatrixStatus = "ran"
	MatrixRanWithErrors MatrixStatus = "ran with errors" // the run exited 2: some cells are errors
	MatrixNotInstalled  MatrixStatus = "not installed"
	MatrixDidNotStart   MatrixStatus = "did not start"
	MatrixRunFailed     MatrixStatus = "run failed" // the run wrote no results
	MatrixInterrupted   MatrixStatus = "interrupted"
)

// Matrix runs cfg.Recipes and writes Out/results.json, Out/table.html and Out/table.md merged
// from every recipe's results file. A recipe that is not installed gets a results file of n/a
// cells naming the install command; one that does not start or whose run breaks, error cells.
func Matrix(ctx context.Context, cfg MatrixConfig) ([]MatrixOutcome, error) {
	if err := os.MkdirAll(cfg.Out, 0o755); err != nil {
		return nil, err
	}
	parallel := max(cfg.Parallel, 1)
	outcomes := make([]MatrixOutcome, len(cfg.Recipes))
	// Workers take the recipes in the order given, so a run's log and timing read the same
	// every time.
	next := make(chan int)
	go func() {
		defer close(next)
		for i := range cfg.Recipes {
			next <- i
		}
	}()
	var wg sync.WaitGroup
	var mu sync.Mutex
	finished := 0
	for range parallel {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				r := cfg.Recipes[i]
				if ctx.Err() != nil {
					outcomes[i] = placeholder(cfg, r, results.Error, MatrixInterrupted, "not run: the matrix was interrupted before it started "+r.Name)
					continue
				}
				o := runRecipe(ctx, cfg, r)
				outcomes[i] = o
				mu.Lock()
				finished++
				fmt.Fprintf(cfg.Stdout, "matrix: [%d/%d] %-26s %s%s\n", finished, len(cfg.Recipes), r.Name, o.Status, suffix(o.Detail))
				mu.Unlock()
			}
		}()
	}
	wg.Wait()

	var files []*results.File
	var names []string
	for _, o := range outcomes {
		f, err := results.Read(o.File)
		if err != nil {
			return outcomes, fmt.Errorf("%s: %w", o.Recipe.Name, err)
		}
		files = append(files, f)
		names = append(names, o.File)
	}
	merged, err := results.MergeNamed(names, files...)
	if err != nil {
		return outcomes, err
	}
	for _, w := range []struct {
		name  string
		write func(string, *results.File) error
	}{{"results.json", results.Write}, {"table.html", results.WriteHTML}, {"table.md", results.WriteMarkdown}} {
		if err := w.write(filepath.Join(cfg.Out, w.name), merged); err != nil {
			return outcomes, err
		}
	}
	return outcomes, nil
}

func suffix(detail string) string {
	if detail == "" {
		return ""
	}
	return ": " + detail
}

// runRecipe starts one recipe, runs the suite against it in a child process and stops it; a
// client recipe starts nothing: the child run is its server.
func runRecipe(ctx context.Context, cfg MatrixConfig, r *recipes.Recipe) MatrixOutcome {
	dir := filepath.Join(cfg.Out, r.Name)
	if m := r.Missing(); m != "" {
		return placeholder(cfg, r, results.NA, MatrixNotInstalled,
			fmt.Sprintf("not installed: %s is missing; install it with `%s`", m, r.Install()))
	}
	if r.Role == recipes.Client {
		// nothing starts: the run is the client's server, and runs the client once per case
		cmd, err := r.ClientCommand(filepath.Join(dir, "client"))
		if err != nil {
			return placeholder(cfg, r, results.Error, MatrixDidNotStart, err.Error())
		}
		target := []string{"--client", cmd}
		if r.H2 {
			// the run's server speaks HTTP/2 over TLS with an authority of its own ({ca})
			target = append([]string{"--client-tls", "--client-protocol", "h2"}, target...)
		}
		return runChild(ctx, cfg, r, dir, target)
	}
	var origin string
	if r.Role != recipes.Origin {
		port, err := recipes.FreePort()
		if err != nil {
			return placeholder(cfg, r, results.Error, MatrixDidNotStart, err.Error())
		}
		origin = fmt.Sprintf("127.0.0.1:%d", port)
	}
	in, err := recipes.Start(ctx, r, recipes.Options{Dir: filepath.Join(dir, "server"), Origin: origin, Self: cfg.Self})
	if err != nil {
		if ctx.Err() != nil {
			return placeholder(cfg, r, results.Error, MatrixInterrupted, "not run: the matrix was interrupted while "+r.Name+" started")
		}
		return placeholder(cfg, r, results.Error, MatrixDidNotStart, "could not start "+r.Name+": "+err.Error())
	}
	defer in.Stop()
	var target []string
	switch r.Role {
	case recipes.Origin:
		target = []string{"--target", in.URL()}
		if r.Early != "" {
			target = append(target, "--early-path", r.Early)
		}
	case recipes.Gateway:
		target = []string{"--gateway", in.URL(), "--origin", origin}
	case recipes.Proxy:
		target = []string{"--proxy", in.URL(), "--origin", origin}
	}
	if r.TLS {
		// an origin or a gateway over TLS: the authority made for this start, and a row per
		// protocol it selects by ALPN: HTTP/1.1 over TLS, and NAME [h2] when it offers h2
		target = append(target, "--ca", in.CA, "--protocol", "auto")
	}
	return runChild(ctx, cfg, r, dir, target)
}

// runChild runs `expectspec run` for recipe r with the flags that name its target, in a process
// of its own writing into dir, and copies its results file to Out/NAME.json.
func runChild(ctx context.Context, cfg MatrixConfig, r *recipes.Recipe, dir string, target []string) MatrixOutcome {
	args := []string{"run", "--name", r.Row(), "--software", r.Software, "--out", dir}
	if r.Version != nil {
		if version := r.Version(ctx); version != "" {
			args = append(args, "--software-version", version)
		}
	}
	args = append(append(append(args, target...), r.RunArgs...), cfg.RunArgs...)

	logPath := filepath.Join(dir, "run.log")
	log, err := os.Create(logPath)
	if err != nil {
		return placeholder(cfg, r, results.Error, MatrixRunFailed, err.Error())
	}
	defer log.Close()
	fmt.Fprintf(log, "$ %s %s\n", cfg.Self, strings.Join(args, " "))
	cmd := exec.CommandContext(ctx, cfg.Self, args...)
	cmd.Stdout, cmd.Stderr = log, log
	if r.Role == recipes.Client {
		// A client recipe may run the suite's own executable (go-http-client: `expectspec
		// go-client`) by name, as a user with expectspec on PATH types it; the command line stays
		// free of this machine's path, so committed results do not carry it.
		cmd.Env = append(os.Environ(), "PATH="+filepath.Dir(cfg.Self)+string(os.PathListSeparator)+os.Getenv("PATH"))
	}
	// On interrupt the run gets SIGINT, so it writes the cases that finished and marks the rest
	// not run; it is killed only if it has not ended 5 s later.
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGINT) }
	cmd.WaitDelay = 5 * time.Second
	runErr := cmd.Run()
	resFile := filepath.Join(dir, "results.json")
	if _, err := results.Read(resFile); err != nil {
		why := "the run wrote no results"
		if runErr != nil {
			why = fmt.Sprintf("the run ended with %v and wrote no results", runErr)
		}
		status := MatrixRunFailed
		if ctx.Err() != nil {
			status = MatrixInterrupted
		}
		return placeholder(cfg, r, results.Error, status, why+"; see "+logPath+tail(logPath))
	}
	final := filepath.Join(cfg.Out, r.Name+".json")
	if err := copyFile(resFile, final); err != nil {
		return placeholder(cfg, r, results.Error, MatrixRunFailed, err.Error())
	}
	status := MatrixRan
	var exit *exec.ExitError
	if errors.As(runErr, &exit) && exit.ExitCode() > 1 && ctx.Err() == nil {
		status = MatrixRanWithErrors
	}
	if ctx.Err() != nil {
		status = MatrixInterrupted
	}
	f, _ := results.Read(final)
	return MatrixOutcome{Recipe: r, File: final, Status: status, Detail: results.CountTarget(f, r.Row()).String()}
}

// placeholder writes the results file of a recipe that could not be tested: every case of its
// role with the same verdict and reason, so the table shows the column and says why.
func placeholder(cfg MatrixConfig, r *recipes.Recipe, v results.Verdict, status MatrixStatus, reason string) MatrixOutcome {
	f := &results.File{
		Schema:  results.Schema,
		Suite:   results.Suite{Version: cfg.Version, Started: time.Now().UTC()},
		Targets: []results.Target{{Name: r.Row(), Role: string(r.Role), Software: r.Software}},
	}
	proto := conv.HTTP1
	if r.H2 {
		// an HTTP/2 client's row holds the HTTP/2 client cases, as its run's would
		proto = conv.H2
		f.Targets[0].Protocol = string(conv.H2)
	}
	for _, c := range applicableOver(cases.All(), r.Role, proto) {
		f.Cases = append(f.Cases, caseEntry(c))
		f.Results = append(f.Results, results.Result{Target: r.Row(), Case: c.ID, Verdict: v, Reason: reason, NotRun: status == MatrixInterrupted})
	}
	final := filepath.Join(cfg.Out, r.Name+".json")
	if err := results.Write(final, f); err != nil {
		reason += "; and its results file could not be written: " + err.Error()
	}
	return MatrixOutcome{Recipe: r, File: final, Status: status, Detail: reason}
}

func copyFile(src, dst string) error {
	b, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	tmp := dst + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, dst)
}

// tail is the last lines of a log, indented, for an error cell.
func tail(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > 8 {
		lines = lines[len(lines)-8:]
	}
	return "\n" + strings.Join(lines, "\n")
}
