package cases

import (
	"bytes"
	"fmt"
	"sort"

	"github.com/expectspec/expectspec/harness/conv"
)

// A tunnel relays octets without reading them as HTTP (a plain TCP relay such as pen). RFC 9110
// §3.7 says it is not an HTTP intermediary: none of the intermediary's requirements bind it, and
// whatever the client sees through it is the origin behind it, here the suite's own scripted
// origin. Judged as a gateway, a tunnel would be given the verdict of the suite's origin: a
// failure of the origin's own parsing (T10b's content read as a request), or a "forwarded the
// malformed line unchanged" that the RFC does not ask of a tunnel. So a case run through an
// intermediary that relayed its octets unchanged in both directions is not applicable, and the
// reason says so.

// Tunnelled reports whether the intermediary relayed this case's octets unchanged in both
// directions: every request head the origin recorded is, octet for octet, a run of what the
// client sent, and the client received exactly the octets the origin sent, in order. An HTTP
// intermediary rewrites something on the way (Via, Connection, the status line it generates,
// the gateway prefix); one that changes nothing in either direction is a tunnel for this
// exchange, whatever it is inside. It says nothing when either side was not recorded in full
// (a bound on what was kept), or when the origin sent nothing.
func Tunnelled(tl *conv.Timeline, recs []conv.OriginRecord) (string, bool) {
	if tl == nil {
		return "", false
	}
	// runs are the client's writes as kept, split where the timeline kept less than was written
	// (a streamed or clipped write): a head is looked for inside one run.
	var runs [][]byte
	var cur, recv []byte
	for _, e := range tl.Events {
		switch e.Kind {
		case conv.EvSent:
			cur = append(cur, e.Data...)
			if int64(len(e.Data)) != e.N {
				runs, cur = append(runs, cur), nil
			}
		case conv.EvRecv:
			if int64(len(e.Data)) != e.N {
				return "", false
			}
			recv = append(recv, e.Data...)
		}
	}
	runs = append(runs, cur)
	sentHead := func(h []byte) bool {
		for _, r := range runs {
			if bytes.Contains(r, h) {
				return true
			}
		}
		return false
	}
	var writes []conv.Sent
	heads := 0
	for _, rec := range recs {
		for i := range rec.Requests {
			q := &rec.Requests[i]
			if len(q.Head) == 0 || !sentHead(q.Head) {
				return "", false
			}
			heads++
			writes = append(writes, q.Sent...)
		}
	}
	if heads == 0 || len(writes) == 0 {
		return "", false
	}
	sort.SliceStable(writes, func(a, b int) bool { return writes[a].At < writes[b].At })
	var upstream []byte
	for _, w := range writes {
		upstream = append(upstream, w.Msg...)
	}
	if !bytes.Equal(upstream, recv) {
		return "", false
	}
	return fmt.Sprintf("the origin received %d request head(s) octet for octet as the client sent them, and the client received the origin's %d octets unchanged", heads, len(recv)), true
}

// ThroughTunnel turns the outcome of a case run through an intermediary that turned out to be a
// tunnel for it (Tunnelled) into na, keeping what the case saw in the reason. Outcomes that are
// already na or error stay as they are.
func ThroughTunnel(out Outcome, tl *conv.Timeline, recs []conv.OriginRecord) Outcome {
	if out.Verdict == NA || out.Verdict == Error {
		return out
	}
	how, ok := Tunnelled(tl, recs)
	if !ok {
		return out
	}
	return Outcome{Verdict: NA, Reason: fmt.Sprintf("the target relayed this case's octets unchanged in both directions (%s), as a tunnel does: "+
		"RFC 9110 §3.7 says a tunnel is not an HTTP intermediary, so the requirements of this case do not bind it, "+
		"and what the client saw was the suite's own origin showing through. What the case saw through it: %s: %s", how, out.Verdict, out.Reason)}
}
