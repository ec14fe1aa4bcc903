package cases_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/expectspec/expectspec/cases"
	"github.com/expectspec/expectspec/harness/conv"
)

// A relay that forwards octets unchanged both ways is a tunnel (RFC 9110 §3.7): its cases are na,
// never the suite origin's verdict. Timelines and records are made up, octet for octet.
var _ = Describe("the tunnel recognition", func() {
	const head = "POST /__expectspec/t/upload HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n"
	const answer = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\n"
	timeline := func(recv string) *conv.Timeline {
		return &conv.Timeline{State: conv.StateOpen, Events: []conv.Event{
			{At: time.Millisecond, Kind: conv.EvSent, Step: "head", Data: []byte(head), N: int64(len(head))},
			{At: 2 * time.Millisecond, Kind: conv.EvRecv, Step: "first", Data: []byte(recv), N: int64(len(recv))},
			{At: 3 * time.Millisecond, Kind: conv.EvSent, Step: "body", Data: []byte("hello"), N: 5},
		}}
	}
	record := func(originHead string, sent ...conv.RawMessage) []conv.OriginRecord {
		q := conv.OriginRequest{Head: []byte(originHead)}
		for i, m := range sent {
			q.Sent = append(q.Sent, conv.Sent{At: time.Duration(i+1) * time.Millisecond, Msg: m})
		}
		return []conv.OriginRecord{{Token: "t", Requests: []conv.OriginRequest{q}}}
	}
	failed := cases.Outcome{Verdict: cases.Fail, Reason: "H1-READ-OR-CLOSE: answered the content as a request", Requirements: []string{"H1-READ-OR-CLOSE"}}

	It("turns any verdict into na naming the tunnel when both directions went through unchanged", func() {
		o := cases.ThroughTunnel(failed, timeline(answer), record(head, "HTTP/1.1 100 Continue\r\n\r\n", "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\n"))
		Expect(o.Verdict).To(Equal(cases.NA))
		Expect(o.Reason).To(ContainSubstring("tunnel"))
		Expect(o.Reason).To(ContainSubstring("RFC 9110 §3.7"))
		Expect(o.Reason).To(ContainSubstring("answered the content as a request"), "what the case saw is kept")
	})

	It("keeps the verdict of an intermediary that changed the request head (a Via, say)", func() {
		via := "POST /__expectspec/t/upload HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nExpect: 100-continue\r\nVia: 1.1 gw\r\n\r\n"
		o := cases.ThroughTunnel(failed, timeline(answer), record(via, "HTTP/1.1 100 Continue\r\n\r\n", "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\n"))
		Expect(o).To(Equal(failed))
	})

	It("keeps the verdict of an intermediary that changed the response (its own status line or fields)", func() {
		o := cases.ThroughTunnel(failed, timeline("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: keep-alive\r\n\r\nok\n"),
			record(head, "HTTP/1.1 100 Continue\r\n\r\n", "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\n"))
		Expect(o).To(Equal(failed))
	})

	It("says nothing when the origin sent nothing or received nothing", func() {
		Expect(cases.ThroughTunnel(failed, timeline(""), record(head))).To(Equal(failed))
		Expect(cases.ThroughTunnel(failed, timeline(answer), nil)).To(Equal(failed))
	})

	It("says nothing when the client's copy of what it read was clipped", func() {
		tl := timeline(answer)
		tl.Events[1].N += 10
		Expect(cases.ThroughTunnel(failed, tl, record(head, conv.RawMessage(answer)))).To(Equal(failed))
	})

	It("leaves na and error alone", func() {
		na := cases.Outcome{Verdict: cases.NA, Reason: "no upgrade"}
		Expect(cases.ThroughTunnel(na, timeline(answer), record(head, conv.RawMessage(answer)))).To(Equal(na))
	})
})
