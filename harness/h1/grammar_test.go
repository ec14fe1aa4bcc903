package h1

import "testing"

func TestIsTokenAndIsVisible(t *testing.T) {
	for s, want := range map[string]bool{"POST": true, "h2c": true, "100-continue": true, "x!#$%&'*+-.^_`|~9": true,
		"": false, "a b": false, "a:b": false, "a\x00": false, "é": false, `"q"`: false} {
		if got := IsToken(s); got != want {
			t.Errorf("IsToken(%q) = %v", s, got)
		}
	}
	for s, want := range map[string]bool{"/upload?x=1": true, "": true, "/a b": false, "/\t": false, "/\x7f": false, "/\x80": false} {
		if got := IsVisible(s); got != want {
			t.Errorf("IsVisible(%q) = %v", s, got)
		}
	}
}
