package refclient_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/expectspec/expectspec/harness/conv"
	"github.com/expectspec/expectspec/harness/origin"
	"github.com/expectspec/expectspec/harness/refclient"
)

// The reference client against the scripted origin, in the situations of the client cases; the
// suite's witness tests judge it and its mutants through the cases themselves.
func TestReferenceClient(t *testing.T) {
	o, err := origin.Start(origin.WithIdleTimeout(5*time.Second), origin.WithLinger(200*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	dir := t.TempDir()
	file := func(n int) string {
		p := filepath.Join(dir, fmt.Sprintf("content-%d", n))
		_ = os.WriteFile(p, bytes.Repeat([]byte("x"), n), 0o644)
		return p
	}
	final := conv.RawMessage("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfinal")
	for _, tc := range []struct {
		name   string
		script conv.OriginScript
		size   int
		check  func(conv.OriginRecord) string
	}{
		{"waits about 1 s for a 100 that never comes, then sends", conv.OriginScript{OnHead: conv.HeadWait, Final: final}, 2 << 20,
			func(r conv.OriginRecord) string {
				q := r.Requests[0]
				if !q.ExpectsContinue || !q.Complete || q.ContentAt[0].At-q.HeadAt < 900*time.Millisecond {
					return "no bounded wait"
				}
				return ""
			}},
		{"repeats without Expect after a 417, on a new connection", func() conv.OriginScript { s := conv.Script417IfExpect(); s.Final = final; return s }(), 2 << 20,
			func(r conv.OriginRecord) string {
				if len(r.Requests) != 2 || r.Requests[1].ExpectSeen || !r.Requests[1].Complete || r.Requests[1].Conn == r.Requests[0].Conn {
					return "no retry without Expect"
				}
				return ""
			}},
		{"sends small content at once, without Expect, through 1xx it did not ask for", conv.OriginScript{OnHead: conv.HeadContinueAlways, Continue: "HTTP/1.1 102 P\r\n\r\nHTTP/1.1 100 \r\n\r\n", Final: final}, 1024,
			func(r conv.OriginRecord) string {
				if r.Requests[0].ExpectSeen || !r.Requests[0].Complete {
					return "Expect on small content, or content not sent"
				}
				return ""
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tok := "rc" + strings.ReplaceAll(tc.name[:8], " ", "-")
			o.Register(tok, tc.script)
			var out, errOut bytes.Buffer
			code := refclient.Run("http://"+o.Addr()+conv.OriginPath(tok, "upload"), file(tc.size), "", "", &out, &errOut)
			if code != 0 || out.String() != "final" {
				t.Fatalf("exit %d, stdout %q, stderr %s", code, out.String(), errOut.String())
			}
			// what the checks read (heads, content) was recorded before the final went out
			if msg := tc.check(o.Record(tok)); msg != "" {
				t.Fatalf("%s: %+v", msg, o.Record(tok))
			}
		})
	}
}
