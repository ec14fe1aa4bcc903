package diagnose

import (
	"context"
	"fmt"
	"strings"

	"github.com/expectspec/expectspec/harness/conv"
	"github.com/expectspec/expectspec/harness/driver"
	"github.com/expectspec/expectspec/harness/target"
)

// A client that speaks HTTP/2 to an https upload URL meets another path through the front end
// than one that speaks HTTP/1.1: another listener, another translation to the backend, other
// rules for the 100 (RFC 9113 §8.1). So an https URL is diagnosed in both when the server
// selects h2 by ALPN, and the verdict says how each fares.

// The values of Options.Protocol (--protocol).
const (
	ModeAuto = "auto" // HTTP/1.1; for an https URL also HTTP/2 when the server selects h2 by ALPN
	ModeH1   = "h1"   // HTTP/1.1 only (over TLS for https)
	ModeH2   = "h2"   // HTTP/2 over TLS only (https URLs)
	ModeH2C  = "h2c"  // HTTP/2 in cleartext by prior knowledge only (http URLs)
)

// CheckProtocol checks a protocol mode against a URL: h2 needs TLS, h2c needs cleartext.
func CheckProtocol(mode string, ep Endpoint) error {
	switch mode {
	case "", ModeAuto, ModeH1:
	case ModeH2:
		if ep.TLS == nil {
			return fmt.Errorf("--protocol h2 is HTTP/2 over TLS and %s is cleartext: give an https:// URL, or --protocol h2c for HTTP/2 in cleartext", ep.URL)
		}
	case ModeH2C:
		if ep.TLS != nil {
			return fmt.Errorf("--protocol h2c is HTTP/2 in cleartext and %s is https: give an http:// URL, or --protocol h2 for HTTP/2 over TLS", ep.URL)
		}
	default:
		return fmt.Errorf("--protocol %q is not valid: expected h1, h2, h2c or auto", mode)
	}
	return nil
}

// Report is the diagnosis of one URL: one battery per protocol played, HTTP/1.1 first.
type Report struct {
	Endpoint Endpoint
	Over     []*Diagnosis
	// NotPlayed names each protocol not diagnosed under auto, and why: "HTTP/2 not diagnosed: …".
	NotPlayed []string
	Exit      int
	Verdict   string // the first line: every protocol's outcome, and what breaks
}

// Run diagnoses one URL in the protocols opt.Protocol names: under auto, HTTP/1.1 and, for an
// https URL whose server selects h2 when offered h2 and http/1.1 by ALPN, HTTP/2 too.
func Run(ctx context.Context, ep Endpoint, opt Options) *Report {
	r := &Report{Endpoint: ep}
	switch opt.Protocol {
	case ModeH1:
		r.Over = []*Diagnosis{Battery(ctx, ep, conv.HTTP1, opt)}
	case ModeH2:
		r.Over = []*Diagnosis{Battery(ctx, ep, conv.H2, opt)}
	case ModeH2C:
		r.Over = []*Diagnosis{Battery(ctx, ep, conv.H2C, opt)}
	default:
		r.auto(ctx, opt)
	}
	r.Exit, r.Verdict = r.overall()
	return r
}

// auto plays HTTP/1.1, and HTTP/2 when an https server selects it. A handshake that fails when
// offered both is left to the HTTP/1.1 battery, whose baseline says why in one line.
func (r *Report) auto(ctx context.Context, opt Options) {
	ep, within := r.Endpoint, opt.scaled(finalWait)
	if ep.TLS == nil {
		r.Over = []*Diagnosis{Battery(ctx, ep, conv.HTTP1, opt)}
		return
	}
	selected, err := target.SelectsALPN(ctx, ep.Addr, ep.TLS, within, "h2", "http/1.1")
	if err != nil || selected != "h2" {
		r.Over = []*Diagnosis{Battery(ctx, ep, conv.HTTP1, opt)}
		if err == nil {
			r.NotPlayed = append(r.NotPlayed, fmt.Sprintf("HTTP/2 not diagnosed: not offered (offered h2 and http/1.1 by ALPN, the server selects %s)", orNone(selected)))
		}
		return
	}
	// A server that speaks only h2 there may refuse a handshake that offers http/1.1 alone
	// (RFC 7301 §3.2): HTTP/1.1 is not offered, which is no failure of the diagnosis.
	if _, err := target.SelectsALPN(ctx, ep.Addr, ep.TLS, within, "http/1.1"); err != nil {
		why := driver.HandshakeError(ep.Addr, ep.TLS, within, err)
		r.NotPlayed = append(r.NotPlayed, "HTTP/1.1 not diagnosed: not offered (the server selects h2 when offered it; offered only http/1.1, the "+why+")")
		r.Over = []*Diagnosis{Battery(ctx, ep, conv.H2, opt)}
		return
	}
	r.Over = []*Diagnosis{Battery(ctx, ep, conv.HTTP1, opt), Battery(ctx, ep, conv.H2, opt)}
}

func orNone(alpn string) string {
	if alpn == "" {
		return "none"
	}
	return alpn
}

// worstExit combines exit statuses: 1 when any breaks uploads with Expect (a user who reaches
// the URL, or the hop, that way meets the break), else 2 when any could not be diagnosed,
// else 0.
func worstExit(exits ...int) int {
	worst := ExitWorks
	for _, e := range exits {
		switch {
		case e == ExitBroken:
			return ExitBroken
		case e == ExitCannotRun:
			worst = ExitCannotRun
		}
	}
	return worst
}

// overall is a URL's exit status and first line. One protocol: its verdict, named when it is
// HTTP/2. Several: each one's outcome in a word, then what breaks in full, e.g. "over HTTP/1.1:
// works; over HTTP/2: stalls — over HTTP/2, each upload that sends … stalls about 1 s: …".
func (r *Report) overall() (int, string) {
	var exits []int
	for _, d := range r.Over {
		exits = append(exits, d.Exit)
	}
	exit := worstExit(exits...)
	if len(r.Over) == 1 {
		d := r.Over[0]
		if d.Protocol == conv.HTTP1 {
			return exit, d.Verdict
		}
		return exit, "over " + protocolName(d.Protocol) + ": " + d.Verdict
	}
	var outcomes, details []string
	for _, d := range r.Over {
		outcomes = append(outcomes, "over "+protocolName(d.Protocol)+": "+d.outcome())
		if d.Exit == exit && exit != ExitWorks {
			details = append(details, "over "+protocolName(d.Protocol)+", "+d.Verdict)
		}
	}
	if exit == ExitWorks {
		for _, d := range r.Over {
			details = append(details, protocolName(d.Protocol)+": "+strings.TrimPrefix(d.Verdict, "works: "))
		}
		return exit, "works over " + strings.Join(names(r.Over), " and ") + " — " + strings.Join(details, "; ")
	}
	return exit, strings.Join(outcomes, "; ") + " — " + strings.Join(details, " — ")
}

// outcome is a battery's outcome in a word or two, for the first line of several protocols.
func (d *Diagnosis) outcome() string {
	switch {
	case d.Exit == ExitCannotRun:
		return "could not be diagnosed"
	case d.Problem == ProblemNone:
		return "works"
	case d.Problem == ProblemStall:
		return "stalls"
	case d.Problem == ProblemHang:
		return "hangs"
	}
	return "fails" // refused, or closed: the detail says which
}

func names(ds []*Diagnosis) []string {
	var out []string
	for _, d := range ds {
		out = append(out, protocolName(d.Protocol))
	}
	return out
}

// protocolName is how the output names a protocol.
func protocolName(p conv.Protocol) string {
	switch p {
	case conv.H2:
		return "HTTP/2"
	case conv.H2C:
		return "HTTP/2 (h2c)"
	}
	return "HTTP/1.1"
}
