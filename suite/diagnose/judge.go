package diagnose

import (
	"fmt"
	"net/http"
	"time"

	"github.com/expectspec/expectspec/harness/conv"
)

// Exit statuses of a diagnosis.
const (
	ExitWorks     = 0 // uploads with Expect work here
	ExitBroken    = 1 // they fail or stall here
	ExitCannotRun = 2 // the diagnosis could not run: unreachable, not HTTP, no upload resource
)

// Problem names what breaks the handshake, for the fix and the client lines.
type Problem string

const (
	ProblemNone    Problem = ""
	ProblemRefused Problem = "refused" // a 417 (or another failure status) to 100-continue
	ProblemStall   Problem = "stall"   // no 100 while the content is withheld, or a late one
	ProblemHang    Problem = "hang"    // no final response at all
	ProblemClose   Problem = "close"   // the connection closed on the expectation
)

// clientTimer is the shortest wait of the common clients in facts.go (curl, Go's
// DefaultTransport, .NET: 1 s): a 100 later than this stalls them all.
const clientTimer = time.Second

// stallFrom is the first arrival of a 100 judged a stall. A server or a hop that sends its own
// 100 on a timer tends to use a round one, often the same 1 s as the clients: its 100 then lands
// at 1 s plus a few milliseconds, and a line drawn at exactly 1 s would flip the verdict between
// runs. Drawn at three quarters of the timer, it leaves a quarter of a second either side of the
// common timers (500 ms, 1 s), and a 100 that late costs each upload most of a client's wait.
const stallFrom = clientTimer * 3 / 4

// Diagnosis is the outcome of a battery at one URL.
type Diagnosis struct {
	Endpoint Endpoint
	Protocol conv.Protocol // the protocol the battery was played in
	Exit     int
	Problem  Problem
	Verdict  string   // the first line: what happens, in words a person can act on
	Who      []string // who answered, and guesses from timing (said to be guesses)
	Clients  []string // what it means for common clients
	Fix      []string // what to change
	Notes    []string // what the other probes found
	Probes   []ProbeResult
	// wait is how long the probes withheld their content at most (continueWait, scaled);
	// finalWait how long they waited for a final response once the content was sent (scaled).
	wait, finalWait time.Duration
}

// ProbeResult is one probe: what it asked, its timeline and what was read from it.
type ProbeResult struct {
	Name     string
	Asks     string
	Timeline *conv.Timeline
	Seen     Observed
}

func (d *Diagnosis) seen(name string) (Observed, bool) {
	for _, p := range d.Probes {
		if p.Name == name {
			return p.Seen, true
		}
	}
	return Observed{}, false
}

// judge reads the probes and fills in the verdict. The plain upload is the baseline: a URL that
// does not take it cannot tell anything about Expect.
func (d *Diagnosis) judge() {
	plain, _ := d.seen(ProbePlain)
	if why := d.cannotRun(plain); why != "" {
		d.Exit, d.Verdict = ExitCannotRun, why
		return
	}
	exp, ok := d.seen(ProbeExpect)
	if !ok || exp.Err != "" {
		d.Exit, d.Verdict = ExitCannotRun, "the upload with Expect could not be sent: "+exp.Err
		return
	}
	d.Problem, d.Verdict = handshake(exp, plain, "Expect: 100-continue", d.wait, d.finalWait)
	if d.Problem == ProblemNone {
		if up, ok := d.seen(ProbeCase); ok && up.Err == "" {
			if p, v := handshake(up, plain, "Expect: 100-Continue", d.wait, d.finalWait); p != ProblemNone {
				d.Problem = p
				d.Verdict = v + " (with `Expect: 100-continue` in lower case they work: a hop compares the token case-sensitively, which RFC 9110 §10.1.1 does not allow)"
			}
		}
	}
	d.Exit = ExitWorks
	if d.Problem != ProblemNone {
		d.Exit = ExitBroken
	}
	d.Who = who(d, exp, plain)
	d.Clients = clientLines(d.Problem, d.Protocol.IsH2())
	d.Fix = fixLines(d)
	d.Notes = notes(d, exp)
}

// cannotRun says why the baseline upload leaves nothing to diagnose ("" when it worked).
func (d *Diagnosis) cannotRun(p Observed) string {
	speaks := "HTTP/1.x"
	if d.Protocol.IsH2() {
		speaks = "HTTP/2"
	}
	switch {
	case p.Err != "":
		return "cannot diagnose: " + p.Err
	case p.ParseError != "":
		return "cannot diagnose: the URL does not answer in " + speaks + " (" + p.ParseError + ")"
	case p.Final == nil && p.StreamEnd != "":
		return "cannot diagnose: a plain upload without Expect got no answer: " + p.StreamEnd
	case p.Final == nil && p.Closed:
		return "cannot diagnose: the upload resource closed the connection on a plain upload without Expect, without an answer"
	case p.Final == nil:
		return "cannot diagnose: the upload resource did not answer a plain upload without Expect within " + ms(d.finalWait)
	case p.Final.Status >= 200 && p.Final.Status < 300:
		return ""
	}
	s := p.Final.Status
	hint := "this URL does not take uploads"
	switch {
	case s == 401 || s == 403 || s == 407:
		hint = "this URL does not take uploads without credentials: pass them with --header 'Authorization: …'"
	case s == 404 || s == 405:
		hint = "this URL does not take uploads: check the URL and --method"
	case s == 413:
		hint = "this URL does not take uploads of this size: lower --size"
	case s >= 300 && s < 400:
		hint = "this URL redirects"
		if loc := p.Final.Get("Location"); len(loc) > 0 {
			hint += " to " + loc[0] + ": diagnose that URL"
		}
	case s >= 500:
		hint = "the server fails uploads without Expect too: fix that first"
	}
	return fmt.Sprintf("the upload resource answered %s without Expect too: %s", status(p.Final), hint)
}

// handshake judges one probe whose content was withheld, against the plain upload. It never
// fails what RFC 9110 §10.1.1 allows: a final status from the header section is an answer, and a
// server may answer 100 or not once the content has arrived (it is judged only by whether the
// client had to wait for it). maxWait is how long the content was withheld at most, finalWait
// how long a final response was awaited after it.
func handshake(o Observed, plain Observed, spelled string, maxWait, finalWait time.Duration) (Problem, string) {
	ok := plain.Final // a 2xx: cannotRun has ruled out the rest
	switch o.First {
	case AnsweredFinal:
		f := o.EarlyFinal
		if f.Status/100 == ok.Status/100 { // a 417 is never in ok's class (2xx)
			return ProblemNone, fmt.Sprintf("works: %s in %s, from the header section, before any content (allowed: the client does not wait)", status(f), ms(o.FirstAt))
		}
		return ProblemRefused, fmt.Sprintf("uploads that send %s fail here with %s before any content is sent; the same upload without Expect gets %s", spelled, status(f), status(ok))
	case AnsweredClose:
		return ProblemClose, fmt.Sprintf("uploads that send %s fail here: %s %s after the head, with no answer; the same upload without Expect gets %s", spelled, o.closedWords(), ms(o.FirstAt), status(ok))
	case AnsweredContinue:
		switch {
		case o.Final == nil:
			return ProblemHang, fmt.Sprintf("uploads that send %s hang here: 100 Continue came in %s, but no final status within %s of the content; without Expect: %s", spelled, ms(o.FirstAt), ms(finalWait), status(ok))
		case o.Final.Status/100 != ok.Status/100:
			return ProblemRefused, fmt.Sprintf("uploads that send %s fail here with %s after 100 Continue and the content; the same upload without Expect gets %s", spelled, status(o.Final), status(ok))
		case o.FirstAt > clientTimer:
			return ProblemStall, fmt.Sprintf("each upload that sends %s stalls about 1 s: 100 Continue comes only after %s, later than common clients wait, so they wait out their timer (see below)", spelled, ms(o.FirstAt))
		case o.FirstAt >= stallFrom:
			return ProblemStall, fmt.Sprintf("each upload that sends %s stalls: 100 Continue comes only after %s, about as long as common clients wait (1 s), so each upload waits that long and clients whose timer runs out first send without it (see below)", spelled, ms(o.FirstAt))
		}
		return ProblemNone, fmt.Sprintf("works: 100 Continue in %s, then %s", ms(o.FirstAt), status(o.Final))
	}
	// Silence while the content was withheld.
	wait := ms(maxWait)
	if o.WaitedFor > 0 {
		wait = ms(o.WaitedFor)
	}
	switch {
	case o.Final == nil && o.Closed:
		return ProblemHang, fmt.Sprintf("uploads that send %s fail here: nothing came in %s with the content withheld, and after the content %s without a final status", spelled, wait, o.closedWords())
	case o.Final == nil:
		return ProblemHang, fmt.Sprintf("uploads that send %s hang here: nothing came in %s with the content withheld, nor a final status within %s of the content", spelled, wait, ms(finalWait))
	case o.Final.Status/100 != ok.Status/100:
		return ProblemStall, fmt.Sprintf("uploads that send %s stall, then fail here: no 100 came in %s, and after the content came %s (without Expect: %s)", spelled, wait, status(o.Final), status(ok))
	}
	return ProblemStall, fmt.Sprintf("each upload that sends %s stalls about 1 s: no 100 comes while the content is withheld, the client waits out its timer, then %s", spelled, status(o.Final))
}

// status renders "417 Expectation Failed".
func status(r *conv.Response) string {
	if r == nil {
		return "no answer"
	}
	reason := r.Reason
	if reason == "" {
		reason = http.StatusText(r.Status)
	}
	return fmt.Sprintf("%d %s", r.Status, reason)
}

// ms renders a duration for a person: "0.08 ms", "3 ms", "1.4 s".
func ms(d time.Duration) string {
	switch {
	case d < 10*time.Millisecond:
		return fmt.Sprintf("%.2g ms", float64(d)/float64(time.Millisecond))
	case d < time.Second:
		return fmt.Sprintf("%d ms", d.Milliseconds())
	}
	return fmt.Sprintf("%.1f s", d.Seconds())
}
