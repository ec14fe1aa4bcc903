package driver

import (
	"bufio"
	"context"
	"net"
	"runtime"
	"testing"
	"time"

	"github.com/expectspec/expectspec/harness/conv"
)

// TestBrokenPipeAfterFIN: a server that reads the head and closes sends a FIN; content written
// after it draws a reset from the server's kernel, which Linux reports on the next write as EPIPE
// because the FIN came first. The driver records that as CauseBrokenPipe, not as a reset, so a
// judge can tell a staged close from a reset of a connection still in use without reading the
// OS's words.
func TestBrokenPipeAfterFIN(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("EPIPE after the peer's FIN is how Linux reports a reset that follows a FIN")
	}
	addr := serve(t, func(c *net.TCPConn) { readHead(bufio.NewReader(c)) })
	stream := conv.Step{Kind: conv.SendStream, Label: "stream", Size: 1 << 30, Within: 2 * time.Second}
	tl, _ := timed(context.Background(), addr, send("head", head), await("closed", conv.UntilClose, 0, time.Second), stream)
	fin, ok := tl.Closed()
	if !ok || fin.Kind != conv.EvFIN || fin.Cause != conv.CauseFIN {
		t.Fatalf("no FIN with its cause:\n%s", tl.Transcript())
	}
	w, ok := tl.WriteError("stream")
	if !ok || w.Cause != conv.CauseBrokenPipe {
		t.Fatalf("write error %+v, want cause %q\n%s", w, conv.CauseBrokenPipe, tl.Transcript())
	}
	if _, rst := tl.First(conv.EvRST); rst || tl.State != conv.StateFIN {
		t.Fatalf("a broken pipe was recorded as a reset (state %q):\n%s", tl.State, tl.Transcript())
	}
}

// TestSkippedAfterCloseHasCause: a step that IfReusable skips says why as a Cause.
func TestSkippedAfterCloseHasCause(t *testing.T) {
	addr := serve(t, func(c *net.TCPConn) { readHead(bufio.NewReader(c)) })
	tl, _ := timed(context.Background(), addr, send("prime", head), await("closed", conv.UntilClose, 0, time.Second), withReuse(send("head", head)))
	if e, ok := tl.First(conv.EvSkipped); !ok || e.Cause != conv.CausePeerClosed {
		t.Fatalf("skipped event %+v\n%s", e, tl.Transcript())
	}
}
