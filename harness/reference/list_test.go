package reference_test

import (
	"reflect"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/expectspec/expectspec/cases"
	"github.com/expectspec/expectspec/harness/reference"
)

// conformingKnobs are the Behaviour fields that select an alternative the RFCs allow; every other
// field but Name is a mutant knob.
var conformingKnobs = map[string]bool{"Name": true, "OmitContinueWhenBodyArrived": true, "CloseAfterEarly": true,
	"Reject417Unknown": true, "ObsFoldReplace": true, "NULReplace": true}

// setFields lists the fields of b that are not zero, Name aside.
func setFields(b reference.Behaviour) []string {
	var out []string
	v := reflect.ValueOf(b)
	for i := 0; i < v.NumField(); i++ {
		if name := v.Type().Field(i).Name; name != "Name" && !v.Field(i).IsZero() {
			out = append(out, name)
		}
	}
	return out
}

var _ = Describe("the lists of reference servers", func() {
	kebab := `^[a-z0-9]+(-[a-z0-9]+)*$`

	It("names every server uniquely", func() {
		seen := map[string]bool{}
		for _, b := range append(reference.Conforming(), reference.Mutants()...) {
			Expect(b.Name).To(MatchRegexp(kebab))
			Expect(seen).NotTo(HaveKey(b.Name))
			seen[b.Name] = true
		}
	})

	It("starts the conforming list with the zero value and sets no mutant knob in it", func() {
		refs := reference.Conforming()
		Expect(refs[0]).To(Equal(reference.Behaviour{Name: "ref-continue"}))
		for _, b := range refs {
			Expect(b.Name).To(HavePrefix("ref-"))
			for _, f := range setFields(b) {
				Expect(conformingKnobs).To(HaveKey(f), "%s sets the mutant knob %s", b.Name, f)
			}
		}
	})

	It("has exactly one mutant per mutant knob, each setting only that knob", func() {
		knobs := map[string]string{}
		for _, b := range reference.Mutants() {
			Expect(b.Name).To(HavePrefix("mut-"))
			set := setFields(b)
			Expect(set).To(HaveLen(1), "%s sets %v", b.Name, set)
			Expect(knobs).NotTo(HaveKey(set[0]), "%s and %s share a knob", b.Name, knobs[set[0]])
			knobs[set[0]] = b.Name
		}
		t := reflect.TypeOf(reference.Behaviour{})
		for i := 0; i < t.NumField(); i++ {
			if name := t.Field(i).Name; !conformingKnobs[name] {
				Expect(knobs).To(HaveKey(name), "no mutant sets %s", name)
			}
		}
	})

	It("cites catalogue requirements and a scenario for every mutant", func() {
		for _, m := range reference.MutantRecords() {
			Expect(m.Scenario).To(MatchRegexp(`^T[0-9]+[a-z]?$`), m.Behaviour.Name)
			for _, id := range m.Breaks {
				_, ok := cases.Lookup(id)
				Expect(ok).To(BeTrue(), "%s cites %s, which is not in the catalogue", m.Behaviour.Name, id)
			}
			Expect(reference.Breaks(m.Behaviour.Name)).To(Equal(m.Breaks))
		}
		Expect(reference.Breaks("ref-continue")).To(BeNil())
	})
})
