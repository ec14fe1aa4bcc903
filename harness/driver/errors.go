package driver

import (
	"errors"
	"net"
	"os"
	"syscall"
	"time"

	"github.com/expectspec/expectspec/harness/conv"
)

// describe renders an I/O error the way a verdict wants it: the cause ("connection reset by
// peer", "broken pipe", "deadline passed"), without Go's "write tcp 127.0.0.1:1->127.0.0.1:2:"
// prefix.
func describe(err error) string {
	if isTimeout(err) {
		return "deadline passed"
	}
	var se *os.SyscallError
	if errors.As(err, &se) {
		return se.Err.Error()
	}
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Err != nil {
		return oe.Err.Error()
	}
	return err.Error()
}

func isTimeout(err error) bool { return errors.Is(err, os.ErrDeadlineExceeded) }

// isReset reports whether err means the peer reset the connection.
func isReset(err error) bool {
	return errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNABORTED)
}

// ioCause is the typed fact behind an I/O error, so judges can tell a reset from a write after
// the peer's FIN without reading the OS's words for them (which differ between systems).
func ioCause(err error) conv.Cause {
	switch {
	case isTimeout(err):
		return conv.CauseDeadline
	case isReset(err):
		return conv.CauseReset
	case errors.Is(err, syscall.EPIPE):
		return conv.CauseBrokenPipe
	}
	return conv.CauseIO
}

// dialError renders a failed connect: "connect to 127.0.0.1:9: connection refused".
func dialError(addr string, timeout time.Duration, err error) string {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return "connect to " + addr + ": no connection within " + timeout.String()
	}
	return "connect to " + addr + ": " + describe(err)
}
