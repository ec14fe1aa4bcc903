package h1

import (
	"strings"
	"testing"

	"github.com/expectspec/expectspec/harness/conv"
)

// TestErrorCauses checks that every parse error names the part of the message that failed, so
// the driver can record it as a typed Cause and no judge needs to read the error's text.
func TestErrorCauses(t *testing.T) {
	const ok = "HTTP/1.1 200 OK\r\n"
	const chunked = ok + "Transfer-Encoding: chunked\r\n\r\n"
	lim := Limits{MaxHead: 64, MaxFields: 2, MaxMessages: 3}
	for _, tc := range []struct {
		name, in string
		want     conv.Cause
	}{
		{"garbage", "SSH-2.0-OpenSSH_9.6\r\n", conv.CauseStatusLine},
		{"garbage without LF", "<!DOCTYPE", conv.CauseStatusLine},
		{"code 600", "HTTP/1.1 600 X\r\n\r\n", conv.CauseStatusLine},
		{"NUL in reason", "HTTP/1.1 200 O\x00K\r\n\r\n", conv.CauseStatusLine},
		{"content after a 100", "HTTP/1.1 100 Continue\r\n\r\nbody", conv.CauseStatusLine},
		{"space before colon", ok + "Host : x\r\n\r\n", conv.CauseFieldLine},
		{"obs-fold", ok + "X: a\r\n  b\r\n\r\n", conv.CauseFieldLine},
		{"bad trailer", chunked + "0\r\nBad Trailer: x\r\n\r\n", conv.CauseFieldLine},
		{"TE in HTTP/1.0", "HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", conv.CauseTransferEncoding},
		{"TE twice chunked", ok + "Transfer-Encoding: chunked, chunked\r\n\r\n", conv.CauseTransferEncoding},
		{"TE empty", ok + "Transfer-Encoding: ,\r\n\r\n", conv.CauseTransferEncoding},
		// A field line that merely names Transfer-Encoding is a field-line error, not a framing one.
		{"TE field with NUL", "HTTP/1.0 200 OK\r\nTransfer-Encoding: a\x00\r\n\r\n", conv.CauseFieldLine},
		{"CL differing", ok + "Content-Length: 5, 6\r\n\r\n", conv.CauseMalformed},
		{"chunk size not hex", chunked + "zz\r\n", conv.CauseMalformed},
		{"truncated status line", "HTTP/1.1 20", conv.CauseTruncated},
		{"truncated content", ok + "Content-Length: 5\r\n\r\nhel", conv.CauseTruncated},
		{"long head", ok + "X: " + strings.Repeat("a", 60) + "\r\n\r\n", conv.CauseLimitLength},
		{"header fields", ok + "A: 1\r\nB: 2\r\nC: 3\r\n\r\n", conv.CauseLimitFields},
		{"trailer fields", chunked + "0\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", conv.CauseLimitFields},
		{"messages", strings.Repeat("HTTP/1.1 100 Continue\r\n\r\n", 4), conv.CauseLimitMessages},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseAll(lim, tc.in)
			if err == nil {
				t.Fatal("no error")
			}
			if got := CauseOf(err); got != tc.want {
				t.Errorf("cause of %q = %q, want %q", err, got, tc.want)
			}
		})
	}
}
