package suite

import (
	"strings"

	"github.com/expectspec/expectspec/cases"
	"github.com/expectspec/expectspec/harness/conv"
	"github.com/expectspec/expectspec/harness/gateways"
	"github.com/expectspec/expectspec/harness/origin"
	"github.com/expectspec/expectspec/harness/refclient"
	"github.com/expectspec/expectspec/harness/reference"
	"github.com/expectspec/expectspec/harness/target"
)

// The servers a case's Witnesses can name, by name: the reference servers and mutant origins of
// harness/reference, the reference gateways and forward proxy that `expectspec run` embeds, and
// the mutant intermediaries. This is the one file of the witness tests that knows where each
// comes from.

// witnessServer is what a name in a case's Witnesses stands for.
type witnessServer struct {
	name string
	// mutant: a server with one knob broken; breaks are the requirements it declares it breaks.
	mutant bool
	breaks []string
	// role is the role a reference (or a mutant origin) always runs in; "" for a mutant
	// intermediary, whose role depends on the case (roleFor).
	role cases.Role
	// behaviour starts an origin; start an intermediary in front of the suite's origin.
	behaviour reference.Behaviour
	start     func(originAddr string) (string, func(), error)
	// command is a client's command line (role client), "" for servers; {bin} stands for the
	// expectspec binary built for the tests.
	command string
	// h2 is an HTTP/2 reference or mutant (harness/reference/h2.go), served over TLS when
	// secure; protocol is what the suite speaks to the server (HTTP/1.1 when "").
	h2       *reference.H2Behaviour
	secure   bool
	protocol conv.Protocol
}

// httpProtocol is the protocol the suite speaks to s.
func (s witnessServer) httpProtocol() conv.Protocol {
	if s.protocol == "" {
		return conv.HTTP1
	}
	return s.protocol
}

// referenceIntermediaries are the conforming intermediaries of `expectspec run`
// (target.EmbeddedIntermediaries), with the role each is tested in.
var referenceIntermediaries = []struct {
	name  string
	role  cases.Role
	start func(string) (string, func(), error)
}{
	{"ref-gateway-streaming", cases.Gateway, gateways.StartStreaming},
	{"ref-gateway-buffering", cases.Gateway, gateways.StartBuffering},
	{"ref-proxy-streaming", cases.Proxy, gateways.StartStreamingProxy},
}

// witnessServers lists every server a witness row may name.
func witnessServers() map[string]witnessServer {
	out := map[string]witnessServer{}
	for _, b := range reference.Conforming() {
		out[b.Name] = witnessServer{name: b.Name, role: cases.Origin, behaviour: b}
	}
	for _, m := range reference.MutantRecords() {
		out[m.Behaviour.Name] = witnessServer{name: m.Behaviour.Name, mutant: true, breaks: m.Breaks, role: cases.Origin, behaviour: m.Behaviour}
	}
	for _, g := range referenceIntermediaries {
		out[g.name] = witnessServer{name: g.name, role: g.role, start: g.start}
	}
	for _, m := range gateways.Mutants() {
		out[m.Name] = witnessServer{name: m.Name, mutant: true, breaks: m.Breaks, start: m.Start}
	}
	// The HTTP/2 gateways (an h2 front end, HTTP/1.1 to the origin), spoken to in h2c.
	for _, g := range gateways.H2Conforming() {
		out[g.Name] = witnessServer{name: g.Name, role: cases.Gateway, start: g.Start, protocol: g.Protocol}
	}
	for _, m := range gateways.H2Mutants() {
		out[m.Name] = witnessServer{name: m.Name, mutant: true, breaks: m.Breaks, role: cases.Gateway, start: m.Start, protocol: m.Protocol}
	}
	// The HTTP/2 references in h2c under their names, and again over TLS (NAME-tls), which no
	// row names: like every reference, each must pass every case that applies to it.
	for _, b := range reference.H2Conforming() {
		out[b.Name] = witnessServer{name: b.Name, role: cases.Origin, h2: &b, protocol: conv.H2C}
		out[b.Name+"-tls"] = witnessServer{name: b.Name + "-tls", role: cases.Origin, h2: &b, secure: true, protocol: conv.H2}
	}
	for _, m := range reference.H2Mutants() {
		out[m.Behaviour.Name] = witnessServer{name: m.Behaviour.Name, mutant: true, breaks: m.Breaks, role: cases.Origin, h2: &m.Behaviour, protocol: conv.H2C}
	}
	for _, c := range referenceClients {
		out[c.name] = witnessServer{name: c.name, role: cases.ClientUnderTest, command: c.command}
	}
	for _, m := range refclient.Mutants() {
		name := refclient.Name(m.Knob)
		out[name] = witnessServer{name: name, mutant: true, breaks: m.Breaks, role: cases.ClientUnderTest,
			command: "{bin} ref-client --knob " + string(m.Knob) + " {url} {file}"}
	}
	addH2Clients(out)
	return out
}

// referenceClients are the conforming clients the client cases are proven against: the suite's
// reference client, and curl (installed by .ci/run), printing the response content.
var referenceClients = []struct{ name, command string }{
	{refclient.Name(""), "{bin} ref-client {url} {file}"},
	{"ref-client-curl", "curl -sS --data-binary @{file} {url}"},
}

// roleFor is the role server s runs in for row w of case c: a reference's own role; for a mutant
// intermediary the row's Role, else a gateway when the case applies to gateways, else a forward
// proxy (the reference gateways accept absolute-form requests and forward them to their one
// upstream, as a forward proxy would).
func (s witnessServer) roleFor(w cases.Witness, c cases.Case) cases.Role {
	switch {
	case s.role != "":
		return s.role
	case w.Role != "":
		return w.Role
	case hasRole(c, cases.Gateway):
		return cases.Gateway
	}
	return cases.Proxy
}

// targetName names the target server s runs as in role r: its own name, with "@proxy" for a
// mutant intermediary tested as a forward proxy.
func (s witnessServer) targetName(r cases.Role) string {
	if s.role == "" && r == cases.Proxy {
		return s.name + "@proxy"
	}
	return s.name
}

// startAs starts server s as a target in role r; intermediaries sit in front of the origin o.
func (s witnessServer) startAs(r cases.Role, o *origin.Origin) (target.Target, error) {
	switch {
	case s.command != "" && s.protocol == conv.H2:
		return startH2Client(s)
	case s.command != "":
		t, err := target.ParseClient(strings.ReplaceAll(s.command, "{bin}", cliBinary()), s.name, o, "")
		t.Stop = func() {} // nothing runs between its cases
		return t, err
	case s.h2 != nil:
		return target.StartH2Reference(*s.h2, s.secure)
	case s.start == nil:
		return target.StartReference(s.behaviour)
	case r == cases.Proxy:
		return target.StartAsProxy(s.targetName(r), s.start, o)
	}
	t, err := target.StartGateway(s.targetName(r), s.start, o)
	t.Protocol = s.protocol
	return t, err
}

// startTunnel starts the reference plain TCP relay in front of o, as a gateway
// (witness_tunnel_test.go).
func startTunnel(o *origin.Origin) (target.Target, error) {
	return target.StartGateway("ref-tunnel", gateways.StartTunnel, o)
}
