package target

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/expectspec/expectspec/harness/conv"
	"github.com/expectspec/expectspec/harness/driver"
)

// The checks send the same requests over every protocol: a checkRequest is one of them, and
// steps writes it for the target's protocol — an HTTP/1.1 request as octets, an HTTP/2 one as a
// HEADERS frame (and DATA for its content) on stream 1. The answer is read the same way from
// either timeline (readAnswer), and the driver is the target's (driver.For).

// checkRequest is one request a check sends to the upload resource.
type checkRequest struct {
	method string
	fields []conv.Field // after Host, as HTTP/1.1 spells them (lowercased for HTTP/2)
	body   []byte       // the content, sent after the head unless hold
	close  bool         // HTTP/1.1: ask for the connection's close (Connection: close)
	hold   bool         // send the head only: the content it announces is withheld
}

// steps writes q for t's protocol; each write has a deadline of within.
func (t Target) steps(label string, q checkRequest, within time.Duration) []conv.Step {
	if !t.HTTPProtocol().IsH2() {
		var b strings.Builder
		b.WriteString(q.method + " " + t.Path + " HTTP/1.1\r\nHost: " + t.Host + "\r\n")
		for _, f := range q.fields {
			b.WriteString(f.Name + ": " + f.Value + "\r\n")
		}
		if q.close {
			b.WriteString("Connection: close\r\n")
		}
		b.WriteString("\r\n")
		if !q.hold {
			b.Write(q.body)
		}
		return []conv.Step{{Kind: conv.Send, Label: label, Data: []byte(b.String()), Within: within}}
	}
	scheme := "http"
	if t.TLS != nil {
		scheme = "https"
	}
	fields := []conv.Field{{Name: ":method", Value: q.method}, {Name: ":scheme", Value: scheme},
		{Name: ":authority", Value: t.Host}, {Name: ":path", Value: t.Path}}
	for _, f := range q.fields {
		fields = append(fields, conv.Field{Name: strings.ToLower(f.Name), Value: f.Value})
	}
	headOnly := len(q.body) == 0 && !q.hold
	out := []conv.Step{conv.Headers(label, headOnly, within, fields...)}
	if len(q.body) > 0 && !q.hold {
		out = append(out, conv.Data(label+" content", q.body, true, within))
	}
	return out
}

// withContent is q announcing its content with Content-Length (after the fields it has).
func withContent(q checkRequest, body string) checkRequest {
	q.body = []byte(body)
	q.fields = append(q.fields, conv.Field{Name: "Content-Length", Value: strconv.Itoa(len(body))})
	return q
}

// plainGET is the probe's and the capacity measurement's request.
var plainGET = checkRequest{method: "GET", close: true}

// checkScript sends one request and waits, within wait, for the head of its final response (or
// of a 101); the 1xx before it are read on the way, and a body is not awaited.
func checkScript(t Target, label string, q checkRequest, wait time.Duration) conv.Script {
	return conv.Script{Steps: append(t.steps(label, q, wait),
		conv.Step{Kind: conv.Await, Label: label + " answer", Until: conv.UntilFinalHead, Count: 1, Within: wait})}
}

// run plays a script against t with the driver of its protocol, over TLS when t has it.
func run(ctx context.Context, t Target, s conv.Script, opt driver.Options) *conv.Timeline {
	opt.TLS = t.TLS
	d, err := driver.For(t.HTTPProtocol(), opt)
	if err != nil { // a protocol without a driver: the checks say so as they say a refusal
		return &conv.Timeline{Err: err.Error()}
	}
	return d.Play(ctx, t.Address, s)
}

// speaks names what the target must speak, as the checks' reasons say it.
func (t Target) speaks() string {
	switch t.HTTPProtocol() {
	case conv.H2:
		return "HTTP/2 (h2 over TLS)"
	case conv.H2C:
		return "HTTP/2 in cleartext (h2c by prior knowledge)"
	}
	return "HTTP/1.x"
}
