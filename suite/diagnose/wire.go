package diagnose

import (
	"slices"
	"strconv"
	"strings"

	"github.com/expectspec/expectspec/harness/conv"
)

// wire is how a probe's request goes out in one protocol: the same probes are the same steps in
// HTTP/1.1 octets or in HTTP/2 frames, so the battery is written once.
type wire interface {
	// head is the request's header section as a step labelled label, declaring size octets of
	// content and carrying Expect: expect ("" for none). version is the HTTP/1.x minor version
	// ("1.1" or "1.0"); HTTP/2 has only its own.
	head(label, version, expect string, size int64) conv.Step
	// content sends the declared content (Size filler octets), ending the request. ifReusable:
	// only while the connection can still carry it (HTTP/1.1: not after a close was announced).
	content(ifReusable bool) conv.Step
}

func (o Options) wireFor(ep Endpoint, p conv.Protocol) wire {
	if p.IsH2() {
		return h2Wire{o: o, ep: ep, scheme: map[bool]string{true: "https", false: "http"}[ep.TLS != nil]}
	}
	return h1Wire{o: o, ep: ep}
}

// h1Wire writes HTTP/1.x octets.
type h1Wire struct {
	o  Options
	ep Endpoint
}

func (w h1Wire) head(label, version, expect string, size int64) conv.Step {
	return conv.Step{Kind: conv.Send, Label: label, Data: w.o.head(w.ep, version, expect, size), Within: w.o.scaled(finalWait)}
}

func (w h1Wire) content(ifReusable bool) conv.Step {
	return conv.Step{Kind: conv.SendStream, Label: stepContent, Size: w.o.Size, Within: w.o.scaled(finalWait), IfReusable: ifReusable}
}

// h2Wire writes HTTP/2 frames on stream 1: a HEADERS frame without END_STREAM for the head (the
// content follows, RFC 9113 §8.1), and DATA frames ending the stream for the content.
type h2Wire struct {
	o      Options
	ep     Endpoint
	scheme string
}

// h2ConnectionFields are the connection-specific fields RFC 9113 §8.2.2 forbids in HTTP/2 (a
// request carrying one is malformed); a --header naming one is left out of the h2 probes, as an
// HTTP/2 client leaves it out, except `te: trailers`, which §8.2.2 allows (gRPC clients send it).
// CheckHeader already refuses Connection and Transfer-Encoding.
var h2ConnectionFields = []string{"keep-alive", "proxy-connection", "upgrade", "te"}

func (w h2Wire) head(label, _, expect string, size int64) conv.Step {
	fields := []conv.Field{{Name: ":method", Value: w.o.Method}, {Name: ":scheme", Value: w.scheme},
		{Name: ":authority", Value: w.ep.Host}, {Name: ":path", Value: w.ep.Target},
		{Name: "user-agent", Value: "expectspec-diagnose"}}
	for _, h := range w.o.Headers {
		name, value, _ := strings.Cut(h, ":")
		name, value = strings.ToLower(name), strings.TrimSpace(value) // names are lower case in HTTP/2 (RFC 9113 §8.2.1)
		if !slices.Contains(h2ConnectionFields, name) || name == "te" && value == "trailers" {
			fields = append(fields, conv.Field{Name: name, Value: value})
		}
	}
	fields = append(fields, conv.Field{Name: "content-type", Value: "application/octet-stream"},
		conv.Field{Name: "content-length", Value: strconv.FormatInt(size, 10)})
	if expect != "" {
		fields = append(fields, conv.Field{Name: "expect", Value: expect})
	}
	return conv.Headers(label, false, w.o.scaled(finalWait), fields...)
}

// content sends the content whatever came before: HTTP/2 has no connection to announce closed,
// and after an early final the stream is half-closed on the server's side only, where DATA may
// still arrive (RFC 9113 §5.1); a server that wants no more resets the stream.
func (w h2Wire) content(bool) conv.Step {
	st := conv.Data(stepContent, nil, true, w.o.scaled(finalWait))
	st.Size = w.o.Size
	return st
}
