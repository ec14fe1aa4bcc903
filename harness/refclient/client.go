package refclient

import (
	"bufio"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Run uploads the file at path to rawURL as a POST, and follows one 303 See Other with a GET.
// An https URL is reached over TLS, verified against the PEM authorities in caFile (the
// system's when ""). It prints the content of every final response to stdout and one line per
// response to stderr. The exit status is 0 when the upload got a final response, 1 otherwise.
func Run(rawURL, path, caFile string, k Knob, stdout, stderr io.Writer) int {
	c := &client{knob: k, out: stdout, log: stderr}
	if err := c.run(rawURL, path, caFile); err != nil {
		fmt.Fprintln(stderr, "ref-client:", err)
		return 1
	}
	return 0
}

type client struct {
	knob     Knob
	out, log io.Writer
	host     string
	tls      *tls.Config // nil for http
}

// conn is one connection; reusable says whether another request may follow on it.
type conn struct {
	nc       net.Conn
	br       *bufio.Reader
	reusable bool
}

type response struct {
	status   int
	line     string
	length   int64 // Content-Length, -1 when none
	close    bool
	location string
	body     []byte
}

func (c *client) run(rawURL, path, caFile string) error {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q is not an http:// or https:// URL", rawURL)
	}
	if u.Scheme == "https" {
		if c.tls, err = tlsConfig(u.Hostname(), caFile); err != nil {
			return err
		}
	}
	content, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	c.host = u.Host
	expect := len(content) >= ExpectThreshold || c.knob == ExpectAlways
	cn, err := c.dial()
	if err != nil {
		return err
	}
	r, err := c.post(cn, u.RequestURI(), content, expect)
	if err != nil {
		return err
	}
	if r.status == 417 && expect && c.knob != NoRetry417 {
		// the chain does not support expectations: repeat without (RFC 9110 §10.1.1)
		_ = cn.nc.Close()
		if cn, err = c.dial(); err != nil {
			return err
		}
		if r, err = c.post(cn, u.RequestURI(), content, false); err != nil {
			return err
		}
	}
	if r.status == 303 && r.location != "" {
		if !cn.reusable {
			_ = cn.nc.Close()
			if cn, err = c.dial(); err != nil {
				return err
			}
		}
		if _, err = c.get(cn, r.location); err != nil {
			return err
		}
	}
	return cn.nc.Close()
}

func (c *client) write(cn *conn, s string) error {
	_ = cn.nc.SetWriteDeadline(time.Now().Add(ioDeadline))
	_, err := io.WriteString(cn.nc, s)
	return err
}

// post sends the upload and returns its final response.
func (c *client) post(cn *conn, target string, content []byte, expect bool) (response, error) {
	head := fmt.Sprintf("POST %s HTTP/1.1\r\nHost: %s\r\nContent-Length: %d\r\n", target, c.host, len(content))
	if expect {
		head += "Expect: 100-continue\r\n"
	}
	if err := c.write(cn, head+"\r\n"); err != nil {
		return response{}, err
	}
	if len(content) > 0 && expect {
		r, early, err := c.awaitContinue(cn)
		if err != nil || early {
			return r, err
		}
	} else if len(content) > 0 && c.knob == WithholdsSilently {
		time.Sleep(withholdWithoutNote)
	}
	var w *writer
	if len(content) > 0 {
		w = startWriter(cn.nc, content)
	}
	for {
		r, err := c.read(cn, time.Now().Add(ioDeadline))
		if err != nil {
			return r, err
		}
		if r.status < 200 && c.knob != InterimIsFinal {
			continue // any number of 1xx, of any code, before the final (RFC 9110 §15.2)
		}
		if w != nil && !w.lastStarted() {
			return c.earlyFinal(cn, r, w)
		}
		if w != nil {
			// the last chunk was on its way: the server may have read all of it and answered
			// before the write returned here, which is no early final; let the write finish
			_ = w.wait()
		}
		c.settle(cn, r)
		return r, nil
	}
}

// awaitContinue waits up to ContinueWait for a 100 (forever, for WaitsForever). early is set
// when a final response came instead; it is then handled.
func (c *client) awaitContinue(cn *conn) (r response, early bool, err error) {
	deadline := time.Now().Add(ContinueWait)
	if c.knob == WaitsForever {
		deadline = time.Time{}
	}
	for {
		r, err = c.read(cn, deadline)
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			return r, false, nil // no 100 in time: send the content anyway
		}
		if err != nil {
			return r, false, err
		}
		if r.status == 100 && c.knob != InterimIsFinal {
			return r, false, nil
		}
		if r.status < 200 && c.knob != InterimIsFinal {
			continue // 102, 103, 199: not the go-ahead, keep waiting
		}
		r, err = c.earlyFinal(cn, r, nil)
		return r, true, err
	}
}

// earlyFinal handles a final response that came before the content was sent in full (w nil:
// none of it was sent). A conforming client stops and closes when told the connection closes,
// finishes the content it is sending otherwise, and closes when it had not started.
func (c *client) earlyFinal(cn *conn, r response, w *writer) (response, error) {
	switch {
	case c.knob == HangsAfterEarly:
		if w != nil {
			w.stop()
		}
		select {} // neither sends nor closes: the suite's deadline ends it
	case c.knob == ReusesAfterEarly:
		if w != nil {
			w.stop()
		}
		cn.reusable = true
		return r, nil
	case r.close || w == nil:
		if w != nil {
			w.stop()
		}
		cn.reusable = false
		return r, nil
	}
	if err := w.wait(); err != nil {
		cn.reusable = false
		return r, nil
	}
	c.settle(cn, r)
	return r, nil
}

// settle decides whether a connection whose exchange completed may carry another request: not
// when the server said close, nor when octets arrived that answer no request (RFC 9112 §9.2).
func (c *client) settle(cn *conn, r response) {
	cn.reusable = !r.close
	if !cn.reusable || c.knob == KeepsOrphanedConn {
		return
	}
	_ = cn.nc.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
	if _, err := cn.br.Peek(1); err == nil {
		fmt.Fprintln(c.log, "ref-client: data arrived that answers no request; closing the connection")
		cn.reusable = false
	}
}

func (c *client) get(cn *conn, target string) (response, error) {
	head := fmt.Sprintf("GET %s HTTP/1.1\r\nHost: %s\r\n", target, c.host)
	if c.knob == ExpectAlways {
		head += "Expect: 100-continue\r\n"
	}
	if err := c.write(cn, head+"\r\n"); err != nil {
		return response{}, err
	}
	for {
		r, err := c.read(cn, time.Now().Add(ioDeadline))
		if err != nil || r.status >= 200 || c.knob == InterimIsFinal {
			return r, err
		}
	}
}

// read reads one response: a 1xx ends at its empty line whatever it declares (RFC 9112 §6.3),
// a final has the content its Content-Length says, or all until the close. Final content goes
// to stdout.
func (c *client) read(cn *conn, deadline time.Time) (response, error) {
	_ = cn.nc.SetReadDeadline(deadline)
	r := response{length: -1}
	line, err := readLine(cn.br)
	if err != nil {
		return r, err
	}
	r.line = line
	if r.status, err = c.statusOf(line); err != nil {
		return r, err
	}
	for {
		f, err := readLine(cn.br)
		if err != nil {
			return r, err
		}
		if f == "" {
			break
		}
		name, value, _ := strings.Cut(f, ":")
		value = strings.TrimSpace(value)
		switch strings.ToLower(name) {
		case "content-length":
			if r.length, err = strconv.ParseInt(value, 10, 64); err != nil || r.length < 0 || r.length > maxResponseBody {
				return r, fmt.Errorf("bad Content-Length %q in %q", value, line)
			}
		case "connection":
			r.close = r.close || strings.Contains(strings.ToLower(value), "close")
		case "location":
			r.location = value
		}
	}
	fmt.Fprintln(c.log, "ref-client:", line)
	if r.status < 200 && c.knob != InterimIsFinal {
		if c.knob == Frames1xx && r.length > 0 {
			_ = cn.nc.SetReadDeadline(time.Now().Add(ioDeadline)) // the "content" is part of the response
			_, err = io.CopyN(io.Discard, cn.br, r.length)
		}
		return r, err
	}
	_ = cn.nc.SetReadDeadline(time.Now().Add(ioDeadline))
	if r.length >= 0 {
		r.body = make([]byte, r.length)
		_, err = io.ReadFull(cn.br, r.body)
	} else if r.status >= 200 && r.status != 204 && r.status != 304 {
		r.body, err = io.ReadAll(io.LimitReader(cn.br, maxResponseBody))
		r.close = true
	}
	_, _ = c.out.Write(r.body)
	return r, err
}

// statusOf parses "HTTP/1.x SP 3DIGIT SP [reason]"; a status line that ends after the code is
// taken too (a lenient recipient), unless the knob needs a reason phrase.
func (c *client) statusOf(line string) (int, error) {
	rest, ok := strings.CutPrefix(line, "HTTP/1.")
	if !ok || len(rest) < 5 || rest[1] != ' ' {
		return 0, fmt.Errorf("not a status line: %q", line)
	}
	code, err := strconv.Atoi(rest[2:min(5, len(rest))])
	if err != nil || code < 100 || code > 999 {
		return 0, fmt.Errorf("no status code in %q", line)
	}
	if c.knob == NeedsReason && strings.TrimSpace(rest[min(5, len(rest)):]) == "" {
		return 0, fmt.Errorf("status line without reason phrase: %q", line)
	}
	return code, nil
}

func readLine(br *bufio.Reader) (string, error) {
	var b []byte
	for {
		chunk, isPrefix, err := br.ReadLine()
		b = append(b, chunk...)
		if err != nil {
			return string(b), err
		}
		if len(b) > maxResponseHead {
			return "", errors.New("response head too large")
		}
		if !isPrefix {
			return string(b), nil
		}
	}
}

// writer sends the content in chunks while responses are read, and can be stopped between
// chunks.
type writer struct {
	stopped atomic.Bool
	last    atomic.Bool // the write of the last chunk has begun
	done    chan struct{}
	mu      sync.Mutex
	err     error
	all     bool
}

func startWriter(nc net.Conn, content []byte) *writer {
	w := &writer{done: make(chan struct{})}
	go func() {
		defer close(w.done)
		for off := 0; off < len(content); off += writeChunk {
			if w.stopped.Load() {
				return
			}
			_ = nc.SetWriteDeadline(time.Now().Add(ioDeadline))
			if off > 0 {
				time.Sleep(writePace) // an upload that takes a moment, so responses can come during it
			}
			end := min(off+writeChunk, len(content))
			if end == len(content) {
				w.last.Store(true)
			}
			if _, err := nc.Write(content[off:end]); err != nil {
				w.mu.Lock()
				w.err = err
				w.mu.Unlock()
				return
			}
		}
		w.mu.Lock()
		w.all = true
		w.mu.Unlock()
	}()
	return w
}

func (w *writer) stop() { w.stopped.Store(true) }

// lastStarted reports whether the writer has begun writing the last chunk of the content. A final
// response read before then answered part of the content at most: an early final. One read after
// it may answer the whole content even though the write has not returned yet (the server reads
// what the kernel took and answers before the writer goroutine runs again), so whether the write
// has returned cannot tell the two apart.
func (w *writer) lastStarted() bool { return w.last.Load() }

func (w *writer) wait() error {
	<-w.done
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.all {
		return errors.Join(errors.New("content not sent in full"), w.err)
	}
	return nil
}
