package suite

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/expectspec/expectspec/harness/conv"
	"github.com/expectspec/expectspec/results"
)

// The origin's side of a case run through an intermediary, for the results trace (entries with
// dir "origin") and the failure message. Offsets count from the case's registration at the
// origin, just before the suite dials the intermediary, so they interleave with the client's
// entries to within the time of a connect.

// maxContentEntries bounds the content reads listed one by one per request; the rest are summed.
const maxContentEntries = 16

type originLine struct {
	at   time.Duration
	text string
}

// originLines describes what the origin recorded, in order of time.
func originLines(recs []conv.OriginRecord) []originLine {
	var out []originLine
	add := func(at time.Duration, format string, a ...any) {
		out = append(out, originLine{at, fmt.Sprintf(format, a...)})
	}
	seenConn := map[int]bool{}
	for _, rec := range recs {
		if len(rec.Requests) == 0 {
			continue
		}
		for _, c := range rec.Conns {
			if seenConn[c.ID] {
				continue
			}
			seenConn[c.ID] = true
			if c.OpenedAt < 0 {
				add(0, "origin: connection %d from %s was opened %s before the case (a reused upstream connection)", c.ID, c.Remote, ms(-c.OpenedAt))
			} else {
				add(c.OpenedAt, "origin: connection %d accepted from %s", c.ID, c.Remote)
			}
		}
		for _, q := range rec.Requests {
			tag := fmt.Sprintf("[conn %d #%d]", q.Conn, q.Seq)
			add(q.HeadAt, "origin received head %s: %s (%s)%s", tag, q.RequestLine, headSummary(q), insideNote(q))
			reads := q.ContentAt
			var total int
			for i, a := range reads {
				total += a.N
				if i < maxContentEntries {
					add(a.At, "origin received %d octets of content %s", a.N, tag)
				}
			}
			if n := len(reads) - maxContentEntries; n > 0 {
				add(reads[len(reads)-1].At, "origin received %d more reads of content %s (%d octets on the wire in all)", n, tag, total)
			}
			if len(reads) > 0 || q.Complete && q.Framing != "none" {
				status := "incomplete"
				if q.Complete {
					status = "complete"
				}
				last := q.HeadAt
				if len(reads) > 0 {
					last = reads[len(reads)-1].At
				}
				add(last, "origin: content %s %s: %d octets (framing %s)", status, tag, q.ContentLen, q.Framing)
			}
			for _, s := range q.Sent {
				add(s.At, "origin sent %s %s", statusLines(s.Msg), tag)
			}
			if len(q.AfterResponse) > 0 {
				n := 0
				for _, a := range q.AfterResponse {
					n += a.N
				}
				add(q.AfterResponse[0].At, "origin received %d octets after its final response %s (%d reads)", n, tag, len(q.AfterResponse))
			}
			if q.NextRequestOnConn {
				add(q.NextRequestAt, "origin: a request began inside the declared content %s: %s", tag, q.NextRequestLine)
			}
			if q.Closed {
				add(q.ClosedAt, "origin: connection %d closed (%s) %s", q.Conn, closeCause(q.ClosedBy), tag)
			}
			if q.Truncated {
				add(q.HeadAt, "origin: the record of %s hit a bound; totals are exact", tag)
			}
		}
		if rec.Dropped > 0 {
			add(0, "origin: %d more requests were served but not recorded", rec.Dropped)
		}
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].at < out[b].at })
	return out
}

// originTrace converts the origin's records into trace entries.
func originTrace(recs []conv.OriginRecord) []results.TraceEntry {
	var out []results.TraceEntry
	for _, l := range originLines(recs) {
		out = append(out, results.TraceEntry{TMS: float64(l.at.Microseconds()) / 1000, Dir: "origin", Data: printable([]byte(l.text), 0)})
	}
	return out
}

// mergeTrace interleaves the origin's entries with the client's by time.
func mergeTrace(client, org []results.TraceEntry) []results.TraceEntry {
	if len(org) == 0 {
		return client
	}
	out := append(append([]results.TraceEntry(nil), client...), org...)
	sort.SliceStable(out, func(a, b int) bool { return out[a].TMS < out[b].TMS })
	return out
}

// originTranscript is the origin's side as text, one line per entry.
func originTranscript(recs []conv.OriginRecord) string {
	var b strings.Builder
	for _, l := range originLines(recs) {
		fmt.Fprintf(&b, "+%5dms %s\n", l.at.Milliseconds(), printable([]byte(l.text), 0))
	}
	return b.String()
}

func headSummary(q conv.OriginRequest) string {
	var parts []string
	if q.ExpectSeen {
		parts = append(parts, "Expect: "+strings.Join(q.ExpectValues, ", "))
	} else {
		parts = append(parts, "no Expect")
	}
	switch q.Framing {
	case "content-length":
		parts = append(parts, fmt.Sprintf("Content-Length: %d", q.DeclaredLength))
	case "chunked":
		parts = append(parts, "chunked")
	case "invalid":
		parts = append(parts, "invalid framing: "+q.FramingError)
	default:
		parts = append(parts, "no content")
	}
	return strings.Join(parts, ", ")
}

func insideNote(q conv.OriginRequest) string {
	if q.StartedInsideContent {
		return " — it began inside the previous request's declared content"
	}
	return ""
}

// statusLines names the messages of a raw write: "100 Continue", "100 Continue + 200 OK".
func statusLines(m conv.RawMessage) string {
	var out []string
	rest := string(m)
	for len(out) < 8 {
		end := strings.Index(rest, "\r\n\r\n")
		if end < 0 {
			break
		}
		head := rest[:end]
		rest = rest[end+4:]
		first, fields, _ := strings.Cut(head, "\r\n")
		_, status, ok := strings.Cut(first, " ")
		if !ok || !strings.HasPrefix(first, "HTTP/") {
			break
		}
		out = append(out, status)
		if strings.HasPrefix(status, "1") {
			continue
		}
		n := -1 // a final: skip its content to find a message after it
		for _, l := range strings.Split(fields, "\r\n") {
			if name, v, ok := strings.Cut(l, ":"); ok && strings.EqualFold(strings.TrimSpace(name), "Content-Length") {
				n, _ = strconv.Atoi(strings.TrimSpace(v))
			}
		}
		if n < 0 || n > len(rest) {
			break
		}
		rest = rest[n:]
	}
	switch {
	case len(out) == 0 && (strings.HasPrefix(string(m), "HEADERS ") || strings.HasPrefix(string(m), "RST_STREAM ")):
		return results.OneLine(string(m), 160) // the HTTP/2 side records its frames described, not raw
	case len(out) == 0:
		return fmt.Sprintf("%d octets", len(m))
	}
	return strings.Join(out, " + ")
}

func closeCause(c conv.CloseCause) string {
	switch c {
	case conv.ClosedByPeer:
		return "FIN from the intermediary"
	case conv.ClosedByReset:
		return "reset by the intermediary"
	case conv.ClosedByOrigin:
		return "by the origin"
	case conv.ClosedByIdle:
		return "idle timeout"
	case conv.ClosedByLimit:
		return "a bound of the origin was hit"
	case conv.ClosedByShutdown:
		return "the origin shut down"
	}
	return string(c)
}

func ms(d time.Duration) string { return fmt.Sprintf("%d ms", d.Milliseconds()) }
