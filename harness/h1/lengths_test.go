package h1

import (
	"strings"
	"testing"
)

// TestParseChunkSizeModes pins what each reader of a chunk-size line accepts: the response
// parser (strict), the framer of the scripted origin and the gateways, and the reference
// servers. -1 means refused.
func TestParseChunkSizeModes(t *testing.T) {
	for _, tc := range []struct {
		line                       string
		strict, framing, reference int64
	}{
		{"5\r\n", 5, 5, 5},
		{"aF\r\n", 0xaf, 0xaf, 0xaf},
		{"0\r\n", 0, 0, 0},
		{"5\n", -1, 5, -1},                   // bare LF: only the framer
		{"5\r\r\n", -1, -1, -1},              // a CR that is not part of CRLF
		{"5", -1, -1, -1},                    // no terminator
		{"\r\n", -1, -1, -1},                 // empty
		{" 5\r\n", -1, -1, -1},               // leading whitespace
		{"+5\r\n", -1, -1, -1},               // sign
		{"-5\r\n", -1, -1, -1},               // sign
		{"0x5\r\n", -1, -1, -1},              // hex prefix
		{"5 \r\n", -1, 5, 5},                 // trailing BWS without an extension
		{"5\t;a=b\r\n", 5, 5, 5},             // BWS before an extension
		{"5;a=\"b c\"\r\n", 5, 5, 5},         // quoted extension value
		{"5 x\r\n", -1, 5, -1},               // not an extension
		{"5x\r\n", -1, -1, -1},               // junk after the digits
		{"5;\x00\r\n", -1, 5, -1},            // control octet in an extension
		{"5;\x7f\r\n", -1, 5, -1},            // DEL in an extension
		{"5;\x80\r\n", 5, 5, 5},              // obs-text in an extension
		{"000000000000005\r\n", 5, 5, 5},     // 15 digits
		{"0000000000000005\r\n", 5, -1, 5},   // 16 digits
		{"00000000000000005\r\n", -1, -1, 5}, // 17 digits: only the reference
		{"fffffffffffffff\r\n", 1<<60 - 1, 1<<60 - 1, 1<<60 - 1},
		{"1000000000000000\r\n", 1 << 60, -1, -1},   // 2^60
		{"7fffffffffffffff\r\n", 1<<63 - 1, -1, -1}, // int64's largest
		{"8000000000000000\r\n", -1, -1, -1},        // overflows int64
		{"10000000000000000\r\n", -1, -1, -1},       // overflows 64 bits
	} {
		for _, m := range []struct {
			name  string
			rules ChunkRules
			want  int64
		}{{"strict", StrictChunks, tc.strict}, {"framing", FramingChunks, tc.framing}, {"reference", ReferenceChunks, tc.reference}} {
			got, err := ParseChunkSize([]byte(tc.line), m.rules)
			if m.want < 0 && err == nil || m.want >= 0 && (err != nil || got != m.want) {
				t.Errorf("%s: ParseChunkSize(%q) = %d, %v; want %d (-1: refused)", m.name, tc.line, got, err, m.want)
			}
		}
	}
}

// TestContentLengthModes pins what each reader of Content-Length accepts: the response parser
// and the reference servers (strict), the scripted origin and the gateways (framing), and the
// reference servers' CLWrap mutant. Values are field lines, joined here by "|". -1: refused.
func TestContentLengthModes(t *testing.T) {
	wrap := StrictLengths
	wrap.Wrap = true
	for _, tc := range []struct {
		lines                 string
		strict, framing, wrap int64
	}{
		{"5", 5, 5, 5},
		{"5, 5", 5, 5, 5},
		{"5|5", 5, 5, 5},
		{" 5\t", 5, 5, 5},
		{"5, 6", -1, -1, -1},
		{"5|6", -1, -1, -1},
		{"5,", -1, -1, -1}, // empty member
		{"", -1, -1, -1},
		{"+5", -1, -1, -1},
		{"-1", -1, -1, -1},
		{"0x5", -1, -1, -1},
		{"1e3", -1, -1, -1},
		{"5 5", -1, -1, -1},
		{"0000000000000005", 5, 5, 5},
		{"00000000000000005", 5, -1, 5}, // 17 digits
		{"1125899906842624", 1 << 50, 1 << 50, 1 << 50},
		{"1125899906842625", 1<<50 + 1, -1, 1<<50 + 1},
		{"9223372036854775807", 1<<63 - 1, -1, 1<<63 - 1},
		{"9223372036854775808", -1, -1, -1},
		{"18446744073709551617", -1, -1, 1}, // wraps to 1 only in the mutant
	} {
		for _, m := range []struct {
			name  string
			rules LengthRules
			want  int64
		}{{"strict", StrictLengths, tc.strict}, {"framing", FramingLengths, tc.framing}, {"wrap", wrap, tc.wrap}} {
			got, err := ContentLength(strings.Split(tc.lines, "|"), m.rules)
			if m.want < 0 && err == nil || m.want >= 0 && (err != nil || got != m.want) {
				t.Errorf("%s: ContentLength(%q) = %d, %v; want %d (-1: refused)", m.name, tc.lines, got, err, m.want)
			}
		}
	}
}

func TestMembers(t *testing.T) {
	if got := strings.Join(Members([]string{" a ,,b", "", "\tc\t"}), "|"); got != "a|b|c" {
		t.Errorf("Members = %q", got)
	}
	if !ChunkedLast([]string{"gzip", " Chunked "}) || ChunkedLast([]string{"chunked, gzip"}) || ChunkedLast(nil) {
		t.Error("ChunkedLast")
	}
	if !ExpectsContinue([]string{"foo, 100-Continue"}) || ExpectsContinue([]string{"100-continuex"}) {
		t.Error("ExpectsContinue")
	}
}
