package diagnose

import (
	"context"
	"fmt"

	"github.com/expectspec/expectspec/harness/conv"
	"github.com/expectspec/expectspec/harness/driver"
)

// play is the one place where a probe's connection is made: a fresh connection to the endpoint
// per script (over TLS for https), played by the driver of protocol p (HTTP/1.1, or HTTP/2 over
// TLS with ALPN h2, or h2c by prior knowledge).
func play(ctx context.Context, ep Endpoint, p conv.Protocol, s conv.Script) *conv.Timeline {
	d, err := driver.For(p, driver.Options{TLS: ep.TLS})
	if err != nil {
		return &conv.Timeline{Err: err.Error()}
	}
	return d.Play(ctx, ep.Addr, s)
}

// Battery plays the battery against one endpoint in protocol p, one probe after the other (a
// server with a single worker must not see a stalled probe delay the next), and judges it.
// Against a healthy endpoint it takes well under a second plus the HTTP/1.0 probe's short wait;
// against one that stalls, about continueWait per probe that waits, within 15 s at scale 1.
func Battery(ctx context.Context, ep Endpoint, p conv.Protocol, opt Options) *Diagnosis {
	if opt.Method == "" {
		opt.Method = "POST"
	}
	if opt.Size <= 0 {
		opt.Size = DefaultSize
	}
	d := &Diagnosis{Endpoint: ep, Protocol: p, wait: opt.waitFor100(), finalWait: opt.scaled(finalWait)}
	probes := opt.battery(ep, p)
	for i, pr := range probes {
		if ctx.Err() != nil {
			break
		}
		tl := play(ctx, ep, p, pr.Script)
		d.Probes = append(d.Probes, ProbeResult{Name: pr.Name, Asks: pr.Asks, Timeline: tl, Seen: observe(tl)})
		// Without a working plain upload nothing else can be read: stop after the baseline.
		if i == 0 && d.cannotRun(d.Probes[0].Seen) != "" {
			break
		}
	}
	if ctx.Err() != nil && len(d.Probes) < len(probes) {
		d.Exit, d.Verdict = ExitCannotRun, "the diagnosis was interrupted"
		return d
	}
	d.judge()
	return d
}

// Hop is one hop of a chain to diagnose: a name of the user's and the URL where it listens.
type Hop struct {
	Name     string
	Endpoint Endpoint
}

// Chain is the diagnosis of several hops.
type Chain struct {
	Hops    []Hop
	Results []*Report
	// Broken is the index of the first hop, in the order given, whose uploads with Expect fail or
	// stall; -1 when none does.
	Broken int
	Exit   int
}

// RunHops diagnoses each hop in the order given and finds the first that breaks the handshake.
// Given from the app outwards (app, proxy, load balancer), the first to break is the one to fix:
// every hop in front of it inherits the break.
func RunHops(ctx context.Context, hops []Hop, opt Options) *Chain {
	c := &Chain{Hops: hops, Broken: -1}
	var exits []int
	for _, h := range hops {
		r := Run(ctx, h.Endpoint, opt)
		c.Results = append(c.Results, r)
		if r.Exit == ExitBroken && c.Broken < 0 {
			c.Broken = len(c.Results) - 1
		}
		exits = append(exits, r.Exit)
	}
	c.Exit = worstExit(exits...)
	return c
}

// Summary is the first line of a chain's diagnosis.
func (c *Chain) Summary() string {
	if c.Broken >= 0 {
		h, d := c.Hops[c.Broken], c.Results[c.Broken]
		line := fmt.Sprintf("the handshake first breaks at %s (%s): %s", h.Name, h.Endpoint.URL, d.Verdict)
		if c.Broken > 0 && c.Results[c.Broken-1].Exit == ExitWorks {
			line += fmt.Sprintf("; %s, listed before it, works", c.Hops[c.Broken-1].Name)
		}
		return line
	}
	for i, d := range c.Results {
		if d.Exit == ExitCannotRun {
			return fmt.Sprintf("no hop breaks the handshake, but %s could not be diagnosed: %s", c.Hops[i].Name, d.Verdict)
		}
	}
	return fmt.Sprintf("works at every hop (%d): no hop breaks the handshake", len(c.Hops))
}
