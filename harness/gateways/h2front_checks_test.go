package gateways_test

import (
	"bytes"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"

	"github.com/expectspec/expectspec/harness/conv"
)

// The reference gateway's checks of its client: a declared length its DATA breaks, and
// SETTINGS or WINDOW_UPDATE values out of range. Each is what a conforming gateway must refuse
// rather than relay upstream or count on.

// nextErrorFrame reads until the gateway resets stream 1 or sends GOAWAY, and returns the code
// and the frame's type; a closed connection or the deadline fails the spec.
func nextErrorFrame(fr *http2.Framer) (string, http2.ErrCode) {
	GinkgoHelper()
	for {
		f, err := fr.ReadFrame()
		Expect(err).NotTo(HaveOccurred())
		switch f := f.(type) {
		case *http2.RSTStreamFrame:
			return "RST_STREAM", f.ErrCode
		case *http2.GoAwayFrame:
			return "GOAWAY", f.ErrCode
		}
	}
}

var _ = Describe("the HTTP/2 reference gateway's checks of its client", func() {
	post := func(o interface{ Addr() string }, token string, fields ...string) *http2.Framer {
		GinkgoHelper()
		return rawH2Request(o.Addr(), false, append([]string{":method", "POST", ":scheme", "http", ":authority", "t",
			":path", conv.OriginPath(token, "x")}, fields...)...)
	}

	// data is the DATA the client sends after the head, none when empty; end ends the stream.
	DescribeTable("resets a request whose DATA breaks its content-length with PROTOCOL_ERROR (RFC 9113 §8.1.1)",
		func(lengths []string, data string, end bool) {
			o := startOrigin()
			o.Register("ck1", conv.OriginScript{OnHead: conv.HeadWait})
			var fields []string
			for _, l := range lengths {
				fields = append(fields, "content-length", l)
			}
			fr := post(o, "ck1", fields...)
			if data != "" {
				Expect(fr.WriteData(1, end, []byte(data))).To(Succeed())
			}
			kind, code := nextErrorFrame(fr)
			Expect(kind).To(Equal("RST_STREAM"))
			Expect(code).To(Equal(http2.ErrCodeProtocol))
		},
		Entry("DATA past it", []string{"3"}, "abcdef", false),
		Entry("the stream ends short of it", []string{"5"}, "abc", true),
		Entry("two different values", []string{"3", "4"}, "", false),
	)

	DescribeTable("ends the connection on a SETTINGS value out of its range (RFC 9113 §6.5.2)",
		func(s http2.Setting, want http2.ErrCode) {
			o := startOrigin()
			o.Register("ck4", conv.OriginScript{OnHead: conv.HeadWait})
			fr := post(o, "ck4", "content-length", "3")
			Expect(fr.WriteSettings(s)).To(Succeed())
			kind, code := nextErrorFrame(fr)
			Expect(kind).To(Equal("GOAWAY"))
			Expect(code).To(Equal(want))
		},
		Entry("ENABLE_PUSH 2", http2.Setting{ID: http2.SettingEnablePush, Val: 2}, http2.ErrCodeProtocol),
		Entry("INITIAL_WINDOW_SIZE 2^31", http2.Setting{ID: http2.SettingInitialWindowSize, Val: 1 << 31}, http2.ErrCodeFlowControl),
		Entry("MAX_FRAME_SIZE under 16384", http2.Setting{ID: http2.SettingMaxFrameSize, Val: 100}, http2.ErrCodeProtocol),
	)

	It("ends the connection when WINDOW_UPDATE pushes its window past 2^31-1 (RFC 9113 §6.9.1)", func() {
		o := startOrigin()
		o.Register("ck5", conv.OriginScript{OnHead: conv.HeadWait})
		fr := post(o, "ck5", "content-length", "3")
		Expect(fr.WriteWindowUpdate(0, 1<<31-1)).To(Succeed())
		kind, code := nextErrorFrame(fr)
		Expect(kind).To(Equal("GOAWAY"))
		Expect(code).To(Equal(http2.ErrCodeFlowControl))
	})

	It("gives back the stream credit of a DATA frame's padding as well as its content's (RFC 9113 §6.9.1)", func() {
		o := startOrigin()
		o.Register("ck6", conv.OriginScript{OnHead: conv.HeadWait})
		fr := post(o, "ck6", "content-length", "6")
		// 3 octets of content and 10 of padding, behind the pad length's octet: 14 of window.
		Expect(fr.WriteDataPadded(1, false, []byte("abc"), make([]byte, 10))).To(Succeed())
		var credit uint32
		for credit < 14 { // the connection's deadline (rawH2Request) ends a read that waits for more
			f, err := fr.ReadFrame()
			Expect(err).NotTo(HaveOccurred(), "stream 1 got %d octets of credit back, of 14", credit)
			if wu, ok := f.(*http2.WindowUpdateFrame); ok && wu.StreamID == 1 {
				credit += wu.Increment
			}
		}
		Expect(credit).To(Equal(uint32(14)))
	})
})

var _ = Describe("the HTTP/2 reference gateway's stream numbers", func() {
	It("ends the connection with PROTOCOL_ERROR when the client opens an even stream (RFC 9113 §5.1.1)", func() {
		o := startOrigin()
		o.Register("ck6", conv.OriginScript{OnHead: conv.HeadWait})
		fr := rawH2Request(o.Addr(), false, ":method", "POST", ":scheme", "http", ":authority", "t", ":path", conv.OriginPath("ck6", "x"), "content-length", "3")
		var block bytes.Buffer
		enc := hpack.NewEncoder(&block)
		for _, f := range [][2]string{{":method", "GET"}, {":scheme", "http"}, {":authority", "t"}, {":path", "/"}} {
			Expect(enc.WriteField(hpack.HeaderField{Name: f[0], Value: f[1]})).To(Succeed())
		}
		Expect(fr.WriteHeaders(http2.HeadersFrameParam{StreamID: 4, BlockFragment: block.Bytes(), EndHeaders: true, EndStream: true})).To(Succeed())
		kind, code := nextErrorFrame(fr)
		Expect(kind).To(Equal("GOAWAY"))
		Expect(code).To(Equal(http2.ErrCodeProtocol))
	})
})
