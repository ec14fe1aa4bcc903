package results_test

import (
	"bytes"
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"strconv"

	. "github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/reporters"
	. "github.com/onsi/gomega"

	"github.com/expectspec/expectspec/results"
)

var _ = Describe("JUnit", func() {
	var (
		data   []byte
		parsed reporters.JUnitTestSuites
	)
	BeforeEach(func() {
		p := filepath.Join(GinkgoT().TempDir(), "junit.xml")
		Expect(results.WriteJUnit(p, sample())).To(Succeed())
		var err error
		data, err = os.ReadFile(p)
		Expect(err).NotTo(HaveOccurred())
		parsed = reporters.JUnitTestSuites{}
		Expect(xml.Unmarshal(data, &parsed)).To(Succeed())
	})

	It("has one testsuite per target and one testcase per result", func() {
		Expect(parsed.TestSuites).To(HaveLen(3))
		names := []string{}
		for _, s := range parsed.TestSuites {
			names = append(names, s.Name)
		}
		Expect(names).To(Equal([]string{"expectspec: go", "expectspec: nginx", "expectspec: squid"}))
		g := parsed.TestSuites[0]
		Expect(g.TestCases).To(HaveLen(4))
		Expect(g.TestCases[0].Name).To(Equal("origin/immediate-100"))
		Expect(g.TestCases[0].Classname).To(Equal("expectspec.go"))
		Expect(g.TestCases[1].Time).To(Equal(0.012))
		Expect(g.Properties.WithName("target.version")).To(Equal("go1.26"))
		Expect(g.Timestamp).To(Equal("2025-11-24T14:04:05"))
	})

	It("maps verdicts onto failure, error, skipped and passed", func() {
		g, n := parsed.TestSuites[0], parsed.TestSuites[1]
		pass, fail, info, na := g.TestCases[0], g.TestCases[1], g.TestCases[2], g.TestCases[3]
		warn, errc := n.TestCases[0], n.TestCases[1]

		Expect(pass.Failure).To(BeNil())
		Expect(pass.Error).To(BeNil())
		Expect(pass.Skipped).To(BeNil())
		Expect(pass.SystemOut).To(HavePrefix("pass: 100 after 0.4 ms"))

		Expect(fail.Failure).NotTo(BeNil())
		Expect(fail.Failure.Type).To(Equal("fail"))
		Expect(fail.Failure.Message).To(HavePrefix("got <script>"))
		Expect(fail.Failure.Description).To(ContainSubstring("requirements: EXP-ORIGIN-NO-LATE"))
		Expect(fail.Failure.Description).To(ContainSubstring("fix: do not send 100"))
		Expect(fail.Failure.Description).To(ContainSubstring(`recv   HTTP/1.1 200 OK\r\n`))
		Expect(fail.Failure.Description).To(ContainSubstring(`event  FIN`))
		Expect(fail.Status).To(Equal("fail"))
		Expect(fail.Properties.WithName("requirements")).To(Equal("EXP-ORIGIN-NO-LATE"))

		Expect(info.Failure).To(BeNil())
		Expect(info.SystemOut).To(HavePrefix("info: answered 417"))

		Expect(na.Skipped).NotTo(BeNil())
		Expect(na.Skipped.Message).To(Equal("the target is an origin"))

		Expect(warn.Failure).To(BeNil())
		Expect(warn.SystemOut).To(And(HavePrefix("warn: 100 only after 1.3 s"), ContainSubstring("fix: send 100 on the head")))

		Expect(errc.Error).NotTo(BeNil())
		Expect(errc.Error.Type).To(Equal("error"))
		Expect(errc.Error.Message).To(Equal("connection refused"))
	})

	It("counts tests, failures, errors and skipped in every suite and in total", func() {
		Expect(parsed.Tests).To(Equal(8))
		Expect(parsed.Failures).To(Equal(1))
		Expect(parsed.Errors).To(Equal(1))
		Expect(parsed.Disabled).To(Equal(0))
		for _, s := range parsed.TestSuites {
			var f, e, sk int
			for _, tc := range s.TestCases {
				if tc.Failure != nil {
					f++
				}
				if tc.Error != nil {
					e++
				}
				if tc.Skipped != nil {
					sk++
				}
			}
			Expect(s.Tests).To(Equal(len(s.TestCases)), s.Name)
			Expect(s.Failures).To(Equal(f), s.Name)
			Expect(s.Errors).To(Equal(e), s.Name)
			Expect(s.Skipped).To(Equal(sk), s.Name)
			Expect(s.Disabled).To(BeZero())
		}
		Expect(parsed.TestSuites[0].Skipped).To(Equal(1))
	})

	It("is well-formed XML whose testcases carry name, classname and time (a second, generic reader)", func() {
		Expect(bytes.HasPrefix(data, []byte(xml.Header))).To(BeTrue())
		dec := xml.NewDecoder(bytes.NewReader(data))
		depth, cases, suites := 0, 0, 0
		for {
			tok, err := dec.Token()
			if err == io.EOF {
				break
			}
			Expect(err).NotTo(HaveOccurred())
			switch t := tok.(type) {
			case xml.StartElement:
				depth++
				attrs := map[string]string{}
				for _, a := range t.Attr {
					attrs[a.Name.Local] = a.Value
				}
				switch t.Name.Local {
				case "testsuites":
					Expect(depth).To(Equal(1))
					Expect(attrs).To(And(HaveKey("tests"), HaveKey("failures"), HaveKey("errors")))
				case "testsuite":
					suites++
					Expect(depth).To(Equal(2))
					Expect(attrs).To(And(HaveKey("name"), HaveKey("tests"), HaveKey("failures"), HaveKey("errors"), HaveKey("skipped"), HaveKey("time")))
				case "testcase":
					cases++
					Expect(depth).To(Equal(3))
					Expect(attrs["name"]).NotTo(BeEmpty())
					Expect(attrs["classname"]).NotTo(BeEmpty())
					_, err := strconv.ParseFloat(attrs["time"], 64)
					Expect(err).NotTo(HaveOccurred(), "time=%q", attrs["time"])
				case "failure", "error":
					Expect(depth).To(Equal(4))
					Expect(attrs).To(And(HaveKey("message"), HaveKey("type")))
				}
			case xml.EndElement:
				depth--
			}
		}
		Expect(suites).To(Equal(3))
		Expect(cases).To(Equal(8))
		// control bytes cannot appear in XML 1.0; the encoder replaced them
		Expect(bytes.ContainsAny(data, "\x00\x1b")).To(BeFalse())
	})

	It("encodes an empty run", func() {
		data, err := results.EncodeJUnit(&results.File{})
		Expect(err).NotTo(HaveOccurred())
		var s reporters.JUnitTestSuites
		Expect(xml.Unmarshal(data, &s)).To(Succeed())
		Expect(s.Tests).To(BeZero())
	})
})
