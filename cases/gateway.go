package cases

import (
	"fmt"
	"strings"
	"time"

	"github.com/expectspec/expectspec/harness/conv"
)

// Gateway (reverse proxy) scenarios T30 and T31 (CATALOGUE.md). A gateway is the origin
// towards its client (RFC 9110 §3.7): it may relay the backend's 100 or answer 100 itself and
// buffer (CATALOGUE.md, interpretation gateway-own-100); either way the client must hear something at once.

// backendMode is what the suite's origin does behind the gateway in T30.
type backendMode struct {
	id, title string
	origin    conv.OriginScript
	// holds: the backend, by its script, answers nothing on the header section (mode ii); a
	// stall it causes is attributed to it (CATALOGUE.md, interpretation stalling-backend).
	holds bool
}

var (
	backendContinues = backendMode{id: "gateway/immediate-100-backend-continues", title: "sends 100 (Continue) on the header section", origin: conv.OriginScript{}}
	backendWaits     = backendMode{id: "gateway/immediate-100-backend-waits", title: "never sends 100 and waits for the content", origin: conv.OriginScript{OnHead: conv.HeadWait}, holds: true}
	backendRejects   = backendMode{id: "gateway/immediate-100-backend-rejects", title: "answers 401 on the header section", origin: conv.ScriptEarly(conv.Unauthorized401, conv.EarlyKeepReading)}
)

// t30Witnesses are T30's other rows, by case ID. The streaming gateway relays what the backend
// does, so a backend that holds the header section leaves it nothing to relay: info, not pass.
var t30Witnesses = map[string][]Witness{
	backendContinues.id: {passes("ref-gateway-streaming"),
		fails("mut-gw-wait-for-content", "EXP-ORIGIN-NO-WAIT"), fails("mut-gw-wait-for-content", "EXP-ORIGIN-IMMEDIATE"),
		warns("mut-gw-reject-continue", "EXP-NO-417-FOR-100-CONTINUE"), fails("mut-gw-swallow-1xx-silent", "EXP-ORIGIN-IMMEDIATE")},
	backendWaits.id: {informs("ref-gateway-streaming"), fails("mut-gw-wait-for-content", "EXP-ORIGIN-NO-WAIT")},
	backendRejects.id: {passes("ref-gateway-streaming"),
		fails("mut-gw-wait-for-content", "EXP-ORIGIN-NO-WAIT"), fails("mut-gw-hold-early-final", "EXP-ORIGIN-IMMEDIATE")},
	"gateway/immediate-100-mixed-case-value": {passes("ref-gateway-streaming"),
		fails("mut-gw-expect-case-sensitive", "EXP-VALUE-CASE"), fails("mut-gw-expect-case-sensitive", "EXP-ORIGIN-IMMEDIATE"),
		warns("mut-gw-reject-continue", "EXP-VALUE-CASE").because("this case reports a 417 to `100-Continue` under the value's case: one conversation cannot tell a refusal of every 100-continue from a misread spelling")},
}

// immediateThroughGateway is T30 for one backend mode: with the content withheld, the client
// sees a 100 or a final status at once, relayed or the gateway's own.
func immediateThroughGateway(m backendMode) Case {
	return immediateThroughGatewaySpelled(m, m.id, "T30", "100-continue", nil)
}

func immediateThroughGatewaySpelled(m backendMode, id, scenario, value string, extra []string) Case {
	spelling := ""
	if value != "100-continue" {
		spelling = value
	}
	title := "Through a gateway whose backend " + m.title + ", a client that withholds the content gets a 100 (Continue) or a final status at once, relayed or the gateway's own"
	if spelling != "" {
		title = "Through a gateway, `Expect: " + value + "` (the value is case-insensitive) gets a 100 (Continue) or a final status at once, relayed or the gateway's own"
	}
	return Case{
		ID:       id,
		Scenario: scenario,
		Title:    title,
		Requirements: append([]string{"EXP-ORIGIN-IMMEDIATE", "EXP-ORIGIN-NO-WAIT", "GW-ORIGIN-RULES-OUTBOUND", "ROLE-PROXY-VS-GATEWAY",
			"EXP-FINAL-AFTER-100", "IR-NO-CONTENT-LENGTH", "IR-NO-TRANSFER-ENCODING", "IR-SEQUENCE-ONE-FINAL", "H2-1XX-NO-END-STREAM"}, extra...),
		Witnesses: append(append([]Witness{
			passes("ref-gateway-buffering"), // answers 100 itself, whatever the backend does
		}, t30Witnesses[id]...), t45Witnesses[id]...),
		Roles:     []Role{Gateway},
		Protocols: []conv.Protocol{conv.HTTP1, conv.H2, conv.H2C},
		Client: func(env Env) conv.Script {
			if env.Protocol.IsH2() { // T45: the same upload through an h2 front end
				return script(
					h2Head(env, "head", env.Target("echo"), false, conv.Field{Name: "content-type", Value: "text/plain"}, conv.Field{Name: "expect", Value: value}),
					awaitMessage("first", env.Timing.Max),
					h2Content("body"),
					awaitFinals("final", 1, env.Timing.Response),
				)
			}
			return script(
				send("head", chainPost(env, "echo", len(body), "Content-Type: text/plain", "Expect: "+value)),
				awaitMessage("first", env.Timing.Max),
				sendString("body", body),
				awaitFinals("final", 1, env.Timing.Response),
			)
		},
		Tolerates417: func(rec conv.OriginRecord) bool {
			_, forwarded := chainFirstRequest(rec)
			return m.holds && forwarded
		},
		Origin: func(Env) conv.OriginScript { return m.origin },
		Judge: onBothSides(
			func(env Env, tl *conv.Timeline, rec conv.OriginRecord) Outcome {
				var j Judgement
				first, ok := chainImmediate(&j, env, tl, rec, m.holds, spelling)
				interimHygiene(&j, tl)
				if env.Protocol.IsH2() {
					interimFrames(&j, tl)
				}
				if ok && first.Msg.Interim() {
					finalAfterContinue(&j, env, tl)
				}
				interimsAfterFinal(&j, tl, "")
				return j.Outcome()
			}),
	}
}

// chainImmediate applies the origin's immediate duty to the gateway (GW-ORIGIN-RULES-OUTBOUND):
// while the content is withheld, the client must get a 100 or a final status within the
// immediate bound. When it gets nothing, the origin's record says whose the stall is:
//   - the origin had received nothing: the gateway waits for the content (fail);
//   - the origin answered and the client never got it: the gateway held the answer (fail);
//   - the origin got the head without the expectation and the gateway answered nothing itself:
//     nobody was left to answer (fail);
//   - the origin got the expectation and, by its script, answers nothing (T30 mode ii): the
//     stall is the backend's, which fails T01 by design; info (CATALOGUE.md, interpretation
//     stalling-backend).
//
// spelling is the Expect value when it is not `100-continue` (the value-case variant).
func chainImmediate(j *Judgement, env Env, tl *conv.Timeline, rec conv.OriginRecord, backendHolds bool, spelling string) (conv.Timed, bool) {
	headAt, _ := tl.StepAt("head")
	bodyAt, sentBody := tl.StepAt("body")
	var msgs []conv.Timed
	for _, m := range tl.MessagesAfter("head") {
		if !sentBody || m.At < bodyAt {
			msgs = append(msgs, m)
		}
	}
	q, forwarded := chainFirstRequest(rec)
	originSide := "the origin received nothing"
	var originAnswer *originSent
	if forwarded {
		originSide = describeArrival(q)
		if s, ok := answeredOnHead(q); ok {
			originAnswer = &s
			originSide += fmt.Sprintf("; it answered %d on the header section, %s after it arrived", s.Status, ms(s.At-q.HeadAt))
		}
	}
	if len(msgs) > 0 {
		first := msgs[0]
		took := first.At - headAt
		continues := 0
		for _, m := range msgs {
			if m.Msg.Status == 100 {
				continues++
			}
		}
		what := fmt.Sprintf("%s arrived %s after the header section (%d 100 (Continue) before the content; %s)", status(first.Msg), ms(took), continues, originSide)
		// The gateway's own 417 to the plain expectation is Decide's warning
		// (EXP-NO-417-FOR-100-CONTINUE), tolerated only in mode ii once the backend had the
		// header section and held it (Tolerates417 below).
		if first.Msg.Status == 417 && (originAnswer == nil || originAnswer.Status != 417) {
			if backendHolds && forwarded {
				j.Info("S417-CHAIN-SIGNAL", "%s answered 417 itself (%s); the backend had the header section and never answers 100, so a 417 saying that the chain does not support the expectation is plausible", chainRole(env), originSide)
			} else if spelling != "" {
				j.Warn("EXP-VALUE-CASE", "%s answered 417 itself to `Expect: %s`, which is the 100-continue expectation (the value is case-insensitive); %s", chainRole(env), spelling, originSide)
			}
		}
		switch {
		case backendHolds && originAnswer == nil && took > env.Timing.Prompt():
			// Behind a backend that never answers 100, a gateway's own 100 this late comes from
			// a timer (Go's ExpectContinueTimeout is 1 s), not from the header section
			// (Timing.Prompt says why the margin is half the bound).
			j.Info("EXP-ORIGIN-IMMEDIATE", "%s: the gateway ended the wait itself after %s, more than half the immediate bound of %s, so by a timer rather than on the header section; the backend never answers 100 in this mode (it fails T01 itself). Interpretation stalling-backend in CATALOGUE.md: the delay starts at the backend", what, ms(took), ms(env.Timing.Immediate))
		case took <= env.Timing.Immediate:
			j.Pass("EXP-ORIGIN-IMMEDIATE", "%s", what)
		case backendHolds && originAnswer == nil:
			// A full stall behind such a backend is info (below); a gateway that ends it late
			// with its own answer is not worse off.
			j.Info("EXP-ORIGIN-IMMEDIATE", "%s: later than the immediate bound of %s, but the backend never answers 100 in this mode (it fails T01 itself) and the gateway ended the wait itself. Interpretation stalling-backend in CATALOGUE.md: the delay starts at the backend", what, ms(env.Timing.Immediate))
		default:
			j.Warn("EXP-ORIGIN-IMMEDIATE", "%s: later than the immediate bound of %s (RTT0 + 1 s); a client like curl has sent the content by then", what, ms(env.Timing.Immediate))
		}
		return first, true
	}
	if e, ok := tl.ParseErrorAfter("head"); ok && (!sentBody || e.At < bodyAt) {
		j.Fail("EXP-ORIGIN-IMMEDIATE", "answered the header section with octets that are not an HTTP/1.x response (%s); %s", e.Error, originSide)
		return conv.Timed{}, false
	}
	if e, ok := tl.Closed(); ok && (!sentBody || e.At < bodyAt) && e.At-headAt <= env.Timing.Immediate {
		// A close within the immediate bound is allowed at any time (RFC 9112 §9.5), though the
		// request got no answer; a later one ends a stall and is judged as the stall below
		// (unanswered.go), so the gateway's idle timeout cannot turn a fail into a warning.
		j.Warn("EXP-ORIGIN-IMMEDIATE", "closed the connection (%s) %s after the header section without a 100 or a final status; %s", e.Kind, ms(e.At-headAt), originSide)
		return conv.Timed{}, false
	}
	waited := env.Timing.Max
	if sentBody {
		waited = bodyAt - headAt
	}
	stalled := fmt.Sprintf("the client withheld the content for %s and received neither a 100 (Continue) nor a final status%s", ms(waited), unansweredWithheld(env, tl, "head").closeNote(env))
	switch {
	case !forwarded || !headAhead(q, env.Timing.Prompt()):
		// Judged on the origin's clock alone: a head forwarded before the content precedes it by
		// about the time the client withheld it; one held until the content comes with it.
		j.Fail("EXP-ORIGIN-NO-WAIT", "%s; %s: %s waits for the content before it forwards the header section or answers", stalled, originSide, chainRole(env))
		j.Fail("EXP-ORIGIN-IMMEDIATE", "%s neither answered the header section nor let the backend answer it", chainRole(env))
	case originAnswer != nil:
		j.Fail("EXP-ORIGIN-IMMEDIATE", "%s; %s: %s held the origin's answer instead of relaying it, and sent none of its own", stalled, originSide, chainRole(env))
	case q.Proto == "HTTP/1.0":
		j.Fail("EXP-ORIGIN-IMMEDIATE", "%s; %s: %s forwarded the request as HTTP/1.0, whose expectation a server must ignore, and answered nothing itself, so nothing in the chain could answer", stalled, originSide, chainRole(env))
	case !q.ExpectsContinue:
		j.Fail("EXP-ORIGIN-IMMEDIATE", "%s; %s: %s removed the 100-continue expectation and answered nothing itself, so nothing in the chain could answer", stalled, originSide, chainRole(env))
		if spelling != "" {
			j.Fail("EXP-VALUE-CASE", "`Expect: %s` is the 100-continue expectation (the value is case-insensitive), yet %s neither acted on it nor forwarded it", spelling, chainRole(env))
		}
	case backendHolds:
		j.Info("EXP-ORIGIN-IMMEDIATE", "%s; %s, and by this mode's script never answers 100 (it fails T01 itself). Interpretation stalling-backend in CATALOGUE.md: the gateway's outbound side carries the origin's duty, but the stall starts at the backend, so it is reported here and not held against the gateway; a gateway could answer 100 itself", stalled, originSide)
	default:
		j.Info("EXP-ORIGIN-IMMEDIATE", "%s; %s, yet the origin answered nothing before the content, which its script does not do: the stall cannot be attributed", stalled, originSide)
	}
	return conv.Timed{}, false
}

// earlyFinalUpstream is T31: the origin answers 401 on the header section and keeps reading;
// the client then sends the whole declared content (a complete request line, which is only
// content) and a second request on the same connection. The gateway must relay the rest of the
// content upstream or close the upstream connection; reusing that connection with the content
// owed makes the origin, which conformingly reads the declared length, swallow the start of the
// next request. On the client side the content must not be answered as a request either.
var earlyFinalUpstream = Case{
	ID:       "gateway/early-final-upstream-in-step",
	Scenario: "T31",
	Title:    "After the origin answers before the content, the gateway relays the rest of the content upstream or closes that connection, and never reads the content as a request",
	Requirements: []string{"INT-NO-FORWARD-WRONG-CL", "H1-READ-OR-CLOSE", "GW-UA-RULES-INBOUND", "CLI-CONTINUE-ON-EARLY-RESPONSE",
		"H1-CLOSE-THEN-NO-MORE"},
	Witnesses: []Witness{
		passes("ref-gateway-streaming"), passes("ref-gateway-buffering"), passes("ref-proxy-streaming"),
		fails("mut-gw-reuse-abandoned-upstream", "INT-NO-FORWARD-WRONG-CL"),
		fails("mut-gw-early-no-discard", "H1-READ-OR-CLOSE"),
		fails("mut-gw-reuse-abandoned-upstream", "INT-NO-FORWARD-WRONG-CL").as(Proxy),
		fails("mut-gw-close-then-serve", "H1-CLOSE-THEN-NO-MORE"),
	},
	Roles: []Role{Gateway, Proxy},
	Client: func(env Env) conv.Script {
		marker := smuggled(env)
		return script(
			send("head", chainPost(env, "echo", len(marker), "Expect: 100-continue")),
			awaitMessage("first", env.Timing.Max),
			sendString("body", marker),
			awaitFinals("final", 1, env.Timing.Response),
			awaitClose("quiet", env.Timing.Quiet),
			sendString("follow-up", chainFollowUp(env)),
			awaitFinals("follow-up-final", 2, env.Timing.Response),
			awaitClose("end", env.Timing.Quiet),
		)
	},
	Origin: func(Env) conv.OriginScript { return conv.ScriptEarly(conv.Unauthorized401, conv.EarlyKeepReading) },
	Judge:  onBothSides(judgeEarlyFinalUpstream),
}

func judgeEarlyFinalUpstream(env Env, tl *conv.Timeline, rec conv.OriginRecord) Outcome {
	var j Judgement
	who := chainRole(env)
	declared := len(smuggled(env))

	// The origin's side: was a request started on a connection that still owed content?
	desync := false
	for i := range rec.Requests {
		q := &rec.Requests[i]
		if !q.NextRequestOnConn {
			continue
		}
		desync = true
		got := int64(0)
		if q.DeclaredLength > 0 {
			got = q.ContentLen
		}
		j.Fail("INT-NO-FORWARD-WRONG-CL", "the origin answered %s on the header section and was still owed %d of the %d declared octets when a new request (%q) began on the same connection #%d, %s after its answer: %s abandoned the content and reused the connection, so a server that reads the declared length takes the start of the next request as content",
			sentSummary(q), q.DeclaredLength-got, q.DeclaredLength, q.NextRequestLine, q.Conn, ms(q.NextRequestAt-answerAt(q)), who)
		break
	}
	if !desync {
		for i := range rec.Requests {
			if q := &rec.Requests[i]; q.StartedInsideContent {
				desync = true
				j.Fail("INT-NO-FORWARD-WRONG-CL", "the origin's request %q began on connection #%d inside the content a previous request on it still owed: %s reused the connection with a Content-Length it knew was wrong", q.RequestLine, q.Conn, who)
				break
			}
		}
	}
	q, forwarded := chainFirstRequest(rec)
	switch {
	case desync:
	case !forwarded:
		j.Info("INT-NO-FORWARD-WRONG-CL", "nothing reached the origin, so no upstream connection could be left owing content")
	case q.Complete:
		j.Pass("INT-NO-FORWARD-WRONG-CL", "the origin answered %s on the header section and then read the whole declared content (%d octets, %d of them after its response): %s relayed it", sentSummary(q), q.ContentLen, len(q.AfterBytes), who)
	case q.Closed:
		j.Pass("INT-NO-FORWARD-WRONG-CL", "the origin answered %s on the header section; the connection ended %s later (%s) with %d of %d octets relayed, and no request followed on it", sentSummary(q), ms(q.ClosedAt-answerAt(q)), q.ClosedBy, q.ContentLen, q.DeclaredLength)
	default:
		j.Info("INT-NO-FORWARD-WRONG-CL", "the origin answered %s on the header section; the connection stayed open with %d of %d declared octets relayed and no request followed on it while the case ran, so whether %s would reuse it could not be seen", sentSummary(q), q.ContentLen, q.DeclaredLength, who)
	}
	if forwarded && len(rec.Requests) > 1 && !desync && rec.Requests[1].Conn == q.Conn {
		j.Pass("INT-NO-FORWARD-WRONG-CL", "the follow-up request went upstream on the same connection only after the content was complete")
	}

	// The client's side: the content is a complete request line; answering it means it was read
	// as a request (the gateway as a server, H1-READ-OR-CLOSE).
	finals := tl.Finals()
	before := chainFinalsBefore(tl, "follow-up")
	_, followed := tl.StepAt("follow-up")
	switch {
	case before > 1:
		j.Fail("H1-READ-OR-CLOSE", "after %s the client sent the %d declared octets, which form a complete request line, and received another response (%s) before sending anything else: %s read the content as a request instead of reading it as content or closing", status(finals[0].Msg), declared, status(finals[1].Msg), who)
	case len(finals) > 2:
		j.Fail("H1-READ-OR-CLOSE", "the client received %d final responses (%s) to two requests: %s answered the content as a request", len(finals), chainStatuses(finals), who)
	case len(finals) == 0:
		j.Info("H1-READ-OR-CLOSE", "the client received no final response to the first request")
	default:
		closing := finals[0].Msg.HasConnectionOption("close")
		switch {
		case closing && followed && len(finals) == 2:
			j.Fail("H1-CLOSE-THEN-NO-MORE", "%s sent `Connection: close` with %s and then answered the next request on the same connection (%s)", who, status(finals[0].Msg), status(finals[1].Msg))
		case len(finals) == 2:
			j.Pass("H1-READ-OR-CLOSE", "%s read the declared content as content and answered the next request on the same connection (%s, then %s)", who, status(finals[0].Msg), status(finals[1].Msg))
		default:
			how := "without `Connection: close`"
			if closing {
				how = "with `Connection: close`"
			}
			j.Pass("H1-READ-OR-CLOSE", "%s answered %s %s and did not answer the content or the next request", who, status(finals[0].Msg), how)
		}
	}
	return j.Outcome()
}

// answerAt is when the origin first wrote for q (origin clock), or when the head arrived.
func answerAt(q *conv.OriginRequest) time.Duration {
	if len(q.Sent) > 0 {
		return q.Sent[0].At
	}
	return q.HeadAt
}

// sentSummary lists the statuses the origin sent for q: "401" or "100, 200".
func sentSummary(q *conv.OriginRequest) string {
	var cs []int
	for _, m := range originMessages(q) {
		cs = append(cs, m.Status)
	}
	return chainCodes(cs)
}

// chainStatuses renders responses briefly for reasons: "401 Unauthorized, 200 OK".
func chainStatuses(ms []conv.Timed) string {
	var s []string
	for _, m := range ms {
		s = append(s, status(m.Msg))
	}
	return strings.Join(s, ", ")
}

var gatewayCases = []Case{
	immediateThroughGateway(backendContinues),
	immediateThroughGateway(backendWaits),
	immediateThroughGateway(backendRejects),
	immediateThroughGatewaySpelled(backendContinues, "gateway/immediate-100-mixed-case-value", "T30", "100-Continue", []string{"EXP-VALUE-CASE"}),
	earlyFinalUpstream,
}
