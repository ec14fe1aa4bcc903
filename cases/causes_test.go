package cases_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/expectspec/expectspec/cases"
	"github.com/expectspec/expectspec/harness/conv"
)

// Event.Error is the human text of an event (an OS message, the parser's quote of what arrived):
// a judge may quote it in a reason, never decide on it, since it differs between systems and
// changes with the parser's wording. Judges decide on Event.Cause. This test reads every non-test
// source file of the package and fails on an `.Error` field that is compared, switched on, or
// handed to a strings, bytes or regexp function or a Match/Find method. (`err.Error()` calls are
// not field reads and are not looked at.)
func TestJudgesDoNotReadErrorText(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, at := range errorTextReads(t, fset, name, src) {
			t.Errorf("%s decides on an event's Error text; test its Cause instead", at)
		}
	}
}

// TestErrorTextScanCatches shows the scan finds the forms the judges used before Event.Cause.
func TestErrorTextScanCatches(t *testing.T) {
	src := `package x
func f(e E) {
	_ = strings.Contains(strings.ToLower(e.Error), "broken pipe")
	_ = strings.HasPrefix(e.Error, "status line:")
	msg := strings.ToLower(e.Error)
	_ = e.Error == "connection reset by peer"
	switch e.Error {
	}
	_ = re.MatchString(e.Error)
	j.Fail("R", "quoted, which is fine (%s)", e.Error)
	_ = "also fine: " + e.Error
	_ = err.Error()
}`
	if got := errorTextReads(t, token.NewFileSet(), "x.go", []byte(src)); len(got) != 6 {
		t.Fatalf("found %d reads, want 6: %v", len(got), got)
	}
}

// errorTextReads returns the positions where src decides on a `.Error` field.
func errorTextReads(t *testing.T, fset *token.FileSet, name string, src []byte) []string {
	f, err := parser.ParseFile(fset, name, src, 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	flag := func(n ast.Node) {
		if readsErrorField(n) {
			out = append(out, fset.Position(n.Pos()).String())
		}
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			if decidesOnText(n) {
				for _, a := range n.Args {
					flag(a)
				}
			}
		case *ast.BinaryExpr:
			if n.Op == token.EQL || n.Op == token.NEQ {
				flag(n)
			}
		case *ast.SwitchStmt:
			if n.Tag != nil {
				flag(n.Tag)
			}
		}
		return true
	})
	return out
}

// decidesOnText reports whether a call inspects text: a function of strings, bytes or regexp,
// or a method named Match... or Find... (a compiled regular expression).
func decidesOnText(c *ast.CallExpr) bool {
	sel, ok := c.Fun.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	if pkg, ok := sel.X.(*ast.Ident); ok && (pkg.Name == "strings" || pkg.Name == "bytes" || pkg.Name == "regexp") {
		return true
	}
	return strings.HasPrefix(sel.Sel.Name, "Match") || strings.HasPrefix(sel.Sel.Name, "Find")
}

// readsErrorField reports whether n holds a `.Error` selector that is not called (a field,
// not the error interface's method). A nested call that decides on text is flagged on its own.
func readsErrorField(n ast.Node) bool {
	found := false
	ast.Inspect(n, func(m ast.Node) bool {
		if c, ok := m.(*ast.CallExpr); ok {
			if sel, ok := c.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "Error" {
				return false // err.Error(): a method call
			}
			if decidesOnText(c) {
				return false // flagged on its own, once
			}
		}
		if sel, ok := m.(*ast.SelectorExpr); ok && sel.Sel.Name == "Error" {
			found = true
		}
		return !found
	})
	return found
}

// The judges decide on the Cause even when the text says otherwise: the text is only quoted.
var _ = Describe("judges read an event's cause, not its text", func() {
	lingering := func(cause conv.Cause, text string) *conv.Timeline {
		return (&tlb{}).sent("head").
			ev(conv.EvWriteError, "content", conv.Event{N: 1 << 20, Cause: cause, Error: text}).
			msg("final", 413, "Connection: close").done()
	}

	It("take a broken pipe for the server's FIN whatever the OS calls it", func() {
		o := judge("origin/early-final-survives-unread-content", lingering(conv.CauseBrokenPipe, "some other words"))
		Expect(o.Verdict).To(Equal(cases.Pass), o.String())
		Expect(o.Reason).To(ContainSubstring("closed the connection while content was still arriving"))
	})

	It("take a reset for a reset whatever the OS calls it", func() {
		o := judge("origin/early-final-survives-unread-content", lingering(conv.CauseReset, "broken pipe"))
		Expect(o.Verdict).To(Equal(cases.Warn), o.String())
		Expect(o.Requirements).To(Equal([]string{"H1-RST-RISK"}))
	})

	It("fail Transfer-Encoding to HTTP/1.0 on the parser's framing cause, not on a field line that names it", func() {
		parseError := func(cause conv.Cause) *conv.Timeline {
			return (&tlb{}).sent("head").deadline("withheld").sent("body").ev(conv.EvRecv, "final", conv.Event{N: 80}).
				ev(conv.EvParseError, "final", conv.Event{Cause: cause, Error: `header field: invalid octet "\x00" in the value of "Transfer-Encoding: a\x00"`}).done()
		}
		Expect(judge("origin/http10-expect-ignored", parseError(conv.CauseTransferEncoding)).Reason).To(ContainSubstring("used Transfer-Encoding"))
		Expect(judge("origin/http10-expect-ignored", parseError(conv.CauseFieldLine)).Reason).NotTo(ContainSubstring("used Transfer-Encoding"))
	})

	It("tell content after a 100 from a truncated final by the cause", func() {
		after100 := func(cause conv.Cause) cases.Outcome {
			tl := (&tlb{}).sent("head").msg("first", 100).sent("body").ev(conv.EvRecv, "final", conv.Event{N: 10}).
				ev(conv.EvParseError, "final", conv.Event{Cause: cause, Error: "status line: and truncated message: alike"}).fin("final").done()
			return judge("origin/one-final-after-continue", tl)
		}
		Expect(after100(conv.CauseStatusLine).Requirements).To(ContainElement("IR-NO-CONTENT"))
		Expect(after100(conv.CauseTruncated).Requirements).NotTo(ContainElement("IR-NO-CONTENT"))
	})
})
