package reference

import (
	"bufio"
	"errors"
	"io"

	"github.com/expectspec/expectspec/harness/h1"
)

// maxChunkLine bounds a chunk-size line (size and extensions).
const maxChunkLine = 4096

var (
	// errContentTooLarge: chunked content went past the limit the caller set.
	errContentTooLarge = errors.New("content too large")
	// errBadChunk: the chunked framing is malformed. Where no final response has been sent yet,
	// the request gets 400; otherwise the connection is closed.
	errBadChunk = errors.New("malformed chunked content")
)

// discardContent reads the request's content as its framing delimits it and throws it away, in
// buffer-sized pieces: the server never holds a whole body. It returns the number of content
// octets. limit < 0 means no limit; past the limit, chunked content stops with
// errContentTooLarge (a Content-Length is checked by the caller before reading).
//
// Any error other than the two above means the peer closed or fell silent before the content was
// complete: the message is incomplete and the connection must close (RFC 9112 §6.3).
func (c *conn) discardContent(req *request, limit int64) (int64, error) {
	if req.continuePending {
		// The LateContinue mutant (IR-SEQUENCE-ONE-FINAL): the 100 goes out on the first read of
		// the content, whatever was sent before.
		if err := c.sendContinue(req); err != nil {
			return 0, err
		}
	}
	if !req.chunked {
		if req.contentLength <= 0 {
			return 0, nil
		}
		n, err := io.CopyN(io.Discard, c.br, req.contentLength)
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return n, err
	}
	return c.discardChunked(limit)
}

// discardChunked consumes a chunked body (RFC 9112 §7.1) up to and including its trailer
// section. Unlike the head, chunk lines must end in CRLF: leniency in chunked framing is where
// front and back ends start to disagree.
func (c *conn) discardChunked(limit int64) (int64, error) {
	var total int64
	for {
		line, err := c.readChunkLine()
		if err != nil {
			return total, err
		}
		size, err := h1.ParseChunkSize(line, h1.ReferenceChunks)
		if err != nil {
			return total, errBadChunk
		}
		if size == 0 {
			break
		}
		if limit >= 0 && total+size > limit {
			return total, errContentTooLarge
		}
		n, err := io.CopyN(io.Discard, c.br, size)
		total += n
		if err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return total, err
		}
		if err := c.expectCRLF(); err != nil {
			return total, err
		}
	}
	// The trailer section: field lines up to an empty line, bounded like a header section.
	budget := MaxHeadBytes
	for {
		line, err := c.readLine(&budget)
		if err == errHeadTooLarge {
			return total, errBadChunk
		}
		if err != nil {
			return total, err
		}
		if len(line) == 0 {
			return total, nil
		}
	}
}

// readChunkLine reads a chunk-size line up to its LF, bounded by maxChunkLine. Whether it ends in
// CRLF is for the grammar to check.
func (c *conn) readChunkLine() ([]byte, error) {
	var line []byte
	for {
		frag, err := c.br.ReadSlice('\n')
		line = append(line, frag...)
		if len(line) > maxChunkLine {
			return nil, errBadChunk
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if err == io.EOF {
			return nil, io.ErrUnexpectedEOF
		}
		if err != nil {
			return nil, err
		}
		break
	}
	return line, nil
}

// expectCRLF consumes the CRLF that ends a chunk's data.
func (c *conn) expectCRLF() error {
	var crlf [2]byte
	if _, err := io.ReadFull(c.br, crlf[:]); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return err
	}
	if crlf != [2]byte{'\r', '\n'} {
		return errBadChunk
	}
	return nil
}
