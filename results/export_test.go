package results

// SetMaxFileSize lowers the size limit for a test and returns the function that restores it.
func SetMaxFileSize(n int64) func() {
	old := maxFileSize
	maxFileSize = n
	return func() { maxFileSize = old }
}
