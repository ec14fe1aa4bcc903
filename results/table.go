package results

import (
	"fmt"
	"slices"
	"strings"
)

// table is the compatibility table as both renderers (HTML and Markdown) show it: targets grouped
// by role, because a reader asks about one kind of software ("does my proxy break
// 100-continue?") and a case means something different for an origin, a gateway and a forward
// proxy. Each group has the cases that apply to its role as rows and its targets as columns, so
// every result of the file is one cell of exactly one group. Within a group, targets are in name
// order, those that are not installed last.
type table struct {
	Groups []roleGroup
}

type roleGroup struct {
	Role    string // origin, gateway, proxy, or whatever else the file says
	Title   string // "Forward proxies"
	Blurb   string // one sentence: what such software is
	Targets []tableTarget
	Cases   []Case
}

// tableTarget is a column: a target and what its column head and summary say about it.
type tableTarget struct {
	Target
	Counts Counts
	Flaky  int // results whose repeated runs disagreed
	NotRun int // results of cases the run did not finish (interrupted)
	// NotInstalled is set when every result of the target is na because its software is not
	// installed (reason "not installed…"); Install is that reason, which names the install command.
	NotInstalled bool
	Install      string
	Fails, Warns []Case // the cases it fails or warns on, in catalogue order
	// Breaks counts the results that say how uploads with Expect: 100-continue fail here
	// (Result.BreaksUploads, whatever their verdict); BreaksHow is the first such phrase.
	Breaks    int
	BreaksHow string
}

// roleOrder puts the roles of the suite first, in the order a request meets them reversed:
// origins, gateways in front of them, forward proxies in front of clients, then the clients.
var roleOrder = []string{"origin", "gateway", "proxy", "client"}

func roleTitle(role string) (title, blurb string) {
	switch role {
	case "origin":
		return "Origin servers", "Servers that answer requests themselves (web servers, application servers, frameworks)."
	case "gateway":
		return "Gateways (reverse proxies)", "Intermediaries in front of an origin server, which clients take for the origin (load balancers, caches, TLS terminators)."
	case "proxy":
		return "Forward proxies", "Intermediaries a client is configured to send every request through (absolute-form request targets)."
	case "client":
		return "Clients", "HTTP clients run as commands against the suite's own server, which answers 417, never answers, sends odd 1xx or answers early."
	case "":
		return "Targets without a role", ""
	}
	return "Role " + role, ""
}

func buildTable(f *File) table {
	cells := f.cells()
	byRole := map[string][]Target{}
	var roles []string
	for _, t := range f.Targets {
		if _, ok := byRole[t.Role]; !ok {
			roles = append(roles, t.Role)
		}
		byRole[t.Role] = append(byRole[t.Role], t)
	}
	slices.SortStableFunc(roles, func(a, b string) int { return roleRank(a) - roleRank(b) })
	// Within a role, by name: the table is then the same however its results files were
	// assembled (one run, or one file per implementation merged in any order).
	for _, ts := range byRole {
		slices.SortStableFunc(ts, func(a, b Target) int { return strings.Compare(a.Name, b.Name) })
	}

	var tb table
	for _, role := range roles {
		g := roleGroup{Role: role}
		g.Title, g.Blurb = roleTitle(role)
		for _, c := range f.Cases {
			if slices.Contains(c.Roles, role) || anyResult(cells, byRole[role], c.ID) {
				g.Cases = append(g.Cases, c)
			}
		}
		for _, t := range byRole[role] {
			g.Targets = append(g.Targets, describeColumn(f, t, g.Cases, cells))
		}
		// the implementations that were not installed last: they have nothing to compare
		slices.SortStableFunc(g.Targets, func(a, b tableTarget) int { return boolRank(a.NotInstalled) - boolRank(b.NotInstalled) })
		tb.Groups = append(tb.Groups, g)
	}
	return tb
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

func roleRank(role string) int {
	if i := slices.Index(roleOrder, role); i >= 0 {
		return i
	}
	return len(roleOrder)
}

func anyResult(cells map[cellKey]*Result, targets []Target, caseID string) bool {
	for _, t := range targets {
		if _, ok := cells[cellKey{t.Name, caseID}]; ok {
			return true
		}
	}
	return false
}

func describeColumn(f *File, t Target, rows []Case, cells map[cellKey]*Result) tableTarget {
	col := tableTarget{Target: t}
	installed := false
	for _, c := range rows {
		r, ok := cells[cellKey{t.Name, c.ID}]
		if !ok {
			continue
		}
		if r.NotRun { // its verdict (error) is a placeholder, not a finding
			col.NotRun++
			installed = true
			continue
		}
		col.Counts.Add(r.Verdict)
		if r.Flaky {
			col.Flaky++
		}
		switch r.Verdict {
		case Fail:
			col.Fails = append(col.Fails, c)
		case Warn:
			col.Warns = append(col.Warns, c)
		}
		if r.Verdict == NA && isNotInstalled(r.Reason) {
			if col.Install == "" {
				col.Install = r.Reason
			}
		} else {
			installed = true
		}
	}
	col.NotInstalled = !installed && col.Install != ""
	col.Breaks, col.BreaksHow = BreaksUploads(f, t.Name)
	return col
}

// isNotInstalled recognises the reason a recipe gives for software missing from the machine.
func isNotInstalled(reason string) bool {
	return strings.HasPrefix(strings.ToLower(strings.TrimSpace(reason)), "not installed")
}

// runsText is "pass×19 fail×1": how often each verdict came up in a flaky cell's runs.
func runsText(runs []Verdict) string {
	var parts []string
	for _, v := range Verdicts {
		n := 0
		for _, r := range runs {
			if r == v {
				n++
			}
		}
		if n > 0 {
			parts = append(parts, fmt.Sprintf("%s×%d", v, n))
		}
	}
	return strings.Join(parts, " ")
}

// cellLabel is the word a cell shows: the verdict, FLAKY when repeated runs disagreed, or
// "not run" when the run ended before the case finished.
func cellLabel(r *Result) string {
	switch {
	case r.NotRun:
		return "not run"
	case r.Flaky:
		return "FLAKY"
	}
	return r.Verdict.Label()
}

// columnSummary is the summary of a column in a few words: "60 pass, 2 fail; 1 flaky".
func columnSummary(t tableTarget) string {
	if t.NotInstalled {
		return "not installed"
	}
	s := ""
	if t.Counts.Total() > 0 || t.NotRun == 0 {
		s = shortCounts(t.Counts)
	}
	var extra []string
	if t.Flaky > 0 {
		extra = append(extra, fmt.Sprintf("%d flaky", t.Flaky))
	}
	if t.NotRun > 0 {
		extra = append(extra, fmt.Sprintf("%d not run", t.NotRun))
	}
	if len(extra) > 0 && s != "" {
		s += "; "
	}
	return s + strings.Join(extra, ", ")
}

// verdictOf is a column's answer to "does it break 100-continue?" in one word (the verdict class
// the page colours it with) and one phrase.
func verdictOf(t tableTarget) (class, phrase string) {
	c := t.Counts
	switch {
	case t.NotInstalled:
		return "na", "not installed"
	case c.Total() == 0 && t.NotRun > 0:
		return "error", "not run"
	case c.Total() == 0:
		return "na", "no results"
	case t.Breaks > 0 && c.Fail > 0:
		return "fail", fmt.Sprintf("breaks uploads: %s (%s); fails %d of %s", t.BreaksHow, plural(t.Breaks, "case"), c.Fail, plural(c.Total(), "case"))
	case t.Breaks > 0:
		// A warning by the RFC's letter, but uploads fail: the overview answers the question
		// people ask ("does it break 100-continue?"), so it is counted as breaking.
		return "fail", fmt.Sprintf("breaks uploads: %s (%s)", t.BreaksHow, plural(t.Breaks, "case"))
	case c.Fail > 0:
		return "fail", fmt.Sprintf("fails %d of %s", c.Fail, plural(c.Total(), "case"))
	case c.Warn > 0:
		return "warn", "no failure; " + plural(c.Warn, "warning")
	case c.Error > 0:
		return "error", "no failure or warning; " + plural(c.Error, "case") + " could not be carried out"
	}
	return "pass", "no failure or warning in " + plural(c.Total(), "case")
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
