package diagnose

import (
	"fmt"
	"strings"
	"time"

	"github.com/expectspec/expectspec/harness/conv"
)

// markers returns the fields of r that say who answered, as "Name: value" lines.
func markers(r *conv.Response) []string {
	if r == nil {
		return nil
	}
	var out []string
	for _, name := range markerFields {
		for _, v := range r.Get(name) {
			out = append(out, name+": "+v)
		}
	}
	return out
}

func describeMarkers(r *conv.Response) string {
	if m := markers(r); len(m) > 0 {
		return strings.Join(m, "; ")
	}
	return "no Server, Via or similar field"
}

// who says who answered: the fields of the answer that matters beside those of the plain upload's
// answer, the 417's body, and a guess from timing, said to be one.
func who(d *Diagnosis, exp, plain Observed) []string {
	var out []string
	base := plain.Final
	out = append(out, fmt.Sprintf("the plain upload was answered %s in %s with %s", status(base), ms(plain.FinalAt), describeMarkers(base)))
	answer := exp.EarlyFinal
	if answer != nil {
		line := fmt.Sprintf("the %d came with %s", answer.Status, describeMarkers(answer))
		if body := strings.TrimSpace(string(answer.Body)); body != "" {
			line += fmt.Sprintf("; its body begins %q", clipText(body, 80))
		}
		out = append(out, line)
		if guess := sameServer(answer, base); guess != "" {
			out = append(out, guess)
		}
	}
	if exp.First == AnsweredContinue && base != nil {
		line := fmt.Sprintf("the 100 came %s after the head; the plain upload's answer %s after its head and content", ms(exp.FirstAt), ms(plain.FinalAt))
		switch {
		case plain.FinalAt < time.Millisecond:
			line += ": both within a millisecond, too close to tell which hop answered the 100"
		case exp.FirstAt*3 < plain.FinalAt:
			line += ": much sooner, so the hop you connected to probably answered the 100 itself (a guess from timing)"
		default:
			line += ": about as late, so the 100 probably came from as far in as the final answers (a guess from timing)"
		}
		out = append(out, line)
	}
	for _, s := range d.recognised() {
		out = append(out, "recognised "+s.Name+" from the response fields")
	}
	return out
}

// recognised is the software recognised from the marker fields of every response the probes got.
func (d *Diagnosis) recognised() []software {
	var fields []string
	for _, p := range d.Probes {
		for _, m := range p.Timeline.Messages() {
			fields = append(fields, markers(m.Msg)...)
		}
	}
	return recognise(fields)
}

// sameServer compares who made an early answer with who answers uploads: a different or missing
// Server field suggests a hop in front of the upload's server made it.
func sameServer(answer, base *conv.Response) string {
	a, b := answer.Get("Server"), base.Get("Server")
	switch {
	case len(b) == 0:
		return ""
	case len(a) == 0:
		return fmt.Sprintf("the %d has no Server field while uploads are answered by %q: a hop in front of that server probably made it (a guess)", answer.Status, b[0])
	case a[0] != b[0]:
		return fmt.Sprintf("the %d came from %q while uploads are answered by %q: that hop made it", answer.Status, a[0], b[0])
	}
	return fmt.Sprintf("the %d came from the same Server (%q) that answers uploads", answer.Status, a[0])
}

func clipText(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// clientLines says what the problem means for common clients (facts.go), over HTTP/2 when h2.
func clientLines(p Problem, h2 bool) []string {
	// Over HTTP/2 only the clients that send Expect there are touched (curl sends none).
	who, after, ends := "clients", "after their wait (curl 1 s)", "the connection"
	if h2 {
		who, after, ends = "clients that send Expect over HTTP/2", "after their wait", "the stream or connection"
	}
	switch p {
	case ProblemRefused:
		return clientsOn417(h2)
	case ProblemStall:
		return append(clientWaits(h2), "each upload that sends Expect costs the client its whole wait, then the content goes out")
	case ProblemHang:
		return []string{who + " send the content " + after + " and then wait for an answer that does not come, until their own request timeout"}
	case ProblemClose:
		return []string{who + " see " + ends + " end before any answer; the upload fails, or is retried as the client's policy says"}
	}
	return nil
}

// fixLines says what to change: configuration for the software recognised, as its documentation
// states it (facts.go), else the general fix and the workaround.
func fixLines(d *Diagnosis) []string {
	if d.Problem == ProblemNone {
		return nil
	}
	var out []string
	for _, s := range d.recognised() {
		switch {
		case d.Problem == ProblemRefused && s.OnRefuse != "":
			out = append(out, s.Name+": "+s.OnRefuse+" ("+s.Source+")")
		case d.Problem == ProblemStall && s.OnStall != "":
			out = append(out, s.Name+": "+s.OnStall+" ("+s.Source+")")
		}
	}
	switch d.Problem {
	case ProblemRefused:
		out = append(out, "the server or hop that refuses should answer 100 itself or forward the expectation: every hop can meet 100-continue, so a 417 for it only fails uploads (RFC 9110 §10.1.1)")
	case ProblemStall, ProblemHang:
		out = append(out, "the server or hop that holds the request should answer 100 at once or, if it is a proxy, forward the head at once (RFC 9110 §10.1.1)")
	case ProblemClose:
		out = append(out, "find the hop that closes on Expect (try --hop with each hop's own URL)")
	}
	return append(out, "until then, send uploads without Expect (curl -H 'Expect:')")
}

// notes reports what the other probes found: none of it changes the verdict.
func notes(d *Diagnosis, exp Observed) []string {
	var out []string
	if exp.Continues > 1 {
		out = append(out, fmt.Sprintf("%d 100 responses came for one request: a hop answered its own and relayed the next one's (allowed; clients skip extra 1xx)", exp.Continues))
	}
	if u, ok := d.seen(ProbeUnknown); ok && u.Final != nil {
		switch {
		case u.Final.Status == 417:
			out = append(out, "an unknown expectation gets 417: allowed (RFC 9110 §10.1.1), and it shows a hop reads Expect")
		case u.Final.Status >= 200 && u.Final.Status < 300:
			out = append(out, "an unknown expectation is ignored: "+status(u.Final))
		default:
			out = append(out, "an unknown expectation gets "+status(u.Final))
		}
	}
	if h, ok := d.seen(ProbeHTTP10); ok && h.Err == "" {
		switch {
		case h.First == AnsweredContinue:
			out = append(out, "an HTTP/1.0 upload with Expect got 100 Continue: HTTP/1.0 clients do not know 1xx, none may be sent to them (RFC 9110 §15.2)")
		case h.EarlyFinal != nil && h.EarlyFinal.Status == 417:
			out = append(out, "an HTTP/1.0 upload with Expect got 417: the expectation must be ignored in HTTP/1.0 (RFC 9110 §10.1.1)")
		}
	}
	if o, ok := d.seen(ProbeOverLimit); ok && o.Err == "" {
		switch o.First {
		case AnsweredFinal:
			out = append(out, fmt.Sprintf("1 TiB declared with Expect gets %s in %s, from the header section: clients are spared sending it", status(o.EarlyFinal), ms(o.FirstAt)))
		case AnsweredContinue:
			out = append(out, fmt.Sprintf("1 TiB declared with Expect gets 100 Continue in %s: the size limit, if any, applies only while reading (allowed)", ms(o.FirstAt)))
		case AnsweredClose:
			out = append(out, "1 TiB declared with Expect: "+o.closedWords()+" without an answer")
		default:
			out = append(out, fmt.Sprintf("1 TiB declared with Expect: nothing came in %s", ms(d.wait)))
		}
	}
	return out
}
