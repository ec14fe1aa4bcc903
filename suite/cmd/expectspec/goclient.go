package main

import (
	"crypto/tls"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"

	"github.com/expectspec/expectspec/harness/target"
)

const goClientUsage = `Usage: expectspec go-client [--ca FILE] URL FILE
Upload FILE to URL as a POST with Go's own net/http client, as a Go program asking for
100-continue writes it: a clone of http.DefaultTransport with ExpectContinueTimeout 1 s, and
"Expect: 100-continue" set on the request when FILE has content (Go never adds it itself).
The http.Client is the default one otherwise: it follows a 303 with a GET. It prints the final
response's content on stdout and exits 0 on any final response, 1 on an error (said on stderr).
It is the go-http-client recipe of the matrix, the real Go client beside the reference client:
  expectspec run --client 'expectspec go-client {url} {file}' --name go-http-client
  expectspec run --client-tls --client 'expectspec go-client --ca {ca} {url} {file}'
`

// goClient runs the go-http-client recipe's upload once. It lives in the executable, not in a
// program under configs/, so a machine without Go can run it: the Go is the one that built
// expectspec (its version is the recipe's).
func goClient(args []string, stdout, stderr io.Writer) (int, error) {
	fs := flag.NewFlagSet("go-client", flag.ContinueOnError)
	caFile := fs.String("ca", "", "PEM file of the authorities an https:// URL is verified against (default: the system's)")
	fs.Usage = func() { fmt.Fprint(stdout, goClientUsage) }
	if err := parseFlags(fs, args, stderr, map[string]string{"ca": "a PEM file"}); err != nil {
		return 2, err
	}
	if fs.NArg() != 2 {
		return 2, fmt.Errorf("go-client needs URL and FILE (see expectspec go-client --help)")
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	// DefaultTransport's value already, set here so the program says what it relies on: after
	// the header section Go waits this long for a 100 (or a final), then sends the content.
	tr.ExpectContinueTimeout = 1 * time.Second
	if *caFile != "" {
		pool, err := target.LoadCA(*caFile)
		if err != nil {
			return 2, fmt.Errorf("go-client: %v", err)
		}
		tr.TLSClientConfig = &tls.Config{RootCAs: pool}
	}
	if err := goUpload(&http.Client{Transport: tr}, fs.Arg(0), fs.Arg(1), stdout); err != nil {
		fmt.Fprintln(stderr, "go-client:", err)
		return 1, nil
	}
	return 0, nil
}

// goUpload posts the file's octets with a Content-Length, asking for 100-continue when there
// are any (an Expect without content is a sender's fault, RFC 9110 §10.1.1).
func goUpload(c *http.Client, url, path string, stdout io.Writer) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	var body io.Reader = http.NoBody
	if st.Size() > 0 {
		body = f
	}
	req, err := http.NewRequest(http.MethodPost, url, body)
	if err != nil {
		return err
	}
	req.ContentLength = st.Size()
	req.Header.Set("Content-Type", "application/octet-stream")
	if st.Size() > 0 {
		req.Header.Set("Expect", "100-continue")
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, err = io.Copy(stdout, resp.Body)
	return err
}
