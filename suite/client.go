package suite

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/expectspec/expectspec/cases"
	"github.com/expectspec/expectspec/harness/clientcmd"
	"github.com/expectspec/expectspec/harness/conv"
	"github.com/expectspec/expectspec/harness/origin"
	"github.com/expectspec/expectspec/harness/target"
	"github.com/expectspec/expectspec/results"
)

// A client under test (role client) is a command the suite runs once per case, pointed at a URL
// of its own scripted origin, which plays the server of the case: the case has an Origin side
// and no client script. The judge reads the origin's record and the command's report.

// The content files of the process, one per size, written on first use and removed by
// removeContentFiles at the end of Run.
var (
	contentMu    sync.Mutex
	contentFiles *clientcmd.Files
)

func contentFile(size int64) (string, error) {
	contentMu.Lock()
	defer contentMu.Unlock()
	if contentFiles == nil {
		f, err := clientcmd.NewFiles()
		if err != nil {
			return "", err
		}
		contentFiles = f
	}
	return contentFiles.Path(size)
}

func removeContentFiles() {
	contentMu.Lock()
	defer contentMu.Unlock()
	if contentFiles != nil {
		_ = contentFiles.Close()
		contentFiles = nil
	}
}

// playClient runs client case c: it registers the case's origin side under env.Token, runs the
// client's command with {url} naming the token and {file} of the case's size, killing it (and
// its process group) at the case's budget, lets the origin's record settle, and judges.
func playClient(ctx context.Context, t target.Target, env cases.Env, c cases.Case, o *origin.Origin) (cases.Outcome, *conv.ClientReport, []conv.OriginRecord) {
	switch {
	case c.Origin == nil || c.Judge == nil:
		return failedSuite("case %s has no origin side or no judge (a defect of the suite)", c.ID), nil, nil
	case o == nil || env.Token == "" || env.Command == "":
		return failedSuite("case %s needs the suite's origin, a token and the client's command (a defect of the suite)", c.ID), nil, nil
	}
	file, err := contentFile(c.Upload)
	if err != nil {
		return failedSuite("case %s: %v", c.ID, err), nil, nil
	}
	o.Register(env.Token, c.Origin(env))
	base := time.Now()
	cmd := clientcmd.Expand(env.Command, clientcmd.Vars{URL: env.Target("upload"), File: file, Size: c.Upload, CA: t.CAFile})
	rep := clientcmd.Run(ctx, cmd, base, c.Budget(env))
	rec := settle(ctx, o, env.Token, env.Timing.Quiet)
	recs := []conv.OriginRecord{rec}
	if err := ctx.Err(); err != nil && !rep.Killed {
		return interruptedCase(err), &rep, recs
	}
	judged, reported := rec.Clone(), rep.Clone()
	return c.Decide(env, cases.Observed{Origin: &judged, Reported: &reported}), &rep, recs
}

// clientCheckUpload is the size of the upload of the client check: small, so no client waits
// for a 100 there.
const clientCheckUpload = 5

// checkClient is the check a client meets before its cases: its command, run once against a
// plain upload resource of the suite's origin that answers 200 with a marker, must send a
// request there and exit 0. Whether the marker shows in its output tells the judges whether
// the client's output shows response content (Env.ClientShowsContent).
func checkClient(ctx context.Context, t target.Target, timing cases.Timing) (shows bool, err error) {
	tok := target.ContractToken(t.Name)
	marker := "expectspec check " + tok + "\n"
	t.Origin.Register(tok, conv.OriginScript{Final: conv.RawMessage(fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s", len(marker), marker))})
	file, err := contentFile(clientCheckUpload)
	if err != nil {
		return false, err
	}
	url := t.ClientScheme() + "://" + t.OriginAuthority + conv.OriginPath(tok, "upload")
	rep := clientcmd.Run(ctx, clientcmd.Expand(t.Command, clientcmd.Vars{URL: url, File: file, Size: clientCheckUpload, CA: t.CAFile}), time.Now(), timing.Max+timing.Response)
	rec := settle(ctx, t.Origin, tok, timing.Quiet)
	switch {
	case rep.StartErr != "":
		return false, fmt.Errorf("client %q: the command could not be started: %s", t.Name, rep.StartErr)
	case len(rec.Requests) == 0 && t.CAFile != "":
		return false, fmt.Errorf("client %q made no request to %s (%s); over TLS the command must trust the run's authority, {ca} (curl --cacert {ca})", t.Name, url, reportLine(&rep))
	case len(rec.Requests) == 0:
		return false, fmt.Errorf("client %q made no request to %s (%s)", t.Name, url, reportLine(&rep))
	case rep.Killed || rep.Exit != 0:
		return false, fmt.Errorf("client %q did not complete a plain upload of %d octets answered 200 (%s)", t.Name, clientCheckUpload, reportLine(&rep))
	}
	return bytes.Contains(rep.Stdout, []byte(strings.TrimSpace(marker))), nil
}

// reportLine says in a line how the command ended, with the end of its stderr.
func reportLine(rep *conv.ClientReport) string {
	s := fmt.Sprintf("exit %d after %s", rep.Exit, rep.Duration.Round(time.Millisecond))
	if rep.Killed {
		s = fmt.Sprintf("killed at the deadline after %s", rep.Duration.Round(time.Millisecond))
	}
	if e := strings.TrimSpace(string(rep.Stderr)); e != "" {
		if len(e) > 200 {
			e = "…" + e[len(e)-200:]
		}
		s += fmt.Sprintf("; stderr %q", e)
	}
	return s
}

// clientTrace is the command's side of a client case for the results trace (entries with dir
// "client"), at the origin's offsets.
func clientTrace(rep *conv.ClientReport) []results.TraceEntry {
	if rep == nil {
		return nil
	}
	at := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	out := []results.TraceEntry{{TMS: at(rep.StartedAt), Dir: "client", Data: "run: " + rep.Command}}
	end := at(rep.StartedAt + rep.Duration)
	if rep.StartErr != "" {
		return append(out, results.TraceEntry{TMS: end, Dir: "client", Data: "could not start: " + rep.StartErr})
	}
	out = append(out, results.TraceEntry{TMS: end, Dir: "client", Data: reportLine(rep)})
	for _, o := range []struct {
		name string
		b    []byte
	}{{"stdout", rep.Stdout}, {"stderr", rep.Stderr}} {
		if len(o.b) > 0 {
			out = append(out, results.TraceEntry{TMS: end, Dir: "client", Data: o.name + ": " + printable(o.b, int64(len(o.b)))})
		}
	}
	if rep.Truncated {
		out = append(out, results.TraceEntry{TMS: end, Dir: "client", Data: fmt.Sprintf("(output cut at %d octets each)", conv.MaxClientOutput)})
	}
	return out
}

// clientSide is the command's part of a failure message ("" for a server).
func clientSide(rep *conv.ClientReport) string {
	if rep == nil {
		return ""
	}
	return fmt.Sprintf("  the client's command: %s\n    %s\n", rep.Command, reportLine(rep))
}

// registeredWhen says when a case registered at the origin, against what the suite then did.
func registeredWhen(rep *conv.ClientReport) string {
	if rep != nil {
		return "just before the client's command started"
	}
	return "just before the suite dialled"
}
