package cases

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/expectspec/expectspec/harness/conv"
)

// Helpers of the intermediary cases (gateway.go, proxy_*.go): requests addressed to the suite's
// origin through the intermediary, and observations that read both sides, what the client saw
// (the timeline) and what the origin saw (the record).
//
// The two sides have different clocks: timeline offsets count from the client's connection,
// record offsets from the registration of the case at the origin, which the suite does just
// before it dials. Under load the two origins lie hundreds of milliseconds apart, so judges never
// compare a time of one side with a time of the other: they compare each side's times with that
// side's own events (the content reached the origin so long after the head; the client got its
// answer so long after sending its head), and reasons give them that way.

// chainHost is the Host of a request through the intermediary: the origin's authority through a
// forward proxy (its request-target is in absolute form for that authority), the target's own
// host through a gateway.
func chainHost(env Env) string {
	if env.Role == Proxy {
		return env.OriginAuthority
	}
	return env.Host
}

// chainRequest is a request head to a resource of the case at the suite's origin, with the
// given version and field lines written exactly as given (Host first).
func chainRequest(env Env, method, resource, proto string, fields ...string) []byte {
	ls := []string{method + " " + env.Target(resource) + " " + proto, "Host: " + chainHost(env)}
	return lines(append(ls, fields...)...)
}

// chainPost is the usual upload of the intermediary cases: POST over HTTP/1.1 with a
// Content-Length and the given field lines.
func chainPost(env Env, resource string, contentLength int, fields ...string) []byte {
	return chainRequest(env, "POST", resource, "HTTP/1.1", append([]string{"Content-Length: " + strconv.Itoa(contentLength)}, fields...)...)
}

// chainFollowUp is a complete request sent after a case's main exchange on the same connection;
// it asks for a close, so the end of the conversation is a FIN rather than a timed silence.
func chainFollowUp(env Env) string {
	return string(chainPost(env, "echo", len(body), "Connection: close")) + body
}

// chainRole names the intermediary in reasons.
func chainRole(env Env) string {
	if env.Role == Proxy {
		return "the proxy"
	}
	return "the gateway"
}

// chainFirstRequest is the case's first request as the origin received it.
func chainFirstRequest(rec conv.OriginRecord) (*conv.OriginRequest, bool) {
	if len(rec.Requests) == 0 {
		return nil, false
	}
	return &rec.Requests[0], true
}

// rawStatuses lists the status codes of the response messages in raw, in order. raw is the
// origin's own script, read leniently: after a final response with a Content-Length the content
// is skipped; a 1xx ends at its empty line whatever it carries.
func rawStatuses(raw conv.RawMessage) []int {
	var out []int
	b := []byte(raw)
	for len(b) > 0 {
		end := bytes.Index(b, []byte("\r\n\r\n"))
		if end < 0 {
			break
		}
		head := string(b[:end])
		b = b[end+4:]
		ls := strings.Split(head, "\r\n")
		parts := strings.SplitN(ls[0], " ", 3)
		if len(parts) < 2 {
			break
		}
		code, err := strconv.Atoi(parts[1])
		if err != nil {
			break
		}
		out = append(out, code)
		if code < 200 {
			continue
		}
		for _, l := range ls[1:] {
			name, value, _ := strings.Cut(l, ":")
			if strings.EqualFold(strings.TrimSpace(name), "Content-Length") {
				if n, err := strconv.Atoi(strings.TrimSpace(value)); err == nil && n <= len(b) {
					b = b[n:]
				}
			}
		}
	}
	return out
}

// originSent is one response message the origin wrote for a request, with when (origin clock).
type originSent struct {
	At     time.Duration
	Status int
}

// originMessages lists every response message the origin wrote for q, in order.
func originMessages(q *conv.OriginRequest) []originSent {
	var out []originSent
	for _, s := range q.Sent {
		for _, code := range rawStatuses(s.Msg) {
			out = append(out, originSent{At: s.At, Status: code})
		}
	}
	return out
}

// originInterims lists the status codes of the 1xx the origin sent for q, in order.
func originInterims(q *conv.OriginRequest) []int {
	var out []int
	for _, m := range originMessages(q) {
		if m.Status < 200 {
			out = append(out, m.Status)
		}
	}
	return out
}

// clientInterims lists the status codes of the 1xx the client received, in order.
func clientInterims(tl *conv.Timeline) []int {
	var out []int
	for _, m := range tl.Messages() {
		if m.Msg.Interim() {
			out = append(out, m.Msg.Status)
		}
	}
	return out
}

// missingInOrder returns the members of want that got does not hold as a subsequence, matching
// greedily in order: what an intermediary failed to pass on. Extra members of got (an
// intermediary's own 100) are allowed.
func missingInOrder(want, got []int) []int {
	var missing []int
	i := 0
	for _, w := range want {
		j := i
		for j < len(got) && got[j] != w {
			j++
		}
		if j == len(got) {
			missing = append(missing, w)
			continue
		}
		i = j + 1
	}
	return missing
}

// chainCodes renders status codes for reasons: "100, 102, 103" or "none".
func chainCodes(cs []int) string {
	if len(cs) == 0 {
		return "none"
	}
	s := make([]string, len(cs))
	for i, c := range cs {
		s[i] = strconv.Itoa(c)
	}
	return strings.Join(s, ", ")
}

// chainReceived concatenates every octet the client read, for checks on the raw bytes an
// intermediary relayed (bounded by what the driver keeps of each read).
func chainReceived(tl *conv.Timeline) []byte {
	var b []byte
	for _, e := range tl.Events {
		if e.Kind == conv.EvRecv {
			b = append(b, e.Data...)
		}
	}
	return b
}

// chainFinalsBefore counts the final responses read before the step label was sent (all of
// them if it never was).
func chainFinalsBefore(tl *conv.Timeline, label string) int {
	at, ok := tl.StepAt(label)
	n := 0
	for _, m := range tl.Finals() {
		if !ok || m.At < at {
			n++
		}
	}
	return n
}

// contentStart is when the first content octet of q reached the origin (origin clock), and
// whether any did.
func contentStart(q *conv.OriginRequest) (time.Duration, bool) {
	if len(q.ContentAt) == 0 {
		return 0, false
	}
	return q.ContentAt[0].At, true
}

// closedByPeer: the connection of q ended by the sender's close (FIN or RST), not by the
// origin's own close, its idle timeout or a bound.
func closedByPeer(q *conv.OriginRequest) bool {
	return q.Closed && (q.ClosedBy == conv.ClosedByPeer || q.ClosedBy == conv.ClosedByReset)
}

// headAhead reports whether the intermediary sent the header section upstream on its own, at
// least lead before the content: judged on the origin's clock alone.
func headAhead(q *conv.OriginRequest, lead time.Duration) bool {
	if !q.HeadBeforeContent {
		return false
	}
	at, ok := contentStart(q)
	return !ok || at-q.HeadAt >= lead
}

// describeArrival says how the request's head reached the origin: with or without Expect, and,
// with Expect, alone or with content (times on the origin's clock only, relative to each other).
func describeArrival(q *conv.OriginRequest) string {
	expect := "without Expect"
	if q.ExpectSeen {
		expect = "with Expect: " + strings.Join(q.ExpectValues, ", ")
	}
	how := "and no content declared"
	if q.DeclaredLength > 0 || q.Framing == "chunked" {
		at, ok := contentStart(q)
		switch {
		case !q.ExpectSeen && (ok || !q.HeadBeforeContent):
			// Without Expect nobody upstream decides anything on the head alone, so whether the
			// content came in the head's read or a later one is only how the octets fell; saying
			// it made the reason differ from run to run.
			how = "followed by the content"
		case !q.HeadBeforeContent:
			how = "together with content"
		case ok:
			how = fmt.Sprintf("before any content (the content followed %s later)", ms(at-q.HeadAt))
		default:
			how = "and no content after it"
		}
	}
	return fmt.Sprintf("the origin received the header section %s, %s", expect, how)
}

// answeredOnHead returns the first message the origin sent for q before any content reached it.
func answeredOnHead(q *conv.OriginRequest) (originSent, bool) {
	at, hasContent := contentStart(q)
	for _, s := range originMessages(q) {
		if !hasContent || s.At < at || q.EarlyFinal && s.Status >= 200 {
			return s, true
		}
	}
	return originSent{}, false
}

// fieldsNamed returns the field lines named name (case-insensitive, whitespace before the
// colon ignored) that arrived.
func fieldsNamed(q *conv.OriginRequest, name string) []conv.Field {
	var out []conv.Field
	for _, f := range q.Fields {
		if strings.EqualFold(strings.TrimRight(f.Name, " \t"), name) {
			out = append(out, f)
		}
	}
	return out
}
