package reference_test

import (
	"context"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/expectspec/expectspec/harness/conv"
	"github.com/expectspec/expectspec/harness/driver"
	"github.com/expectspec/expectspec/harness/reference"
)

// playH2Reference plays a script against the HTTP/2 reference or mutant of that name, in h2c.
func playH2Reference(name string, s conv.Script) *conv.Timeline {
	b, ok := reference.H2ByName(name)
	Expect(ok).To(BeTrue(), name)
	srv, err := reference.StartH2(b)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(srv.Close)
	d, _ := driver.For(conv.H2C, driver.Options{})
	return d.Play(context.Background(), srv.Addr(), s)
}

// What the HTTP/2 references do with DATA on a stream they answered early, and with a declared
// length over their limit (T41): the conforming ones give the connection credit back; each
// mutant shows its one defect.
var _ = Describe("the HTTP/2 reference origin after an early final", func() {
	field := func(n, v string) conv.Field { return conv.Field{Name: n, Value: v} }
	head := func(path, length string) conv.Step {
		return conv.Headers("head", false, time.Second, field(":method", "POST"), field(":scheme", "http"),
			field(":authority", "t"), field(":path", path), field("content-length", length), field("expect", "100-continue"))
	}
	inFlight := conv.Script{Steps: []conv.Step{
		head("/elsewhere", "16384"),
		{Kind: conv.Await, Label: "final", Until: conv.UntilFinals, Count: 1, Within: 2 * time.Second},
		conv.Data("in-flight", make([]byte, 16384), false, time.Second),
		{Kind: conv.Await, Label: "after", Until: conv.UntilClose, Within: 200 * time.Millisecond, H2: conv.H2Frame{Stream: 99}},
	}}
	play := playH2Reference
	received := func(tl *conv.Timeline, typ string) []*conv.FrameInfo {
		var out []*conv.FrameInfo
		for _, e := range tl.Frames(0) {
			if e.Frame.Type == typ {
				out = append(out, e.Frame)
			}
		}
		return out
	}

	It("gives the connection credit back for DATA on a stream it answered early; mut-h2-early-no-credit does not", func() {
		tl := play("ref-h2-early-reset", inFlight)
		ups := received(tl, "WINDOW_UPDATE")
		Expect(ups).To(HaveLen(1), tl.Transcript())
		Expect(ups[0].Stream).To(BeZero())
		Expect(ups[0].Increment).To(BeEquivalentTo(16384))
		tl = play("mut-h2-early-no-credit", inFlight)
		Expect(received(tl, "WINDOW_UPDATE")).To(BeEmpty(), tl.Transcript())
	})

	It("mut-h2-goaway-after-reset answers DATA on the stream it reset with GOAWAY(STREAM_CLOSED)", func() {
		tl := play("ref-h2-early-reset", inFlight)
		Expect(received(tl, "GOAWAY")).To(BeEmpty(), tl.Transcript())
		tl = play("mut-h2-goaway-after-reset", inFlight)
		g := received(tl, "GOAWAY")
		Expect(g).To(HaveLen(1), tl.Transcript())
		Expect(g[0].Code).To(BeEquivalentTo(0x5))
	})

	It("answers a declared length over its limit 413 from the header block; mut-h2-early-refused then resets with REFUSED_STREAM", func() {
		over := conv.Script{Steps: []conv.Step{
			head(reference.UploadPath, "1099511627776"),
			{Kind: conv.Await, Label: "final", Until: conv.UntilFinals, Count: 1, Within: 2 * time.Second},
			{Kind: conv.Await, Label: "after", Until: conv.UntilClose, Within: 200 * time.Millisecond, H2: conv.H2Frame{Stream: 99}},
		}}
		tl := play("ref-h2-continue", over)
		Expect(tl.Finals()).To(HaveLen(1), tl.Transcript())
		Expect(tl.Finals()[0].Msg.Status).To(Equal(413))
		tl = play("mut-h2-early-refused", over)
		var codes []uint32
		for _, e := range tl.Frames(1) {
			if e.Frame.Type == "RST_STREAM" {
				codes = append(codes, e.Frame.Code)
			}
		}
		Expect(codes).To(Equal([]uint32{conv.CodeRefusedStream}), tl.Transcript())
	})
})
