package results

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// TraceText renders a trace as plain text, one line per line on the wire:
//
//	 0.000 ms  send   POST /upload HTTP/1.1\r\n
//	                  Expect: 100-continue\r\n
//	12.345 ms  recv   HTTP/1.1 100 Continue\r\n
//
// CR, LF and tab are shown as \r, \n and \t, so line endings stay visible; other control
// characters as \xNN.
func TraceText(trace []TraceEntry) string {
	var b strings.Builder
	const indent = "                      "
	for _, e := range trace {
		fmt.Fprintf(&b, "%10.3f ms  %-5s  ", e.TMS, clip(e.Dir, 6)) // "origin" (intermediaries) whole
		lines := strings.SplitAfter(e.Data, "\n")
		if n := len(lines); n > 1 && lines[n-1] == "" {
			lines = lines[:n-1]
		}
		for i, l := range lines {
			if i > 0 {
				b.WriteString(indent)
			}
			b.WriteString(visible(l))
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// visible spells out control and format characters (bidi overrides, zero-width ones) and
// invalid UTF-8, so any text prints on one line and shows what it holds.
func visible(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case unicode.In(r, unicode.Cc, unicode.Cf, unicode.Zl, unicode.Zp, unicode.Co, unicode.Cs):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// oneLine is s on a single visible line of at most n runes.
func oneLine(s string, n int) string {
	s = strings.TrimSpace(s)
	s = strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' }), " ")
	return clip(visible(s), n)
}

// details is the text block of a non-pass result: reason, requirements, fix and trace.
func details(r Result, withTrace bool) string {
	var b strings.Builder
	b.WriteString(printableText(r.Reason))
	b.WriteByte('\n')
	if len(r.Requirements) > 0 {
		b.WriteString("requirements: " + visible(strings.Join(r.Requirements, " ")) + "\n")
	}
	if r.Fix != "" {
		b.WriteString("fix: " + printableText(r.Fix) + "\n")
	}
	if len(r.RunReasons) > 0 {
		b.WriteString("the runs gave:\n")
		for _, rr := range r.RunReasons {
			b.WriteString("  " + rr.label() + ": " + printableText(rr.Reason) + "\n")
		}
	}
	if withTrace && len(r.Trace) > 0 {
		b.WriteString("trace:\n")
		b.WriteString(TraceText(r.Trace))
	}
	return b.String()
}

// printableText keeps line breaks and spells out every other control character.
func printableText(s string) string {
	lines := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	for i, l := range lines {
		lines[i] = visible(l)
	}
	return strings.Join(lines, "\n")
}

// label is "fail×2": the verdict and how many runs gave it with this reason.
func (rr RunReason) label() string { return fmt.Sprintf("%s×%d", rr.Verdict, rr.Runs) }
