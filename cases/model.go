// Package cases is the catalogue: each case is a value with a stable ID, the claim it checks in
// plain words, the requirements it cites, its sides (the script the suite plays as a client, what
// the suite's own origin does behind an intermediary) and one judge of what the sides observed.
// It does no I/O; the suite plays the sides with the harness and hands what they saw to the judge.
//
// It may import harness/conv and nothing else of the module (suite/arrows_test.go).
package cases

import (
	"fmt"
	"slices"
	"time"

	"github.com/expectspec/expectspec/harness/conv"
)

// Role is the part a target plays on the connection the suite opens to it (conv.Role).
type Role = conv.Role

const (
	Origin  = conv.RoleOrigin
	Gateway = conv.RoleGateway // judged as an origin towards the client (RFC 9110 §3.7)
	Proxy   = conv.RoleProxy
	// ClientUnderTest is a client the suite runs as a command against its own scripted origin
	// (client.go): the case has an Origin side and no Client script.
	ClientUnderTest = conv.RoleClient
)

// Verdict is a case's result on one target (CATALOGUE.md, "Verdicts").
type Verdict string

const (
	Pass  Verdict = "pass"
	Fail  Verdict = "fail"
	Warn  Verdict = "warn"
	Info  Verdict = "info"
	NA    Verdict = "na"
	Error Verdict = "error"
)

// severity orders verdicts for "the worst finding wins". na and error are not findings of the
// target's behaviour; a judge that returns them returns them alone.
func (v Verdict) severity() int {
	switch v {
	case Fail:
		return 4
	case Warn:
		return 3
	case Info:
		return 2
	case Pass:
		return 1
	}
	return 0
}

// Timing holds every wait a case may use. All of them are already scaled by --timeout-scale.
type Timing struct {
	// RTT0 is the measured baseline: time to the first byte of a trivial request on a fresh
	// connection.
	RTT0 time.Duration
	// Immediate is the pass bound for "immediate": RTT0 + 1 s (libcurl's default wait for a 100).
	Immediate time.Duration
	// Max is how long to wait for a first response while the content is withheld (T_max); nothing
	// by then means the server is waiting for the content.
	Max time.Duration
	// Response is how long to wait for a final response once the content has been sent.
	Response time.Duration
	// Quiet is the negative wait: how long silence must last before the suite concludes that
	// nothing more is coming. It is as short as the claims allow, since a conforming target pays it.
	Quiet time.Duration
}

// Prompt is half the immediate bound: the margin the chain cases use to tell an answer decided on
// the header section (or a head forwarded ahead of the content) from one sent by a timer. Timers
// like Go's 1 s ExpectContinueTimeout race the client's own 1 s wait, so a bound at Immediate
// itself would put them on either side from run to run; half of it keeps a clear gap on both
// sides.
func (t Timing) Prompt() time.Duration { return t.Immediate / 2 }

// DefaultTiming returns the timing for a measured RTT0 and a scale factor.
func DefaultTiming(rtt0 time.Duration, scale float64) Timing {
	s := func(d time.Duration) time.Duration { return time.Duration(float64(d) * scale) }
	quiet := s(300*time.Millisecond) + 4*rtt0
	return Timing{
		RTT0:      rtt0,
		Immediate: rtt0 + s(time.Second),
		Max:       s(10 * time.Second),
		Response:  s(5 * time.Second),
		Quiet:     quiet,
	}
}

// Env is what a case knows about the target it runs against: pure data, decided by the suite.
type Env struct {
	Host string // the Host header value
	// Path is the upload resource of the target contract: it accepts a POST with up to 1 KiB of
	// content and answers 2xx after reading it.
	Path string
	// EarlyPath is a resource the target answers with a final status decided from the header
	// section alone (by default a sibling path that does not exist, usually a 404).
	EarlyPath string
	// UpgradeProtocol is the protocol token offered in the Upgrade case.
	UpgradeProtocol string
	Timing          Timing

	// Protocol is the HTTP version the suite speaks to the target (its driver is chosen by it).
	// A case runs only over the protocols it applies to (Case.AppliesTo).
	Protocol conv.Protocol
	// Secure says the suite speaks TLS to the target (an https URL): an h2 request's :scheme is
	// then https. How the connection is secured is the suite's business (Play), not the case's:
	// a judge reads the same messages either way.
	Secure bool
	// Role is the part the target plays. Through a forward proxy request-targets are in absolute
	// form for OriginAuthority (the origin's host:port); through a gateway they are origin-form.
	Role Role

	// For intermediary cases (a Case with an Origin): Token names this case's requests to the
	// suite's origin; the origin follows the case's OriginScript for them and records them under
	// it.
	Token           string
	OriginAuthority string
	// Prefix is a gateway's path prefix ("/api"): the gateway strips it before forwarding, so
	// request-targets sent to the gateway carry it.
	Prefix string

	// For a client under test (Role ClientUnderTest): Command is its command line as given,
	// placeholders unfilled; ClientShowsContent says whether it prints the content of the
	// responses it gets (the client check before the cases saw a final response's content in
	// its output), which is what lets a judge see which response it returned.
	Command            string
	ClientShowsContent bool
	// ClientTLS says the suite's server speaks TLS to a client under test (run --client-tls): its
	// {url} is then https. No judge reads it: the cases judge the same HTTP/1.1 either way.
	ClientTLS bool
}

// Target returns the request-target for a resource of this case's token at the suite's origin:
// "<prefix>/__expectspec/<token>/<resource>" through a gateway, "http://<origin>/__expectspec/…"
// through a forward proxy and for a client under test (its {url}; https:// when ClientTLS is set).
func (e Env) Target(resource string) string {
	p := conv.OriginPath(e.Token, resource)
	if e.Role == ClientUnderTest && e.ClientTLS {
		return "https://" + e.OriginAuthority + p
	}
	if e.Role == Proxy || e.Role == ClientUnderTest {
		return "http://" + e.OriginAuthority + p
	}
	return e.Prefix + p
}

// Case is one entry of the catalogue.
type Case struct {
	ID       string // stable, semantic: "origin/immediate-100"; never a position
	Scenario string // the wire scenario, e.g. "T01" (CATALOGUE.md names them)
	Title    string // the claim, in the project's own words
	// Requirements are catalogue IDs (requirements.go) this case checks.
	Requirements []string
	Roles        []Role
	// Protocols are the protocols the case applies to (AppliesTo); none means HTTP/1.1 only,
	// which every case written before HTTP/2 is. A case whose script is made of h2 steps
	// names conv.H2 and conv.H2C.
	Protocols []conv.Protocol
	// Client is the script the suite plays as the target's client; nil when the target is the
	// client (role ClientUnderTest).
	Client func(Env) conv.Script
	// Upload is, for a client case, the size of the content file ({file}, {size}) the client is
	// asked to upload: large enough (2 MiB) that clients which add Expect only above a threshold
	// (curl: 1 MiB) add it, or small where the case needs content sent without Expect.
	Upload int64
	// Origin is what the suite's own scripted origin does with the case's requests; nil when no
	// server of the suite's is involved (the target is the origin). A case with an Origin is an
	// intermediary (chain) case: it runs through a gateway or a forward proxy to that origin.
	Origin func(Env) conv.OriginScript
	// Judge reads what the sides observed (sides.go) and concludes; Decide calls it.
	Judge func(Env, Observed) Outcome
	// Tolerates417 says, from the origin's record, when the intermediary's own 417 to a lone
	// 100-continue fits the case (RFC 9110 §10.1.1: the chain does not support expectations, as
	// with a next hop known to speak HTTP/1.0, or a backend that holds the header section); nil
	// for none. Decide warns on every other such 417.
	Tolerates417 func(conv.OriginRecord) bool
	// Witnesses are the servers the case is proven against: references it passes, mutants it
	// fails or warns (witness.go). Literals list them right after Requirements.
	Witnesses []Witness
}

// AppliesTo reports whether the case runs over protocol p: one of Protocols, or HTTP/1.1 when
// the case names none.
func (c Case) AppliesTo(p conv.Protocol) bool {
	if len(c.Protocols) == 0 {
		return p == conv.HTTP1
	}
	return slices.Contains(c.Protocols, p)
}

// Budget is the longest the case can take against any target: the sum of its steps' deadlines.
// The suite uses it (plus a margin) as the per-entry timeout.
func (c Case) Budget(env Env) time.Duration {
	if c.Client == nil && c.Origin != nil && env.Role == ClientUnderTest {
		// the client's whole run: long enough for a wait beyond T_max that still ends
		return env.Timing.Max + env.Timing.Response
	}
	if c.Client == nil {
		return 0
	}
	var d time.Duration
	for _, s := range c.Client(env).Steps {
		d += s.Within
	}
	return d
}

// Outcome is a judge's conclusion.
type Outcome struct {
	Verdict Verdict
	Reason  string
	// Requirements are the IDs the verdict rests on: for a fail, the requirements broken.
	Requirements []string
	// Fix says what to change, for fail and warn.
	Fix string
	// BreaksUploads is set (to Refuses100Continue) when the target answered 417 to a lone
	// 100-continue: whatever the verdict, uploads that send Expect fail there, and the overview
	// says so.
	BreaksUploads string
}

func (o Outcome) String() string {
	return fmt.Sprintf("%s %v: %s", o.Verdict, o.Requirements, o.Reason)
}
