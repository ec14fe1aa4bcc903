package gateways

import (
	"strings"

	"github.com/expectspec/expectspec/harness/conv"
	"github.com/expectspec/expectspec/harness/h1"
	"github.com/expectspec/expectspec/harness/internal/wire"
)

// The request side of the knobbed gateway: the lax parsing of the laxWSColon, laxObsFold and
// laxNUL knobs, and the case-sensitive match of expectCaseSensitive.

// parseLax parses a repaired copy of the head strictly, then puts back, for forwarding, the
// field lines the knobs let through as they were received. The gateway's own reading of the
// request (framing, expectation) is that of the repaired copy.
func parseLax(h *wire.Head, k knobs) (*request, error) {
	clean := &wire.Head{Raw: h.Raw, StartAt: h.StartAt, EndAt: h.EndAt, EndSeq: h.EndSeq, Lines: []string{h.Lines[0]}}
	var asReceived []conv.Field
	for _, line := range h.Lines[1:] {
		if k.laxObsFold && (line[0] == ' ' || line[0] == '\t') && len(asReceived) > 0 {
			last := &asReceived[len(asReceived)-1]
			last.Value += "\r\n" + line // written after "Name: ", this is the fold as received
			clean.Lines[len(clean.Lines)-1] += " " + strings.Trim(line, " \t")
			continue
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			clean.Lines = append(clean.Lines, line)
			asReceived = append(asReceived, conv.Field{})
			continue
		}
		f := conv.Field{Name: name, Value: strings.Trim(value, " \t")}
		if trimmed := strings.TrimRight(name, " \t"); k.laxWSColon && trimmed != name {
			// f keeps the name with its whitespace: upstreamHead writes `Name : value`.
			name = trimmed
		}
		if k.laxNUL && strings.ContainsRune(value, 0) {
			value = strings.ReplaceAll(value, "\x00", " ")
		}
		clean.Lines = append(clean.Lines, name+":"+value)
		asReceived = append(asReceived, f)
	}
	req, err := parseRequest(clean)
	if err != nil {
		return nil, err
	}
	if len(req.fields) == len(asReceived) {
		for i, f := range asReceived {
			if f.Name != "" {
				req.fields[i] = f
			}
		}
	}
	return req, nil
}

// hasExactMember is h1.HasMember with a case-sensitive comparison (the knob's mistake).
func hasExactMember(values []string, token string) bool {
	for _, m := range h1.Members(values) {
		if m == token {
			return true
		}
	}
	return false
}
