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

	It("has a row per case, a column per target and a cell for every result", func() {
		lines := strings.Split(md, "\n")
		var table []string
		for _, l := range lines {
			if strings.HasPrefix(l, "|") {
				table = append(table, l)
			}
		}
		// header, separator, 4 cases, summary
		Expect(table).To(HaveLen(7))
		Expect(table[0]).To(Equal("| case | claim | go go1.26 | nginx 1.24.0 | squid 6.10 |"))
		Expect(table[2]).To(Equal("| [origin/immediate-100](https://www.rfc-editor.org/rfc/rfc9110#section-10.1.1) | A 100 comes soon after the head | PASS | WARN | - |"))
		Expect(table[3]).To(HaveSuffix("| FAIL | ERROR | - |"))
		Expect(table[4]).To(HaveSuffix("| INFO | PASS | - |"))
		Expect(table[5]).To(HaveSuffix("| n/a | - | PASS |"))
		Expect(table[6]).To(Equal("| **summary** | | 1 pass, 1 fail, 1 info, 1 n/a | 1 pass, 1 warn, 1 error | 1 pass |"))
		for _, row := range append(table[:1:1], table[2:]...) {
			Expect(strings.Count(row, " |")).To(Equal(5), row) // no cell breaks out of its column
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
			Expect(page).To(ContainSubstring(`title="` + r.Reason + `"><details><summary>` + r.Verdict.Label() + `</summary>` + "\n<p>" + r.Reason + "</p>"))
		}
		Expect(strings.Count(page, `<td class="v v-`)).To(Equal(len(sample().Results)))
		Expect(strings.Count(page, `<td class="none"`)).To(Equal(4))
		for _, v := range results.Verdicts {
			Expect(page).To(ContainSubstring(`class="v v-` + string(v) + `"`))
		}
	})

	It("links each case to its RFC section and has a summary row", func() {
		Expect(page).To(ContainSubstring(`<a href="https://www.rfc-editor.org/rfc/rfc9110#section-15.2.1">origin/no-100-after-final</a>`))
		Expect(page).To(ContainSubstring(`<a href="https://www.rfc-editor.org/rfc/rfc9112">X</a>`))
		Expect(page).To(MatchRegexp(`<tfoot><tr><th scope="row">summary</th><td title="1 pass, 1 fail, 0 warn, 1 info, 1 na, 0 error">1 pass, 1 fail, 1 info, 1 n/a</td>`))
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
		Expect(page).NotTo(MatchRegexp(`(?i)<(link|img|iframe|object|embed)\b`))
		Expect(page).NotTo(MatchRegexp(`(?i)\bsrc\s*=`))
		Expect(page).NotTo(MatchRegexp(`(?i)@import|url\(`))
		Expect(strings.Count(page, "<script")).To(Equal(1))
		Expect(page).To(ContainSubstring(`<form id="filters" hidden>`))
		hrefs := regexp.MustCompile(`href="([^"]*)"`).FindAllStringSubmatch(page, -1)
		Expect(hrefs).NotTo(BeEmpty())
		for _, h := range hrefs {
			Expect(h[1]).To(HavePrefix("https://www.rfc-editor.org/rfc/rfc"))
		}
	})

	It("is well-formed: every element that is opened is closed", func() {
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
	})

	It("renders an empty run", func() {
		var b bytes.Buffer
		Expect(results.HTML(&b, &results.File{})).To(Succeed())
		Expect(b.String()).To(ContainSubstring("0 cases on 0 targets"))
	})
})

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
