package h1

// IsToken reports whether s is a non-empty token (RFC 9110 §5.6.2): a method, a field name, a
// protocol name. The suite's own servers, its intermediaries and the CLI share this one reading.
func IsToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isTchar(s[i]) {
			return false
		}
	}
	return true
}

// IsVisible reports whether s holds only visible US-ASCII (VCHAR: no SP, no controls, no
// obs-text), as a request-target does.
func IsVisible(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] >= 0x7f {
			return false
		}
	}
	return true
}
