package cases

import (
	"strconv"
	"strings"
	"time"

	"github.com/expectspec/expectspec/harness/conv"
)

// lines joins raw lines with CRLF and ends the header section with an empty line. Cases build
// requests from literal lines so that every octet on the wire is visible in the case.
func lines(ls ...string) []byte {
	return []byte(strings.Join(ls, "\r\n") + "\r\n\r\n")
}

// post is the usual request head of the catalogue: POST to the upload resource over HTTP/1.1 with
// a Content-Length and the given extra field lines, written exactly as given.
func post(env Env, path string, contentLength int, fields ...string) []byte {
	ls := []string{"POST " + path + " HTTP/1.1", "Host: " + env.Host, "Content-Length: " + strconv.Itoa(contentLength)}
	return lines(append(ls, fields...)...)
}

// body is the 5-octet content the catalogue sends to the upload resource.
const body = "hello"

// smuggled is a complete request used as content: if the target ever answers it, content octets
// were parsed as a request. Its path must not exist on any target.
func smuggled(env Env) string {
	return "GET /__expectspec_smuggled HTTP/1.1\r\nHost: " + env.Host + "\r\n\r\n"
}

// followUp is a request sent after a case's main exchange on the same connection. It asks the
// target to close after answering, so "the conversation is over" is an event (a FIN) rather
// than a timed silence.
func followUp(env Env) string {
	return "POST " + env.Path + " HTTP/1.1\r\nHost: " + env.Host + "\r\nContent-Length: 5\r\nConnection: close\r\n\r\n" + body
}

// Step constructors: a Send has a generous write deadline (loopback writes of a few octets do not
// block); an await names what ends it and its deadline.

const writeWithin = 5 * time.Second

func send(label string, data []byte) conv.Step {
	return conv.Step{Kind: conv.Send, Label: label, Data: data, Within: writeWithin}
}

func sendString(label, data string) conv.Step { return send(label, []byte(data)) }

func awaitMessage(label string, within time.Duration) conv.Step {
	return conv.Step{Kind: conv.Await, Label: label, Until: conv.UntilMessage, Within: within}
}

func awaitFinals(label string, n int, within time.Duration) conv.Step {
	return conv.Step{Kind: conv.Await, Label: label, Until: conv.UntilFinals, Count: n, Within: within}
}

// awaitFinalOrSwitch reads until the conversation has carried a final response or a 101
// (Switching Protocols), counting those that arrived before the step; further 1xx do not end it.
func awaitFinalOrSwitch(label string, within time.Duration) conv.Step {
	return conv.Step{Kind: conv.Await, Label: label, Until: conv.UntilFinalOrSwitch, Count: 1, Within: within}
}

// awaitClose reads until the peer closes or within elapses; with a short within it is the
// negative wait "nothing more arrives".
func awaitClose(label string, within time.Duration) conv.Step {
	return conv.Step{Kind: conv.Await, Label: label, Until: conv.UntilClose, Within: within}
}

func script(steps ...conv.Step) conv.Script { return conv.Script{Steps: steps} }

// quietAfterFinal is the negative wait after a script's last final response: a 1xx or anything
// else the server sends after it arrives within Quiet, and is seen whether it came in the same
// read as the final or in a later one (IR-SEQUENCE-ONE-FINAL). Without it, an await that ends on
// the final would stop reading at a read boundary, and a judge's verdict on what follows the
// final would depend on how the server's writes were segmented. It ends early on a close.
func quietAfterFinal(env Env) conv.Step { return awaitClose("after", env.Timing.Quiet) }

// settleEarly follows the first answer to a head sent to the early resource: when that answer
// was a 100 (Continue), it waits up to Quiet for a final status decided from the same header
// section, before the script sends the content. A server that sends 100 and its early 404 a few
// milliseconds apart would otherwise land the 404 on either side of the content, and the case's
// verdict would depend on the race. Already satisfied (no wait) when the first answer was final.
func settleEarly(env Env) conv.Step { return awaitFinals("settle", 1, env.Timing.Quiet) }
