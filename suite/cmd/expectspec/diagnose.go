package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/expectspec/expectspec/suite"
	"github.com/expectspec/expectspec/suite/diagnose"
)

const diagnoseUsage = `Usage: expectspec diagnose URL [flags]
       expectspec diagnose --hop NAME=URL [--hop NAME=URL …] [flags]
Find out why uploads that send Expect: 100-continue fail (417) or stall at a deployed upload
resource, which hop does it, and what to change. A short battery of probes, each on its own
connection, safe to point at a real upload resource: small uploads of --size octets, and one that
declares 1 TiB and never sends it. The first line of the output is the verdict.

Flags:
  --method POST|PUT     the method of the uploads (default POST)
  --header 'Name: value'   a field to send with every probe, e.g. credentials (repeatable)
  --size N              content size of the probes in octets (default 1024, at most 16 MiB)
  --hop NAME=URL        diagnose each hop in the order given and name the first that breaks the
                        handshake (repeatable); list them from the app outwards: the app directly,
                        then the proxy in front of it, then the load balancer
  --protocol h1|h2|h2c|auto   auto (the default): HTTP/1.1, and for an https URL HTTP/2 too when the
                        server selects h2 by ALPN, each with a verdict of its own; h1 HTTP/1.1
                        only; h2 HTTP/2 over TLS only; h2c HTTP/2 in cleartext by prior knowledge
  --json FILE           write every probe with its trace to FILE
  --timeout-scale F     multiply every wait by F (e.g. 3 for a slow endpoint)
  --insecure            for https URLs: do not verify the certificate (any authority, any name)
  --ca FILE             for https URLs: verify the certificate against the authorities in FILE (PEM)

Exit status: 0 uploads with Expect work; 1 they fail or stall (at some hop, with --hop; over
HTTP/1.1 or over HTTP/2: either is enough); 2 the diagnosis could not run (unreachable, not HTTP,
a URL that does not take uploads) and nothing breaks where it did run.
`

// diagnoseCmd runs `expectspec diagnose`.
func diagnoseCmd(args []string, stdout, stderr io.Writer) (int, error) {
	fs := flag.NewFlagSet("diagnose", flag.ContinueOnError)
	var headers, hops multi
	method := fs.String("method", "POST", "")
	fs.Var(&headers, "header", "")
	size := fs.Int64("size", diagnose.DefaultSize, "")
	fs.Var(&hops, "hop", "")
	jsonOut := fs.String("json", "", "")
	protocol := fs.String("protocol", diagnose.ModeAuto, "")
	scale := fs.Float64("timeout-scale", 1, "")
	insecure := fs.Bool("insecure", false, "")
	ca := fs.String("ca", "", "")
	fs.Usage = func() { fmt.Fprint(stdout, diagnoseUsage) }
	// The URL may come before the flags, as in `expectspec diagnose http://… --size 10`.
	var url string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		url, args = args[0], args[1:]
	}
	if err := parseFlags(fs, args, stderr, map[string]string{
		"method": "POST or PUT", "header": "a field line like 'Authorization: Bearer …'",
		"size": "a whole number of octets from 1 to 16777216", "hop": "NAME=URL, like app=http://127.0.0.1:8080/upload",
		"json": "a file name", "protocol": "h1, h2, h2c or auto", "timeout-scale": "a number above 0 and at most 100, like 3", "ca": "a PEM file",
	}); err != nil {
		return 2, err
	}
	rest := fs.Args()
	if url == "" && len(rest) > 0 {
		url, rest = rest[0], rest[1:]
	}
	if len(rest) > 0 {
		return 2, fmt.Errorf("diagnose takes one URL, got also %q (see expectspec diagnose -h)", rest[0])
	}
	if url == "" && len(hops) == 0 {
		return 2, fmt.Errorf("diagnose needs the URL of an upload resource, like http://127.0.0.1:8080/upload, or --hop NAME=URL")
	}
	if url != "" && len(hops) > 0 {
		return 2, fmt.Errorf("give the URL or --hop NAME=URL, not both: add the URL as one more --hop")
	}
	opt := diagnose.Options{Method: strings.ToUpper(*method), Headers: headers, Size: *size, Scale: *scale, Protocol: *protocol}
	if opt.Method != "POST" && opt.Method != "PUT" {
		return 2, fmt.Errorf("--method must be POST or PUT, got %q", *method)
	}
	if *size < 1 || *size > diagnose.MaxSize {
		return 2, fmt.Errorf("--size must be from 1 to %d octets, got %d", diagnose.MaxSize, *size)
	}
	if *scale <= 0 || *scale > 100 {
		return 2, fmt.Errorf("--timeout-scale must be a number above 0 and at most 100, got %v", *scale)
	}
	for _, h := range headers {
		if err := diagnose.CheckHeader(h); err != nil {
			return 2, err
		}
	}
	urls := []string{url}
	for _, h := range hops {
		_, raw, _ := strings.Cut(h, "=")
		urls = append(urls, raw)
	}
	sec, err := securityFlags(*ca, *insecure, urls)
	if err != nil {
		return 2, err
	}
	// endpoint parses a URL, checks --protocol against it and applies --ca and --insecure to it
	// when it is https
	endpoint := func(raw string) (diagnose.Endpoint, error) {
		ep, err := diagnose.ParseURL(raw)
		if err == nil {
			err = diagnose.CheckProtocol(*protocol, ep)
		}
		if err == nil && ep.TLS != nil {
			ep.TLS = sec.TLSConfig(ep.TLS.ServerName)
		}
		return ep, err
	}
	var chain []diagnose.Hop
	for _, h := range hops {
		name, raw, ok := strings.Cut(h, "=")
		if !ok || name == "" || raw == "" {
			return 2, fmt.Errorf("--hop %q is not NAME=URL, like app=http://127.0.0.1:8080/upload", h)
		}
		ep, err := endpoint(raw)
		if err != nil {
			return 2, fmt.Errorf("--hop %s: %v", name, err)
		}
		chain = append(chain, diagnose.Hop{Name: name, Endpoint: ep})
	}
	var single diagnose.Endpoint
	if url != "" {
		if single, err = endpoint(url); err != nil {
			return 2, err
		}
	}
	var out *os.File
	if *jsonOut != "" {
		f, err := os.Create(*jsonOut)
		if err != nil {
			return 2, fmt.Errorf("--json %s: %v", *jsonOut, err)
		}
		defer f.Close()
		out = f
	}

	ctx, stop := suite.NotifyInterrupt(context.Background(), stderr)
	defer stop()
	if len(chain) > 0 {
		c := diagnose.RunHops(ctx, chain, opt)
		c.WriteChain(stdout)
		return c.Exit, writeJSON(out, *jsonOut, c)
	}
	r := diagnose.Run(ctx, single, opt)
	r.Write(stdout)
	return r.Exit, writeJSON(out, *jsonOut, r)
}

// writeJSON writes a diagnosis (one URL's or a chain's) to --json, when it was given.
func writeJSON(f *os.File, name string, v interface{ WriteJSON(io.Writer) error }) error {
	if f == nil {
		return nil
	}
	if err := v.WriteJSON(f); err != nil {
		return fmt.Errorf("--json %s: %v", name, err)
	}
	return nil
}
