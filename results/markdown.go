package results

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strings"
)

// Markdown writes the compatibility table of f as GitHub-flavoured Markdown, with the content of
// the HTML page: an overview per role (origin servers, gateways, forward proxies) saying for each
// implementation whether it breaks a requirement and which cases it fails or warns on; a legend;
// then per role a table of the cases that apply to it (ID linked to the RFC section of its first
// requirement, and its claim) × the implementations of that role ("name version" in the head),
// PASS/FAIL/WARN/INFO/n/a/ERROR in each cell, FLAKY with the verdicts of its runs, "not run",
// "-" where there is no result, an empty column for a target that is not installed (its head
// says so), and a summary row; and below, per implementation, every cell that is not a pass with
// its reason, requirements and fix.
func Markdown(w io.Writer, f *File) error {
	if f == nil {
		f = &File{}
	}
	bw := bufio.NewWriter(w)
	cells := f.cells()
	tb := buildTable(f)

	fmt.Fprintln(bw, "# Expect: 100-continue compatibility table")
	fmt.Fprintln(bw)
	fmt.Fprintln(bw, "How HTTP servers and intermediaries handle `Expect: 100-continue`, `100 (Continue)`, `417 (Expectation Failed)` and interim responses "+
		"(RFC 9110 §10.1.1, §15.2; RFC 9112), checked by expectspec. "+mdText(runLine(f)))
	if f.Suite.Interrupted {
		fmt.Fprintln(bw)
		fmt.Fprintln(bw, `**This run was interrupted:** cases that did not finish read "not run".`)
	}
	fmt.Fprintln(bw)
	fmt.Fprintln(bw, "Find the kind of software you run: an **origin server** answers requests itself, a **gateway** (reverse proxy, load balancer, cache) "+
		"sits in front of one, a **forward proxy** is configured in the client. The overview says per implementation whether it breaks a requirement; "+
		"the tables below say which case, and the findings give every reason.")

	if len(tb.Groups) > 0 {
		fmt.Fprintln(bw, "\n## Overview")
	}
	for _, g := range tb.Groups {
		fmt.Fprintf(bw, "\n### %s\n\n", mdText(g.Title))
		if g.Blurb != "" {
			fmt.Fprintf(bw, "%s\n\n", mdText(g.Blurb))
		}
		bw.WriteString("| implementation | version | does it break 100-continue? | fails | warns | all results |\n|---|---|---|---|---|---|\n")
		for _, t := range g.Targets {
			class, answer := verdictOf(t)
			if class == "fail" {
				answer = "**" + answer + "**"
			}
			if t.NotInstalled { // the reason says "not installed" and how to install it
				answer = mdText(oneLine(t.Install, 300))
			}
			name := mdText(t.Name)
			if t.Software != "" {
				name += " (" + mdText(t.Software) + ")"
			}
			fmt.Fprintf(bw, "| %s | %s | %s | %s | %s | %s |\n", name, mdText(t.Version), answer, mdCaseIDs(t.Fails), mdCaseIDs(t.Warns), mdText(columnSummary(t)))
		}
	}

	fmt.Fprintln(bw, "\n## How to read the tables")
	fmt.Fprintln(bw)
	for _, l := range []string{
		"PASS: the requirement was checked and held.",
		"FAIL: a MUST or MUST NOT was broken: clients that send `Expect: 100-continue` can stall, lose or misread data.",
		"WARN: a SHOULD was broken, or interoperability suffers without breaking a MUST.",
		"INFO: the RFC leaves a choice; the reason says which one was made.",
		"n/a: the case does not apply to this implementation (the reason says why).",
		"ERROR: the suite could not carry the case out; not a finding about the implementation.",
		"FLAKY: repeated runs disagreed; the verdicts seen follow the word, the findings list the worst.",
		"not run: the run ended before the case finished.",
		"empty column, head \"not installed\": the software is not installed on the machine that made the table (the overview gives the install command).",
		"-: no result; the case was not run on this implementation.",
	} {
		fmt.Fprintln(bw, "- "+l)
	}

	for _, g := range tb.Groups {
		fmt.Fprintf(bw, "\n## %s\n\n", mdText(g.Title))
		bw.WriteString("| case | claim |")
		for _, t := range g.Targets {
			head := mdText(t.heading())
			if t.NotInstalled {
				head += " (not installed)"
			}
			bw.WriteString(" " + head + " |")
		}
		bw.WriteString("\n|---|---|")
		for range g.Targets {
			bw.WriteString(":---:|")
		}
		bw.WriteString("\n")
		for _, c := range g.Cases {
			fmt.Fprintf(bw, "| %s | %s |", mdCaseLink(c), mdText(c.Title))
			for _, t := range g.Targets {
				bw.WriteString(" " + mdCell(cells[cellKey{t.Name, c.ID}], t) + " |")
			}
			bw.WriteString("\n")
		}
		bw.WriteString("| **summary** | |")
		for _, t := range g.Targets {
			bw.WriteString(" " + mdText(columnSummary(t)) + " |")
		}
		bw.WriteString("\n")
	}

	writeFindings(bw, f, tb)
	return bw.Flush()
}

// mdCell is what a Markdown table cell says about r (nil: no result) on target t.
func mdCell(r *Result, t tableTarget) string {
	switch {
	case r == nil:
		return "-"
	case t.NotInstalled:
		return ""
	case r.Flaky:
		return "FLAKY " + runsText(r.Runs)
	}
	return cellLabel(r)
}

func mdCaseIDs(cs []Case) string {
	ids := make([]string, len(cs))
	for i, c := range cs {
		ids[i] = mdText(c.ID)
	}
	return strings.Join(ids, ", ")
}

// writeFindings lists, per implementation, every cell that is not a pass with its reason, worst
// first. A target that is not installed gets one line, and cases that were not run one line.
func writeFindings(bw *bufio.Writer, f *File, tb table) {
	caseByID := map[string]Case{}
	for _, c := range f.Cases {
		caseByID[c.ID] = c
	}
	header := false
	for _, g := range tb.Groups {
		for _, t := range g.Targets {
			findings := nonPass(f, t.Name)
			if len(findings) == 0 {
				continue
			}
			if !header {
				fmt.Fprintln(bw, "\n## Findings")
				header = true
			}
			fmt.Fprintf(bw, "\n### %s\n\n", mdText(targetLine(t.Target)))
			if t.NotInstalled {
				fmt.Fprintf(bw, "- %s\n", mdText(oneLine(t.Install, 4000)))
				continue
			}
			var notRun []string
			for _, r := range findings {
				if r.NotRun {
					notRun = append(notRun, mdText(r.Case))
					continue
				}
				label := r.Verdict.Label()
				if r.Flaky {
					label = "FLAKY " + label
				}
				fmt.Fprintf(bw, "- **%s** %s: %s", label, mdCaseLink(caseByID[r.Case]), mdText(oneLine(r.Reason, 4000)))
				if len(r.Requirements) > 0 {
					fmt.Fprintf(bw, " (%s)", mdText(strings.Join(r.Requirements, ", ")))
				}
				if r.Fix != "" {
					fmt.Fprintf(bw, " Fix: %s", mdText(oneLine(r.Fix, 4000)))
				}
				bw.WriteString("\n")
				for _, rr := range r.RunReasons {
					fmt.Fprintf(bw, "  - %s: %s\n", rr.label(), mdText(oneLine(rr.Reason, 4000)))
				}
			}
			if len(notRun) > 0 {
				fmt.Fprintf(bw, "- **not run** (the run ended first): %s\n", strings.Join(notRun, ", "))
			}
		}
	}
}

// runLine describes the run in one sentence.
func runLine(f *File) string {
	s := fmt.Sprintf("%d cases on %d targets", len(f.Cases), len(f.Targets))
	if f.Suite.Version != "" {
		s = "expectspec " + f.Suite.Version + ": " + s
	}
	if !f.Suite.Started.IsZero() {
		s += ", started " + f.Suite.Started.UTC().Format("2006-01-02 15:04:05 UTC")
	}
	if f.Suite.DurationMS > 0 {
		s += fmt.Sprintf(", took %.1f s", float64(f.Suite.DurationMS)/1000)
	}
	return s + "."
}

// targetLine is "name version (role, software, address)".
func targetLine(t Target) string {
	var extra []string
	for _, s := range []string{t.Role, t.Software, t.Address} {
		if s != "" {
			extra = append(extra, s)
		}
	}
	if len(extra) == 0 {
		return t.heading()
	}
	return t.heading() + " (" + strings.Join(extra, ", ") + ")"
}

// shortCounts is "31 pass, 2 fail, 1 warn", leaving out verdicts that did not occur.
func shortCounts(c Counts) string {
	if c.Total() == 0 {
		return "no results"
	}
	var parts []string
	for _, v := range Verdicts {
		if n := c.Get(v); n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, v.Label()))
		}
	}
	return strings.ToLower(strings.Join(parts, ", "))
}

// nonPass lists a target's results that are not pass, worst first, then in case order.
func nonPass(f *File, target string) []Result {
	order := map[string]int{}
	for i, c := range f.Cases {
		order[c.ID] = i
	}
	var out []Result
	for _, r := range f.Results {
		if r.Target == target && r.Verdict != Pass {
			out = append(out, r)
		}
	}
	sortFindings(out, order)
	return out
}

func sortFindings(rs []Result, order map[string]int) {
	slices.SortStableFunc(rs, func(a, b Result) int {
		if d := a.Verdict.rank() - b.Verdict.rank(); d != 0 {
			return d
		}
		return order[a.Case] - order[b.Case]
	})
}

func mdCaseLink(c Case) string {
	if u := c.firstURL(); u != "" {
		return "[" + mdText(c.ID) + "](" + u + ")"
	}
	return mdText(c.ID)
}

// mdText makes s safe inside a table cell or list item: one line, with the characters that
// Markdown or HTML would interpret escaped by a backslash.
func mdText(s string) string {
	s = oneLine(s, 1<<20)
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune("\\`*_[]<>|~&#!", r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}
