package origin

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/expectspec/expectspec/harness/conv"
	"github.com/expectspec/expectspec/harness/internal/h2field"
)

// A case writes its script's responses as HTTP/1.1 octets (conv.RawMessage). Over HTTP/2 the
// origin sends the same responses as frames: each message becomes a header block (:status, then
// its fields with lowercase names) and, for a final with content, DATA. Fields HTTP/2 forbids
// (RFC 9113 §8.2.2: connection-specific ones) are left out, and the reason phrase has no place
// in HTTP/2. The scripts are the suite's own, so a message that does not parse is a defect of
// the suite, reported as an error before anything is sent.

// h2Message is one response as HTTP/2 sends it.
type h2Message struct {
	status  int
	fields  [][2]string // lowercase name, value; no pseudo-header fields
	content []byte
}

// maxH2Content bounds a scripted response's content: it goes in one DATA frame, within the
// smallest frame size (16384, RFC 9113 §4.2) and the initial window a client starts with.
const maxH2Content = h2FrameSize

// h2Messages splits raw into its messages: 1xx end at their empty line (RFC 9110 §15.2), a
// final takes the Content-Length octets after it as content.
func h2Messages(raw conv.RawMessage) ([]h2Message, error) {
	rest := []byte(raw)
	var out []h2Message
	for len(rest) > 0 {
		end := bytes.Index(rest, []byte("\r\n\r\n"))
		if end < 0 {
			return nil, fmt.Errorf("scripted response %q has no end of its header section", rest)
		}
		lines := strings.Split(string(rest[:end]), "\r\n")
		rest = rest[end+4:]
		parts := strings.SplitN(lines[0], " ", 3)
		if len(parts) < 2 || !strings.HasPrefix(parts[0], "HTTP/") {
			return nil, fmt.Errorf("scripted response status line %q", lines[0])
		}
		status, err := strconv.Atoi(parts[1])
		if err != nil || status < 100 || status > 999 {
			return nil, fmt.Errorf("scripted response status %q", parts[1])
		}
		m := h2Message{status: status}
		length := 0
		for _, l := range lines[1:] {
			name, value, ok := strings.Cut(l, ":")
			name, value = strings.ToLower(strings.TrimSpace(name)), strings.TrimSpace(value)
			if !ok || h2field.ConnectionSpecific(name, value) {
				continue
			}
			if name == "content-length" {
				if length, err = strconv.Atoi(value); err != nil || length < 0 {
					return nil, fmt.Errorf("scripted response content-length %q", value)
				}
			}
			m.fields = append(m.fields, [2]string{name, value})
		}
		if status >= 200 {
			if length > len(rest) || length > maxH2Content {
				return nil, fmt.Errorf("scripted %d response declares %d octets of content, %d follow (at most %d)", status, length, len(rest), maxH2Content)
			}
			m.content, rest = rest[:length], rest[length:]
		}
		out = append(out, m)
	}
	return out, nil
}

// describe renders a message as the record's Sent entries show an HTTP/2 response: its frames.
func (m h2Message) describe() conv.RawMessage {
	var b strings.Builder
	fmt.Fprintf(&b, "HEADERS :status=%d", m.status)
	for _, f := range m.fields {
		fmt.Fprintf(&b, " %s=%s", f[0], f[1])
	}
	switch {
	case m.status < 200:
	case len(m.content) == 0:
		b.WriteString(" [END_STREAM]")
	default:
		fmt.Fprintf(&b, "; DATA %d octets [END_STREAM]", len(m.content))
	}
	return conv.RawMessage(b.String())
}
