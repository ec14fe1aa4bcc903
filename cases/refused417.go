package cases

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/expectspec/expectspec/harness/conv"
)

// Refusing the one defined expectation (EXP-NO-417-FOR-100-CONTINUE, RFC 9110 §10.1.1 and
// §15.5.18). A 417 to a lone `Expect: 100-continue` breaks no MUST — it is a final status, and
// §10.1.1 foresees it as the sign of a chain that does not support expectations — but every
// HTTP/1.1 (or later) server must handle 100-continue, and clients other than curl do not repeat the upload
// without Expect, so the upload fails. It is therefore a warning in every role and in every case
// where it happens, whatever else the case checks, and the overview counts it as breaking
// 100-continue. The check runs once, after the case's own judge (Case.Decide, decide.go), so no
// judge can forget it and none can report such a 417 as pass or info.

// Refuses100Continue is the phrase that marks an outcome (Outcome.BreaksUploads) whose target
// answered 417 to a lone 100-continue.
const Refuses100Continue = "answers 417 (Expectation Failed) to Expect: 100-continue"

// refused417Text is the finding, in the words a user needs: what it breaks and who recovers.
// The recovery named differs by protocol (refused417Recovery): curl's repeat without Expect is
// an HTTP/1.1 matter, as curl sends Expect only over HTTP/1.1.
const refused417Text = "%s answered 417 (Expectation Failed) to an %s request whose only expectation is `100-continue`: uploads that send Expect: 100-continue fail here unless the client repeats them without it, %s"

// refused417Recovery says which clients repeat an upload without Expect after a 417.
var refused417Recovery = map[bool]string{
	false: "and only curl (7.69 and later) does; Go, .NET, Java and Python clients do not",
	true:  "which the common clients (Go, .NET, Java) do not; curl sends no Expect over HTTP/2",
}

// withRefusal adds the 417 finding to an outcome the case's judge folded: a warning over pass,
// info and na (the rest of the case still reads in the reason), beside an existing warning, and
// after a failure.
func withRefusal(o Outcome, env Env) Outcome {
	who := "the server"
	switch {
	case env.Role == Proxy:
		who = "the forward proxy"
	case env.Token != "":
		who = "the gateway"
	}
	const req = "EXP-NO-417-FOR-100-CONTINUE"
	proto := "HTTP/1.1"
	if env.Protocol.IsH2() {
		proto = "HTTP/2"
	}
	finding := req + ": " + fmt.Sprintf(refused417Text, who, proto, refused417Recovery[env.Protocol.IsH2()])
	fix := ""
	if r, ok := Lookup(req); ok {
		fix = r.Fix
	}
	switch o.Verdict {
	case Fail:
		o.Reason += " (also: warn " + finding + ")"
	case Warn:
		o.Reason = finding + "; " + o.Reason
		o.Requirements = append([]string{req}, o.Requirements...)
		o.Fix = strings.TrimSpace(fix + " " + o.Fix)
	default:
		rest := string(o.Verdict) + " " + o.Reason
		if o.Verdict == NA {
			rest = "the rest of the case does not apply: " + o.Reason
		}
		o = Outcome{Verdict: Warn, Reason: finding + " (also: " + rest + ")", Requirements: []string{req}, Fix: fix}
	}
	o.BreaksUploads = Refuses100Continue
	return o
}

// refused100Continue reports whether the first request of the conversation is HTTP/1.1 or
// HTTP/2 with a lone, well-formed `Expect: 100-continue` and declared content, and the first final response is
// a 417 that the target made itself: not one the suite's origin sent (which an intermediary
// relays, T25).
func refused100Continue(tl *conv.Timeline, rec *conv.OriginRecord) bool {
	if !expectsContinueFirst(tl) {
		return false
	}
	finals := tl.Finals()
	if len(finals) == 0 || finals[0].Msg.Status != 417 {
		return false
	}
	if rec != nil {
		for i := range rec.Requests {
			for _, s := range originMessages(&rec.Requests[i]) {
				if s.Status == 417 {
					return false
				}
			}
		}
	}
	return true
}

// maxPlainUpload is the largest declared length read as an ordinary upload (1 GiB): a 417 to a
// larger one may be about the size.
const maxPlainUpload = 1 << 30

// maxFirstHead bounds how much of what the client sent is read for the first header section.
const maxFirstHead = 64 << 10

// expectsContinueFirst reports whether the first request the script sent is a plain upload: an
// HTTP/1.1 request with exactly one Expect field line, `Expect: 100-continue`, one valid
// Content-Length from 1 up to maxPlainUpload or a Transfer-Encoding alone, and no Upgrade. A 417
// to anything else (a 1 TiB or overflowing length, `5, 6`, both framings, an upgrade) may answer
// what else is odd about it, so it says nothing about uploads in general. The head may span
// several writes (T01b sends its empty line apart).
func expectsContinueFirst(tl *conv.Timeline) bool {
	var sent []byte
	for _, e := range tl.Events {
		if e.Kind != conv.EvSent {
			continue
		}
		if e.Frame != nil { // HTTP/2: the first frame a step sent is the request's header block
			return e.Frame.Type == "HEADERS" && plainH2Upload(e.Frame)
		}
		sent = append(sent, e.Data...)
		if bytes.Contains(sent, []byte("\r\n\r\n")) || len(sent) > maxFirstHead {
			break
		}
	}
	end := bytes.Index(sent, []byte("\r\n\r\n"))
	if end < 0 {
		return false
	}
	lines := strings.Split(string(sent[:end]), "\r\n")
	if !strings.HasSuffix(lines[0], " HTTP/1.1") {
		return false
	}
	expects, lengths, codings := 0, 0, 0
	plainLength := false
	for _, l := range lines[1:] {
		name, value, ok := strings.Cut(l, ":")
		if !ok {
			return false // an obs-fold or a line without a colon: not well-formed
		}
		switch {
		case strings.EqualFold(name, "Expect"):
			expects++
			if l != "Expect: 100-continue" {
				return false
			}
		case strings.EqualFold(name, "Content-Length"):
			lengths++
			n, err := strconv.ParseInt(strings.TrimSpace(value), 10, 64)
			plainLength = err == nil && n > 0 && n <= maxPlainUpload
		case strings.EqualFold(name, "Transfer-Encoding"):
			codings++
		case strings.EqualFold(name, "Upgrade"):
			return false
		}
	}
	content := lengths == 1 && codings == 0 && plainLength || lengths == 0 && codings == 1
	return expects == 1 && content
}

// plainH2Upload is expectsContinueFirst over HTTP/2, for the request's header block: well-formed
// (lowercase names, no value padded with whitespace, no connection-specific field, RFC 9113
// §8.2), not a CONNECT, exactly one expect field, `100-continue`, and content to come (no
// END_STREAM) of a declared length from 1 up to maxPlainUpload or of no declared length.
func plainH2Upload(f *conv.FrameInfo) bool {
	if f.EndStream() {
		return false
	}
	expects, lengths := 0, 0
	plainLength := true
	for _, fl := range f.Fields {
		switch {
		case fl.Name != strings.ToLower(fl.Name), fl.Value != strings.Trim(fl.Value, " \t"),
			slices.Contains(connectionSpecific, fl.Name) && !(fl.Name == "te" && fl.Value == "trailers"),
			fl.Name == ":method" && fl.Value == "CONNECT", fl.Name == ":protocol":
			return false
		case fl.Name == "expect":
			expects++
			if fl.Value != "100-continue" {
				return false
			}
		case fl.Name == "content-length":
			lengths++
			n, err := strconv.ParseInt(fl.Value, 10, 64)
			plainLength = err == nil && n > 0 && n <= maxPlainUpload
		}
	}
	return expects == 1 && lengths <= 1 && plainLength
}
