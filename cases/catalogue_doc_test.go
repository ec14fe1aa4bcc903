package cases

import (
	"bytes"
	"flag"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// These are plain Go tests beside the Ginkgo suite (TestCases): `go test -run TestCatalogueDoc`
// runs them without the specs. The -update flag is registered at package level, so `go test`
// parses it before any test runs; only this package defines it, so pass it to ./cases alone.
var update = flag.Bool("update", false, "rewrite CATALOGUE.md from the catalogue's data")

const catalogueDoc = "CATALOGUE.md" // in this package's directory: cases/CATALOGUE.md

// TestCatalogueDoc fails when the committed CATALOGUE.md is not what the data writes.
func TestCatalogueDoc(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteCatalogue(&buf); err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile(catalogueDoc, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := os.ReadFile(catalogueDoc)
	if err != nil {
		t.Fatalf("%v; write it with `go generate ./cases` (or `go test ./cases -run TestCatalogueDoc -update`)", err)
	}
	if !bytes.Equal(got, buf.Bytes()) {
		t.Fatalf("cases/CATALOGUE.md is stale: the catalogue's data changed. Rewrite it with `go generate ./cases` "+
			"(or `go test ./cases -run TestCatalogueDoc -update`) and commit the result. First difference at line %d", firstDiffLine(got, buf.Bytes()))
	}
	var again bytes.Buffer
	if err := WriteCatalogue(&again); err != nil || !bytes.Equal(again.Bytes(), buf.Bytes()) {
		t.Fatal("WriteCatalogue is not deterministic: two runs differ")
	}
}

func firstDiffLine(a, b []byte) int {
	la, lb := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := range la {
		if i >= len(lb) || la[i] != lb[i] {
			return i + 1
		}
	}
	return len(la) + 1
}

// TestCatalogueDocNamesEverything checks the written document, not only the data: every case ID
// and every requirement ID has its anchored heading, every case has what it accepts, every
// scenario a title, and every interpretation cites requirements that exist.
func TestCatalogueDocNamesEverything(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteCatalogue(&buf); err != nil {
		t.Fatal(err)
	}
	doc := buf.String()
	for _, c := range All() {
		if !strings.Contains(doc, "<a id=\""+caseAnchor(c.ID)+"\"></a>\n\n#### "+c.ID+"\n") {
			t.Errorf("the catalogue document has no section for case %s", c.ID)
		}
		if caseAccepts[c.ID] == "" {
			t.Errorf("case %s has no entry in caseAccepts (accepts.go): say which answers its judge accepts", c.ID)
		}
		if scenarioTitles[scenarioOf(c)] == "" {
			t.Errorf("case %s: scenario %q has no title in scenarioTitles (catalogue_notes.go)", c.ID, c.Scenario)
		}
	}
	for id := range caseAccepts {
		if _, ok := ByID(id); !ok {
			t.Errorf("caseAccepts names %s, which is no case", id)
		}
	}
	for _, r := range Catalogue() {
		if !strings.Contains(doc, "<a id=\""+reqAnchor(r.ID)+"\"></a>\n\n### "+r.ID+"\n") {
			t.Errorf("the catalogue document has no section for requirement %s", r.ID)
		}
	}
	for _, in := range interpretations {
		for _, id := range in.Requirements {
			if _, ok := Lookup(id); !ok {
				t.Errorf("interpretation %s cites unknown requirement %s", in.Name, id)
			}
		}
	}
	// Every link inside the document lands on an anchor of the document.
	anchors := map[string]bool{}
	for _, m := range regexp.MustCompile(`<a id="([^"]+)"></a>`).FindAllStringSubmatch(doc, -1) {
		anchors[m[1]] = true
	}
	for _, m := range regexp.MustCompile(`\]\(#([^)]+)\)`).FindAllStringSubmatch(doc, -1) {
		if !anchors[m[1]] {
			t.Errorf("the catalogue document links to #%s, which is no anchor of it", m[1])
		}
	}
}

// outsideRefs are the ways a file can point at documents kept outside the repository (the team's
// notes the catalogue replaced). Spelled in pieces so this file does not match itself.
var outsideRefs = regexp.MustCompile(`(?i)\.\./` + `shared|shared/` + `docs|requirements` + `\.md|design` + `\.md|ginkgo` + `\.md` +
	// the team's issue tracker, and the section numbering of its notes (a section and an item number of them)
	`|\bissue` + ` #?[0-9]+|§[0-9]+(\.[0-9]+)*` + ` item [0-9]+`)

// interpretationCite is how code ("CATALOGUE.md, interpretation NAME") and reasons
// ("interpretation NAME in CATALOGUE.md") cite an interpretation of the catalogue.
var interpretationCite = regexp.MustCompile(`CATALOGUE\.md, interpretation ([a-z0-9-]+)|[Ii]nterpretation ([a-z0-9-]+) in CATALOGUE\.md`)

// TestNoReferenceOutsideRepository fails when a tracked file points at a document outside the
// repository, and when a citation of an interpretation names none the document has.
func TestNoReferenceOutsideRepository(t *testing.T) {
	names := map[string]bool{}
	for _, in := range interpretations {
		names[in.Name] = true
	}
	for _, path := range trackedFiles(t) {
		data, err := os.ReadFile(filepath.Join("..", path))
		if err != nil || bytes.IndexByte(data, 0) >= 0 {
			continue // removed in the work tree, or binary
		}
		for i, line := range strings.Split(string(data), "\n") {
			if m := outsideRefs.FindString(line); m != "" {
				t.Errorf("%s:%d refers to %q, a file outside the repository; cite the RFC section and cases/CATALOGUE.md instead", path, i+1, m)
			}
			for _, m := range interpretationCite.FindAllStringSubmatch(line, -1) {
				if name := m[1] + m[2]; !names[name] {
					t.Errorf("%s:%d cites interpretation %q, which CATALOGUE.md does not have", path, i+1, name)
				}
			}
		}
	}
}

// trackedFiles lists the repository's tracked files, relative to its root (the parent of this
// package). Without git (an exported tree) it walks the tree, skipping build output.
func trackedFiles(t *testing.T) []string {
	t.Helper()
	if out, err := exec.Command("git", "-C", "..", "ls-files", "-z").Output(); err == nil {
		var files []string
		for _, f := range strings.Split(string(out), "\x00") {
			if f != "" {
				files = append(files, f)
			}
		}
		return files
	}
	var files []string
	err := filepath.WalkDir("..", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel("..", p)
		if d.IsDir() && (rel == ".git" || rel == "out" || rel == "bin") {
			return filepath.SkipDir
		}
		if !d.IsDir() {
			files = append(files, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}
