package target

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"time"

	"github.com/expectspec/expectspec/harness/conv"
)

// CheckContract verifies the target contract before any case runs: the upload resource accepts
// a POST with a little content (no Expect) and answers 2xx after reading it. Several cases tell
// the answer to a follow-up request from an answer to content parsed as a request by its 2xx
// status; against a resource that answers 404 or 405 to everything they would report a desync
// that is not there, so a target that breaks the contract is refused with a clear error.
//
// For a gateway or a forward proxy the POST goes to the target's contract token path, and the
// check also makes sure that it reached the suite's origin under that token: a gateway that
// forwards elsewhere, keeps its path prefix or answers by itself would otherwise make every
// intermediary case misjudge.
func CheckContract(ctx context.Context, t Target) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	// An intermediary started before the suite's origin listened may answer 502, 503 or 504
	// until its next check of that origin: Squid 5 counts a peer down until a TCP probe to it
	// succeeds, and probes at most once a second, on a request that it fails meanwhile. Such an
	// answer is retried for a little while, within the same 5 s.
	retryUntil := time.Now().Add(2500 * time.Millisecond)
	for {
		upstreamDown, err := checkContractOnce(ctx, t)
		if !upstreamDown || time.Now().After(retryUntil) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// checkContractOnce is one contract check on a new connection; upstreamDown reports an
// intermediary's 502, 503 or 504, worth another try.
func checkContractOnce(ctx context.Context, t Target) (upstreamDown bool, err error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", t.Address)
	if err != nil {
		return false, fmt.Errorf("%s is unreachable: %v", describe(t), err)
	}
	defer conn.Close()
	deadline, _ := ctx.Deadline()
	_ = conn.SetDeadline(deadline)
	defer context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Now()) })() // an interrupted run stops at once
	req := "POST " + t.Path + " HTTP/1.1\r\nHost: " + t.Host + "\r\nContent-Type: text/plain\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello"
	if _, err := conn.Write([]byte(req)); err != nil {
		return false, fmt.Errorf("%s: sending the contract check failed: %v", describe(t), err)
	}
	line, err := readFinalStatusLine(conn)
	var noFinal noFinalError
	if err != nil && line == "" && errors.As(err, &noFinal) {
		return false, fmt.Errorf("%s answered a plain POST of 5 octets to %s with %v", describe(t), t.Path, err)
	}
	if err != nil && line == "" {
		return false, fmt.Errorf("%s did not answer a plain POST of 5 octets to %s within 5 s (%v)", describe(t), t.Path, err)
	}
	f := strings.Fields(line)
	if len(f) < 2 || !strings.HasPrefix(f[0], "HTTP/1.") {
		return false, fmt.Errorf("%s answered a plain POST with %q, not an HTTP/1.x status line", describe(t), truncate(line, 40))
	}
	if len(f[1]) != 3 || f[1][0] != '2' {
		if t.Intermediary() {
			down := f[1] == "502" || f[1] == "503" || f[1] == "504"
			return down, fmt.Errorf("%s breaks the target contract: POST %s with 5 octets answered %q; it must forward to the suite's origin at %s, which answers 200 (is it configured to forward there?)", describe(t), t.Path, strings.TrimSpace(truncate(line, 60)), t.OriginAuthority)
		}
		return false, fmt.Errorf("%s breaks the target contract: POST %s with 5 octets answered %q; --target must name a resource that accepts a POST with up to 1 KiB of content and answers 2xx after reading it", describe(t), t.Path, strings.TrimSpace(truncate(line, 60)))
	}
	if t.Intermediary() && t.Origin != nil {
		return false, checkReachedOrigin(ctx, t)
	}
	return false, nil
}

// checkReachedOrigin makes sure the contract POST arrived at the origin under the contract
// token, and explains what went wrong when it did not.
func checkReachedOrigin(ctx context.Context, t Target) error {
	tok := ContractToken(t.Name)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	stop := time.Now().Add(time.Second)
	for {
		for _, q := range t.Origin.Record(tok).Requests {
			if q.Method == "POST" && q.ContentLen == 5 {
				return nil
			}
		}
		if time.Now().After(stop) {
			break
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s: the contract check was interrupted (%v)", describe(t), ctx.Err())
		case <-tick.C:
		}
	}
	for _, q := range t.Origin.Record("").Requests {
		if strings.Contains(q.Target, conv.OriginPathPrefix+tok+"/") {
			return fmt.Errorf("%s forwarded POST %s to the suite's origin as %q: the origin recognises a case only by a path that starts with %s; configure the gateway to strip its own prefix before forwarding", describe(t), t.Path, truncate(q.Target, 80), conv.OriginPathPrefix)
		}
	}
	return fmt.Errorf("%s answered POST %s with 2xx, but the request never reached the suite's origin at %s: configure it to forward to that address", describe(t), t.Path, t.OriginAuthority)
}

// maxContractAnswer bounds what the contract check reads of the answer: interim responses and the
// final status line.
const maxContractAnswer = 64 << 10

// readFinalStatusLine reads the status line of the first final response. Interim (1xx) responses
// before it are skipped: a server may send them to any HTTP/1.1 request (RFC 9110 §15.2), an
// unsolicited 100 (Continue) or a 103 (Early Hints) included, and they do not break the contract.
// A 101 is not skipped: it ends HTTP/1.1 on the connection. It reads at most maxContractAnswer
// octets; a line cut at that bound comes back as it is, like readStatusLine's.
func readFinalStatusLine(c net.Conn) (string, error) {
	lr := &io.LimitedReader{R: c, N: maxContractAnswer}
	r := bufio.NewReader(lr)
	interims := 0
	for {
		line, err := r.ReadString('\n')
		if interims > 0 && lr.N == 0 && (err != nil || !strings.HasSuffix(line, "\n")) {
			// the bound was reached inside interim responses: a peer that sends 1xx forever
			return "", noFinalError(fmt.Sprintf("%d interim (1xx) responses in %d KiB and no final response", interims, maxContractAnswer>>10))
		}
		if err != nil && interims > 0 && line == "" {
			return "", noFinalError(fmt.Sprintf("%d interim (1xx) responses and then no final response (%v)", interims, err))
		}
		if err != nil || !isInterim(line) {
			if err == io.EOF && line != "" {
				err = nil
			}
			return line, err
		}
		interims++
		for { // the interim response's header section, to its empty line
			l, err := r.ReadString('\n')
			if err != nil && lr.N == 0 {
				return "", noFinalError(fmt.Sprintf("%d interim (1xx) responses in %d KiB and no final response", interims, maxContractAnswer>>10))
			}
			if err != nil {
				return "", noFinalError(fmt.Sprintf("an interim response (%s) and then no final response (%v)", strings.TrimSpace(truncate(line, 40)), err))
			}
			if strings.TrimRight(l, "\r\n") == "" {
				break
			}
		}
	}
}

// noFinalError is readFinalStatusLine's error when interim responses came and no final one: the
// target did answer, so the check says what it answered rather than that it was silent.
type noFinalError string

func (e noFinalError) Error() string { return string(e) }

// isInterim reports whether a status line is a 1xx other than 101.
func isInterim(line string) bool {
	f := strings.Fields(line)
	return len(f) >= 2 && strings.HasPrefix(f[0], "HTTP/1.") && len(f[1]) == 3 && f[1][0] == '1' && f[1] != "101"
}
