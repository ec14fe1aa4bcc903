package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"syscall"
	"text/tabwriter"

	"github.com/expectspec/expectspec/harness/recipes"
	"github.com/expectspec/expectspec/suite"
)

// matrix runs every real-server recipe (or --only some) and merges their results into one
// compatibility table.
func matrix(args []string, stdout, stderr io.Writer) (int, error) {
	fs := flag.NewFlagSet("matrix", flag.ContinueOnError)
	fs.SetOutput(stderr)
	only := fs.String("only", "", "comma-separated recipe names to run (default: all; see --list)")
	out := fs.String("out", "out/matrix", "directory for each implementation's results (NAME.json, NAME/) and the merged table (results.json, table.html, table.md)")
	parallel := fs.Int("parallel", max(1, runtime.NumCPU()/2), "implementations tested at once")
	list := fs.Bool("list", false, "list the recipes: name, role, whether installed, Debian package, notes (a client's command line)")
	packages := fs.Bool("packages", false, "print the Debian packages the selected recipes need, space-separated, and exit")
	scale := fs.Float64("timeout-scale", 1, "passed to every run: multiply every wait by this factor")
	repeat := fs.Int("repeat", 1, "passed to every run: run every case this many times and report flaky cells")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: expectspec matrix [--only a,b] [--out DIR] [--parallel N] [--list]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2, err
	}
	if fs.NArg() > 0 {
		return 2, fmt.Errorf("matrix takes no arguments, got %q (did you mean --only %s?)", fs.Arg(0), fs.Arg(0))
	}
	if *parallel < 1 || *parallel > 16 {
		return 2, fmt.Errorf("--parallel must be between 1 and 16, got %d", *parallel)
	}
	if *scale <= 0 || *scale > 100 {
		return 2, fmt.Errorf("--timeout-scale must be a number above 0 and at most 100, got %v", *scale)
	}
	if *repeat < 1 || *repeat > 100 {
		return 2, fmt.Errorf("--repeat must be between 1 and 100, got %d", *repeat)
	}
	var names []string
	if *only != "" {
		names = strings.Split(*only, ",")
	}
	rs, err := recipes.Select(names)
	if err != nil {
		return 2, fmt.Errorf("--only: %v", err)
	}
	if *packages {
		seen := map[string]bool{}
		var pkgs []string
		for _, r := range rs {
			for _, p := range r.Packages {
				if !seen[p] {
					seen[p] = true
					pkgs = append(pkgs, p)
				}
			}
		}
		fmt.Fprintln(stdout, strings.Join(pkgs, " "))
		return 0, nil
	}
	if *list {
		w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "NAME\tROLE\tINSTALLED\tPACKAGE\tNOTES")
		for _, r := range rs {
			installed := "yes"
			if m := r.Missing(); m != "" {
				installed = "no (" + m + ")"
			}
			notes := r.Notes
			if r.CommandLine != "" { // a client: the command run --client is given ({dir}: its files)
				notes = "runs: " + r.CommandLine + ". " + notes
			}
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", r.Name, r.Role, installed, strings.Join(r.Packages, " "), notes)
		}
		return 0, w.Flush()
	}
	self, err := os.Executable()
	if err != nil {
		return 2, fmt.Errorf("cannot find the expectspec executable to run each implementation with: %v", err)
	}
	if err := checkWritable(*out); err != nil {
		return 2, err
	}
	var runArgs []string
	if *scale != 1 {
		runArgs = append(runArgs, "--timeout-scale", fmt.Sprint(*scale))
	}
	if *repeat != 1 {
		runArgs = append(runArgs, "--repeat", fmt.Sprint(*repeat))
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	fmt.Fprintf(stdout, "matrix: %d implementation(s), %d at a time, results in %s\n", len(rs), *parallel, *out)
	outcomes, err := suite.Matrix(ctx, suite.MatrixConfig{
		Recipes: rs, Out: *out, Parallel: *parallel, Self: self, RunArgs: runArgs,
		Version: version, Stdout: stdout,
	})
	if err != nil {
		return 2, err
	}
	fmt.Fprintf(stdout, "matrix: wrote %s/results.json, %s/table.html and %s/table.md\n", *out, *out, *out)
	code := 0
	for _, o := range outcomes {
		switch o.Status {
		case suite.MatrixDidNotStart, suite.MatrixRunFailed:
			code = 2
		case suite.MatrixInterrupted:
			return 130, nil
		}
	}
	return code, nil
}
