package target

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"strings"
	"time"
)

// CheckContract verifies the target contract before any case runs: the upload resource accepts
// a POST with a little content (no Expect) and answers 2xx after reading it. Several cases tell
// the answer to a follow-up request from an answer to content parsed as a request by its 2xx
// status; against a resource that answers 404 or 405 to everything they would report a desync
// that is not there, so a target that breaks the contract is refused with a clear error.
func CheckContract(ctx context.Context, t Target) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", t.Address)
	if err != nil {
		return fmt.Errorf("target %s is unreachable: %v", t.Name, err)
	}
	defer conn.Close()
	deadline, _ := ctx.Deadline()
	_ = conn.SetDeadline(deadline)
	req := "POST " + t.Path + " HTTP/1.1\r\nHost: " + t.Host + "\r\nContent-Type: text/plain\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello"
	if _, err := conn.Write([]byte(req)); err != nil {
		return fmt.Errorf("target %s: sending the contract check failed: %v", t.Name, err)
	}
	line, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil && line == "" {
		return fmt.Errorf("target %s did not answer a plain POST of 5 octets to %s within 5 s (%v)", t.Name, t.Path, err)
	}
	f := strings.Fields(line)
	if len(f) < 2 || !strings.HasPrefix(f[0], "HTTP/1.") {
		return fmt.Errorf("target %s answered a plain POST with %q, not an HTTP/1.x status line", t.Name, truncate(line, 40))
	}
	if len(f[1]) != 3 || f[1][0] != '2' {
		return fmt.Errorf("target %s breaks the target contract: POST %s with 5 octets answered %q; --target must name a resource that accepts a POST with up to 1 KiB of content and answers 2xx after reading it", t.Name, t.Path, strings.TrimSpace(truncate(line, 60)))
	}
	return nil
}
