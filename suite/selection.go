package suite

// Selection: which cases apply to a target (its role and protocol), the Ginkgo labels and text
// of each entry, and the --label-filter and --focus evaluated the way Ginkgo will, so that only
// selected cases are run ahead of time.

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/expectspec/expectspec/cases"
	"github.com/expectspec/expectspec/harness/conv"
)

// applicable returns the cases that apply to a role over HTTP/1.1.
func applicable(all []cases.Case, role cases.Role) []cases.Case {
	return applicableOver(all, role, conv.HTTP1)
}

// applicableOver returns the cases that apply to a role over a protocol.
func applicableOver(all []cases.Case, role cases.Role, proto conv.Protocol) []cases.Case {
	var out []cases.Case
	for _, c := range all {
		if !c.AppliesTo(proto) {
			continue
		}
		for _, r := range c.Roles {
			if r == role {
				out = append(out, c)
				break
			}
		}
	}
	return out
}

func targetRole(ps []prepared, name string) cases.Role {
	for _, p := range ps {
		if p.t.Name == name {
			return p.t.Role
		}
	}
	return ""
}

// labels are the Ginkgo labels of a case on a target: role, target, scenario, case ID, keywords
// and RFC sections, so --label-filter can select by any of them.
func labels(role cases.Role, targetName string, c cases.Case) []string {
	ls := []string{"role:" + string(role), "target:" + labelSafe(targetName), "scenario:" + c.Scenario, "id:" + labelSafe(c.ID)}
	seen := map[string]bool{}
	for _, id := range c.Requirements {
		r, ok := cases.Lookup(id)
		if !ok {
			continue
		}
		for _, l := range []string{"keyword:" + labelSafe(r.Keyword), "rfc" + r.RFC + ":" + r.Section, "req:" + r.ID} {
			if !seen[l] {
				seen[l] = true
				ls = append(ls, l)
			}
		}
	}
	return ls
}

// labelSafe replaces the characters Ginkgo does not allow in labels.
var labelUnsafe = regexp.MustCompile(`[&|!,()/\s]`)

func labelSafe(s string) string { return labelUnsafe.ReplaceAllString(s, ".") }

// fullText is the text Ginkgo matches --focus against for an entry.
func fullText(targetName string, c cases.Case) string {
	return strings.Join([]string{suiteDescription, targetName, "Expect handling", c.ID}, " ")
}

// CheckSelection validates --label-filter and --focus before anything is started.
func CheckSelection(labelFilter string, focus []string) error {
	_, err := selector(Config{LabelFilter: labelFilter, Focus: focus})
	return err
}

// selection reports whether the case with this full text and these labels is selected.
type selection func(text string, labels []string) bool

// selector evaluates the label filter and focus the same way Ginkgo will, so only selected
// cases are run ahead of time. A mismatch costs only time: an entry always runs its own case.
func selector(cfg Config) (selection, error) {
	lf := types.LabelFilter(func([]string) bool { return true })
	if cfg.LabelFilter != "" {
		var err error
		if lf, err = types.ParseLabelFilter(cfg.LabelFilter); err != nil {
			return nil, fmt.Errorf("--label-filter %q does not parse: %s", cfg.LabelFilter, oneLine(err, cfg.LabelFilter))
		}
	}
	var focus []*regexp.Regexp
	for _, f := range cfg.Focus {
		re, err := regexp.Compile(f)
		if err != nil {
			return nil, fmt.Errorf("--focus %q is not a regular expression: %v", f, err)
		}
		focus = append(focus, re)
	}
	return func(text string, ls []string) bool {
		if !lf(ls) {
			return false
		}
		if len(focus) == 0 {
			return true
		}
		for _, re := range focus {
			if re.MatchString(text) {
				return true
			}
		}
		return false
	}, nil
}

var ansi = regexp.MustCompile(`\x1b\[[0-9;]*m`)

// oneLine condenses Ginkgo's multi-line, coloured filter error into the one line a CLI error is.
func oneLine(err error, input string) string {
	var parts []string
	for _, l := range strings.Split(ansi.ReplaceAllString(err.Error(), ""), "\n") {
		l = strings.TrimSpace(l)
		if l == "" || l == strings.TrimSpace(input) || strings.HasPrefix(l, "Learn more") || strings.HasPrefix(l, "http") {
			continue
		}
		parts = append(parts, l)
	}
	return strings.Join(parts, " ")
}
