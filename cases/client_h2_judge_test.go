package cases_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/expectspec/expectspec/cases"
	"github.com/expectspec/expectspec/harness/conv"
)

// T44's judge on made-up records of the origin's HTTP/2 side: the verdict rests on what the
// client reported, whatever it did with the rest of its upload and in whichever order its own
// reset and the server's crossed.
var _ = Describe("the HTTP/2 client judge (T44)", func() {
	const tok, id = "tok", "client/h2-keeps-response-after-reset"
	env := cases.Env{Role: cases.ClientUnderTest, Token: tok, OriginAuthority: "127.0.0.1:9", Protocol: conv.H2,
		Timing: cases.DefaultTiming(time.Millisecond, 1), Command: "c {url}", ClientShowsContent: true}
	ms := func(n int) time.Duration { return time.Duration(n) * time.Millisecond }
	ok := conv.ClientReport{Duration: ms(50), Stdout: []byte("expectspec final " + tok + "\n")}
	// stream is the upload as the origin records it: the final after 16 KiB, the reset behind
	// it, then more DATA in flight; clientResetAt < 0: the client did not reset.
	stream := func(expect bool, clientResetAt int) conv.OriginRequest {
		q := conv.OriginRequest{Conn: 1, Seq: 1, Stream: 1, Proto: "HTTP/2", RequestLine: "POST /x HTTP/2", Framing: "content-length",
			DeclaredLength: 2 << 20, ExpectsContinue: expect, ExpectSeen: expect, EarlyFinal: true, ServerReset: "NO_ERROR",
			ContentAt: []conv.Arrival{{At: ms(2), N: 16384}, {At: ms(4), N: 16384}}, ContentLen: 32768,
			AfterResponse: []conv.Arrival{{At: ms(4), N: 16384}}}
		if clientResetAt >= 0 {
			q.ClientReset, q.ClientResetAt = "CANCEL", ms(clientResetAt)
		}
		return q
	}
	judge := func(rep conv.ClientReport, reqs ...conv.OriginRequest) cases.Outcome {
		return decideClient(env, id, rep, reqs...)
	}
	verdict := expectVerdict

	It("passes a client that returns the final, with or without Expect, whether it reset its stream before or after the server's reset", func() {
		for _, expect := range []bool{true, false} {
			for _, resetAt := range []int{-1, 3, 5} {
				o := judge(ok, stream(expect, resetAt))
				verdict(o, cases.Pass, "H2-CLIENT-KEEP-RESPONSE")
				Expect(o.Reason).To(ContainSubstring("16384 octets of content, then RST_STREAM(NO_ERROR)"))
			}
		}
	})

	It("fails a client that exits with an error, hangs, or returns no final content", func() {
		verdict(judge(conv.ClientReport{Exit: 92, Duration: ms(20), Stderr: []byte("stream was reset")}, stream(true, -1)), cases.Fail, "H2-CLIENT-KEEP-RESPONSE")
		verdict(judge(conv.ClientReport{Exit: -1, Killed: true, Duration: 15 * time.Second}, stream(false, -1)), cases.Fail, "H2-CLIENT-KEEP-RESPONSE")
		verdict(judge(conv.ClientReport{Duration: ms(20)}, stream(true, -1)), cases.Fail, "H2-CLIENT-KEEP-RESPONSE")
	})

	It("is info when the client's output shows no content at all", func() {
		e := env
		e.ClientShowsContent = false
		c, _ := cases.ByID(id)
		rec := conv.OriginRecord{Token: tok, Requests: []conv.OriginRequest{stream(true, -1)}}
		rep := conv.ClientReport{Duration: ms(20)}
		verdict(c.Decide(e, cases.Observed{Origin: &rec, Reported: &rep}), cases.Info, "H2-CLIENT-KEEP-RESPONSE")
	})

	It("is na over HTTP/1.1, without content, or when the client ended its stream before the final; fails one that stops at the 1xx", func() {
		h1 := stream(true, -1)
		h1.Proto = "HTTP/1.1"
		verdict(judge(ok, h1), cases.NA, "")
		empty := stream(false, -1)
		empty.Framing, empty.DeclaredLength = "none", -1
		verdict(judge(ok, empty), cases.NA, "")
		ended := stream(false, -1)
		ended.ServerReset, ended.EndStream = "", true
		verdict(judge(ok, ended), cases.NA, "")
		stalled := stream(true, -1)
		stalled.EarlyFinal, stalled.ServerReset, stalled.ContentLen, stalled.ContentAt = false, "", 0, nil
		verdict(judge(conv.ClientReport{Exit: -1, Killed: true, Duration: 15 * time.Second}, stalled), cases.Fail, "CLI-PARSE-1XX")
	})
})
