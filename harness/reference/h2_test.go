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

// The HTTP/2 references, played through the suite's h2c driver: the conforming one answers an
// upload that expects 100-continue with a 100 HEADERS carrying only :status and no END_STREAM,
// then the echo after the content; each mutant shows its one defect.
var _ = Describe("the HTTP/2 reference origin", func() {
	upload := conv.Script{Steps: []conv.Step{
		conv.Headers("head", false, time.Second,
			conv.Field{Name: ":method", Value: "POST"}, conv.Field{Name: ":scheme", Value: "http"},
			conv.Field{Name: ":authority", Value: "t"}, conv.Field{Name: ":path", Value: reference.UploadPath},
			conv.Field{Name: "content-length", Value: "5"}, conv.Field{Name: "expect", Value: "100-continue"}),
		{Kind: conv.Await, Label: "first", Until: conv.UntilMessage, Within: 2 * time.Second},
		conv.Data("body", []byte("hello"), true, time.Second),
		{Kind: conv.Await, Label: "final", Until: conv.UntilFinals, Count: 1, Within: 2 * time.Second},
	}}
	play := func(name string) *conv.Timeline {
		b, ok := reference.H2ByName(name)
		Expect(ok).To(BeTrue(), name)
		s, err := reference.StartH2(b)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(s.Close)
		d, err := driver.For(conv.H2C, driver.Options{})
		Expect(err).NotTo(HaveOccurred())
		tl := d.Play(context.Background(), s.Addr(), upload)
		Expect(tl.Err).To(BeEmpty())
		return tl
	}
	hundred := func(tl *conv.Timeline) *conv.FrameInfo {
		for _, e := range tl.Frames(1) {
			if e.Frame.Type == "HEADERS" && len(e.Frame.Fields) > 0 && e.Frame.Fields[0].Value == "100" {
				return e.Frame
			}
		}
		return nil
	}

	It("conforms: 100 without END_STREAM carrying only :status, the echo after the content", func() {
		tl := play("ref-h2-continue")
		f := hundred(tl)
		Expect(f).NotTo(BeNil(), tl.Transcript())
		Expect(f.EndStream()).To(BeFalse())
		Expect(f.Fields).To(Equal([]conv.Field{{Name: ":status", Value: "100"}}))
		fins := tl.Finals()
		Expect(fins).To(HaveLen(1), tl.Transcript())
		Expect(fins[0].Msg.Status).To(Equal(200))
		Expect(string(fins[0].Msg.Body)).To(Equal("hello"))
		Expect(fins[0].Step).To(Equal("final"))
	})

	early := conv.Script{Steps: []conv.Step{
		conv.Headers("head", false, time.Second,
			conv.Field{Name: ":method", Value: "POST"}, conv.Field{Name: ":scheme", Value: "http"},
			conv.Field{Name: ":authority", Value: "t"}, conv.Field{Name: ":path", Value: "/elsewhere"},
			conv.Field{Name: "content-length", Value: "5"}, conv.Field{Name: "expect", Value: "100-continue"}),
		{Kind: conv.Await, Label: "final", Until: conv.UntilFinals, Count: 1, Within: 2 * time.Second},
		{Kind: conv.Await, Label: "after", Until: conv.UntilClose, Within: 200 * time.Millisecond, H2: conv.H2Frame{Stream: 99}},
	}}
	resets := func(tl *conv.Timeline) []uint32 {
		var codes []uint32
		for _, e := range tl.Frames(1) {
			if e.Frame.Type == "RST_STREAM" {
				codes = append(codes, e.Frame.Code)
			}
		}
		return codes
	}
	playEarly := func(name string) *conv.Timeline { return playH2Reference(name, early) }

	It("answers another path 404 from the header block, ending the stream (and resetting it with NO_ERROR in ref-h2-early-reset)", func() {
		tl := playEarly("ref-h2-continue")
		Expect(tl.Finals()).To(HaveLen(1), tl.Transcript())
		Expect(tl.Finals()[0].Msg.Status).To(Equal(404))
		Expect(resets(tl)).To(BeEmpty(), tl.Transcript())
		tl = playEarly("ref-h2-early-reset")
		Expect(tl.Finals()[0].Msg.Truncated).To(BeFalse(), tl.Transcript())
		Expect(resets(tl)).To(Equal([]uint32{conv.CodeNoError}), tl.Transcript())
		tl = playEarly("mut-h2-early-cancel")
		Expect(resets(tl)).To(Equal([]uint32{conv.CodeCancel}), tl.Transcript())
	})

	It("mut-h2-interim-after-final sends a 100 between its final's HEADERS and its DATA", func() {
		tl := play("mut-h2-interim-after-final")
		var got []int
		for _, m := range tl.Messages() {
			got = append(got, m.Msg.Status)
		}
		Expect(got).To(Equal([]int{100, 200, 100}), tl.Transcript())
	})

	It("mut-h2-no-continue sends nothing while the content is withheld", func() {
		tl := play("mut-h2-no-continue")
		Expect(tl.Messages()).NotTo(BeEmpty(), tl.Transcript())
		Expect(tl.Messages()[0].Msg.Status).To(Equal(200))
		Expect(tl.Messages()[0].Step).To(Equal("final"))
	})

	It("mut-h2-100-end-stream sends its 100 with END_STREAM", func() {
		Expect(reference.H2Mutants()[0].Behaviour.Name).To(Equal("mut-h2-100-end-stream"))
		tl := play("mut-h2-100-end-stream")
		f := hundred(tl)
		Expect(f).NotTo(BeNil(), tl.Transcript())
		Expect(f.EndStream()).To(BeTrue(), tl.Transcript())
	})
	// playWith plays upload with its expect field replaced by fields.
	playWith := func(name string, fields ...conv.Field) *conv.Timeline {
		b, ok := reference.H2ByName(name)
		Expect(ok).To(BeTrue(), name)
		s, err := reference.StartH2(b)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(s.Close)
		sc := conv.Script{Steps: append([]conv.Step(nil), upload.Steps...)}
		head := sc.Steps[0]
		head.H2.Fields = append(append([]conv.Field(nil), head.H2.Fields[:5]...), fields...)
		sc.Steps[0] = head
		d, _ := driver.For(conv.H2C, driver.Options{})
		return d.Play(context.Background(), s.Addr(), sc)
	}
	titleCase := conv.Field{Name: "expect", Value: "100-Continue"}
	teTrailers := conv.Field{Name: "te", Value: "trailers"}

	It("ref-h2-continue takes `100-Continue` and `te: trailers` as a normal upload; the mutants do not", func() {
		for _, tl := range []*conv.Timeline{playWith("ref-h2-continue", titleCase), playWith("ref-h2-continue", teTrailers, upload.Steps[0].H2.Fields[5])} {
			Expect(hundred(tl)).NotTo(BeNil(), tl.Transcript())
		}
		tl := playWith("mut-h2-case-sensitive-value", titleCase)
		Expect(tl.Messages()).NotTo(BeEmpty(), tl.Transcript())
		Expect(tl.Messages()[0].Step).To(Equal("final"), tl.Transcript())
		Expect(hundred(play("mut-h2-case-sensitive-value"))).NotTo(BeNil())

		tl = playWith("mut-h2-rejects-te-trailers", teTrailers, upload.Steps[0].H2.Fields[5])
		Expect(tl.Messages()).To(BeEmpty(), tl.Transcript())
		Expect(resets(tl)).To(Equal([]uint32{conv.CodeProtocolError}), tl.Transcript())
	})

	It("mut-h2-417-continue answers 417 from the header block", func() {
		tl := play("mut-h2-417-continue")
		Expect(tl.Messages()).NotTo(BeEmpty(), tl.Transcript())
		Expect(tl.Messages()[0].Msg.Status).To(Equal(417), tl.Transcript())
		Expect(tl.Messages()[0].Step).To(Equal("first"), tl.Transcript())
	})
})
