package clientcmd_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/expectspec/expectspec/harness/clientcmd"
	"github.com/expectspec/expectspec/harness/conv"
)

func TestExpandAndCheck(t *testing.T) {
	got := clientcmd.Expand("curl --data-binary @{file} {url} # {size}", clientcmd.Vars{URL: "http://a/b", File: "/tmp/f", Size: 7})
	if got != "curl --data-binary @/tmp/f http://a/b # 7" {
		t.Fatalf("Expand: %q", got)
	}
	got = clientcmd.Expand("curl --cacert {ca} {url}", clientcmd.Vars{URL: "https://a/b", CA: "/tmp/ca.pem"})
	if got != "curl --cacert /tmp/ca.pem https://a/b" {
		t.Fatalf("Expand with {ca}: %q", got)
	}
	for _, c := range []struct {
		cmd string
		tls bool
		ok  bool
	}{
		{"curl {url}", false, true}, {"curl {url}", true, true},
		{"curl --cacert {ca} {url}", false, false}, {"curl --cacert {ca} {url}", true, true},
		{"curl", false, false}, {"curl", true, false}, {" ", false, false},
	} {
		err := clientcmd.Check(c.cmd, c.tls)
		if (err == nil) != c.ok {
			t.Errorf("Check(%q, tls %v) = %v", c.cmd, c.tls, err)
		}
		if err != nil && strings.Contains(err.Error(), "\n") {
			t.Errorf("Check(%q) is not one line: %q", c.cmd, err)
		}
	}
}

func TestRunReportsExitAndOutput(t *testing.T) {
	rep := clientcmd.Run(context.Background(), "echo out; echo err >&2; exit 3", time.Now(), 5*time.Second)
	if rep.Exit != 3 || rep.Killed || string(rep.Stdout) != "out\n" || string(rep.Stderr) != "err\n" {
		t.Fatalf("report: %+v", rep)
	}
}

func TestRunKillsTheWholeGroupAtTheDeadline(t *testing.T) {
	// the child in the background would keep the output pipe open, and sleep on its own
	start := time.Now()
	rep := clientcmd.Run(context.Background(), "sleep 30 & sleep 30; echo never", time.Now(), 200*time.Millisecond)
	if !rep.Killed || rep.Exit != -1 || len(rep.Stdout) != 0 {
		t.Fatalf("report: %+v", rep)
	}
	if took := time.Since(start); took > 3*time.Second {
		t.Fatalf("took %s: the group was not killed", took)
	}
}

func TestRunBoundsOutput(t *testing.T) {
	rep := clientcmd.Run(context.Background(), "head -c 100000 /dev/zero", time.Now(), 5*time.Second)
	if len(rep.Stdout) != conv.MaxClientOutput || !rep.Truncated || rep.Exit != 0 {
		t.Fatalf("stdout %d octets, truncated %v, exit %d", len(rep.Stdout), rep.Truncated, rep.Exit)
	}
}

func TestFiles(t *testing.T) {
	f, err := clientcmd.NewFiles()
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p, err := f.Path(1000)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(p)
	if len(b) != 1000 || strings.Contains(string(b), conv.OriginPathPrefix) {
		t.Fatalf("file of %d octets", len(b))
	}
	if p2, _ := f.Path(1000); p2 != p {
		t.Fatalf("written twice: %s %s", p, p2)
	}
	if p0, _ := f.Path(0); p0 == "" {
		t.Fatal("no empty file")
	}
}
