package recipes

import (
	"errors"
	"math/rand/v2"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
)

// FreePort finds a free loopback port for an implementation to bind later. Another process may
// take it before the implementation binds it (Start then fails with the implementation's own
// message), so it is picked below the kernel's ephemeral range when it can be: the kernel hands
// out ports of that range to every bind to port 0 and every outgoing connection, and the suite
// and the tests beside it make those by the hundred while a server starts (seconds, for a JVM),
// so a port taken from the range could come back to one of them. Below it, only a random draw
// of another process could; this process never hands out the same port twice (an instance's
// port, its extra ports and the matrix's origin are drawn one after the other, none bound yet).
func FreePort() (int, error) {
	handedOut.Lock()
	defer handedOut.Unlock()
	if lo := ephemeralStart(); lo > minPickedPort {
		for range 20 {
			p := minPickedPort + rand.IntN(lo-minPickedPort)
			if !handedOut.ports[p] && bindable(p) {
				handedOut.ports[p] = true
				return p, nil
			}
		}
	}
	for range 20 {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return 0, err
		}
		p := ln.Addr().(*net.TCPAddr).Port
		_ = ln.Close()
		if !handedOut.ports[p] {
			handedOut.ports[p] = true
			return p, nil
		}
	}
	return 0, errors.New("no free loopback port that was not handed out already")
}

// handedOut are the ports FreePort returned in this process.
var handedOut = struct {
	sync.Mutex
	ports map[int]bool
}{ports: map[int]bool{}}

// bindable says whether a loopback listener can bind port p now.
func bindable(p int) bool {
	ln, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(p))
	if err == nil {
		_ = ln.Close()
	}
	return err == nil
}

// minPickedPort keeps picked ports clear of the well-known and most registered service ports.
const minPickedPort = 20000

// ephemeralStart is the first port of the kernel's ephemeral range (Linux), or 0 when unknown.
func ephemeralStart() int {
	b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return 0
	}
	lo, err := strconv.Atoi(f[0])
	if err != nil {
		return 0
	}
	return lo
}
