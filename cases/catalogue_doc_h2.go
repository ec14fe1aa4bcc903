package cases

import (
	"fmt"
	"strings"

	"github.com/expectspec/expectspec/harness/conv"
)

// How the catalogue document shows a case's HTTP/2 script: each frame a step sends, with its
// stream, flags and fields, rendered against the made-up target in h2c (the same frames go
// over TLS with :scheme https).

// writeH2Script writes "Sends over HTTP/2" for a case that applies to h2 or h2c.
func writeH2Script(p printer, c Case, env Env) {
	if c.Client == nil || !c.AppliesTo(conv.H2) && !c.AppliesTo(conv.H2C) {
		return
	}
	env.Protocol = conv.H2C
	p("Sends over HTTP/2 (stream 1):\n\n```\n%s```\n\n", renderScript(env, c.Client(env)))
}

// renderH2Step writes one h2 step.
func renderH2Step(b *strings.Builder, env Env, st conv.Step) {
	f := st.H2
	end := ""
	if f.EndStream {
		end = " with END_STREAM"
	}
	switch st.Kind {
	case conv.SendHeaders:
		fmt.Fprintf(b, "send %q: HEADERS on stream %d%s:\n", st.Label, f.StreamOr1(), end)
		for _, fl := range f.Fields {
			fmt.Fprintf(b, "    %s: %s\n", fl.Name, fl.Value)
		}
	case conv.SendData:
		n := len(st.Data)
		if n == 0 {
			n = int(st.Size)
		}
		if f.NoWait {
			fmt.Fprintf(b, "send %q: DATA on stream %d, up to %d octets%s, as much as the peer's flow-control windows allow at once (no waiting for credit)\n", st.Label, f.StreamOr1(), n, end)
			break
		}
		fmt.Fprintf(b, "send %q: DATA on stream %d, %d octets%s, within the peer's flow-control window for up to %s\n", st.Label, f.StreamOr1(), n, end, durationName(env.Timing, st.Within))
	case conv.SendReset:
		fmt.Fprintf(b, "send %q: RST_STREAM on stream %d with code %s\n", st.Label, f.StreamOr1(), codeName(f.Code))
	case conv.SendFrame:
		fmt.Fprintf(b, "send %q: a frame of type %#x, flags %#x, on stream %d, %d octets of payload\n", st.Label, f.Type, f.Flags, f.Stream, len(st.Data))
	case conv.Rounds:
		fmt.Fprintf(b, "repeat %q: up to %d rounds, all within %s, round r on its streams plus 2r; they stop at the first step that runs to its deadline, a GOAWAY, or the end of the connection:\n", st.Label, st.Count, durationName(env.Timing, st.Within))
		for _, line := range strings.SplitAfter(renderScript(env, conv.Script{Steps: f.Round}), "\n") {
			if line != "" {
				b.WriteString("    " + line)
			}
		}
	default:
		fmt.Fprintf(b, "step %q of kind %d\n", st.Label, st.Kind)
	}
}

// untilH2Text is an UntilClose await on a given stream: the one the script never opens listens
// until the connection ends.
func untilH2Text(st conv.Step) string {
	if st.H2.Stream == unopenedStream {
		return "the connection ends (a negative wait: nothing more should come, on the stream or after its end)"
	}
	return fmt.Sprintf("stream %d ends (END_STREAM or RST_STREAM) or the connection does", st.H2.Stream)
}
