package results_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/expectspec/expectspec/results"
)

// The protocol of a target (additive in schema v1): written for every target, read as http/1.1
// from files that predate it, shown where a column is not cleartext HTTP/1.1.
var _ = Describe("the protocol of a target", func() {
	file := func(t results.Target) *results.File {
		return &results.File{Schema: results.Schema, Targets: []results.Target{t},
			Cases:   []results.Case{{ID: "origin/immediate-100", Title: "x", Roles: []string{"origin"}}},
			Results: []results.Result{{Target: t.Name, Case: "origin/immediate-100", Verdict: results.Pass, Reason: "ok"}}}
	}
	tlsTarget := results.Target{Name: "srv", Role: "origin", Protocol: "http/1.1", TLS: "TLS 1.3, ALPN http/1.1"}

	It("round-trips through results.json and reads as http/1.1 when absent", func() {
		data, err := results.Encode(file(tlsTarget))
		Expect(err).NotTo(HaveOccurred())
		Expect(string(data)).To(ContainSubstring(`"protocol": "http/1.1"`))
		Expect(string(data)).To(ContainSubstring(`"tls": "TLS 1.3, ALPN http/1.1"`))
		back, err := results.Decode(bytes.NewReader(data))
		Expect(err).NotTo(HaveOccurred())
		Expect(back.Targets[0]).To(Equal(tlsTarget))

		old, err := results.Encode(file(results.Target{Name: "srv", Role: "origin"}))
		Expect(err).NotTo(HaveOccurred())
		Expect(string(old)).NotTo(ContainSubstring(`"protocol"`))
		back, err = results.Decode(bytes.NewReader(old))
		Expect(err).NotTo(HaveOccurred())
		Expect(back.Targets[0].HTTPProtocol()).To(Equal("http/1.1"))
		Expect(back.Targets[0].ProtocolNote()).To(BeEmpty())
	})

	It("diffs a committed baseline, written before the field, against a run that has it", func() {
		paths, err := filepath.Glob("baseline/*.json")
		Expect(err).NotTo(HaveOccurred())
		Expect(paths).NotTo(BeEmpty())
		for _, p := range paths {
			old, err := results.Read(p)
			Expect(err).NotTo(HaveOccurred(), p)
			data, err := os.ReadFile(p)
			Expect(err).NotTo(HaveOccurred())
			cur, err := results.Decode(bytes.NewReader(data))
			Expect(err).NotTo(HaveOccurred())
			for i := range cur.Targets {
				// a file without the field reads as http/1.1; the h2 and h2c rows have it
				cur.Targets[i].Protocol = cur.Targets[i].HTTPProtocol()
			}
			rep := results.Diff(old, cur)
			Expect(rep.Targets).To(BeEmpty(), "%s: a file without protocol reads as http/1.1", p)
			Expect(rep.Regressions).To(BeEmpty())
			Expect(rep.Changed).To(BeEmpty())
		}
	})

	It("notes a change of protocol or TLS as a change of the target", func() {
		rep := results.Diff(file(results.Target{Name: "srv", Role: "origin"}), file(tlsTarget))
		Expect(rep.Targets).To(ConsistOf(`srv: TLS "" → "TLS 1.3, ALPN http/1.1"`))
	})

	It("names the protocol in the tables and the JUnit suite when it is not cleartext HTTP/1.1", func() {
		f := file(tlsTarget)
		var md bytes.Buffer
		Expect(results.Markdown(&md, f)).To(Succeed())
		Expect(md.String()).To(ContainSubstring("srv (http/1.1 over TLS)"))
		suite := results.JUnit(f).TestSuites[0]
		Expect(suite.Name).To(Equal("expectspec: srv [http/1.1 over TLS]"))
		Expect(suite.Properties.Properties).To(ContainElement(HaveField("Value", "http/1.1")))

		clear := tlsTarget
		clear.TLS = ""
		Expect(results.JUnit(file(clear)).TestSuites[0].Name).To(Equal("expectspec: srv"))
		md.Reset()
		Expect(results.Markdown(&md, file(clear))).To(Succeed())
		Expect(strings.Contains(md.String(), "http/1.1 over TLS")).To(BeFalse())
	})

	It("merges a file without protocol with one that says http/1.1", func() {
		a, b := file(results.Target{Name: "srv", Role: "origin"}), file(results.Target{Name: "srv", Role: "origin", Protocol: "http/1.1"})
		_, err := results.Merge(a, b)
		Expect(err).NotTo(HaveOccurred())
	})
})
