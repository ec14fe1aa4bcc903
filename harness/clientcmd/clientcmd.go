// Package clientcmd runs a client under test: a shell command with the placeholders {url},
// {file}, {size} and, when the suite's server speaks TLS, {ca} filled, once per case, with a
// deadline. A command still running at its deadline is killed with its whole process group, so
// a client that hangs, and whatever it started, never outlives its case. It also writes the
// content files the commands upload.
//
// It may import conv and the standard library.
package clientcmd

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/expectspec/expectspec/harness/conv"
)

// Vars are the values of the placeholders.
type Vars struct {
	URL  string // {url}: the case's URL on the suite's server
	File string // {file}: the content file the case asks the client to upload
	Size int64  // {size}: its size in octets
	CA   string // {ca}: the PEM file of the authority of the suite's TLS server ("" over cleartext)
}

// CAPlaceholder is filled with the CA file when the suite's server speaks TLS (run
// --client-tls); over cleartext there is no such file, so a command that uses it is refused
// before anything runs.
const CAPlaceholder = "{ca}"

// Check refuses a command that cannot run: tls says whether the suite's server for it speaks
// TLS, which is what gives {ca} a value.
func Check(command string, tls bool) error {
	if strings.TrimSpace(command) == "" {
		return fmt.Errorf("--client needs a command, like 'curl -sS --data-binary @{file} {url}'")
	}
	if !tls && strings.Contains(command, CAPlaceholder) {
		return fmt.Errorf("--client %q uses {ca}, the CA file of the suite's TLS server, which exists only with --client-tls", command)
	}
	if !strings.Contains(command, "{url}") {
		return fmt.Errorf("--client %q never names {url}, the URL each case gives the client", command)
	}
	return nil
}

// Expand fills the placeholders. The values are made by the suite of letters, digits and
// "/:._-~", so they need no quoting in a shell word.
func Expand(command string, v Vars) string {
	return strings.NewReplacer("{url}", v.URL, "{file}", v.File, "{size}", strconv.FormatInt(v.Size, 10), CAPlaceholder, v.CA).Replace(command)
}

// killGrace is how long Run waits for the output pipes to close after the process group was
// killed (a descendant that left the group could hold them open).
const killGrace = 2 * time.Second

// Run runs command (already expanded) with sh -c in a process group of its own and returns
// what it reported. base is the instant the report's offsets count from (the case's
// registration at the origin). The command is killed, group and all, at deadline or when ctx
// is done; its stdin is empty; its output is bounded by conv.MaxClientOutput each.
func Run(ctx context.Context, command string, base time.Time, deadline time.Duration) conv.ClientReport {
	rep := conv.ClientReport{Command: command, Exit: -1}
	out, errOut := &bounded{}, &bounded{}
	cmd := exec.Command("/bin/sh", "-c", command)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Stdout, cmd.Stderr = out, errOut
	cmd.WaitDelay = killGrace
	start := time.Now()
	rep.StartedAt = start.Sub(base)
	if err := cmd.Start(); err != nil {
		rep.StartErr = err.Error()
		return rep
	}
	pgid := cmd.Process.Pid
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	timer := time.NewTimer(deadline)
	defer timer.Stop()
	var err error
	select {
	case err = <-done:
	case <-timer.C:
		rep.Killed = true
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
		err = <-done
	case <-ctx.Done():
		rep.Killed = true
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
		err = <-done
	}
	rep.Duration = time.Since(start)
	// What the command left behind in its group (a background job) ends with it.
	_ = syscall.Kill(-pgid, syscall.SIGKILL)
	if cmd.ProcessState != nil {
		rep.Exit = cmd.ProcessState.ExitCode()
	} else if err != nil && !rep.Killed {
		rep.StartErr = err.Error()
	}
	rep.Stdout, rep.Stderr = out.bytes(), errOut.bytes()
	rep.Truncated = out.over || errOut.over
	return rep
}

// bounded keeps the first conv.MaxClientOutput octets written to it and counts the rest away.
type bounded struct {
	mu   sync.Mutex
	b    []byte
	over bool
}

func (w *bounded) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	room := conv.MaxClientOutput - len(w.b)
	if len(p) > room {
		w.over = true
		w.b = append(w.b, p[:max(room, 0)]...)
	} else {
		w.b = append(w.b, p...)
	}
	return len(p), nil
}

func (w *bounded) bytes() []byte {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]byte(nil), w.b...)
}

// Files writes the content files of a run into one directory, once per size.
type Files struct {
	mu    sync.Mutex
	dir   string
	paths map[int64]string
}

// NewFiles makes a fresh directory for the content files; Close removes it.
func NewFiles() (*Files, error) {
	dir, err := os.MkdirTemp("", "expectspec-client-")
	if err != nil {
		return nil, fmt.Errorf("content files: %w", err)
	}
	return &Files{dir: dir, paths: map[int64]string{}}, nil
}

// filler is the content: printable, and never a request or a token path, so a request the
// origin finds inside a client's content is one the client sent, not the file's octets.
const filler = "expectspec content 0123456789 abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ\n"

// Path returns the file of size octets, writing it on first use.
func (f *Files) Path(size int64) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if p, ok := f.paths[size]; ok {
		return p, nil
	}
	p := filepath.Join(f.dir, fmt.Sprintf("content-%d.bin", size))
	buf := []byte(strings.Repeat(filler, int(size)/len(filler)+1))[:size]
	if err := os.WriteFile(p, buf, 0o644); err != nil {
		return "", fmt.Errorf("content file of %d octets: %w", size, err)
	}
	f.paths[size] = p
	return p, nil
}

// Close removes the directory and its files.
func (f *Files) Close() error { return os.RemoveAll(f.dir) }
