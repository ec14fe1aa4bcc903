package reference

import (
	"bytes"
	"strings"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"

	"github.com/expectspec/expectspec/harness/internal/h2field"
)

// The field rules the HTTP/2 reference applies to a request's header block before it looks at
// Expect: RFC 9113 §8.2.1 makes a request malformed when a field name has an uppercase letter
// or a value starts or ends with SP or HTAB, and §8.2.2 when it carries a connection-specific
// field; §8.1.1 has a malformed request treated as a stream error of type PROTOCOL_ERROR. The
// reference decodes header blocks itself (x/net's Framer, asked to, would refuse an uppercase
// name before a mutant could accept it), then resets a malformed request's stream.

// malformed reports whether a request's fields break a field rule this behaviour enforces.
func (b H2Behaviour) malformed(fields []hpack.HeaderField) bool {
	for _, f := range fields {
		lower := strings.ToLower(f.Name)
		switch {
		case lower != f.Name && !b.AcceptUppercaseName:
			return true
		case h2field.Padded(f.Value) && !b.AcceptPaddedValue:
			return true
		case h2field.ConnectionSpecific(f.Name, f.Value) && !b.AcceptConnectionField:
			return true
		case lower == "te" && b.RejectTETrailers:
			return true
		}
	}
	return false
}

// headerBlocks gathers a stream's header block from its HEADERS and CONTINUATION frames and
// decodes it when complete. RFC 9113 §4.3 has one block at a time on a connection.
type headerBlocks struct {
	dec     *hpack.Decoder
	pending *http2.HeadersFrame
	block   bytes.Buffer
}

func newHeaderBlocks() *headerBlocks { return &headerBlocks{dec: hpack.NewDecoder(4096, nil)} }

// add takes a HEADERS or CONTINUATION frame; it returns the request's header block once its
// last frame arrived (nil before), and an error when the block cannot be decoded (a
// connection error, RFC 9113 §4.3).
func (h *headerBlocks) add(f http2.Frame) (*http2.MetaHeadersFrame, error) {
	switch f := f.(type) {
	case *http2.HeadersFrame:
		h.pending = f
		h.block.Reset()
		h.block.Write(f.HeaderBlockFragment())
		if !f.HeadersEnded() {
			return nil, nil
		}
	case *http2.ContinuationFrame:
		if h.pending == nil || f.StreamID != h.pending.StreamID {
			return nil, http2.ConnectionError(http2.ErrCodeProtocol)
		}
		h.block.Write(f.HeaderBlockFragment())
		if !f.HeadersEnded() {
			return nil, nil
		}
	}
	fields, err := h.dec.DecodeFull(h.block.Bytes())
	if err != nil {
		return nil, http2.ConnectionError(http2.ErrCodeCompression)
	}
	mh := &http2.MetaHeadersFrame{HeadersFrame: h.pending, Fields: fields}
	h.pending = nil
	return mh, nil
}
