package cases_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/expectspec/expectspec/cases"
	"github.com/expectspec/expectspec/harness/conv"
)

// The client cases' judges on made-up records of the suite's origin and made-up reports of the
// client's command.
var _ = Describe("the client judges", func() {
	const tok = "tok"
	env := cases.Env{Role: cases.ClientUnderTest, Token: tok, OriginAuthority: "127.0.0.1:9",
		Timing: cases.DefaultTiming(time.Millisecond, 1), Command: "c {url}", ClientShowsContent: true}
	ms := func(n int) time.Duration { return time.Duration(n) * time.Millisecond }
	ok := conv.ClientReport{Exit: 0, Duration: ms(50), Stdout: []byte("expectspec final " + tok + "\n")}
	killed := conv.ClientReport{Exit: -1, Killed: true, Duration: 15 * time.Second}
	failed := conv.ClientReport{Exit: 7, Duration: ms(50), Stderr: []byte("parse error")}

	// upload is a request with n declared octets, on connection conn, whose content started at
	// contentAt (negative: none arrived).
	upload := func(conn int, n int64, expect bool, contentAt int) conv.OriginRequest {
		q := conv.OriginRequest{Conn: conn, Seq: 1, RequestLine: "POST /x HTTP/1.1", Framing: "content-length", DeclaredLength: n,
			ExpectsContinue: expect, ExpectSeen: expect, HeadAt: ms(1)}
		if contentAt >= 0 {
			q.ContentAt = []conv.Arrival{{At: ms(contentAt), N: int(n)}}
			q.ContentLen, q.Complete = n, true
		}
		return q
	}
	judge := func(id string, rep conv.ClientReport, reqs ...conv.OriginRequest) cases.Outcome {
		return decideClient(env, id, rep, reqs...)
	}

	It("says error, not a verdict, when the command made no request or has no report", func() {
		expectVerdict(judge("client/two-100s", ok), cases.Error, "")
		c, _ := cases.ByID("client/two-100s")
		expectVerdict(c.Decide(env, cases.Observed{}), cases.Error, "")
	})

	It("T60: Expect without content fails, with Content-Length: 0 warns, none passes", func() {
		empty := upload(1, 0, true, -1)
		expectVerdict(judge("client/no-expect-without-content", ok, empty), cases.Warn, "CLI-NO-EXPECT-WITHOUT-CONTENT")
		empty.Framing = "none"
		expectVerdict(judge("client/no-expect-without-content", ok, empty), cases.Fail, "CLI-NO-EXPECT-WITHOUT-CONTENT")
		expectVerdict(judge("client/no-expect-without-content", ok, upload(1, 0, false, -1)), cases.Pass, "")
		chunked := upload(1, 0, true, -1)
		chunked.Framing, chunked.DeclaredLength = "chunked", -1
		o := judge("client/no-expect-without-content", ok, chunked)
		expectVerdict(o, cases.Pass, "")
		Expect(o.Reason).NotTo(ContainSubstring("no Expect"), "the reason must not deny the Expect the client sent")
	})

	It("T60: content held back without Expect fails; at once, or announced by Expect, passes", func() {
		const id = "client/withholds-only-with-expect"
		expectVerdict(judge(id, ok, upload(1, 1024, false, 2)), cases.Pass, "")
		expectVerdict(judge(id, ok, upload(1, 1024, true, 1500)), cases.Pass, "")
		expectVerdict(judge(id, ok, upload(1, 1024, false, 2100)), cases.Fail, "CLI-EXPECT-IF-WAITING")
		expectVerdict(judge(id, killed, upload(1, 1024, false, -1)), cases.Fail, "CLI-EXPECT-IF-WAITING")
		expectVerdict(judge(id, ok, upload(1, 0, false, -1)), cases.NA, "")
	})

	It("T61: a bounded wait passes, never sending warns, and no Expect is na", func() {
		const id = "client/bounded-wait-for-100"
		expectVerdict(judge(id, ok, upload(1, 2<<20, true, 1001)), cases.Pass, "")
		expectVerdict(judge(id, ok, upload(1, 2<<20, true, 9000)), cases.Pass, "")
		expectVerdict(judge(id, killed, upload(1, 2<<20, true, -1)), cases.Warn, "CLI-NO-INDEFINITE-WAIT")
		expectVerdict(judge(id, failed, upload(1, 2<<20, true, -1)), cases.Warn, "CLI-NO-INDEFINITE-WAIT")
		o := judge(id, ok, upload(1, 2<<20, false, 2))
		expectVerdict(o, cases.NA, "")
		Expect(o.Reason).To(ContainSubstring("no Expect"))
	})

	It("T62: the repeat without Expect passes, in whichever order the connections show; none, or one with Expect, warns", func() {
		const id = "client/retry-after-417"
		first := upload(1, 2<<20, true, -1)
		first.EarlyFinal = true
		retry := upload(2, 2<<20, false, 30)
		expectVerdict(judge(id, ok, first, retry), cases.Pass, "")
		sameConn := retry
		sameConn.Conn, sameConn.Seq = 1, 2
		first.NextRequestOnConn = true
		o := judge(id, ok, first, sameConn)
		expectVerdict(o, cases.Pass, "")
		Expect(o.Reason).To(ContainSubstring("refused request's connection"))
		expectVerdict(judge(id, failed, first), cases.Warn, "CLI-417-RETRY-WITHOUT")
		expectVerdict(judge(id, ok, first, upload(2, 2<<20, true, -1)), cases.Warn, "CLI-417-RETRY-WITHOUT")
		expectVerdict(judge(id, ok, upload(1, 2<<20, false, 2)), cases.NA, "")
	})

	DescribeTable("T63: the final response returned passes; a hang, a failure, a stop after the 1xx or output without the final fails",
		func(id string) {
			done := upload(1, 2<<20, true, 30)
			expectVerdict(judge(id, ok, done), cases.Pass, "")
			expectVerdict(judge(id, killed, done), cases.Fail, "CLI-PARSE-1XX")
			stopped := upload(1, 2<<20, true, -1)
			expectVerdict(judge(id, conv.ClientReport{Duration: ms(5)}, stopped), cases.Fail, "CLI-PARSE-1XX")
			other := ok
			other.Stdout = []byte("100\n")
			expectVerdict(judge(id, other, done), cases.Fail, "CLI-PARSE-1XX")
			if id == "client/100-with-content-length" {
				expectVerdict(judge(id, failed, done), cases.Info, "")
			} else {
				expectVerdict(judge(id, failed, done), cases.Fail, "CLI-PARSE-1XX")
			}
		},
		Entry(nil, "client/two-100s"),
		Entry(nil, "client/102-103-199-before-final"),
		Entry(nil, "client/100-with-content-length"),
		Entry(nil, "client/100-without-reason"),
	)

	It("T63: without response content in the output, a completed exchange is info; a solicited 100 is na for the unsolicited case", func() {
		quiet := env
		quiet.ClientShowsContent = false
		c, _ := cases.ByID("client/two-100s")
		rep := conv.ClientReport{Duration: ms(5)}
		rec := conv.OriginRecord{Requests: []conv.OriginRequest{upload(1, 2<<20, true, 30)}}
		expectVerdict(c.Decide(quiet, cases.Observed{Origin: &rec, Reported: &rep}), cases.Info, "")
		expectVerdict(judge("client/unsolicited-100", ok, upload(1, 1024, true, 3)), cases.NA, "")
		expectVerdict(judge("client/unsolicited-100", ok, upload(1, 1024, false, 3)), cases.Pass, "")
	})

	It("T64 with close: another request on the closed connection fails, a hang warns, a new connection passes", func() {
		const id = "client/early-final-with-close"
		q := upload(1, 2<<20, true, 5)
		q.Complete, q.EarlyFinal = false, true
		next := upload(2, 0, false, -1)
		expectVerdict(judge(id, ok, q, next), cases.Pass, "")
		expectVerdict(judge(id, ok, q), cases.Pass, "")
		expectVerdict(judge(id, killed, q), cases.Warn, "CLI-STOP-ON-CLOSE")
		q.AfterBytes = []byte("xxxxGET " + conv.OriginPath(tok, "next") + " HTTP/1.1\r\n")
		expectVerdict(judge(id, ok, q), cases.Fail, "CLI-HONOR-CLOSE")
		q.AfterBytes = []byte("xxxx") // content in flight is no finding
		expectVerdict(judge(id, ok, q), cases.Pass, "")
	})

	It("T64 kept: a request inside the unfinished content fails; finishing or closing passes; neither warns, even when the kill closed it", func() {
		const id = "client/early-final-keep-alive"
		q := upload(1, 2<<20, true, 5)
		q.EarlyFinal = true
		expectVerdict(judge(id, ok, q), cases.Pass, "")
		stopped := q
		stopped.Complete, stopped.ContentLen, stopped.Closed, stopped.ClosedAt, stopped.ClosedBy = false, 65536, true, ms(40), conv.ClosedByPeer
		expectVerdict(judge(id, ok, stopped), cases.Pass, "")
		expectVerdict(judge(id, killed, stopped), cases.Pass, "")
		byKill := stopped
		byKill.ClosedAt = 15*time.Second + ms(2)
		expectVerdict(judge(id, killed, byKill), cases.Warn, "CLI-CONTINUE-ON-EARLY-RESPONSE")
		// the origin's idle timeout closing before the kill (a scaled deadline outlasts it) is
		// no close of the client's, whichever comes first
		byOrigin := stopped
		byOrigin.ClosedBy = conv.ClosedByIdle
		expectVerdict(judge(id, killed, byOrigin), cases.Warn, "CLI-CONTINUE-ON-EARLY-RESPONSE")
		byOrigin.ClosedAt = 15*time.Second + ms(2)
		expectVerdict(judge(id, killed, byOrigin), cases.Warn, "CLI-CONTINUE-ON-EARLY-RESPONSE")
		desync := stopped
		desync.Closed, desync.NextRequestOnConn, desync.NextRequestLine = false, true, "GET /x HTTP/1.1"
		expectVerdict(judge(id, ok, desync), cases.Fail, "INT-NO-FORWARD-WRONG-CL")
	})

	It("T65: following on a new connection passes, reusing it warns, taking the 100 for the next response fails, not following is na", func() {
		const id = "client/orphan-100-after-final"
		first := upload(1, 1024, false, 2)
		expectVerdict(judge(id, ok, first), cases.NA, "")
		expectVerdict(judge(id, ok, first, upload(2, 0, false, -1)), cases.Pass, "")
		same := upload(1, 0, false, -1)
		same.Seq = 2
		withNext := ok
		withNext.Stdout = []byte("expectspec next " + tok + "\n")
		expectVerdict(judge(id, withNext, first, same), cases.Warn, "CLI-NO-ORPHAN-RESPONSE")
		expectVerdict(judge(id, ok, first, same), cases.Fail, "CLI-ASSOCIATE-RESPONSES")
	})
})
