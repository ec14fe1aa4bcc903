package cases

// Requirement is one row of the requirement catalogue (CATALOGUE.md lists every row).
type Requirement struct {
	ID      string
	RFC     string // "9110"
	Section string // "10.1.1"
	Keyword string // MUST, MUST NOT, SHOULD, SHOULD NOT, MAY, descriptive
	Role    string
	Summary string
	Fix     string // what an implementer changes when a case fails or warns on this requirement
}

// Anchor is the RFC section as a link target, e.g. "https://www.rfc-editor.org/rfc/rfc9110#section-10.1.1".
func (r Requirement) Anchor() string {
	return "https://www.rfc-editor.org/rfc/rfc" + r.RFC + "#section-" + r.Section
}

var byID = func() map[string]int {
	m := make(map[string]int, len(catalogue))
	for i, r := range catalogue {
		m[r.ID] = i
	}
	return m
}()

// Lookup returns the catalogue entry for an ID, with its fix hint.
func Lookup(id string) (Requirement, bool) {
	i, ok := byID[id]
	if !ok {
		return Requirement{}, false
	}
	r := catalogue[i]
	r.Fix = fixes[id]
	return r, true
}

// Catalogue returns every requirement in catalogue order.
func Catalogue() []Requirement {
	out := make([]Requirement, len(catalogue))
	for i := range catalogue {
		out[i], _ = Lookup(catalogue[i].ID)
	}
	return out
}
