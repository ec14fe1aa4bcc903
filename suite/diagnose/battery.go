// Package diagnose answers "our uploads fail with 417" or "every PUT stalls a second": it plays a
// short battery of upload probes against a deployed upload resource (or several hops in front of
// one), reads what came back and when, and says in plain words what breaks the Expect:
// 100-continue handshake (RFC 9110 §10.1.1), who probably did it, what common clients do about it
// and what to change. The battery runs over HTTP/1.1 and, where an https server selects h2 by
// ALPN, over HTTP/2 too (protocols.go), with a verdict per protocol. It is the `expectspec
// diagnose` command; it judges no catalogue case.
//
// It may import harness/conv, harness/driver, harness/target (the TLS configuration and ALPN
// probe the suite's own targets use) and the standard library.
package diagnose

import (
	"crypto/tls"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/expectspec/expectspec/harness/conv"
	"github.com/expectspec/expectspec/harness/target"
)

// Options describe the uploads the battery imitates.
type Options struct {
	Method  string   // POST or PUT
	Headers []string // extra "Name: value" lines, e.g. credentials
	Size    int64    // the declared (and, where a probe sends it, the sent) content size
	// Scale multiplies every wait (a slow endpoint, a loaded machine); 0 means 1.
	Scale float64
	// Protocol is the protocol mode (protocols.go): ModeAuto (or ""), ModeH1, ModeH2, ModeH2C.
	Protocol string
}

// DefaultSize is the content size of the probes: small, so that pointing the battery at a real
// upload resource stores at most a few KiB.
const DefaultSize = 1024

// MaxSize bounds --size: the probes that send content send all of it.
const MaxSize = 16 << 20

// OverLimitSize is what the over-limit probe declares: far above any upload limit. Its content
// is never sent.
const OverLimitSize = int64(1) << 40

// The waits of the battery, before scaling.
const (
	// continueWait is how long a probe withholds its content for a 100 or a final: three times
	// curl's 1 s, so that a 100 that comes later than curl waits is still seen and timed.
	continueWait = 3 * time.Second
	// finalWait bounds the wait for the final response once the content is sent.
	finalWait = 5 * time.Second
	// http10Wait is how long the HTTP/1.0 probe listens before sending its content: no 100 may
	// come (RFC 9110 §15.2), so a healthy endpoint costs this whole wait, and it is short.
	http10Wait = 500 * time.Millisecond
)

// Step labels of the probes' scripts.
const (
	stepHead    = "head"     // the request head, content withheld
	stepWait    = "wait-100" // waiting for a 100 or a final with the content withheld
	stepContent = "content"  // the content, sent after the wait
	stepUpload  = "upload"   // head and content at once
	stepFinal   = "final"    // waiting for the final response
)

// Probe names, in the order the battery plays them.
const (
	ProbePlain     = "no-expect"        // the same upload without Expect: the baseline
	ProbeExpect    = "expect"           // Expect: 100-continue, content withheld
	ProbeCase      = "expect-uppercase" // Expect: 100-Continue (the token is case-insensitive)
	ProbeUnknown   = "unknown-expect"   // an expectation nobody knows, content sent at once
	ProbeHTTP10    = "http10-expect"    // HTTP/1.0 with Expect: 100-continue (must be ignored)
	ProbeOverLimit = "over-limit"       // 1 TiB declared with Expect, content never sent
)

// unknownExpectation is the expectation of the unknown-expect probe: a token no server knows.
const unknownExpectation = "x-expectspec-probe"

// Endpoint is where a battery goes: the URL split into what the wire needs.
type Endpoint struct {
	URL    string
	Addr   string // host:port to dial
	Host   string // the Host field
	Target string // the request-target: path and query
	// TLS is the client configuration for an https URL (nil for http): SNI and verification
	// for the URL's host, HTTP/1.1 offered by ALPN (the HTTP/2 driver offers h2 instead). The
	// command applies --ca and --insecure.
	TLS *tls.Config
}

// ParseURL checks a URL given to diagnose: http, or https (over TLS; Run offers h2 by ALPN on
// its own connections).
func ParseURL(raw string) (Endpoint, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return Endpoint{}, fmt.Errorf("%q is not an http:// or https:// URL of an upload resource, like http://127.0.0.1:8080/upload", raw)
	}
	if u.User != nil || u.Fragment != "" {
		return Endpoint{}, fmt.Errorf("%q: leave out user information and fragment; pass credentials with --header 'Authorization: …'", raw)
	}
	port := u.Port()
	switch {
	case port != "":
	case u.Scheme == "https":
		port = "443"
	default:
		port = "80"
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return Endpoint{}, fmt.Errorf("%q: the port must be a number from 1 to 65535", raw)
	}
	requestTarget := u.EscapedPath()
	if requestTarget == "" {
		requestTarget = "/"
	}
	if u.RawQuery != "" {
		requestTarget += "?" + u.RawQuery
	}
	host := u.Hostname()
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	ep := Endpoint{URL: raw, Addr: host + ":" + port, Host: u.Host, Target: requestTarget}
	if u.Scheme == "https" {
		ep.TLS = target.Security{}.TLSConfig(u.Hostname())
	}
	return ep, nil
}

// CheckHeader checks a --header value: "Name: value", one line, a token for a name, and none of
// the fields the battery sets itself.
func CheckHeader(h string) error {
	name, _, ok := strings.Cut(h, ":")
	if !ok || name == "" || strings.TrimSpace(name) != name || strings.ContainsAny(h, "\r\n") {
		return fmt.Errorf("--header %q is not a field line: expected 'Name: value', like 'Authorization: Bearer …'", h)
	}
	for _, r := range name {
		if r <= ' ' || r >= 0x7f || strings.ContainsRune("\"(),/:;<=>?@[\\]{}", r) {
			return fmt.Errorf("--header %q: %q is not a field name", h, name)
		}
	}
	for _, own := range []string{"Host", "Content-Length", "Transfer-Encoding", "Expect", "Connection"} {
		if strings.EqualFold(name, own) {
			return fmt.Errorf("--header %q: diagnose sets %s itself, probe by probe", h, own)
		}
	}
	return nil
}

// scaled multiplies a wait by the options' scale.
func (o Options) scaled(d time.Duration) time.Duration {
	if o.Scale <= 0 {
		return d
	}
	return time.Duration(float64(d) * o.Scale)
}

// waitFor100 is how long the probes withhold their content: continueWait scaled, but never
// less than half again the clients' timer, or a 100 that comes just after curl gave up waiting
// could not be told from silence.
func (o Options) waitFor100() time.Duration {
	return max(o.scaled(continueWait), clientTimer*3/2)
}

// head renders a request head: version "1.1" or "1.0", expect "" for none.
func (o Options) head(ep Endpoint, version, expect string, size int64) []byte {
	var b strings.Builder
	b.WriteString(o.Method + " " + ep.Target + " HTTP/" + version + "\r\n")
	b.WriteString("Host: " + ep.Host + "\r\n")
	b.WriteString("User-Agent: expectspec-diagnose\r\n")
	for _, h := range o.Headers {
		name, value, _ := strings.Cut(h, ":")
		b.WriteString(name + ": " + strings.TrimSpace(value) + "\r\n")
	}
	b.WriteString("Content-Type: application/octet-stream\r\n")
	b.WriteString("Content-Length: " + strconv.FormatInt(size, 10) + "\r\n")
	if expect != "" {
		b.WriteString("Expect: " + expect + "\r\n")
	}
	b.WriteString("\r\n")
	return []byte(b.String())
}

// withheld is the script of a probe that sends the head, waits up to wait for a 100 or a final
// with the content withheld, then sends the content (as a client does once its timer runs out)
// unless the connection can no longer carry it, and waits for the final response.
func (o Options) withheld(w wire, head conv.Step, wait time.Duration) conv.Script {
	// wait is already what it should be: waitFor100, or the HTTP/1.0 probe's scaled wait.
	return conv.Script{Steps: []conv.Step{
		head,
		{Kind: conv.Await, Label: stepWait, Until: conv.UntilMessage, Within: wait},
		w.content(true),
		{Kind: conv.Await, Label: stepFinal, Until: conv.UntilFinals, Count: 1, Within: o.scaled(finalWait)},
	}}
}

// atOnce is the script of a probe that sends head and content together and waits for the final.
func (o Options) atOnce(w wire, head conv.Step) conv.Script {
	return conv.Script{Steps: []conv.Step{
		head,
		w.content(false),
		{Kind: conv.Await, Label: stepFinal, Until: conv.UntilFinals, Count: 1, Within: o.scaled(finalWait)},
	}}
}

// probe is one probe of the battery: its name, what it asks in words, and its script.
type probe struct {
	Name   string
	Asks   string
	Script conv.Script
}

// battery returns the probes in the order they are played over protocol p: the baseline first,
// so that the diagnosis of the others can be read against it. Each runs on a fresh connection.
// HTTP/2 has no HTTP/1.0 form, so over h2 the HTTP/1.0 probe is not played (NotPlayedOverH2).
func (o Options) battery(ep Endpoint, p conv.Protocol) []probe {
	w := o.wireFor(ep, p)
	over := conv.Script{Steps: []conv.Step{
		w.head(stepHead, "1.1", "100-continue", OverLimitSize),
		{Kind: conv.Await, Label: stepWait, Until: conv.UntilMessage, Within: o.waitFor100()},
	}}
	probes := []probe{
		{ProbePlain, "the same upload without Expect, content sent with the head", o.atOnce(w, w.head(stepUpload, "1.1", "", o.Size))},
		{ProbeExpect, "Expect: 100-continue, content withheld", o.withheld(w, w.head(stepHead, "1.1", "100-continue", o.Size), o.waitFor100())},
		{ProbeCase, "Expect: 100-Continue (the token is case-insensitive), content withheld", o.withheld(w, w.head(stepHead, "1.1", "100-Continue", o.Size), o.waitFor100())},
		{ProbeUnknown, "Expect: " + unknownExpectation + " (an unknown expectation), content sent with the head", o.atOnce(w, w.head(stepUpload, "1.1", unknownExpectation, o.Size))},
		{ProbeHTTP10, "HTTP/1.0 with Expect: 100-continue (to be ignored), content withheld briefly", o.withheld(w, w.head(stepHead, "1.0", "100-continue", o.Size), o.scaled(http10Wait))},
		{ProbeOverLimit, "Expect: 100-continue with 1 TiB declared; the content is never sent", over},
	}
	if p.IsH2() {
		probes = slices.DeleteFunc(probes, func(pr probe) bool { return pr.Name == ProbeHTTP10 })
	}
	return probes
}
