package results

// The helpers the console, the tables and the suite's conclusion share, so that each says the
// same thing the same way.

// BreaksUploads counts a target's results that say how uploads with Expect: 100-continue fail
// there (Result.BreaksUploads, whatever their verdict), and gives the first such phrase.
func BreaksUploads(f *File, target string) (n int, how string) {
	for _, r := range f.Results {
		if r.Target == target && r.BreaksUploads != "" {
			n++
			if how == "" {
				how = r.BreaksUploads
			}
		}
	}
	return n, how
}

// Short is "31 pass, 2 fail, 1 warn", leaving out the verdicts that did not occur ("no
// results" when none did).
func (c Counts) Short() string { return shortCounts(c) }

// OneLine is s on a single visible line of at most n runes (control characters spelled out).
func OneLine(s string, n int) string { return oneLine(s, n) }
