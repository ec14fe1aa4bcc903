package target

import (
	"bufio"
	"context"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"
)

// rawTarget serves every connection with answer once the request's header section has arrived,
// and returns it as a target whose upload resource is /upload. Cleanup stops it.
func rawTarget(t *testing.T, name string, answer func(c *net.TCPConn, request string)) Target {
	t.Helper()
	return rawTargetWorkers(t, name, 0, answer)
}

// rawTargetWorkers is rawTarget with a fixed number of workers (0: one per connection), each
// taken in the accept loop, in the order the connections came, and held until its connection
// is served: a pre-forked server, whose capacity no scheduling of its goroutines can change.
func rawTargetWorkers(t *testing.T, name string, workers int, answer func(c *net.TCPConn, request string)) Target {
	t.Helper()
	var free chan struct{}
	if workers > 0 {
		free = make(chan struct{}, workers)
	}
	done := make(chan struct{})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var conns []net.Conn
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			if free != nil {
				select {
				case free <- struct{}{}:
				case <-done:
					return
				}
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				if free != nil {
					defer func() { <-free }()
				}
				r := bufio.NewReader(c)
				request := ""
				for {
					l, err := r.ReadString('\n')
					if err != nil {
						return
					}
					if request == "" {
						request = l
					}
					if l == "\r\n" {
						break
					}
				}
				answer(c.(*net.TCPConn), request)
			}()
		}
	}()
	t.Cleanup(func() {
		close(done)
		ln.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	tg, err := Parse("http://"+ln.Addr().String()+"/upload", name)
	if err != nil {
		t.Fatal(err)
	}
	return tg
}

// flood writes head, then chunk until the client goes away.
func flood(head, chunk string) func(c *net.TCPConn, request string) {
	return func(c *net.TCPConn, request string) {
		io.WriteString(c, head)
		for {
			if _, err := io.WriteString(c, chunk); err != nil {
				return
			}
		}
	}
}

// The checks before a run read the target's answer through the driver: each row is a way of
// answering and what the probe and the contract check say of it. "" means the check passes.
// Every row ends well within a check's deadline.
func TestChecksAgainstAnswers(t *testing.T) {
	ok200 := "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
	for _, row := range []struct {
		name            string
		answer          func(c *net.TCPConn, request string)
		probe, contract string
	}{
		{"answers 200", func(c *net.TCPConn, _ string) { io.WriteString(c, ok200) }, "", ""},
		{"100 then 200", func(c *net.TCPConn, _ string) { io.WriteString(c, "HTTP/1.1 100 Continue\r\n\r\n"+ok200) }, "", ""},
		// a long body is not read: the head is the answer, as the old status-line reader had it
		{"endless body", flood("HTTP/1.1 200 OK\r\nContent-Length: 9223372036854775807\r\n\r\n", strings.Repeat("x", 64<<10)), "", ""},
		{"404", func(c *net.TCPConn, _ string) {
			io.WriteString(c, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
		}, "",
			`breaks the target contract: POST /upload with 5 octets answered "HTTP/1.1 404 Not Found"`},
		{"101", func(c *net.TCPConn, _ string) {
			io.WriteString(c, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\n\r\n")
		}, "",
			`answered "HTTP/1.1 101 Switching Protocols"`},
		{"garbage", func(c *net.TCPConn, _ string) { io.WriteString(c, "\x00\xff garbage\r\n\r\n") }, "does not speak HTTP/1.x: it answered",
			`answered a plain POST of 5 octets to /upload with "\x00\xff garbage\r\n" and then no final response (status line`},
		{"interim forever", flood("", strings.Repeat("HTTP/1.1 100 Continue\r\n\r\n", 256)), "",
			"answered a plain POST of 5 octets to /upload with 2621 interim (1xx) responses in 64 KiB and no final response"},
		{"close at once", func(c *net.TCPConn, _ string) {}, "accepted a connection but closed it without answering a plain GET",
			"did not answer a plain POST of 5 octets to /upload within 5 s (the connection was closed)"},
		{"reset mid status line", func(c *net.TCPConn, _ string) {
			io.WriteString(c, "HTTP/1.1 20")
			time.Sleep(5 * time.Millisecond)
			c.SetLinger(0)
		}, `sent 11 octets of a status line ("HTTP/1.1 20") to a plain GET and then the connection was reset`,
			`with "HTTP/1.1 20" and then no final response (the connection was reset`},
		{"endless status line", flood("HTTP/1.1 200 ", strings.Repeat("A", 64<<10)), "answered a plain GET with 65536 octets",
			"and then no final response"},
		{"closed inside a 100", func(c *net.TCPConn, _ string) { io.WriteString(c, "HTTP/1.1 100 Continue\r\nX-A: b\r\n") }, `sent 31 octets of a response head ("HTTP/1.1 100 Continue\r\n") to a plain GET and then the connection was closed`,
			`with "HTTP/1.1 100 Continue\r\n" and then no final response (the connection was closed)`},
	} {
		t.Run(row.name, func(t *testing.T) {
			t.Parallel()
			tg := rawTarget(t, row.name, row.answer)
			start := time.Now()
			_, err := Probe(context.Background(), tg, 1)
			expectCheck(t, "Probe", err, row.probe)
			err = CheckContract(context.Background(), tg)
			expectCheck(t, "CheckContract", err, row.contract)
			if took := time.Since(start); took > 2*time.Second {
				t.Errorf("the checks took %s", took)
			}
		})
	}
}

func expectCheck(t *testing.T, check string, err error, want string) {
	t.Helper()
	switch {
	case want == "" && err != nil:
		t.Errorf("%s: %v", check, err)
	case want != "" && err == nil:
		t.Errorf("%s passed, want an error with %q", check, want)
	case want != "" && !strings.Contains(err.Error(), want):
		t.Errorf("%s: %v\nwant it to contain %q", check, err, want)
	}
}

// The baseline round trip is the time to the first octet of the answer on a fresh connection.
func TestProbeMeasuresTheTimeToTheFirstOctet(t *testing.T) {
	tg := rawTarget(t, "slow", func(c *net.TCPConn, _ string) {
		time.Sleep(80 * time.Millisecond)
		io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
	})
	rtt, err := Probe(context.Background(), tg, 3)
	if err != nil || rtt < 80*time.Millisecond || rtt > time.Second {
		t.Fatalf("round trip %s (%v), want about 80 ms", rtt, err)
	}
}

// Capacity holds its connections, each sent before the next, and finds how many a server with
// three blocking workers takes: with 4 held the GET is not answered, with 2 it is.
func TestCapacityOfThreeWorkers(t *testing.T) {
	tg := rawTargetWorkers(t, "three-workers", 3, func(c *net.TCPConn, request string) {
		if strings.HasPrefix(request, "POST") {
			io.ReadFull(c, make([]byte, 5)) // the content, which a held connection never sends
		}
		io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
	})
	n, err := Capacity(context.Background(), tg, 4, 500*time.Millisecond)
	if err != nil || n != 2 {
		t.Fatalf("capacity %d (%v), want 2", n, err)
	}
}

// A target that answers nothing once connections are held, and nothing alone either, fails the
// capacity measurement with what it did.
func TestCapacityOfASilentTarget(t *testing.T) {
	tg := rawTarget(t, "silent", func(c *net.TCPConn, request string) { io.Copy(io.Discard, c) })
	start := time.Now()
	_, err := Capacity(context.Background(), tg, 2, 200*time.Millisecond)
	if err == nil || !strings.Contains(err.Error(), "did not answer a plain GET within 5s") || time.Since(start) > 7*time.Second {
		t.Fatalf("after %s: %v", time.Since(start), err)
	}
}
