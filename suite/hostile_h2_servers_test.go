package suite

import (
	"bytes"
	"io"
	"net"
	"strings"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// Hostile HTTP/2 peers, in h2c by prior knowledge: each reads the client's connection preface
// and then misbehaves in one way, at the frame level, through x/net/http2's Framer (no
// hand-written frames but the garbage one). They run on the hostile servers' listener
// (hostile_servers_test.go), so stop ends every one of them.

// h2Serve is what an HTTP/2 hostile peer does once the client's preface arrived.
type h2Serve func(h *hostileServer, c *net.TCPConn, fr *http2.Framer)

// h2Hostile makes a hostile spec of an HTTP/2 behaviour: it reads the client's preface (3 s at
// most) and hands over a Framer on the connection.
func h2Hostile(name, what string, flood bool, serve h2Serve) hostileSpec {
	return hostileSpec{Name: name, What: what, Flood: flood, Serve: func(h *hostileServer, c *net.TCPConn) {
		c.SetReadDeadline(time.Now().Add(3 * time.Second))
		preface := make([]byte, len(http2.ClientPreface))
		if _, err := io.ReadFull(c, preface); err != nil || string(preface) != http2.ClientPreface {
			return
		}
		c.SetReadDeadline(time.Time{})
		serve(h, c, http2.NewFramer(c, c))
	}}
}

// h2Block is the HPACK encoding of fields given as name, value pairs; a value of a sensitive
// field is never indexed, so the same block can be sent again and again.
func h2Block(pairs ...string) []byte {
	var b bytes.Buffer
	enc := hpack.NewEncoder(&b)
	for i := 0; i+1 < len(pairs); i += 2 {
		enc.WriteField(hpack.HeaderField{Name: pairs[i], Value: pairs[i+1], Sensitive: true})
	}
	return b.Bytes()
}

// onRequests sends its SETTINGS, then reads frames and calls act for each request header
// block (HEADERS with END_HEADERS; the clients here send no CONTINUATION) until act returns
// false or the connection ends. With onExpect, only a request that carries expect meets act:
// the others are answered 200 at once, so that the checks before the cases pass and the cases
// meet the hostility.
func onRequests(fr *http2.Framer, settings []http2.Setting, onExpect bool, act func(f *http2.HeadersFrame) bool) {
	if fr.WriteSettings(settings...) != nil {
		return
	}
	dec := hpack.NewDecoder(4096, nil) // every block is decoded, to keep the decoder's table in step
	for {
		f, err := fr.ReadFrame()
		if err != nil {
			return
		}
		switch f := f.(type) {
		case *http2.SettingsFrame:
			if !f.IsAck() && fr.WriteSettingsAck() != nil {
				return
			}
		case *http2.HeadersFrame:
			fields, err := dec.DecodeFull(f.HeaderBlockFragment())
			if err != nil {
				return
			}
			if onExpect && !carriesExpect(fields) {
				err = fr.WriteHeaders(http2.HeadersFrameParam{StreamID: f.StreamID, BlockFragment: status200, EndHeaders: true, EndStream: true})
			} else if !act(f) {
				return
			}
			if err != nil {
				return
			}
		}
	}
}

func carriesExpect(fields []hpack.HeaderField) bool {
	for _, f := range fields {
		if strings.EqualFold(f.Name, "expect") {
			return true
		}
	}
	return false
}

// h2Flood sends its SETTINGS, then, at the first request (with onExpect, the first that
// carries expect), drains the connection and writes frame after frame (write's i counts them
// from 0, stream is the request's) until a write fails or the server stops.
func h2Flood(write func(fr *http2.Framer, stream uint32, i int) error) func(onExpect bool) h2Serve {
	return func(onExpect bool) h2Serve {
		return func(h *hostileServer, c *net.TCPConn, fr *http2.Framer) {
			onRequests(fr, nil, onExpect, func(f *http2.HeadersFrame) bool {
				drain(h, c)
				for i := 0; !h.stopping() && write(fr, f.StreamID, i) == nil; i++ {
				}
				return false
			})
		}
	}
}

var (
	filler    = h2Block("x-filler", strings.Repeat("a", 4000))
	fillers16 = bytes.Repeat(filler, 4) // about 16 KiB, the smallest maximum frame size
	status100 = h2Block(":status", "100")
	status200 = h2Block(":status", "200")
)

// h2Behaviours are the hostile HTTP/2 behaviours that can wait for a request that carries
// expect (the cases) before they start, or start at the first request (the checks).
var h2Behaviours = []struct {
	name, what string
	flood      bool
	serve      func(onExpect bool) h2Serve
}{
	{"h2-endless-continuation", "answers a request with HEADERS without END_HEADERS, then CONTINUATION frames forever", true,
		h2Flood(func(fr *http2.Framer, id uint32, i int) error {
			if i == 0 {
				return fr.WriteHeaders(http2.HeadersFrameParam{StreamID: id, BlockFragment: status200})
			}
			return fr.WriteContinuation(id, false, fillers16)
		})},
	{"h2-header-block-over-limit", "answers a request with a 4 MiB header block in 256 CONTINUATION frames, then ends the stream", false,
		func(onExpect bool) h2Serve {
			return func(h *hostileServer, c *net.TCPConn, fr *http2.Framer) {
				onRequests(fr, nil, onExpect, func(f *http2.HeadersFrame) bool {
					if fr.WriteHeaders(http2.HeadersFrameParam{StreamID: f.StreamID, BlockFragment: status200, EndStream: true}) != nil {
						return false
					}
					for i := 1; i <= 256 && !h.stopping(); i++ {
						if fr.WriteContinuation(f.StreamID, i == 256, fillers16) != nil {
							return false
						}
					}
					return true
				})
			}
		}},
	{"h2-settings-flood", "sends SETTINGS frames as fast as the client reads once a request came, and answers nothing more", true,
		h2Flood(func(fr *http2.Framer, _ uint32, _ int) error {
			return fr.WriteSettings(http2.Setting{ID: http2.SettingMaxConcurrentStreams, Val: 100})
		})},
	{"h2-ping-flood", "sends PING frames as fast as the client reads once a request came, and answers nothing more", true,
		h2Flood(func(fr *http2.Framer, _ uint32, _ int) error {
			return fr.WritePing(false, [8]byte{'h', 'o', 's', 't', 'i', 'l', 'e'})
		})},
	{"h2-goaway-mid-stream", "answers a request with a 200's HEADERS and part of its DATA, then GOAWAY and a close", false,
		func(onExpect bool) h2Serve {
			return func(h *hostileServer, c *net.TCPConn, fr *http2.Framer) {
				onRequests(fr, nil, onExpect, func(f *http2.HeadersFrame) bool {
					if fr.WriteHeaders(http2.HeadersFrameParam{StreamID: f.StreamID, BlockFragment: status200, EndHeaders: true}) == nil &&
						fr.WriteData(f.StreamID, false, []byte("par")) == nil {
						fr.WriteGoAway(0, http2.ErrCodeInternal, nil)
					}
					closeGently(c)
					return false
				})
			}
		}},
	{"h2-interim-forever", "answers a request with 100 (Continue) HEADERS frames on its stream forever", true,
		h2Flood(func(fr *http2.Framer, id uint32, _ int) error {
			return fr.WriteHeaders(http2.HeadersFrameParam{StreamID: id, BlockFragment: status100, EndHeaders: true})
		})},
}

// h2HostileSpecs are the hostile HTTP/2 peers of the CLI's hostile runs (cli_hostile_h2_test.go):
// each behaviour from the first request (a check before the cases meets it), again from the
// first request that carries expect (NAME-on-expect: the cases meet it), and two that only the
// checks can meet.
var h2HostileSpecs = func() []hostileSpec {
	var out []hostileSpec
	for _, b := range h2Behaviours {
		out = append(out, h2Hostile(b.name, b.what, b.flood, b.serve(false)),
			h2Hostile(b.name+"-on-expect", b.what+", once a request carries expect", b.flood, b.serve(true)))
	}
	return append(out,
		h2Hostile("h2-window-never-opens", "sets the initial stream window to 0 and never opens it; answers requests without content 200", false,
			func(h *hostileServer, c *net.TCPConn, fr *http2.Framer) {
				onRequests(fr, []http2.Setting{{ID: http2.SettingInitialWindowSize, Val: 0}}, false, func(f *http2.HeadersFrame) bool {
					if !f.StreamEnded() {
						return true // the content can never come: wait for it in silence
					}
					return fr.WriteHeaders(http2.HeadersFrameParam{StreamID: f.StreamID, BlockFragment: status200, EndHeaders: true, EndStream: true}) == nil
				})
			}),
		h2Hostile("h2-garbage-preface", "answers the connection preface as an HTTP/1.1-only server would: a 400 status line, then a close", false,
			func(h *hostileServer, c *net.TCPConn, fr *http2.Framer) {
				if h.write(c, []byte("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")) == nil {
					closeGently(c)
				}
			}))
}()
