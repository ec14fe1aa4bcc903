package results_test

import (
	"time"

	"github.com/expectspec/expectspec/results"
)

// evil is a reason with markup, table syntax, control bytes and a bidi override.
const evil = "got <script>alert(1)</script> | pipe & *stars* `tick` \x00\x1b[31m \u202e end\r\nsecond line"

// sample is a small run: three targets, four cases, every verdict, one cell not run.
func sample() *results.File {
	return &results.File{
		Schema: results.Schema,
		Suite: results.Suite{
			Version:    "v0.1.0-test",
			Started:    time.Date(2025, 11, 24, 15, 4, 5, 123456789, time.FixedZone("CET", 3600)),
			DurationMS: 4321,
			Args:       []string{"run", "--target", "http://127.0.0.1:8080/"},
		},
		Targets: []results.Target{
			{Name: "go", Role: "origin", Address: "127.0.0.1:8080", Software: "Go net/http", Version: "go1.26"},
			{Name: "nginx", Role: "gateway", Address: "127.0.0.1:8081", Software: "nginx", Version: "1.24.0"},
			{Name: "squid", Role: "proxy", Address: "127.0.0.1:3128", Software: "squid", Version: "6.10"},
		},
		Cases: []results.Case{
			{ID: "origin/immediate-100", Title: "A 100 comes soon after the head", Scenario: "T01", Roles: []string{"origin", "gateway"},
				Requirements: []results.Requirement{{ID: "EXP-ORIGIN-IMMEDIATE", RFC: "9110", Section: "10.1.1", Keyword: "SHOULD"}}},
			{ID: "origin/no-100-after-final", Title: "No 100 after the final response", Roles: []string{"origin", "gateway"},
				Requirements: []results.Requirement{{ID: "EXP-ORIGIN-NO-LATE", RFC: "9110", Section: "15.2.1", Keyword: "MUST NOT"}}},
			{ID: "origin/417-unknown", Title: "Unknown expectation may get 417", Roles: []string{"origin"},
				Requirements: []results.Requirement{{ID: "EXP-417", RFC: "9110", Section: "10.1.1", Keyword: "MAY"}}},
			{ID: "proxy/forward-100", Title: "A proxy forwards 100", Roles: []string{"proxy"},
				Requirements: []results.Requirement{{ID: "EXP-PROXY-FWD", RFC: "9110", Section: "10.1.1", Keyword: "MUST"}, {ID: "X", RFC: "9112"}}},
		},
		Results: []results.Result{
			{Target: "go", Case: "origin/immediate-100", Verdict: results.Pass, Reason: "100 after 0.4 ms", DurationMS: 3,
				Trace: []results.TraceEntry{{TMS: 0, Dir: "send", Data: "POST / HTTP/1.1\r\nExpect: 100-continue\r\n\r\n"}, {TMS: 0.412, Dir: "recv", Data: "HTTP/1.1 100 Continue\r\n\r\n"}}},
			{Target: "go", Case: "origin/no-100-after-final", Verdict: results.Fail, Reason: evil, Requirements: []string{"EXP-ORIGIN-NO-LATE"},
				Fix: "do not send 100 once the final response is out", DurationMS: 12,
				Trace: []results.TraceEntry{{TMS: 0.001, Dir: "send", Data: "POST / HTTP/1.1\r\n\r\n"}, {TMS: 1.5, Dir: "recv", Data: "HTTP/1.1 200 OK\r\n\r\nHTTP/1.1 100 Continue\r\n\r\n"}, {TMS: 2, Dir: "event", Data: "FIN"}}},
			{Target: "go", Case: "origin/417-unknown", Verdict: results.Info, Reason: "answered 417 to an unknown expectation", DurationMS: 1},
			{Target: "go", Case: "proxy/forward-100", Verdict: results.NA, Reason: "the target is an origin"},
			{Target: "nginx", Case: "origin/immediate-100", Verdict: results.Warn, Reason: "100 only after 1.3 s", Requirements: []string{"EXP-ORIGIN-IMMEDIATE"}, Fix: "send 100 on the head", DurationMS: 1300},
			{Target: "nginx", Case: "origin/no-100-after-final", Verdict: results.Error, Reason: "connection refused", DurationMS: 0},
			{Target: "nginx", Case: "origin/417-unknown", Verdict: results.Pass, Reason: "417"},
			{Target: "squid", Case: "proxy/forward-100", Verdict: results.Pass, Reason: "forwarded"},
		},
	}
}
