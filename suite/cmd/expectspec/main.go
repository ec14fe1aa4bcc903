// Command expectspec runs the Expect / 100-continue conformance suite against HTTP servers and
// writes a conformance matrix.
//
//	expectspec run [--target URL] [--out DIR] [flags]   run the suite (embedded defaults without --target)
//	expectspec run --gateway URL --origin ADDR [flags]  test a gateway that forwards to the suite's origin at ADDR
//	expectspec run --proxy URL [--origin ADDR] [flags]  test a forward proxy in front of the suite's origin
//	expectspec run --client 'COMMAND' [--name N]        test an HTTP client: the suite is its server
//	expectspec cases                                    list the catalogue
//	expectspec report [--html F] [--md F] FILE…          merge results files into a compatibility table
//	expectspec diff OLD NEW                             list changed cells; exit 1 on a regression
//	expectspec matrix [--only a,b] [--out DIR]          run the real-server recipes, merge the table
//	expectspec serve SERVER [--listen ADDR]             run one of the suite's Go servers
//	expectspec diagnose URL [flags]                     why uploads with Expect fail or stall there
//	expectspec ref-client [--knob K] URL FILE           the suite's reference HTTP client
//	expectspec go-client [--ca F] URL FILE              Go net/http's client, the go-http-client recipe
//
// It is the command-line face of package suite: flags, usage and one-line errors; the work is
// done in suite, and what it imports beside suite is for listing and serving (recipes,
// gateways, target) and reading results files.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/expectspec/expectspec/cases"
	"github.com/expectspec/expectspec/harness/h1"
	"github.com/expectspec/expectspec/harness/target"
	"github.com/expectspec/expectspec/suite"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

const usage = `expectspec checks how HTTP servers handle Expect: 100-continue, 100 (Continue),
417 (Expectation Failed) and interim responses (RFC 9110 §10.1.1, §15.2; RFC 9112).

Usage:
  expectspec run [--target URL] [--out DIR] [flags]   run the suite; without --target, against the embedded defaults
  expectspec run --gateway URL --origin ADDR [flags]  test a gateway (reverse proxy) configured to forward to ADDR,
                                                      where the suite's scripted origin listens
  expectspec run --proxy URL [--origin ADDR] [flags]  test a forward proxy, sending it requests for the suite's origin
  expectspec run --client 'COMMAND' [--name N]        test an HTTP client: the shell runs COMMAND once per case with
                                                      {url}, {file} and {size} filled; the suite is its server
                                                      (--client-tls: over TLS, with {ca} its authority's PEM file)
  expectspec cases                                    list the catalogue: id, scenario, requirements, keywords, roles
  expectspec report [--html FILE] [--md FILE] RESULTS.json…   merge results into a compatibility table
  expectspec diff OLD.json NEW.json                   list every changed cell; exit 1 on a regression
  expectspec matrix [--only a,b] [--out DIR]          start real servers from their recipes (nginx, Apache,
                                                      Squid, …), run the suite against each, merge the table
  expectspec serve SERVER [--listen ADDR]             run one of the suite's Go servers (go-net-http,
                                                      go-reverseproxy) in the foreground
  expectspec diagnose URL [--hop NAME=URL …] [flags]  why uploads that send Expect: 100-continue fail (417)
                                                      or stall at a deployed upload resource, which hop
                                                      does it, and what to change (exit 0 works, 1 broken)
  expectspec ref-client [--knob K] URL FILE           upload FILE with the suite's reference HTTP client (or a
                                                      mutant): the witness of the client cases
  expectspec go-client [--ca FILE] URL FILE           upload FILE with Go net/http's client asking for 100-continue
                                                      (the go-http-client recipe)
  expectspec version                                  print the version

Run "expectspec COMMAND -h" for the flags of a command.
Exit status of run: 0 no fail; 1 at least one fail; 2 the suite could not run, judged nothing, or
a target failed a check before its cases, even when another target has a fail (results.json and
junit.xml are still written: each of its cases is error, naming the check); 130 (SIGINT) or 143 (SIGTERM) the run was interrupted:
results.json and junit.xml hold the cases that finished, the rest marked not run.
`

// commands are the commands realMain knows, as the unknown-command message lists them.
var commands = []string{"run", "cases", "report", "diff", "matrix", "serve", "diagnose", "ref-client", "go-client", "version", "help"}

func main() {
	os.Exit(realMain(os.Args[1:], os.Stdout, os.Stderr))
}

func realMain(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	var err error
	code := 0
	switch args[0] {
	case "run":
		code, err = run(args[1:], stdout, stderr)
	case "cases":
		err = listCases(stdout)
	case "report":
		err = report(args[1:], stdout, stderr)
	case "diff":
		code, err = diff(args[1:], stdout, stderr)
	case "matrix":
		code, err = matrix(args[1:], stdout, stderr)
	case "serve":
		code, err = serve(args[1:], stdout, stderr)
	case "diagnose":
		code, err = diagnoseCmd(args[1:], stdout, stderr)
	case "ref-client":
		code, err = refClient(args[1:], stdout, stderr)
	case "go-client":
		code, err = goClient(args[1:], stdout, stderr)
	case "-h", "--help", "help":
		fmt.Fprint(stdout, usage)
	case "version", "--version":
		fmt.Fprintln(stdout, "expectspec", version)
	default:
		err = fmt.Errorf("unknown command %q (expected one of %s; see expectspec --help)", args[0], strings.Join(commands, ", "))
	}
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "expectspec:", err)
		if code == 0 {
			code = 2
		}
	}
	return code
}

type multi []string

func (m *multi) String() string     { return strings.Join(*m, ",") }
func (m *multi) Set(v string) error { *m = append(*m, v); return nil }

func run(args []string, stdout, stderr io.Writer) (int, error) {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var targets, gws, proxies, clients, focus multi
	fs.Var(&targets, "target", "URL of the upload resource of an origin server (repeatable): it must accept a POST with up to 1 KiB of content and answer 2xx after reading it; https:// URLs are tested over TLS")
	fs.Var(&gws, "gateway", "URL of a gateway (reverse proxy) already configured to forward to --origin ADDR (repeatable); a path in the URL is the gateway's prefix, which it must strip before forwarding; https:// URLs are tested over TLS")
	fs.Var(&proxies, "proxy", "URL of a forward proxy, like http://127.0.0.1:3128 (repeatable): the suite sends it absolute-form requests for its own origin")
	fs.Var(&clients, "client", "shell command of an HTTP client to test (repeatable), run once per case with {url} (the case's URL on the suite's server), {file} (the content to upload) and {size} (its octets) filled, e.g. 'curl -sS --data-binary @{file} {url}'; {ca} comes with --client-tls")
	clientTLS := fs.Bool("client-tls", false, "the suite's server speaks TLS to the --client commands: {url} is https:// and {ca} the PEM file of a throwaway authority made for the run, which signed the server's certificate (for 127.0.0.1 and localhost)")
	clientProtocol := fs.String("client-protocol", "h1", "HTTP version of the suite's server to the --client commands: h1 (HTTP/1.1) or h2 (HTTP/2 over TLS, needs --client-tls; the server offers h2, then http/1.1, by ALPN, and the HTTP/2 client cases run, T44)")
	originAddr := fs.String("origin", "", "host:port where the suite's scripted origin listens, behind --gateway (required with --gateway) or --proxy (default: a free loopback port)")
	name := fs.String("name", "", "name of the target in the results (default: host:port of --target, --gateway or --proxy)")
	out := fs.String("out", "out", "directory for results.json and junit.xml")
	scale := fs.Float64("timeout-scale", 1, "multiply every wait by this factor (e.g. 3 for a slow target)")
	labelFilter := fs.String("label-filter", "", "Ginkgo label filter, e.g. 'keyword:MUST && !scenario:T10c' (labels: role:, target:, scenario:, id:, keyword:, req:, rfc9110:SECTION)")
	fs.Var(&focus, "focus", "run only cases whose text (target, case ID) matches this regular expression (repeatable)")
	concurrency := fs.Int("concurrency", 8, "how many cases run at once against each target (fewer when its capacity check says so)")
	repeat := fs.Int("repeat", 1, "run every selected case this many times (1 to 100) against each target; a case whose verdicts differ is reported flaky, with its worst verdict")
	early := fs.String("early-path", "", "path the target answers from the header section alone, e.g. one that needs credentials (default: a sibling path that does not exist; --target only)")
	upgrade := fs.String("upgrade-protocol", "h2c", "protocol token offered in the Upgrade + Expect case")
	verbose := fs.Bool("v", false, "verbose: print every case as it finishes")
	software := fs.String("software", "", "what the target is, for the results (e.g. nginx); --target, --gateway or --proxy, one of them")
	softwareVersion := fs.String("software-version", "", "the target's version, for the results (e.g. 1.22.1)")
	protocol := fs.String("protocol", "auto", "HTTP version to speak to --target: h1 (HTTP/1.1; over TLS for https:// URLs), h2 (HTTP/2 over TLS), h2c (HTTP/2 in cleartext, by prior knowledge) or auto (HTTP/1.1, and for an https:// target or gateway that selects h2 by ALPN an h2 row of its own, NAME [h2]); the same for --gateway; forward proxies are tested over HTTP/1.1, clients as --client-protocol says")
	insecure := fs.Bool("insecure", false, "do not verify the certificates of https:// targets and gateways (any authority, any name)")
	caFile := fs.String("ca", "", "PEM file of the certificate authorities that https:// targets and gateways are verified against (default: the system's)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: expectspec run [--target URL] [--gateway URL --origin ADDR] [--proxy URL [--origin ADDR]] [flags]")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args, stderr, map[string]string{
		"timeout-scale":   "a number above 0 and at most 100, like 3",
		"concurrency":     "a whole number from 1 to 64",
		"repeat":          "a whole number from 1 to 100",
		"target":          "the URL of an upload resource, like http://127.0.0.1:8080/upload",
		"gateway":         "the URL of a gateway, like http://127.0.0.1:8081/",
		"proxy":           "the URL of a forward proxy, like http://127.0.0.1:3128",
		"origin":          "host:port where the suite's origin listens, like 127.0.0.1:9000",
		"out":             "a directory",
		"label-filter":    "a Ginkgo label filter, like 'keyword:MUST'",
		"focus":           "a regular expression",
		"protocol":        "h1, h2, h2c or auto",
		"client-protocol": "h1 or h2",
		"ca":              "a PEM file of certificate authorities",
	}); err != nil {
		return 2, err
	}
	if fs.NArg() > 0 {
		return 2, fmt.Errorf("run takes no arguments, got %q (did you mean --target %s?)", fs.Arg(0), fs.Arg(0))
	}
	if *originAddr != "" {
		if err := checkHostPort("origin", *originAddr); err != nil {
			return 2, err
		}
	}
	if !h1.IsToken(*upgrade) {
		return 2, fmt.Errorf("--upgrade-protocol must be a protocol name (an HTTP token, like h2c or websocket), got %q", *upgrade)
	}
	if *out == "" {
		return 2, fmt.Errorf("--out must name a directory, got an empty one")
	}
	if *scale <= 0 || *scale > 100 {
		return 2, fmt.Errorf("--timeout-scale must be a number above 0 and at most 100, got %v", *scale)
	}
	if *concurrency < 1 || *concurrency > 64 {
		return 2, fmt.Errorf("--concurrency must be between 1 and 64, got %d", *concurrency)
	}
	if *repeat < 1 || *repeat > 100 {
		return 2, fmt.Errorf("--repeat must be between 1 and 100, got %d", *repeat)
	}
	if n := len(targets) + len(gws) + len(proxies) + len(clients); *name != "" && n > 1 {
		return 2, fmt.Errorf("--name names a single target; got %d (--target, --gateway, --proxy and --client together)", n)
	}
	if len(gws) > 0 && *originAddr == "" {
		return 2, fmt.Errorf("--gateway needs --origin ADDR: configure the gateway to forward to an address where the suite's origin can listen (e.g. 127.0.0.1:9000) and pass the same address as --origin")
	}
	if *originAddr != "" && len(targets) > 0 && len(gws)+len(proxies) == 0 {
		return 2, fmt.Errorf("--origin is where the suite's origin listens behind --gateway or --proxy; an origin named with --target needs none")
	}
	if (*software != "" || *softwareVersion != "") && len(targets)+len(gws)+len(proxies)+len(clients) != 1 {
		return 2, fmt.Errorf("--software and --software-version describe a single target; give exactly one --target, --gateway or --proxy")
	}
	if *early != "" && !strings.HasPrefix(*early, "/") {
		return 2, fmt.Errorf("--early-path must be an absolute path like /admin, got %q", *early)
	}
	if err := checkProtocol(*protocol, targets, gws, len(proxies)+len(clients)); err != nil {
		return 2, err
	}
	sec, err := securityFlags(*caFile, *insecure, append(append([]string{}, targets...), gws...))
	if err != nil {
		return 2, err
	}
	if err := suite.CheckSelection(*labelFilter, focus); err != nil {
		return 2, err
	}
	if err := checkWritable(*out); err != nil {
		return 2, err
	}

	// From here on SIGINT and SIGTERM stop the run in an orderly way (suite/interrupt.go): the
	// servers started below are stopped by the defers, and suite.Run writes the results.
	ctx, stop := suite.NotifyInterrupt(context.Background(), stderr)
	defer stop()

	var parsed []target.Target
	for _, raw := range targets {
		t, err := target.Parse(raw, *name)
		if err != nil {
			return 2, err
		}
		if *early != "" {
			t.Early = *early
		}
		t.Upgrade = *upgrade
		t.Secure(sec)
		parsed = append(parsed, t)
	}
	// Check every URL before anything listens.
	for _, raw := range gws {
		if _, err := target.ParseGateway(raw, "", nil); err != nil {
			return 2, err
		}
	}
	for _, raw := range proxies {
		if _, err := target.ParseProxy(raw, "", nil); err != nil {
			return 2, err
		}
	}
	if err := checkClients(clients, *clientTLS, *clientProtocol); err != nil {
		return 2, err
	}
	var ts []target.Target
	for _, t := range parsed {
		ts = append(ts, protocolRows(ctx, t, *protocol, stdout)...)
	}
	embedded := len(ts)+len(gws)+len(proxies)+len(clients) == 0
	if embedded || len(gws)+len(proxies)+len(clients) > 0 {
		o, err := target.StartOrigin(*originAddr)
		if err != nil {
			return 2, err
		}
		defer o.Close() // after every target in front of it has stopped (deferred below)
		for _, raw := range gws {
			t, err := target.ParseGateway(raw, *name, o)
			if err != nil {
				return 2, err
			}
			t.Upgrade = *upgrade
			t.Secure(sec)
			ts = append(ts, protocolRows(ctx, t, *protocol, stdout)...)
		}
		for _, raw := range proxies {
			t, err := target.ParseProxy(raw, *name, o)
			if err != nil {
				return 2, err
			}
			t.Upgrade = *upgrade
			ts = append(ts, t)
		}
		cts, stopTLS, err := clientTargets(clients, *name, o, *clientTLS, *clientProtocol == "h2")
		if err != nil {
			return 2, err
		}
		defer stopTLS()
		ts = append(ts, cts...)
		if len(proxies) > 0 && *originAddr == "" {
			fmt.Fprintf(stdout, "the suite's origin listens on %s (the forward proxy must be able to reach it)\n", target.OriginAuthority(o))
		}
		if embedded {
			emb, err := target.Embedded()
			if err != nil {
				return 2, err
			}
			defer stopAll(emb)
			embH2, err := target.EmbeddedH2()
			if err != nil {
				return 2, err
			}
			defer stopAll(embH2)
			gwTargets, err := target.EmbeddedIntermediaries(o)
			if err != nil {
				return 2, err
			}
			defer stopAll(gwTargets)
			gwH2, err := target.EmbeddedH2Gateways(o)
			if err != nil {
				return 2, err
			}
			defer stopAll(gwH2)
			gwTargets = append(gwTargets, gwH2...)
			emb, _ = embeddedRows(append(emb, embH2...), *protocol)
			gwTargets, _ = embeddedRows(gwTargets, *protocol)
			nProxies := 0
			for _, t := range gwTargets {
				if t.Role == target.RoleProxy {
					nProxies++
				}
			}
			if len(gwTargets) == 0 { // no intermediary speaks the --protocol given
				fmt.Fprintf(stdout, "no --target given: running against the embedded default origins over %s (%d)\n", *protocol, len(emb))
			} else {
				fmt.Fprintf(stdout, "no --target given: running against the %d embedded default targets (%d origins; %d gateways and %d forward proxy in front of the suite's origin at %s)\n",
					len(emb)+len(gwTargets), len(emb), len(gwTargets)-nProxies, nProxies, target.OriginAuthority(o))
			}
			ts = append(emb, gwTargets...)
		}
	}

	for i := range ts {
		if !embedded { // the embedded h2 target trusts the authority that issued its certificate
			ts[i].Secure(sec)
		}
		if *software != "" {
			ts[i].Software = *software
		}
		if *softwareVersion != "" {
			ts[i].Version = *softwareVersion
		}
	}

	return suite.Run(ctx, suite.Config{
		Targets: ts, Out: *out, TimeoutScale: *scale, LabelFilter: *labelFilter, Focus: focus,
		Concurrency: *concurrency, Repeat: *repeat, Version: version, Args: append([]string{"run"}, args...),
		Stdout: stdout, Verbose: *verbose,
	})
}

func stopAll(ts []target.Target) {
	for _, t := range ts {
		if t.Stop != nil {
			t.Stop()
		}
	}
}

// checkWritable fails early, before any case runs, when the results cannot be written.
func checkWritable(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("--out %s is not writable: %v", dir, err)
	}
	f, err := os.CreateTemp(dir, ".expectspec-write-check-*")
	if err != nil {
		return fmt.Errorf("--out %s is not writable: %v", dir, err)
	}
	f.Close()
	return os.Remove(f.Name())
}

func listCases(stdout io.Writer) error {
	w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tSCENARIO\tROLES\tKEYWORDS\tREQUIREMENTS\tCLAIM")
	for _, c := range cases.All() {
		var roles, kws []string
		seen := map[string]bool{}
		for _, r := range c.Roles {
			roles = append(roles, string(r))
		}
		for _, id := range c.Requirements {
			if r, ok := cases.Lookup(id); ok && !seen[r.Keyword] {
				seen[r.Keyword] = true
				kws = append(kws, r.Keyword)
			}
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\n", c.ID, c.Scenario, strings.Join(roles, ","), strings.Join(kws, ","), strings.Join(c.Requirements, ","), c.Title)
	}
	return w.Flush()
}
