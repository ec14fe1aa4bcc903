package suite

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/expectspec/expectspec/cases"
	"github.com/expectspec/expectspec/harness/conv"
	"github.com/expectspec/expectspec/harness/target"
)

// Before any case runs, each target meets three checks (harness/target): the baseline probe,
// the target-contract check and the capacity measurement. A target that fails one is not
// tested, but the run still ends with results.json and junit.xml: every selected case of that
// target is error, its reason naming the check and what the target did, so a CI job shows a
// report that says why instead of none (matrix does the same for a server that does not start).
// The other targets are tested as usual; the exit status is 2.

// check names one of the checks before the cases, as the reasons say it.
type check string

const (
	checkTLS       check = "the TLS handshake"
	checkTLSH2     check = "the TLS handshake for h2"
	checkProbe     check = "the baseline probe"
	checkContract  check = "the target-contract check"
	checkCapacity  check = "the capacity measurement"
	checkClientRun check = "the client check"
)

// what says what each check does, after the reason's first sentence.
var what = map[check]string{
	checkTLS:       "The target is reached over TLS (an https URL): the suite makes a handshake before every connection, offering ALPN http/1.1.",
	checkTLSH2:     "The target is reached over TLS (an https URL) in HTTP/2: the suite makes a handshake before every connection, offering ALPN h2, which the server must select.",
	checkProbe:     "The baseline probe sends a plain GET of the upload resource three times; it measures the round trip that every wait of the cases is scaled by.",
	checkContract:  "The target-contract check sends a POST with 5 octets of content to the upload resource, which must answer 2xx after reading it.",
	checkCapacity:  "The capacity measurement sends a plain GET while other connections wait to send their content, to find how many cases may run at once.",
	checkClientRun: "The client check runs the command once against a plain upload resource of the suite's server, which answers 200: it must send a request there and exit 0.",
}

// checkFailure is a target that failed one of the checks: none of its cases runs.
type checkFailure struct {
	target string
	check  check
	err    error
}

// reason is the reason of each of the target's cells.
func (c checkFailure) reason() string {
	return fmt.Sprintf("not run: %s failed, so no case was sent: %v. %s", c.check, c.err, what[c.check])
}

// checksFailed joins the failures into the one-line error Run returns (the CLI prints it on
// stderr).
func checksFailed(fs []checkFailure) error {
	var msgs []string
	for _, f := range fs {
		msgs = append(msgs, f.err.Error())
	}
	return errors.New(strings.Join(msgs, "; "))
}

// prepareTargets runs the checks against every target, in order, and measures what the cases'
// timing rests on. It stops early, with interrupted set, when the run is interrupted.
func prepareTargets(ctx context.Context, cfg Config) (ps []prepared, failed []checkFailure, interrupted bool) {
	for i, t := range cfg.Targets {
		if _, ok := InterruptOf(ctx); ok {
			return ps, failed, true
		}
		p, f := prepareTarget(ctx, cfg, t)
		cfg.Targets[i].Negotiated = p.t.Negotiated // for the results file (Run's own copy of the list)
		if _, ok := InterruptOf(ctx); ok {
			return ps, failed, true
		}
		if f != nil {
			fmt.Fprintf(cfg.Stdout, "target %s (%s) at %s: %s failed: %v\n", t.Name, t.Role, t.Address, f.check, f.err)
			failed = append(failed, *f)
			continue
		}
		ps = append(ps, p)
	}
	return ps, failed, false
}

func prepareTarget(ctx context.Context, cfg Config, t target.Target) (prepared, *checkFailure) {
	if t.Role == target.RoleClient {
		return prepareClient(ctx, cfg, t)
	}
	negotiated, err := target.Handshake(ctx, t)
	if err != nil {
		c := checkTLS
		if t.HTTPProtocol() == conv.H2 {
			c = checkTLSH2
		}
		return prepared{}, &checkFailure{t.Name, c, err}
	}
	t.Negotiated = negotiated
	rtt, err := target.Probe(ctx, t, 3)
	if err != nil {
		return prepared{t: t}, &checkFailure{t.Name, checkProbe, err}
	}
	if err := target.CheckContract(ctx, t); err != nil {
		return prepared{t: t}, &checkFailure{t.Name, checkContract, err}
	}
	timing := cases.DefaultTiming(rtt, cfg.TimeoutScale)
	capacity, err := target.Capacity(ctx, t, cfg.Concurrency, timing.Immediate)
	if err != nil {
		return prepared{t: t}, &checkFailure{t.Name, checkCapacity, err}
	}
	if capacity < cfg.Concurrency {
		fmt.Fprintf(cfg.Stdout, "target %s stops answering while %d connections wait for content: running %d case(s) at a time against it\n", t.Name, 2*capacity, capacity)
	}
	via := ""
	if t.Intermediary() {
		via = " in front of the suite's origin at " + t.OriginAuthority
	}
	over := ""
	if t.Negotiated != "" {
		over = " over " + t.Negotiated
	} else if t.HTTPProtocol() == conv.H2C {
		over = " in h2c (HTTP/2 by prior knowledge)"
	}
	fmt.Fprintf(cfg.Stdout, "target %s (%s) at %s%s%s: baseline round trip %s\n", t.Name, t.Role, t.Address, over, via, rtt.Round(10*time.Microsecond))
	return prepared{t: t, env: Env(t, timing), capacity: capacity}, nil
}

// clientCapacity bounds how many commands of one client under test run at once: each may be a
// process that starts a runtime, and the cases time what the client does.
const clientCapacity = 4

// prepareClient runs the client check (checkClient). The suite's server is on loopback, so the
// timing rests on a nominal round trip of 1 ms: the waits the cases measure are the client's own.
func prepareClient(ctx context.Context, cfg Config, t target.Target) (prepared, *checkFailure) {
	timing := cases.DefaultTiming(time.Millisecond, cfg.TimeoutScale)
	shows, err := checkClient(ctx, t, timing)
	if err != nil {
		return prepared{}, &checkFailure{t.Name, checkClientRun, err}
	}
	env := Env(t, timing)
	env.ClientShowsContent = shows
	output := "its output shows response content"
	if !shows {
		output = "its output shows no response content, so the 1xx cases can only tell whether it completed"
	}
	over := ""
	if t.CAFile != "" {
		over = " over TLS (its authority: " + t.CAFile + ")"
	}
	fmt.Fprintf(cfg.Stdout, "client %s against the suite's server at %s%s: %s\n", t.Name, t.OriginAuthority, over, output)
	return prepared{t: t, env: env, capacity: min(cfg.Concurrency, clientCapacity)}, nil
}
