package refclient

import (
	"bytes"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"strconv"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// The reference client over HTTP/2 (RunH2, `expectspec ref-client --h2`): one upload on one
// stream over TLS with h2 by ALPN, on x/net/http2's Framer and hpack. It sends Expect:
// 100-continue on large content and waits ContinueWait for the 100 (RFC 9110 §10.1.1 holds over
// HTTP/2), skips any number of 1xx (RFC 9113 §8.1), sends its content within the flow-control
// windows, stops sending when the server resets the stream, and keeps a final response that
// arrived complete before such a reset with NO_ERROR (RFC 9113 §8.1). The knob
// H2DiscardsOnReset breaks that last rule.

// H2DiscardsOnReset takes any RST_STREAM on its upload, NO_ERROR after a complete response too,
// for a failure, and discards the response.
const H2DiscardsOnReset Knob = "h2-discards-on-reset"

const (
	maxH2ResponseHeaders = 64 << 10
	h2Chunk              = 16 << 10 // the smallest frame size every peer takes (RFC 9113 §4.2)
)

// h2state is what the client knows of its stream and windows.
type h2state struct {
	status   int
	body     bytes.Buffer
	complete bool   // the response ended the stream
	reset    string // the server's RST_STREAM code, "" before one
	got100   bool
	connWin  int64
	strWin   int64
}

// RunH2 is Run over HTTP/2 for an https URL. It prints the final response's content on stdout,
// one line per response on stderr, and exits 0 when the upload got a complete final response.
func RunH2(rawURL, path, caFile string, k Knob, stdout, stderr io.Writer) int {
	if err := runH2(rawURL, path, caFile, k, stdout, stderr); err != nil {
		fmt.Fprintln(stderr, "ref-client:", err)
		return 1
	}
	return 0
}

func runH2(rawURL, path, caFile string, k Knob, stdout, stderr io.Writer) error {
	u, err := url.Parse(rawURL)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return fmt.Errorf("%q is not an https:// URL (--h2 speaks HTTP/2 over TLS)", rawURL)
	}
	cfg, err := tlsConfig(u.Hostname(), caFile)
	if err != nil {
		return err
	}
	cfg.NextProtos = []string{http2.NextProtoTLS}
	content, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	nc, err := tls.DialWithDialer(&net.Dialer{Timeout: ioDeadline}, "tcp", u.Host, cfg)
	if err != nil {
		return err
	}
	defer nc.Close()
	if p := nc.ConnectionState().NegotiatedProtocol; p != http2.NextProtoTLS {
		return fmt.Errorf("the server did not select h2 by ALPN (%q)", p)
	}
	_ = nc.SetDeadline(time.Now().Add(ioDeadline))
	if _, err := io.WriteString(nc, http2.ClientPreface); err != nil {
		return err
	}
	fr := http2.NewFramer(nc, nc)
	fr.ReadMetaHeaders = hpack.NewDecoder(4096, nil)
	fr.MaxHeaderListSize = maxH2ResponseHeaders
	if err := fr.WriteSettings(); err != nil {
		return err
	}
	expect := len(content) >= ExpectThreshold
	var block bytes.Buffer
	enc := hpack.NewEncoder(&block)
	fields := []string{":method", "POST", ":scheme", "https", ":authority", u.Host, ":path", u.RequestURI(), "content-length", strconv.Itoa(len(content))}
	if expect {
		fields = append(fields, "expect", "100-continue")
	}
	for i := 0; i < len(fields); i += 2 {
		_ = enc.WriteField(hpack.HeaderField{Name: fields[i], Value: fields[i+1]})
	}
	if err := fr.WriteHeaders(http2.HeadersFrameParam{StreamID: 1, BlockFragment: block.Bytes(), EndStream: len(content) == 0, EndHeaders: true}); err != nil {
		return err
	}
	frames, taken := make(chan http2.Frame), make(chan struct{})
	readErr := make(chan error, 1)
	go func() { // the only reader; it stops when the connection closes
		for {
			f, err := fr.ReadFrame()
			if err != nil {
				readErr <- err
				return
			}
			frames <- f
			<-taken // a frame's buffer is reused by the next read: wait until it was handled
		}
	}()
	st := &h2state{connWin: 65535, strWin: 65535, got100: !expect}
	sent := 0
	wait := time.NewTimer(ContinueWait)
	defer wait.Stop()
	idle := time.NewTimer(ioDeadline)
	defer idle.Stop()
	for {
		// it keeps sending after a final response, unless the server reset the stream (RFC 9110
		// §7.5, RFC 9113 §8.1)
		canSend := len(content) > sent && st.got100 && st.reset == "" && st.connWin > 0 && st.strWin > 0
		if canSend {
			n := int(min(int64(h2Chunk), st.connWin, st.strWin, int64(len(content)-sent)))
			if err := fr.WriteData(1, sent+n == len(content), content[sent:sent+n]); err != nil {
				return err
			}
			sent += n
			st.connWin -= int64(n)
			st.strWin -= int64(n)
		}
		if st.complete && (sent == len(content) || st.reset != "") {
			fmt.Fprintf(stderr, "ref-client: %d, %d of %d octets sent, stream reset %q\n", st.status, sent, len(content), st.reset)
			_, err := stdout.Write(st.body.Bytes())
			return err
		}
		waitC := wait.C
		if st.got100 {
			waitC = nil
		}
		var more chan struct{} // closed: do not block while content can still go
		if canSend {
			more = make(chan struct{})
			close(more)
		}
		select {
		case f := <-frames:
			err := st.frame(fr, f, k)
			taken <- struct{}{}
			if err != nil {
				return err
			}
		case err := <-readErr:
			return fmt.Errorf("the connection ended before a complete final response: %w", err)
		case <-waitC:
			st.got100 = true // the bounded wait is over: send the content anyway
		case <-idle.C:
			return fmt.Errorf("nothing to do for %s", ioDeadline)
		case <-more:
		}
	}
}

// frame takes one frame from the server.
func (st *h2state) frame(fr *http2.Framer, f http2.Frame, k Knob) error {
	switch f := f.(type) {
	case *http2.SettingsFrame:
		if f.IsAck() {
			return nil
		}
		if v, ok := f.Value(http2.SettingInitialWindowSize); ok {
			st.strWin += int64(v) - 65535
		}
		return fr.WriteSettingsAck()
	case *http2.PingFrame:
		if !f.IsAck() {
			return fr.WritePing(true, f.Data)
		}
	case *http2.WindowUpdateFrame:
		if f.StreamID == 0 {
			st.connWin += int64(f.Increment)
		} else if f.StreamID == 1 {
			st.strWin += int64(f.Increment)
		}
	case *http2.MetaHeadersFrame:
		status, _ := strconv.Atoi(f.PseudoValue("status"))
		if status < 200 {
			st.got100 = st.got100 || status == 100
			return nil // any number of 1xx before the final (RFC 9113 §8.1)
		}
		st.status = status
		st.complete = f.StreamEnded()
	case *http2.DataFrame:
		if st.status == 0 {
			return errors.New("DATA before a final response")
		}
		st.body.Write(f.Data())
		st.complete = st.complete || f.StreamEnded()
	case *http2.RSTStreamFrame:
		st.reset = f.ErrCode.String()
		if k == H2DiscardsOnReset || !st.complete || f.ErrCode != http2.ErrCodeNo {
			return fmt.Errorf("the server reset the stream with %s", f.ErrCode)
		}
	case *http2.GoAwayFrame:
		if !st.complete {
			return fmt.Errorf("the server sent GOAWAY %s before a complete final response", f.ErrCode)
		}
	}
	return nil
}
