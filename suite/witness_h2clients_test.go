package suite

import (
	"strings"

	"github.com/expectspec/expectspec/cases"
	"github.com/expectspec/expectspec/harness/conv"
	"github.com/expectspec/expectspec/harness/refclient"
	"github.com/expectspec/expectspec/harness/target"
)

// The clients over HTTP/2 that the HTTP/2 client cases (T44) are proven against, each with a
// TLS origin of its own that offers h2 by ALPN (target.StartH2Origin): the suite's reference
// client with --h2, Go's net/http client (its bundled HTTP/2 transport, which keeps a response
// that a RST_STREAM(NO_ERROR) follows), and the reference's HTTP/2 mutant.
var referenceH2Clients = []struct{ name, command string }{
	{"ref-client-h2", "{bin} ref-client --h2 --ca {ca} {url} {file}"},
	{"ref-client-go-h2", "{bin} go-client --ca {ca} {url} {file}"},
}

// addH2Clients adds the HTTP/2 clients to the witness servers; the HTTP/2 mutant replaces the
// HTTP/1.1 command its knob got with the others.
func addH2Clients(out map[string]witnessServer) {
	for _, c := range referenceH2Clients {
		out[c.name] = witnessServer{name: c.name, role: cases.ClientUnderTest, command: c.command, protocol: conv.H2}
	}
	k := refclient.H2DiscardsOnReset
	name := refclient.Name(k)
	out[name] = witnessServer{name: name, mutant: true, breaks: out[name].breaks, role: cases.ClientUnderTest, protocol: conv.H2,
		command: "{bin} ref-client --h2 --knob " + string(k) + " --ca {ca} {url} {file}"}
}

// startH2Client starts the HTTP/2 origin of client s; the target's Stop closes it.
func startH2Client(s witnessServer) (target.Target, error) {
	o, caFile, stop, err := target.StartH2Origin()
	if err != nil {
		return target.Target{}, err
	}
	t, err := target.ParseClient(strings.ReplaceAll(s.command, "{bin}", cliBinary()), s.name, o, caFile)
	if err != nil {
		stop()
		return target.Target{}, err
	}
	t.Protocol, t.Stop = conv.H2, stop
	return t, nil
}
