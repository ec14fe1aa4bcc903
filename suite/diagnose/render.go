package diagnose

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/expectspec/expectspec/harness/conv"
)

// Write prints a URL's diagnosis: the verdict first; then, for one protocol, its fix, who
// answered, what it means for clients, the other findings and one line per probe; for several,
// the fix of each that breaks (so that it is among the first lines), then each protocol's
// diagnosis under a heading of its own; last, the protocols not diagnosed.
func (r *Report) Write(w io.Writer) {
	fmt.Fprintln(w, r.Verdict)
	if len(r.Over) == 1 {
		r.Over[0].writeBody(w, true)
	} else {
		for _, d := range r.Over {
			section(w, "fix over "+protocolName(d.Protocol), d.Fix)
		}
		for _, d := range r.Over {
			fmt.Fprintf(w, "\n== over %s\n", protocolName(d.Protocol))
			fmt.Fprintln(w, d.Verdict)
			d.writeBody(w, false)
		}
	}
	section(w, "protocols", r.NotPlayed)
}

// writeBody prints the fix (when withFix), who answered, what it means for clients, the other
// findings, and one line per probe (nothing when the battery could not run).
func (d *Diagnosis) writeBody(w io.Writer, withFix bool) {
	if d.Exit == ExitCannotRun {
		return
	}
	if withFix {
		section(w, "fix", d.Fix)
	}
	section(w, "who answered", d.Who)
	section(w, "for clients", d.Clients)
	section(w, "also seen", d.Notes)
	fmt.Fprintln(w, "probes:")
	for _, p := range d.Probes {
		fmt.Fprintf(w, "  %-17s %s\n", p.Name, p.Seen.summary())
	}
	if d.Protocol.IsH2() {
		fmt.Fprintf(w, "  %-17s not played: HTTP/2 has no HTTP/1.0 form\n", ProbeHTTP10)
	}
}

func section(w io.Writer, title string, lines []string) {
	if len(lines) == 0 {
		return
	}
	fmt.Fprintln(w, title+":")
	for _, l := range lines {
		fmt.Fprintln(w, "  - "+l)
	}
}

// summary is one line of what a probe saw: "100 in 0.1 ms, then 200 OK in 0.4 ms".
func (o Observed) summary() string {
	if o.Err != "" {
		return "error: " + o.Err
	}
	var parts []string
	switch o.First {
	case AnsweredContinue:
		parts = append(parts, "100 in "+ms(o.FirstAt))
	case AnsweredClose:
		if o.StreamEnd != "" {
			parts = append(parts, o.StreamEnd+" after "+ms(o.FirstAt))
		} else {
			parts = append(parts, "closed after "+ms(o.FirstAt))
		}
	case AnsweredNothing:
		if o.WaitedFor > 0 {
			parts = append(parts, "nothing for "+ms(o.WaitedFor))
		}
	}
	if o.Continues > 1 {
		parts = append(parts, fmt.Sprintf("%d × 100", o.Continues))
	}
	switch {
	case o.Final != nil && o.EarlyFinal != nil:
		parts = append(parts, status(o.Final)+" in "+ms(o.FinalAt)+", before the content")
	case o.Final != nil:
		parts = append(parts, status(o.Final)+" in "+ms(o.FinalAt))
	case o.First != AnsweredClose && o.ContentSent:
		parts = append(parts, "no final status")
	}
	if o.ParseError != "" {
		parts = append(parts, "not HTTP: "+o.ParseError)
	}
	if len(parts) == 0 {
		return "nothing"
	}
	return strings.Join(parts, ", then ")
}

// WriteChain prints a chain's diagnosis: the summary, then each hop's.
func (c *Chain) WriteChain(w io.Writer) {
	fmt.Fprintln(w, c.Summary())
	if c.Broken >= 0 {
		for i := c.Broken + 1; i < len(c.Results); i++ {
			if c.Results[i].Exit == ExitWorks {
				fmt.Fprintf(w, "%s, after it in the list, works: it hides the break (it probably answers 100 itself)\n", c.Hops[i].Name)
			}
		}
	}
	for i, d := range c.Results {
		fmt.Fprintf(w, "\n== %s (%s)\n", c.Hops[i].Name, c.Hops[i].Endpoint.URL)
		d.Write(w)
	}
}

// The JSON form: every protocol's probes with their traces.
type jsonReport struct {
	URL       string          `json:"url"`
	Name      string          `json:"name,omitempty"`
	Exit      int             `json:"exit"`
	Verdict   string          `json:"verdict"`
	NotPlayed []string        `json:"not_diagnosed,omitempty"`
	Protocols []jsonDiagnosis `json:"protocols"`
}

type jsonDiagnosis struct {
	Protocol conv.Protocol `json:"protocol"`
	Exit     int           `json:"exit"`
	Problem  Problem       `json:"problem,omitempty"`
	Verdict  string        `json:"verdict"`
	Who      []string      `json:"who,omitempty"`
	Clients  []string      `json:"clients,omitempty"`
	Fix      []string      `json:"fix,omitempty"`
	Notes    []string      `json:"notes,omitempty"`
	Probes   []jsonProbe   `json:"probes"`
}
type jsonProbe struct {
	Name       string      `json:"name"`
	Asks       string      `json:"asks"`
	Summary    string      `json:"summary"`
	Answer     string      `json:"answer_while_withheld,omitempty"`
	Final      int         `json:"final_status,omitempty"`
	Transcript string      `json:"transcript"`
	Events     []jsonEvent `json:"events"`
}

type jsonEvent struct {
	AtMicros int64  `json:"at_us"`
	Kind     string `json:"kind"`
	Step     string `json:"step,omitempty"`
	Octets   int64  `json:"octets,omitempty"`
	Data     string `json:"data,omitempty"`
	Status   int    `json:"status,omitempty"`
	Error    string `json:"error,omitempty"`
}

func (r *Report) toJSON(name string) jsonReport {
	j := jsonReport{URL: r.Endpoint.URL, Name: name, Exit: r.Exit, Verdict: r.Verdict, NotPlayed: r.NotPlayed, Protocols: []jsonDiagnosis{}}
	for _, d := range r.Over {
		j.Protocols = append(j.Protocols, d.toJSON())
	}
	return j
}

func (d *Diagnosis) toJSON() jsonDiagnosis {
	j := jsonDiagnosis{Protocol: d.Protocol, Exit: d.Exit, Problem: d.Problem, Verdict: d.Verdict,
		Who: d.Who, Clients: d.Clients, Fix: d.Fix, Notes: d.Notes, Probes: []jsonProbe{}}
	for _, p := range d.Probes {
		jp := jsonProbe{Name: p.Name, Asks: p.Asks, Summary: p.Seen.summary(), Transcript: p.Timeline.Transcript(), Events: []jsonEvent{}}
		if _, withheld := p.Timeline.StepAt(stepHead); withheld && p.Seen.Err == "" {
			jp.Answer = p.Seen.First.String()
		}
		if p.Seen.Final != nil {
			jp.Final = p.Seen.Final.Status
		}
		for _, e := range p.Timeline.Events {
			jp.Events = append(jp.Events, eventJSON(e))
		}
		j.Probes = append(j.Probes, jp)
	}
	return j
}

func eventJSON(e conv.Event) jsonEvent {
	j := jsonEvent{AtMicros: e.At.Microseconds(), Kind: string(e.Kind), Step: e.Step, Octets: e.N, Error: e.Error}
	if len(e.Data) > 0 {
		j.Data = string(e.Data)
	}
	if e.Msg != nil {
		j.Status = e.Msg.Status
	}
	return j
}

// WriteJSON writes the URL's diagnosis with every probe and its trace, protocol by protocol.
func (r *Report) WriteJSON(w io.Writer) error {
	return encode(w, r.toJSON(""))
}

// WriteJSON writes every hop's diagnosis and which broke first.
func (c *Chain) WriteJSON(w io.Writer) error {
	out := struct {
		Summary     string       `json:"summary"`
		Exit        int          `json:"exit"`
		FirstBroken string       `json:"first_broken,omitempty"`
		Hops        []jsonReport `json:"hops"`
	}{Summary: c.Summary(), Exit: c.Exit}
	if c.Broken >= 0 {
		out.FirstBroken = c.Hops[c.Broken].Name
	}
	for i, d := range c.Results {
		out.Hops = append(out.Hops, d.toJSON(c.Hops[i].Name))
	}
	return encode(w, out)
}

func encode(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
