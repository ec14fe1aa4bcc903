package conv

import "time"

// Timeline queries the judges share: windows of the conversation named by the script's step
// labels. They live here, with the timeline, so that every judge reads a window the same way.

// MessagesAfter returns the messages read after the step label was sent, in order (none when the
// step never ran).
func (t *Timeline) MessagesAfter(label string) []Timed {
	at, ok := t.StepAt(label)
	if !ok {
		return nil
	}
	var out []Timed
	for _, m := range t.Messages() {
		if m.At >= at {
			out = append(out, m)
		}
	}
	return out
}

// MessagesBetween returns the messages read after the step from was sent and before the step to
// was sent (to the end when to never ran or is "").
func (t *Timeline) MessagesBetween(from, to string) []Timed {
	start, _ := t.StepAt(from)
	end, ok := t.StepAt(to)
	var out []Timed
	for _, m := range t.Messages() {
		if m.At < start {
			continue
		}
		if to != "" && ok && m.At >= end {
			break
		}
		out = append(out, m)
	}
	return out
}

// ParseErrorAfter returns the first parse error recorded after the step label was sent.
func (t *Timeline) ParseErrorAfter(label string) (Event, bool) {
	at, _ := t.StepAt(label)
	for _, e := range t.Events {
		if e.Kind == EvParseError && e.At >= at {
			return e, true
		}
	}
	return Event{}, false
}

// NextSendAfter returns when the script next wrote after the step label: the end of the window
// in which the peer saw only what that step sent.
func (t *Timeline) NextSendAfter(label string) (time.Duration, bool) {
	if t.Asked != nil {
		t.Asked(label)
	}
	seen := false
	for _, e := range t.Events {
		if e.Kind != EvSent && e.Kind != EvWriteError {
			continue
		}
		if e.Step == label {
			seen = true
			continue
		}
		if seen {
			return e.At, true
		}
	}
	return 0, false
}

// EventBeforeNextSend returns the first event of one of the kinds after the step from was sent
// and before the script's next write (to the end when it wrote nothing more): what the peer did
// while it had seen only that step.
func (t *Timeline) EventBeforeNextSend(from string, kinds ...EventKind) (Event, bool) {
	fromAt, _ := t.StepAt(from)
	until, sent := t.NextSendAfter(from)
	for _, e := range t.Events {
		if e.At < fromAt || sent && e.At >= until {
			continue
		}
		for _, k := range kinds {
			if e.Kind == k {
				return e, true
			}
		}
	}
	return Event{}, false
}
