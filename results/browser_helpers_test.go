package results_test

import (
	"context"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/expectspec/expectspec/results"
)

// The browser specs' helpers (browser_test.go): finding Chromium, a tab that records every
// request and error, and what the table should show for a results file.

func findChromium() string {
	if p := os.Getenv("EXPECTSPEC_CHROMIUM"); p != "" {
		if p, err := exec.LookPath(p); err == nil {
			return p
		}
		return ""
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// tab is one page in the browser with everything it reported: requests, failed loads,
// exceptions and console or log errors.
type tab struct {
	ctx    context.Context
	cancel context.CancelFunc
	mu     sync.Mutex
	events []string // "request URL", "failed URL: reason", "exception …", "console error …", "log error …"
}

func openPage(browser context.Context, url string, javascript bool) *tab {
	GinkgoHelper()
	t := &tab{}
	t.ctx, t.cancel = chromedp.NewContext(browser)
	Expect(chromedp.Listen(t.ctx, t.record)).To(Succeed())
	steps := []chromedp.Action[chromedp.Void]{
		enable(network.Enable, network.EnableParams{}),
		enable(runtime.Enable, cdp.Empty{}),
		enable(log.Enable, cdp.Empty{}),
	}
	if !javascript {
		steps = append(steps, enable(emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}))
	}
	steps = append(steps, chromedp.Navigate(url), chromedp.WaitReady(chromedp.CSS("body")))
	t.do(steps...)
	return t
}

func enable[P any](c cdp.Command[P, cdp.Empty], p P) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, c, p)
		return err
	})
}

func (t *tab) record(ev any) {
	var line string
	switch e := ev.(type) {
	case *network.EventRequestWillBeSent:
		line = "request " + e.Request.URL
	case *network.EventLoadingFailed:
		line = "failed " + e.ErrorText
	case *runtime.EventExceptionThrown:
		line = "exception " + e.ExceptionDetails.Text
		if e.ExceptionDetails.Exception != nil {
			line += " " + e.ExceptionDetails.Exception.Description
		}
	case *runtime.EventConsoleAPICalled:
		if e.Type == runtime.ConsoleAPICalledTypeError || e.Type == runtime.ConsoleAPICalledTypeWarning || e.Type == runtime.ConsoleAPICalledTypeAssert {
			line = "console " + string(e.Type)
		}
	case *log.EventEntryAdded:
		if e.Entry.Level == log.EntryLevelError { // the browser's own warnings (deprecations, interventions) are not the page's faults
			line = "log " + string(e.Entry.Level) + " " + e.Entry.Text
		}
	}
	if line != "" {
		t.mu.Lock()
		t.events = append(t.events, line)
		t.mu.Unlock()
	}
}

// expectClean asserts the page loaded itself and nothing else, and reported no error.
func (t *tab) expectClean(pageURL string) {
	GinkgoHelper()
	t.mu.Lock()
	defer t.mu.Unlock()
	Expect(t.events).To(Equal([]string{"request " + pageURL}), "the page's only request is itself; no error, no failed load")
}

func (t *tab) close() { t.cancel() }

func (t *tab) do(steps ...chromedp.Action[chromedp.Void]) {
	GinkgoHelper()
	ctx, cancel := context.WithTimeout(t.ctx, 30*time.Second)
	defer cancel()
	Expect(chromedp.Do(ctx, steps...)).To(Succeed())
}

func (t *tab) run(a chromedp.Action[[]byte]) []byte {
	GinkgoHelper()
	ctx, cancel := context.WithTimeout(t.ctx, 30*time.Second)
	defer cancel()
	b, err := chromedp.Run(ctx, a)
	Expect(err).NotTo(HaveOccurred())
	return b
}

func (t *tab) screenshotOf(selector string) []byte {
	GinkgoHelper()
	return t.run(chromedp.Screenshot(chromedp.CSS(selector)))
}

func evalJS[T any](t *tab, expr string) T {
	GinkgoHelper()
	ctx, cancel := context.WithTimeout(t.ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	Expect(err).NotTo(HaveOccurred(), expr)
	return v
}

func visibleRows(t *tab) int {
	GinkgoHelper()
	return evalJS[int](t, `Array.from(document.querySelectorAll(".matrix tbody tr")).filter(tr => tr.checkVisibility()).length`)
}

// What the page must show, computed from the results file.

func casesFor(f *results.File, role string) []results.Case {
	var out []results.Case
	for _, c := range f.Cases {
		if slices.Contains(c.Roles, role) {
			out = append(out, c)
		}
	}
	return out
}

func rolesOf(f *results.File) []string {
	var roles []string
	for _, t := range f.Targets {
		if !slices.Contains(roles, t.Role) {
			roles = append(roles, t.Role)
		}
	}
	return roles
}

func expectedRows(f *results.File) int {
	n := 0
	for _, role := range rolesOf(f) {
		n += len(casesFor(f, role))
	}
	return n
}

func expectedCells(f *results.File) []string {
	var out []string
	for _, t := range f.Targets {
		for _, c := range casesFor(f, t.Role) {
			out = append(out, t.Name+"|"+c.ID)
		}
	}
	return out
}

func countResults(f *results.File, pred func(results.Result) bool) int {
	n := 0
	for _, r := range f.Results {
		if pred(r) {
			n++
		}
	}
	return n
}

func rowsWith(f *results.File, role string, v results.Verdict) int {
	roleOf := map[string]string{}
	for _, t := range f.Targets {
		roleOf[t.Name] = t.Role
	}
	rows := map[string]bool{}
	for _, r := range f.Results {
		if roleOf[r.Target] == role && r.Verdict == v && !strings.HasPrefix(r.Reason, "not installed") {
			rows[r.Case] = true
		}
	}
	return len(rows)
}

func rowsMatching(f *results.File, text string) int {
	n := 0
	for _, role := range rolesOf(f) {
		for _, c := range casesFor(f, role) {
			hay := c.ID + " " + c.Title + " " + c.Scenario
			for _, r := range c.Requirements {
				hay += " " + r.ID
			}
			if strings.Contains(strings.ToLower(hay), text) {
				n++
			}
		}
	}
	return n
}
