package results

import (
	"bytes"
	"io"
)

// WriteMarkdown writes the Markdown table of f to path atomically, like Write.
func WriteMarkdown(path string, f *File) error { return writeRendered(path, f, Markdown) }

// WriteHTML writes the HTML page of f to path atomically, like Write.
func WriteHTML(path string, f *File) error { return writeRendered(path, f, HTML) }

// writeRendered renders in memory first, so a failed render leaves no half-written table.
func writeRendered(path string, f *File, render func(io.Writer, *File) error) error {
	var b bytes.Buffer
	if err := render(&b, f); err != nil {
		return err
	}
	return writeAtomic(path, b.Bytes())
}
