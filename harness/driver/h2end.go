package driver

import (
	"errors"
	"fmt"
	"io"

	"golang.org/x/net/http2"

	"github.com/expectspec/expectspec/harness/conv"
)

// How reading ends on an HTTP/2 conversation: the peer's FIN or reset, the Framer's verdict on
// octets that are not frames, a header block that cannot be decoded, or one of the driver's
// bounds. Whatever ends it, a final still waiting for its stream's end is recorded Truncated.

// readFailed handles the error that ended reading (a stream error does not end it).
func (r *h2run) readFailed(err error) {
	var se http2.StreamError
	switch {
	case errors.As(err, &se):
		r.parseError(conv.CauseFrame, fmt.Sprintf("a malformed frame on stream %d: %v", se.StreamID, se), false)
		return
	case r.isCancelled():
		r.readDone = true
		return
	case errors.Is(err, errRecvLimit):
		r.limit(conv.CauseLimitOctets, fmt.Sprintf("read %d octets, the most one conversation may carry; reading stopped", r.opt.MaxRecv))
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF) && !isFrameError(err):
		r.ended(conv.EvFIN, conv.CauseFIN, "")
	case isReset(err):
		r.ended(conv.EvRST, conv.CauseReset, describe(err))
	case isFrameError(err):
		r.parseError(conv.CauseFrame, "the peer's octets are not valid HTTP/2 frames: "+frameError(r.fr, err), true)
	default:
		r.ended(conv.EvRST, ioCause(err), describe(err))
	}
	r.cutAll()
}

// isFrameError reports whether a read error is the Framer's verdict on the octets.
func isFrameError(err error) bool {
	var ce http2.ConnectionError
	return errors.As(err, &ce) || errors.Is(err, http2.ErrFrameTooLarge)
}

// frameError says why the Framer rejected a frame, with its detail when it has one.
func frameError(fr *http2.Framer, err error) string {
	if d := fr.ErrorDetail(); d != nil {
		return fmt.Sprintf("%v (%v)", err, d)
	}
	return err.Error()
}

// ended records the end of the connection.
func (r *h2run) ended(kind conv.EventKind, cause conv.Cause, why string) {
	r.readDone = true
	r.cutAll()
	if r.tl.State != "" {
		return
	}
	r.record(conv.Event{At: r.at(), Kind: kind, Cause: cause, Error: why})
	r.tl.State = conv.StateFIN
	if kind == conv.EvRST {
		r.tl.State = conv.StateRST
	}
}

// cutAll cuts short every final still waiting for its stream to end.
func (r *h2run) cutAll() {
	// Each final goes where its header block arrived, so the order they are placed in does
	// not matter; placeFinal takes each off pending.
	for len(r.pending) > 0 {
		r.cutShort(r.pending[0])
	}
}

// parseError records what could not be understood; stop ends reading.
func (r *h2run) parseError(cause conv.Cause, why string, stop bool) {
	r.record(conv.Event{At: r.at(), Kind: conv.EvParseError, Cause: cause, Error: why})
	if stop {
		r.readDone = true
		r.cutAll()
	}
}

// limit records that a safety bound was hit and stops reading.
func (r *h2run) limit(cause conv.Cause, why string) {
	r.record(conv.Event{At: r.at(), Kind: conv.EvLimit, Cause: cause, Error: why})
	r.readDone = true
	r.cutAll()
}
