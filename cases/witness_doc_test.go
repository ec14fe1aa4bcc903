package cases

import (
	"bytes"
	"strings"
	"testing"
)

// TestCatalogueDocListsWitnesses checks that every case's section of the written document names
// each of its witnesses, and each requirement a mutant row names.
func TestCatalogueDocListsWitnesses(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteCatalogue(&buf); err != nil {
		t.Fatal(err)
	}
	doc := buf.String()
	for _, c := range All() {
		start := strings.Index(doc, "<a id=\""+caseAnchor(c.ID)+"\"></a>")
		if start < 0 {
			t.Fatalf("no section for %s", c.ID)
		}
		section := doc[start:]
		if end := strings.Index(section[1:], "<a id=\"case-"); end >= 0 {
			section = section[:end+1]
		}
		if len(c.Witnesses) == 0 || !strings.Contains(section, "\nWitnesses:\n") {
			t.Errorf("%s: the document lists no witnesses", c.ID)
		}
		for _, w := range c.Witnesses {
			if !strings.Contains(section, "`"+w.Server+"`") || w.Requirement != "" && !strings.Contains(section, "["+w.Requirement+"]") {
				t.Errorf("%s: the document does not list %s for %q", c.ID, w.Server, w.Requirement)
			}
		}
	}
}
