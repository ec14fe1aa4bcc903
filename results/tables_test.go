package results_test

import (
	"bytes"
	"encoding/xml"
	"io"
	"regexp"
	"strings"
	"unicode/utf8"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/expectspec/expectspec/results"
)

var _ = Describe("Markdown", func() {
	var md string
	BeforeEach(func() {
		var b bytes.Buffer
		Expect(results.Markdown(&b, sample())).To(Succeed())
		md = b.String()
	})

	tableAfter := func(md, heading string) []string {
		GinkgoHelper()
		i := strings.Index(md, "\n"+heading+"\n")
		Expect(i).To(BeNumerically(">=", 0), heading)
		var table []string
		for _, l := range strings.Split(md[i+len(heading)+2:], "\n") {
			if strings.HasPrefix(l, "|") {
				table = append(table, l)
			} else if len(table) > 0 {
				break
			}
		}
		return table
	}

	It("answers per role first: does each implementation break 100-continue, and where", func() {
		Expect(tableAfter(md, "### Origin servers")).To(Equal([]string{
			"| implementation | version | does it break 100-continue? | fails | warns | all results |",
			"|---|---|---|---|---|---|",
			"| go (Go net/http) | go1.26 | **fails 1 of 4 cases** | origin/no-100-after-final |  | 1 pass, 1 fail, 1 info, 1 n/a |",
		}))
		Expect(tableAfter(md, "### Gateways (reverse proxies)")).To(ContainElement(
			"| nginx (nginx) | 1.24.0 | no failure; 1 warning |  | origin/immediate-100 | 1 pass, 1 warn, 1 error |"))
		Expect(tableAfter(md, "### Forward proxies")).To(ContainElement(
			"| squid (squid) | 6.10 | no failure or warning in 1 case |  |  | 1 pass |"))
		Expect(strings.Index(md, "## Overview")).To(BeNumerically("<", strings.Index(md, "## Origin servers")))
	})

	It("has a table per role: its cases as rows, its implementations as columns, a cell for every result", func() {
		origin := tableAfter(md, "## Origin servers")
		Expect(origin).To(Equal([]string{
			"| case | claim | go go1.26 |",
			"|---|---|:---:|",
			"| [origin/immediate-100](https://www.rfc-editor.org/rfc/rfc9110#section-10.1.1) | A 100 comes soon after the head | PASS |",
			"| [origin/no-100-after-final](https://www.rfc-editor.org/rfc/rfc9110#section-15.2.1) | No 100 after the final response | FAIL |",
			"| [origin/417-unknown](https://www.rfc-editor.org/rfc/rfc9110#section-10.1.1) | Unknown expectation may get 417 | INFO |",
			"| [proxy/forward-100](https://www.rfc-editor.org/rfc/rfc9110#section-10.1.1) | A proxy forwards 100 | n/a |",
			"| **summary** | | 1 pass, 1 fail, 1 info, 1 n/a |",
		}))
		gateway := tableAfter(md, "## Gateways (reverse proxies)")
		Expect(gateway).To(HaveLen(6))
		Expect(gateway[0]).To(Equal("| case | claim | nginx 1.24.0 |"))
		Expect(gateway[2]).To(HaveSuffix("| WARN |"))
		Expect(gateway[3]).To(HaveSuffix("| ERROR |"))
		Expect(gateway[4]).To(HavePrefix("| [origin/417-unknown]"))
		Expect(gateway[4]).To(HaveSuffix("| PASS |")) // a result for a case outside the role still shows
		Expect(tableAfter(md, "## Forward proxies")).To(ConsistOf(
			"| case | claim | squid 6.10 |", "|---|---|:---:|",
			"| [proxy/forward-100](https://www.rfc-editor.org/rfc/rfc9110#section-10.1.1) | A proxy forwards 100 | PASS |",
			"| **summary** | | 1 pass |"))
		for _, row := range append(origin, gateway...) {
			Expect(strings.Count(row, "|")-strings.Count(row, `\|`)).To(Equal(4), row) // no cell breaks out of its column
		}
	})

	It("lists every non-pass cell with its reason under its target, worst first", func() {
		Expect(md).To(ContainSubstring("### go go1.26 (origin, Go net/http, 127.0.0.1:8080)"))
		Expect(md).To(MatchRegexp(`(?s)### go .*FAIL.*INFO.*n/a.*### nginx .*ERROR.*WARN`))
		Expect(md).To(ContainSubstring("- **WARN** [origin/immediate-100](https://www.rfc-editor.org/rfc/rfc9110#section-10.1.1): 100 only after 1.3 s (EXP-ORIGIN-IMMEDIATE) Fix: send 100 on the head"))
		Expect(md).To(ContainSubstring("- **ERROR** [origin/no-100-after-final](https://www.rfc-editor.org/rfc/rfc9110#section-15.2.1): connection refused"))
		Expect(md).NotTo(ContainSubstring("### squid"))
	})

	It("escapes Markdown and HTML in reasons and keeps them on one line", func() {
		Expect(md).To(ContainSubstring(`got \<script\>alert(1)\</script\> \| pipe \& \*stars\* \` + "`" + `tick\` + "`" + ` \\x00\\x1b\[31m \\u202e end second line`))
		Expect(md).NotTo(ContainSubstring("<script>"))
		Expect(md).NotTo(ContainSubstring("\x00"))
	})

	It("shows flaky cells, cases not run and targets not installed for what they are", func() {
		var b bytes.Buffer
		Expect(results.Markdown(&b, special())).To(Succeed())
		md := b.String()
		Expect(md).To(ContainSubstring("| FLAKY pass×2 fail×1 |"))
		Expect(md).To(ContainSubstring("- **FLAKY FAIL** [origin/no-100-after-final]"))
		Expect(md).To(ContainSubstring("| not run |"))
		Expect(md).To(ContainSubstring("- **not run** (the run ended first): origin/417-unknown"))
		Expect(md).To(ContainSubstring("**This run was interrupted:**"))
		Expect(md).To(ContainSubstring("| caddy (not installed) |"))
		Expect(md).To(ContainSubstring("| caddy (Caddy) |  | not installed: apt-get install -y caddy |  |  | not installed |"))
		Expect(md).To(ContainSubstring("### caddy (origin, Caddy, 127.0.0.1:2015)\n\n- not installed: apt-get install -y caddy\n\n"))
		Expect(md).NotTo(ContainSubstring("**n/a** [origin/immediate-100](https://www.rfc-editor.org/rfc/rfc9110#section-10.1.1): not installed"))
		Expect(md).To(ContainSubstring("| 1 pass, 1 fail, 1 n/a; 1 flaky, 1 not run |"))
	})
})

var _ = Describe("HTML", func() {
	var page string
	BeforeEach(func() {
		var b bytes.Buffer
		Expect(results.HTML(&b, sample())).To(Succeed())
		page = b.String()
	})

	It("shows every cell with its verdict, its reason in a title and in a details element", func() {
		for _, r := range sample().Results {
			if r.Reason == evil {
				continue
			}
			Expect(page).To(ContainSubstring(`data-v="` + string(r.Verdict) + `" title="` + r.Reason + `"><details><summary>` + r.Verdict.Label() + `</summary><div class="pop">` + "\n<p>" + r.Reason + "</p>"))
		}
		Expect(strings.Count(page, `<td class="v v-`)).To(Equal(len(sample().Results)))
		Expect(strings.Count(page, `<td class="none"`)).To(BeZero())
		for _, v := range results.Verdicts {
			Expect(page).To(ContainSubstring(`class="v v-` + string(v) + `"`))
		}
	})

	It("groups implementations by role, with an overview that names the failed cases", func() {
		Expect(page).To(MatchRegexp(`(?s)<h3><a href="#role-origin">Origin servers</a></h3>.*<h3><a href="#role-gateway">Gateways \(reverse proxies\)</a></h3>.*<h3><a href="#role-proxy">Forward proxies</a></h3>`))
		Expect(page).To(ContainSubstring(`<td class="answer t-fail">fails 1 of 4 cases</td>`))
		Expect(page).To(ContainSubstring(`<a class="mono" href="#origin-origin-no-100-after-final">origin/no-100-after-final</a>`))
		Expect(page).To(ContainSubstring(`<tr id="origin-origin-no-100-after-final" data-case="origin/no-100-after-final"`))
		Expect(page).To(ContainSubstring(`<section class="role" id="role-proxy" data-role="proxy">`))
		Expect(page).To(ContainSubstring(`nginx<span class="ver">1.24.0</span>`))
	})

	It("links each case to its RFC section and has a summary row per role", func() {
		Expect(page).To(ContainSubstring(`<a href="https://www.rfc-editor.org/rfc/rfc9110#section-15.2.1">origin/no-100-after-final</a>`))
		Expect(page).To(ContainSubstring(`<a href="https://www.rfc-editor.org/rfc/rfc9112">X</a>`))
		Expect(strings.Count(page, `<tfoot><tr><th class="case" scope="row">summary</th>`)).To(Equal(3))
		Expect(page).To(ContainSubstring(`<tfoot><tr><th class="case" scope="row">summary</th><td>1 pass` + "\n" + `1 fail` + "\n" + `1 info` + "\n" + `1 n/a</td></tr></tfoot>`))
	})

	It("shows flaky cells, cases not run and targets not installed for what they are", func() {
		var b bytes.Buffer
		Expect(results.HTML(&b, special())).To(Succeed())
		page := b.String()
		Expect(page).To(ContainSubstring(`<td class="v v-fail flaky" data-target="go" data-v="fail"`))
		Expect(page).To(ContainSubstring(`<summary>FLAKY<small>pass×2 fail×1</small></summary>`))
		Expect(page).To(ContainSubstring(`<td class="v v-error notrun" data-target="go" data-v="error" title="not run: the run was interrupted by SIGINT"><details><summary>not run</summary>`))
		Expect(page).To(ContainSubstring(`<strong>This run was interrupted:</strong>`))
		Expect(page).To(ContainSubstring(`class="ni" title="origin, Caddy, 127.0.0.1:2015">caddy<span class="ni-note">not installed</span></th>`))
		Expect(strings.Count(page, `<td class="ni" data-target="caddy" data-v="na" title="not installed: apt-get install -y caddy"><span class="sr">not installed</span></td>`)).To(Equal(3))
		Expect(page).To(ContainSubstring(`<td class="answer t-na">not installed<div class="muted">apt-get install -y caddy</div></td>`))
	})

	It("escapes everything that comes from the results", func() {
		Expect(page).NotTo(ContainSubstring("<script>alert"))
		Expect(page).To(ContainSubstring("got &lt;script&gt;alert(1)&lt;/script&gt;"))
		Expect(page).To(ContainSubstring(`\x00\x1b[31m \u202e end`))
		Expect(page).NotTo(ContainSubstring("\x00"))
		Expect(page).NotTo(ContainSubstring("\x1b"))
		Expect(page).To(ContainSubstring("<pre>"))
		Expect(page).To(ContainSubstring(`recv   HTTP/1.1 200 OK\r\n`))
	})

	It("is self-contained: no fetches, one inline script, and the table shows without it", func() {
		Expect(page).NotTo(MatchRegexp(`(?i)<(link|img|iframe|object|embed|base|meta http-equiv)\b`))
		Expect(page).NotTo(MatchRegexp(`(?i)\bsrc\s*=`))
		Expect(page).NotTo(MatchRegexp(`(?i)@import|url\(|fetch\(|XMLHttpRequest|import\(`))
		Expect(strings.Count(page, "<script")).To(Equal(1))
		Expect(page).To(ContainSubstring(`<form id="filters" hidden>`))
		hrefs := regexp.MustCompile(`href="([^"]*)"`).FindAllStringSubmatch(page, -1)
		Expect(hrefs).NotTo(BeEmpty())
		for _, h := range hrefs {
			Expect(h[1]).To(Or(HavePrefix("https://www.rfc-editor.org/rfc/rfc"), MatchRegexp(`^#[A-Za-z0-9_-]+$`)))
		}
	})

	It("is well-formed: every element that is opened is closed", func() {
		expectWellFormed(page)
		var b bytes.Buffer
		Expect(results.HTML(&b, special())).To(Succeed())
		expectWellFormed(b.String())
	})

	It("renders an empty run", func() {
		var b bytes.Buffer
		Expect(results.HTML(&b, &results.File{})).To(Succeed())
		Expect(b.String()).To(ContainSubstring("0 cases on 0 targets"))
	})
})

func expectWellFormed(page string) {
	GinkgoHelper()
	// the script is raw text to HTML, not markup
	noScript := regexp.MustCompile(`(?s)<script>.*?</script>`).ReplaceAllString(page, "")
	dec := xml.NewDecoder(strings.NewReader(noScript))
	dec.Strict = false
	dec.AutoClose = xml.HTMLAutoClose
	dec.Entity = xml.HTMLEntity
	var stack []string
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		Expect(err).NotTo(HaveOccurred())
		switch t := tok.(type) {
		case xml.StartElement:
			stack = append(stack, t.Name.Local)
		case xml.EndElement:
			Expect(stack).NotTo(BeEmpty())
			Expect(stack[len(stack)-1]).To(Equal(t.Name.Local))
			stack = stack[:len(stack)-1]
		}
	}
	Expect(stack).To(BeEmpty())
}

// special is sample() with a flaky cell, a case not run (the run was interrupted) and a target
// that is not installed.
func special() *results.File {
	f := sample()
	f.Suite.Interrupted = true
	f.Results[1].Flaky = true
	f.Results[1].Runs = []results.Verdict{results.Pass, results.Fail, results.Pass}
	f.Results[2] = results.Result{Target: "go", Case: "origin/417-unknown", Verdict: results.Error, NotRun: true, Reason: "not run: the run was interrupted by SIGINT"}
	f.Targets = append(f.Targets, results.Target{Name: "caddy", Role: "origin", Software: "Caddy", Address: "127.0.0.1:2015"})
	for _, c := range f.Cases[:3] {
		f.Results = append(f.Results, results.Result{Target: "caddy", Case: c.ID, Verdict: results.NA, Reason: "not installed: apt-get install -y caddy"})
	}
	return f
}

var _ = Describe("Summary", func() {
	It("prints counts per target, then every non-pass result, worst first, with fixes", func() {
		var b bytes.Buffer
		results.Summary(&b, sample(), true)
		Expect(b.String()).To(Equal(`go: 1 pass, 1 fail, 0 warn, 1 info, 1 na, 0 error
  FAIL   origin/no-100-after-final  [EXP-ORIGIN-NO-LATE] got <script>alert(1)</script> | pipe & *stars* ` + "`tick`" + ` \x00\x1b[31m \u202e end second line
         fix: do not send 100 once the final response is out
  INFO   origin/417-unknown  answered 417 to an unknown expectation
  n/a    proxy/forward-100  the target is an origin

nginx: 1 pass, 0 fail, 1 warn, 0 info, 0 na, 1 error
  ERROR  origin/no-100-after-final  connection refused
  WARN   origin/immediate-100  [EXP-ORIGIN-IMMEDIATE] 100 only after 1.3 s
         fix: send 100 on the head

squid: 1 pass, 0 fail, 0 warn, 0 info, 0 na, 0 error

all targets: 3 pass, 1 fail, 1 warn, 1 info, 1 na, 1 error
`))
	})

	It("cuts long reasons to one line", func() {
		f := sample()
		f.Results[1].Reason = strings.Repeat("x", 500) + "\n" + "y"
		var b bytes.Buffer
		results.Summary(&b, f, true)
		line := strings.Split(b.String(), "\n")[1]
		Expect(utf8.RuneCountInString(line)).To(BeNumerically("<=", 220))
		Expect(line).To(HaveSuffix("…"))
	})
})

var _ = Describe("renderers given nothing", func() {
	It("do not panic on a nil File", func() {
		var b bytes.Buffer
		Expect(results.Markdown(&b, nil)).To(Succeed())
		Expect(results.HTML(&b, nil)).To(Succeed())
		results.Summary(&b, nil, true)
		Expect(results.JUnit(nil).Tests).To(BeZero())
		Expect(results.CountAll(nil)).To(BeEmpty())
		_, err := results.EncodeJUnit(nil)
		Expect(err).To(HaveOccurred())
		_, err = results.Encode(nil)
		Expect(err).To(HaveOccurred())
	})
})

// A target that answers 417 to Expect: 100-continue only warns by the RFC's letter, but uploads
// fail there: the overview and the console count it as breaking 100-continue.
var _ = Describe("a target that refuses 100-continue with 417", func() {
	refusing := func() *results.File {
		f := sample()
		for i := range f.Results {
			if f.Results[i].Target == "nginx" && f.Results[i].Verdict == results.Warn {
				f.Results[i].BreaksUploads = "answers 417 (Expectation Failed) to Expect: 100-continue"
			}
		}
		return f
	}

	It("is answered as breaking uploads in the overview, not as 'no failure'", func() {
		var b bytes.Buffer
		Expect(results.Markdown(&b, refusing())).To(Succeed())
		Expect(b.String()).To(ContainSubstring("| nginx (nginx) | 1.24.0 | **breaks uploads: answers 417 (Expectation Failed) to Expect: 100-continue (1 case)** |"))
		Expect(b.String()).NotTo(ContainSubstring("no failure; 1 warning"))
	})

	It("gets a BREAKS UPLOADS line under its counts on the console", func() {
		var b bytes.Buffer
		results.Summary(&b, refusing(), false)
		Expect(b.String()).To(MatchRegexp(`(?m)^nginx: .*\n  BREAKS UPLOADS  answers 417 \(Expectation Failed\) to Expect: 100-continue in 1 case: uploads that send it fail here unless the client repeats them without Expect \(only curl does\)$`))
	})
})
