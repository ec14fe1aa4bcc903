package main

import (
	"flag"
	"fmt"
	"io"

	"github.com/expectspec/expectspec/harness/clientcmd"
	"github.com/expectspec/expectspec/harness/conv"
	"github.com/expectspec/expectspec/harness/origin"
	"github.com/expectspec/expectspec/harness/refclient"
	"github.com/expectspec/expectspec/harness/target"
)

// checkClients checks the --client commands before anything listens: with tls (--client-tls)
// {ca} has a value, and --client-tls needs a --client.
func checkClients(commands []string, tls bool, protocol string) error {
	switch {
	case protocol != "h1" && protocol != "h2":
		return fmt.Errorf("--client-protocol %q is not valid: expected h1 or h2", protocol)
	case protocol == "h2" && !tls:
		return fmt.Errorf("--client-protocol h2 is HTTP/2 over TLS: give --client-tls too")
	}
	if tls && len(commands) == 0 {
		return fmt.Errorf("--client-tls makes the suite's server speak TLS to the --client commands; give at least one --client")
	}
	for _, cmd := range commands {
		if err := clientcmd.Check(cmd, tls); err != nil {
			return err
		}
	}
	return nil
}

// clientTargets turns the --client commands into targets pointed at the suite's origin o, or
// with tls at an origin of their own that speaks TLS (target.StartTLSOrigin), which stop
// closes: named by --name (one client), else "client", "client-2", ….
func clientTargets(commands []string, name string, o *origin.Origin, tls, h2 bool) (ts []target.Target, stop func(), err error) {
	stop, caFile := func() {}, ""
	start := target.StartTLSOrigin
	if h2 {
		start = target.StartH2Origin
	}
	if tls && len(commands) > 0 {
		if o, caFile, stop, err = start(); err != nil {
			return nil, nil, err
		}
	}
	for i, cmd := range commands {
		n := name
		if n == "" && i > 0 {
			n = fmt.Sprintf("client-%d", i+1)
		}
		t, err := target.ParseClient(cmd, n, o, caFile)
		if err != nil {
			stop()
			return nil, nil, err
		}
		if h2 {
			t.Protocol = conv.H2
		}
		ts = append(ts, t)
	}
	return ts, stop, nil
}

const refClientUsage = `Usage: expectspec ref-client [--h2] [--knob KNOB] [--ca FILE] URL FILE
Upload FILE to URL (http://, or https:// verified against --ca) with the suite's reference HTTP/1.1 client, or one of its mutants,
and follow one 303. It prints the content of the final responses on stdout, one line per response
on stderr, and exits 0 when the upload got a final response. It is the witness of the client cases:
  expectspec run --client 'expectspec ref-client {url} {file}'
  expectspec run --client-tls --client 'expectspec ref-client --ca {ca} {url} {file}'
  expectspec run --client-tls --client-protocol h2 --client 'expectspec ref-client --h2 --ca {ca} {url} {file}'

Knobs (each breaks one rule; none is the conforming reference):
`

// refClient runs the reference client or a mutant once.
func refClient(args []string, stdout, stderr io.Writer) (int, error) {
	fs := flag.NewFlagSet("ref-client", flag.ContinueOnError)
	knob := fs.String("knob", "", "the mutant to run (none: the conforming reference)")
	caFile := fs.String("ca", "", "PEM file of the authorities an https:// URL is verified against (default: the system's)")
	h2 := fs.Bool("h2", false, "speak HTTP/2 (h2 by ALPN; the URL must be https://)")
	fs.Usage = func() {
		fmt.Fprint(stdout, refClientUsage)
		for _, m := range refclient.Mutants() {
			fmt.Fprintf(stdout, "  %-26s %s\n", m.Knob, m.What)
		}
	}
	if err := parseFlags(fs, args, stderr, map[string]string{"knob": "a knob of expectspec ref-client --help", "ca": "a PEM file"}); err != nil {
		return 2, err
	}
	if fs.NArg() != 2 {
		return 2, fmt.Errorf("ref-client needs URL and FILE (see expectspec ref-client --help)")
	}
	if !refclient.Known(refclient.Knob(*knob)) {
		return 2, fmt.Errorf("ref-client: unknown knob %q (see expectspec ref-client --help)", *knob)
	}
	if *h2 {
		return refclient.RunH2(fs.Arg(0), fs.Arg(1), *caFile, refclient.Knob(*knob), stdout, stderr), nil
	}
	return refclient.Run(fs.Arg(0), fs.Arg(1), *caFile, refclient.Knob(*knob), stdout, stderr), nil
}
