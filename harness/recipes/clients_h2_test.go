package recipes

import (
	"strings"
	"testing"
)

// An HTTP/2 client recipe is run over TLS, so its command must trust the run's authority, and
// its name must end in -h2 for Row to name it "NAME [h2]" beside the HTTP/1.1 row "NAME".
func TestH2ClientRecipes(t *testing.T) {
	n := 0
	for _, r := range All() {
		if !r.H2 {
			continue
		}
		n++
		if r.Role != Client || !strings.Contains(r.CommandLine, "{ca}") || !strings.HasSuffix(r.Name, h2Suffix) {
			t.Errorf("%s: an H2 recipe is a client named NAME%s whose CommandLine trusts {ca}", r.Name, h2Suffix)
		}
		if want := strings.TrimSuffix(r.Name, h2Suffix) + " [h2]"; r.Row() != want {
			t.Errorf("%s: row %q, want %q", r.Name, r.Row(), want)
		}
	}
	if n == 0 {
		t.Fatal("no HTTP/2 client recipe")
	}
	if r := (&Recipe{Name: "curl", Role: Client}); r.Row() != "curl" {
		t.Errorf("an HTTP/1.1 recipe's row is its name, got %q", r.Row())
	}
}
