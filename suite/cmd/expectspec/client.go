package main

import (
	"flag"
	"fmt"
	"io"

	"github.com/expectspec/expectspec/harness/origin"
	"github.com/expectspec/expectspec/harness/refclient"
	"github.com/expectspec/expectspec/harness/target"
)

// clientTargets turns the --client commands into targets pointed at the suite's origin o:
// named by --name (one client), else "client", "client-2", ….
func clientTargets(commands []string, name string, o *origin.Origin) ([]target.Target, error) {
	var out []target.Target
	for i, cmd := range commands {
		n := name
		if n == "" && i > 0 {
			n = fmt.Sprintf("client-%d", i+1)
		}
		t, err := target.ParseClient(cmd, n, o)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

const refClientUsage = `Usage: expectspec ref-client [--knob KNOB] URL FILE
Upload FILE to URL (http://) with the suite's reference HTTP/1.1 client, or one of its mutants,
and follow one 303. It prints the content of the final responses on stdout, one line per response
on stderr, and exits 0 when the upload got a final response. It is the witness of the client cases:
  expectspec run --client 'expectspec ref-client {url} {file}'

Knobs (each breaks one rule; none is the conforming reference):
`

// refClient runs the reference client or a mutant once.
func refClient(args []string, stdout, stderr io.Writer) (int, error) {
	fs := flag.NewFlagSet("ref-client", flag.ContinueOnError)
	fs.SetOutput(stderr)
	knob := fs.String("knob", "", "the mutant to run (none: the conforming reference)")
	fs.Usage = func() {
		fmt.Fprint(stdout, refClientUsage)
		for _, m := range refclient.Mutants() {
			fmt.Fprintf(stdout, "  %-26s %s\n", m.Knob, m.What)
		}
	}
	if err := fs.Parse(args); err != nil {
		return 2, err
	}
	if fs.NArg() != 2 {
		return 2, fmt.Errorf("ref-client needs URL and FILE (see expectspec ref-client --help)")
	}
	if !refclient.Known(refclient.Knob(*knob)) {
		return 2, fmt.Errorf("ref-client: unknown knob %q (see expectspec ref-client --help)", *knob)
	}
	return refclient.Run(fs.Arg(0), fs.Arg(1), refclient.Knob(*knob), stdout, stderr), nil
}
