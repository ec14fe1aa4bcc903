package conv

import "time"

// This file is the vocabulary of a client under test (role client): the suite runs the client's
// command against a URL on its own scripted origin, which plays the server side of the case (an
// OriginScript, with the behaviours below that only clients need), and the judge reads the
// origin's record beside what the command reported.

// MaxClientOutput bounds what is kept of a client command's stdout and of its stderr.
const MaxClientOutput = 16 << 10

// ClientReport is what a client under test reported of one run: how its command ended and what
// it printed. Times count from the case's registration at the origin, like the origin's record.
type ClientReport struct {
	// Command is the command as the shell ran it, placeholders filled.
	Command string
	// StartErr is set when the command could not be started at all (no shell); nothing else is.
	StartErr string
	// StartedAt and Duration: when the command started and how long it ran until it exited or
	// was killed.
	StartedAt time.Duration
	Duration  time.Duration
	// Exit is the exit status; -1 when a signal ended it (Killed: the suite's, at the deadline).
	Exit int
	// Killed: the command was still running at the case's deadline, and the suite killed its
	// whole process group. The judge then rules on what the origin saw it do until then.
	Killed bool
	// Stdout and Stderr are the first MaxClientOutput octets of each; Truncated says more came.
	Stdout    []byte
	Stderr    []byte
	Truncated bool
}

// Clone returns a deep copy.
func (r ClientReport) Clone() ClientReport {
	r.Stdout = append([]byte(nil), r.Stdout...)
	r.Stderr = append([]byte(nil), r.Stderr...)
	return r
}
