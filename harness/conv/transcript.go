package conv

import (
	"fmt"
	"strconv"
	"strings"
)

// Transcript renders the timeline for a failure message: one line per event with its offset,
// the step it belongs to, and what happened. Octets are escaped so CR, LF and binary stay
// visible, and long ones are cut. A very long timeline keeps its first and last events.
func (t *Timeline) Transcript() string {
	const head, tail = 100, 20
	var b strings.Builder
	if t.Err != "" {
		fmt.Fprintf(&b, "error: %s\n", t.Err)
	}
	width := 0
	for _, e := range t.Events {
		width = max(width, len(e.Step))
	}
	n := len(t.Events)
	for i, e := range t.Events {
		if n > head+tail && i >= head && i < n-tail {
			if i == head {
				fmt.Fprintf(&b, "         … %d events omitted …\n", n-head-tail)
			}
			continue
		}
		label := ""
		if width > 0 {
			label = fmt.Sprintf(" %-*s", width+2, "["+e.Step+"]")
			if e.Step == "" {
				label = strings.Repeat(" ", width+3)
			}
		}
		fmt.Fprintf(&b, "+%5dms%s %s\n", e.At.Milliseconds(), label, describe(e))
	}
	if t.State != "" {
		fmt.Fprintf(&b, "connection: %s\n", t.State)
	}
	return b.String()
}

// describe renders one event.
func describe(e Event) string {
	switch e.Kind {
	case EvConnect:
		return "connected"
	case EvSent:
		if e.Frame != nil {
			return "→ " + e.Frame.String()
		}
		if e.Data == nil && e.N > 0 {
			return fmt.Sprintf("→ %d octets of content", e.N)
		}
		return "→ " + escape(e.Data, e.N, 80)
	case EvWriteError:
		return fmt.Sprintf("→ write failed after %d octets: %s", e.N, e.Error)
	case EvRecv:
		return fmt.Sprintf("⇠ %d octets: %s", e.N, escape(e.Data, e.N, 60))
	case EvMessage:
		return "← " + summary(e.Msg)
	case EvFrame:
		if e.Frame != nil && e.Frame.Sent {
			return "→ " + e.Frame.String()
		}
		return "⇠ " + e.Frame.String()
	case EvHead:
		return "← head of " + summary(e.Msg) + " (its body not awaited)"
	case EvParseError:
		return "parse error: " + e.Error
	case EvFIN:
		return "FIN (the peer closed the connection)"
	case EvRST:
		return withError("RST (the connection was reset)", e.Error)
	case EvDeadline:
		if e.Error != "" {
			return e.Error
		}
		return fmt.Sprintf("deadline (awaiting %q)", e.Step)
	case EvHalfClose:
		return withError("→ FIN (half-close)", e.Error)
	case EvLimit:
		return "limit: " + e.Error
	case EvSkipped:
		return "rest of the script not played: " + e.Error
	}
	return withError(string(e.Kind), e.Error)
}

func withError(s, err string) string {
	if err == "" {
		return s
	}
	return s + ": " + err
}

// summary renders a response as its status line, its field names, and its content.
func summary(r *Response) string {
	if r == nil {
		return "(no message)"
	}
	s := fmt.Sprintf("%s %d %s", r.Proto, r.Status, r.Reason)
	if len(r.Header) > 0 {
		names := make([]string, len(r.Header))
		for i, f := range r.Header {
			names[i] = f.Name
		}
		s += " {" + strings.Join(names, ", ") + "}"
	}
	if r.BodyLen > 0 {
		s += fmt.Sprintf(" + %d octets (%s): %s", r.BodyLen, r.Framing, escape(r.Body, r.BodyLen, 40))
	}
	if r.Truncated {
		s += " (truncated)"
	}
	return s
}

// escape renders octets on one line: CR as \r, LF as \n, HTAB as \t, a backslash as \\, other
// octets outside printable ASCII as \xNN. At most max octets are shown; when fewer than n (the
// real count) are shown, "… (n octets)" follows.
func escape(data []byte, n int64, max int) string {
	var b strings.Builder
	shown := data
	if len(shown) > max {
		shown = shown[:max]
	}
	for _, c := range shown {
		switch {
		case c == '\r':
			b.WriteString(`\r`)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\t':
			b.WriteString(`\t`)
		case c == '\\':
			b.WriteString(`\\`)
		case c >= 0x20 && c < 0x7f:
			b.WriteByte(c)
		default:
			b.WriteString(`\x`)
			if c < 0x10 {
				b.WriteByte('0')
			}
			b.WriteString(strconv.FormatUint(uint64(c), 16))
		}
	}
	if n < int64(len(data)) {
		n = int64(len(data))
	}
	if int64(len(shown)) < n {
		fmt.Fprintf(&b, "… (%d octets)", n)
	}
	return b.String()
}
