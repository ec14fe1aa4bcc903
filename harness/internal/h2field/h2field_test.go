package h2field

import "testing"

func TestConnectionSpecific(t *testing.T) {
	for _, c := range []struct {
		name, value string
		want        bool
	}{
		{"connection", "close", true},
		{"Keep-Alive", "timeout=5", true},
		{"proxy-connection", "keep-alive", true},
		{"transfer-encoding", "chunked", true},
		{"upgrade", "h2c", true},
		{"te", "trailers", false},
		{"te", "gzip", true},
		{"TE", "trailers, gzip", true},
		{"expect", "100-continue", false},
	} {
		if got := ConnectionSpecific(c.name, c.value); got != c.want {
			t.Errorf("ConnectionSpecific(%q, %q) = %v, want %v", c.name, c.value, got, c.want)
		}
	}
}

func TestPadded(t *testing.T) {
	for v, want := range map[string]bool{"100-continue": false, " 100-continue": true, "100-continue\t": true, "a b": false, "": false} {
		if got := Padded(v); got != want {
			t.Errorf("Padded(%q) = %v, want %v", v, got, want)
		}
	}
}
