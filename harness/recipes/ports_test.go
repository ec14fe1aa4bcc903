package recipes

import (
	"net"
	"strconv"
	"testing"
)

// FreePort's port is bindable and, where the kernel says its ephemeral range, below it: no bind
// to port 0 or outgoing connection elsewhere can be handed the same port before the
// implementation binds it.
func TestFreePortIsBelowTheEphemeralRange(t *testing.T) {
	p, err := FreePort()
	if err != nil {
		t.Fatal(err)
	}
	if lo := ephemeralStart(); lo > minPickedPort && (p < minPickedPort || p >= lo) {
		t.Errorf("port %d, want one in [%d, %d)", p, minPickedPort, lo)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(p))
	if err != nil {
		t.Fatalf("port %d is not free: %v", p, err)
	}
	_ = ln.Close()
}

// FreePort never hands out the same port twice in one process: an instance's port, its extra
// ports and the matrix's origin are all drawn before any of them is bound.
func TestFreePortNeverRepeats(t *testing.T) {
	seen := map[int]bool{}
	for range 200 {
		p, err := FreePort()
		if err != nil {
			t.Fatal(err)
		}
		if seen[p] {
			t.Fatalf("port %d handed out twice", p)
		}
		seen[p] = true
	}
}
