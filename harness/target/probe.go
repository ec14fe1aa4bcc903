package target

import (
	"bytes"
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/expectspec/expectspec/harness/conv"
)

// Probe checks that the target answers HTTP at all and measures the baseline round trip: the
// median time to the first byte of a plain GET of the upload path on a fresh connection.
func Probe(ctx context.Context, t Target, rounds int) (time.Duration, error) {
	var times []time.Duration
	for i := 0; i < rounds; i++ {
		d, err := probeOnce(ctx, t)
		if err != nil {
			return 0, err
		}
		times = append(times, d)
	}
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	return times[len(times)/2], nil
}

func probeOnce(ctx context.Context, t Target) (time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, checkDeadline) // connecting, sending and the answer
	defer cancel()
	a := play(ctx, t, checkScript(t, "probe", plainGET, checkDeadline), checkOptions(checkDeadline))
	switch {
	case a.err != "":
		return 0, fmt.Errorf("%s is unreachable: %s", describe(t), a.err)
	case a.writeErr != "":
		return 0, fmt.Errorf("%s: writing a probe request failed: %s", describe(t), a.writeErr)
	case a.answered():
		// the round trip is the time to the first octet of the answer on a fresh connection
		// (the driver's offsets start once connected, before the request is written)
		return a.first, nil
	case a.n == 0 && a.parseErr != "":
		return 0, fmt.Errorf("%s does not speak %s: %s", describe(t), t.speaks(), a.parseErr)
	case a.n == 0 && a.end.Kind == conv.EvDeadline:
		return 0, fmt.Errorf("%s accepted a connection but did not answer a plain GET within 5 s (%s)", describe(t), a.ending(checkDeadline))
	case a.n == 0:
		return 0, fmt.Errorf("%s accepted a connection but closed it without answering a plain GET (%s)", describe(t), a.ending(checkDeadline))
	case a.parseErr != "":
		return 0, fmt.Errorf("%s does not speak %s: it answered %q (%s)", describe(t), t.speaks(), truncate(a.firstLine(), 40), a.parseErr)
	case a.limit != "":
		return 0, fmt.Errorf("%s answered a plain GET with %d octets (%q) and no end of a response head (%s)", describe(t), a.n, truncate(a.firstLine(), 40), a.limit)
	}
	// the start of a response, then nothing more before the deadline or the close: a trickle,
	// not a server that speaks something else
	part := "a status line"
	if bytes.IndexByte(a.got, '\n') >= 0 {
		part = "a response head"
	}
	then := fmt.Sprintf("no more within 5 s (%s)", a.ending(checkDeadline))
	if a.end.Kind == conv.EvFIN || a.end.Kind == conv.EvRST {
		then = "then " + a.ending(checkDeadline)
	}
	return 0, fmt.Errorf("%s sent %d octets of %s (%q) to a plain GET and %s", describe(t), a.n, part, truncate(a.firstLine(), 40), then)
}
