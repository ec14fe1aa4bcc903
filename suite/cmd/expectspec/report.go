package main

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/expectspec/expectspec/results"
)

func report(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	fs.SetOutput(stderr)
	htmlOut := fs.String("html", "", "write the HTML table to this file")
	mdOut := fs.String("md", "", "write the Markdown table to this file (default: print it)")
	jsonOut := fs.String("json", "", "write the merged results file here")
	if err := parseFlags(fs, args, stderr, map[string]string{"html": "a file name", "md": "a file name", "json": "a file name"}); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return fmt.Errorf("report needs at least one results file: expectspec report [--html FILE] [--md FILE] [--json FILE] RESULTS.json…")
	}
	for _, a := range fs.Args() {
		if strings.HasPrefix(a, "-") {
			return fmt.Errorf("the flags of report go before the results files, got %q after them: expectspec report [--html FILE] [--md FILE] [--json FILE] RESULTS.json…", a)
		}
	}
	var files []*results.File
	for _, p := range fs.Args() {
		f, err := results.Read(p)
		if err != nil {
			return err
		}
		files = append(files, f)
	}
	merged, err := results.MergeNamed(fs.Args(), files...)
	if err != nil {
		return err
	}
	if *jsonOut != "" {
		if err := results.Write(*jsonOut, merged); err != nil {
			return err
		}
	}
	if *htmlOut != "" {
		if err := results.WriteHTML(*htmlOut, merged); err != nil {
			return err
		}
	}
	if *mdOut != "" {
		return results.WriteMarkdown(*mdOut, merged)
	}
	if *htmlOut == "" && *jsonOut == "" {
		return results.Markdown(stdout, merged)
	}
	return nil
}

func diff(args []string, stdout, stderr io.Writer) (int, error) {
	for _, a := range args {
		if a == "-h" || a == "--help" || a == "-help" {
			fmt.Fprintln(stdout, "Usage: expectspec diff OLD.json NEW.json   list every changed cell; exit 1 on a regression")
			return 0, nil
		}
	}
	if len(args) != 2 {
		return 2, fmt.Errorf("diff needs two results files, got %d argument(s): expectspec diff OLD.json NEW.json", len(args))
	}
	for _, a := range args {
		if strings.HasPrefix(a, "-") {
			return 2, fmt.Errorf("diff takes no flags, got %q: expectspec diff OLD.json NEW.json", a)
		}
	}
	old, err := results.Read(args[0])
	if err != nil {
		return 2, err
	}
	cur, err := results.Read(args[1])
	if err != nil {
		return 2, err
	}
	rep := results.Diff(old, cur)
	rep.Write(stdout)
	if rep.Regressed() {
		return 1, nil
	}
	return 0, nil
}
