package target

import (
	"context"
	"fmt"
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
	ctx, cancel := context.WithTimeout(ctx, checkDeadline)
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
	q := withContent(checkRequest{method: "POST", close: true, fields: []conv.Field{{Name: "Content-Type", Value: "text/plain"}}}, "hello")
	a := play(ctx, t, checkScript(t, "contract", q, checkDeadline), checkOptions(checkDeadline))
	if err := contractUnanswered(t, a); err != nil {
		return false, err
	}
	line := statusLine(a.final)
	if a.final.Status/100 != 2 {
		if t.Intermediary() {
			down := a.final.Status == 502 || a.final.Status == 503 || a.final.Status == 504
			return down, fmt.Errorf("%s breaks the target contract: POST %s with 5 octets answered %q; it must forward to the suite's origin at %s, which answers 200 (is it configured to forward there?)", describe(t), t.Path, truncate(line, 60), t.OriginAuthority)
		}
		return false, fmt.Errorf("%s breaks the target contract: POST %s with 5 octets answered %q; --target must name a resource that accepts a POST with up to 1 KiB of content and answers 2xx after reading it", describe(t), t.Path, truncate(line, 60))
	}
	if t.Intermediary() && t.Origin != nil {
		return false, checkReachedOrigin(ctx, t)
	}
	return false, nil
}

// contractUnanswered says what the target did when the contract's POST got no final response.
// Interim (1xx) responses before a final one do not break the contract: a server may send them
// to any HTTP/1.1 request (RFC 9110 §15.2), an unsolicited 100 (Continue) or a 103 (Early
// Hints) included; a 101 is a final answer here, since it ends HTTP/1.1 on the connection. A
// target that answered something is told apart from a silent one: the reason says what it sent.
func contractUnanswered(t Target, a answer) error {
	sent := fmt.Sprintf("a plain POST of 5 octets to %s", t.Path)
	switch {
	case a.err != "":
		return fmt.Errorf("%s is unreachable: %s", describe(t), a.err)
	case a.writeErr != "":
		return fmt.Errorf("%s: sending the contract check failed: %s", describe(t), a.writeErr)
	case a.final != nil:
		return nil
	case a.interims > 0 && a.limit != "":
		return fmt.Errorf("%s answered %s with %d interim (1xx) responses in %d KiB and no final response", describe(t), sent, a.interims, maxCheckAnswer>>10)
	case a.interims > 0:
		return fmt.Errorf("%s answered %s with %d interim (1xx) responses and then no final response (%s)", describe(t), sent, a.interims, a.ending(checkDeadline))
	case a.n > 0:
		return fmt.Errorf("%s answered %s with %q and then no final response (%s)", describe(t), sent, truncate(a.firstLine(), 40), a.ending(checkDeadline))
	}
	return fmt.Errorf("%s did not answer %s within 5 s (%s)", describe(t), sent, a.ending(checkDeadline))
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
