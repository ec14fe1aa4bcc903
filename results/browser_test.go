package results_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/chromedp/chromedp"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/expectspec/expectspec/results"
)

// The published page, opened in a real headless Chromium the way a reader opens it: from a file,
// with and without JavaScript. It must render every cell, make no network request of any kind,
// raise no JavaScript error, filter, and show a cell's reason on click and from the keyboard.
//
// Without Chromium the specs skip, unless EXPECTSPEC_BROWSER=required (CI), where they fail.
// EXPECTSPEC_SCREENSHOTS=DIR keeps the screenshots (PNG) there; otherwise they go to a temp dir.
var _ = Describe("the HTML table in a headless browser", Label("browser"), Ordered, func() {
	var (
		fixture  *results.File
		pageURL  string
		browser  context.Context
		shotsDir string
	)

	BeforeAll(func() {
		chromium := findChromium()
		if chromium == "" {
			msg := "no Chromium found (looked for $EXPECTSPEC_CHROMIUM, chromium, chromium-browser, google-chrome); install it with: apt-get install -y chromium"
			if os.Getenv("EXPECTSPEC_BROWSER") == "required" {
				Fail(msg + " (EXPECTSPEC_BROWSER=required)")
			}
			Skip(msg)
		}
		var err error
		fixture, err = results.Read(publishedFixture)
		Expect(err).NotTo(HaveOccurred())
		dir := GinkgoT().TempDir()
		page := filepath.Join(dir, "table.html")
		Expect(results.WriteHTML(page, fixture)).To(Succeed())
		pageURL = "file://" + page
		shotsDir = os.Getenv("EXPECTSPEC_SCREENSHOTS")
		if shotsDir == "" {
			shotsDir = dir
		}
		Expect(os.MkdirAll(shotsDir, 0o755)).To(Succeed())

		alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
			chromedp.ExecPath(chromium),
			chromedp.Headless,
			chromedp.NoSandbox, // Chromium refuses to run as root with its sandbox
			chromedp.DisableGPU,
			chromedp.NoFirstRun,
			chromedp.NoDefaultBrowserCheck,
			chromedp.Flag("disable-quic", true),
			chromedp.Flag("disable-background-networking", true),
			chromedp.Flag("disable-component-update", true),
			chromedp.Flag("disable-sync", true),
			chromedp.Flag("disable-dev-shm-usage", true),
			chromedp.UserDataDir(filepath.Join(dir, "profile")),
			chromedp.WindowSize(1400, 1000),
		)
		DeferCleanup(cancelAlloc)
		var cancelBrowser context.CancelFunc
		browser, cancelBrowser = chromedp.NewContext(alloc)
		DeferCleanup(cancelBrowser)
		// The first Run starts the browser and lives as long as browser: no timeout on it.
		Expect(chromedp.Do(browser)).To(Succeed())
	})

	It("renders every cell once, makes no request and raises no error", func() {
		tab := openPage(browser, pageURL, true)
		defer tab.close()

		cells := evalJS[[]string](tab, `Array.from(document.querySelectorAll(".matrix tbody td")).map(td => td.dataset.target + "|" + td.closest("tr").dataset.case)`)
		want := expectedCells(fixture)
		slices.Sort(cells)
		slices.Sort(want)
		Expect(cells).To(Equal(want), "one td per case and implementation of its role")

		// a cell for every result; not-installed targets in hatched cells, the rest with a verdict
		Expect(evalJS[int](tab, `document.querySelectorAll(".matrix tbody td.v, .matrix tbody td.ni").length`)).To(Equal(len(fixture.Results)))
		notInstalled := 0
		for _, r := range fixture.Results {
			if strings.HasPrefix(r.Reason, "not installed") {
				notInstalled++
			}
		}
		Expect(evalJS[int](tab, `document.querySelectorAll(".matrix tbody td.ni").length`)).To(Equal(notInstalled))
		Expect(evalJS[[]string](tab, `Array.from(document.querySelectorAll(".matrix thead th.ni")).map(th => th.textContent)`)).
			To(ConsistOf("origin-gnot installed", "gateway-enot installed", "proxy-dnot installed"))
		Expect(evalJS[int](tab, `document.querySelectorAll(".matrix td.flaky").length`)).To(Equal(countResults(fixture, func(r results.Result) bool { return r.Flaky })))
		Expect(evalJS[int](tab, `document.querySelectorAll(".matrix td.notrun").length`)).To(Equal(countResults(fixture, func(r results.Result) bool { return r.NotRun })))
		Expect(evalJS[string](tab, `document.querySelector(".matrix td.flaky summary").textContent`)).To(MatchRegexp(`^FLAKY(pass|fail|warn|info|na|error)×\d`))
		// a summary row per role table, a column head with the version
		Expect(evalJS[int](tab, `document.querySelectorAll(".matrix tfoot tr").length`)).To(Equal(3))
		Expect(evalJS[[]string](tab, `Array.from(document.querySelectorAll("section[data-role=proxy] thead th")).map(th => th.textContent)`)).
			To(Equal([]string{"case", "proxy-a5.7", "proxy-b1.11.1", "proxy-c2.4.62", "proxy-dnot installed"}))
		// the reasons are text, never markup: the page has exactly its own script
		Expect(evalJS[int](tab, `document.scripts.length`)).To(Equal(1))
		Expect(evalJS[int](tab, `document.querySelectorAll(".matrix h1, .matrix script, .matrix body").length`)).To(BeZero())

		tab.expectClean(pageURL)
	})

	It("shows the whole table without JavaScript", func() {
		tab := openPage(browser, pageURL, false)
		defer tab.close()
		Expect(evalJS[bool](tab, `document.getElementById("filters").hidden`)).To(BeTrue())
		rows := evalJS[int](tab, `document.querySelectorAll(".matrix tbody tr").length`)
		Expect(rows).To(Equal(expectedRows(fixture)))
		Expect(visibleRows(tab)).To(Equal(rows))
		tab.expectClean(pageURL)
	})

	It("filters by role, verdict, keyword and text", func() {
		tab := openPage(browser, pageURL, true)
		defer tab.close()
		all := expectedRows(fixture)
		Expect(visibleRows(tab)).To(Equal(all))
		Expect(evalJS[string](tab, `document.getElementById("shown").textContent`)).To(Equal(fmt.Sprintf("%d of %d rows shown", all, all)))

		tab.do(chromedp.Click(chromedp.CSS(`#filters input[name=role][value=proxy]`)))
		proxyCases := casesFor(fixture, "proxy")
		Expect(visibleRows(tab)).To(Equal(len(proxyCases)))
		Expect(evalJS[[]string](tab, `Array.from(document.querySelectorAll("section.role")).filter(s => !s.hidden).map(s => s.dataset.role)`)).To(Equal([]string{"proxy"}))

		// only FAIL: the proxy cases that some proxy fails
		for _, v := range []string{"pass", "warn", "info", "na", "error"} {
			tab.do(chromedp.Click(chromedp.CSS(`#filters input[name=v][value=` + v + `]`)))
		}
		Expect(visibleRows(tab)).To(Equal(rowsWith(fixture, "proxy", results.Fail)))
		Expect(visibleRows(tab)).To(BeNumerically(">", 0))

		// back to every verdict and role; then the MAY keyword, then a text search
		for _, v := range []string{"pass", "warn", "info", "na", "error"} {
			tab.do(chromedp.Click(chromedp.CSS(`#filters input[name=v][value=` + v + `]`)))
		}
		tab.do(chromedp.Click(chromedp.CSS(`#filters input[name=role][value=""]`)))
		Expect(visibleRows(tab)).To(Equal(all))
		tab.do(chromedp.Focus(chromedp.CSS(`#filters input[name=q]`)), chromedp.SendKeys(chromedp.CSS(`#filters input[name=q]`), "http10"))
		Expect(visibleRows(tab)).To(Equal(rowsMatching(fixture, "http10")))
		Expect(visibleRows(tab)).To(BeNumerically(">", 0))
		Expect(visibleRows(tab)).To(BeNumerically("<", all))

		tab.expectClean(pageURL)
	})

	It("shows a cell's reason on hover, on click and from the keyboard", func() {
		tab := openPage(browser, pageURL, true)
		defer tab.close()
		proxyFail := `section[data-role=proxy] td.v-fail[data-target="proxy-a"]`
		Expect(evalJS[string](tab, `document.querySelector('`+proxyFail+`').title`)).To(HavePrefix(`EXP-PROXY-FORWARD-100: the proxy answered <b>"HTTP/1.1 417 Expectation Failed"</b> & closed`))
		Expect(evalJS[bool](tab, `document.querySelector('`+proxyFail+` .pop').checkVisibility()`)).To(BeFalse())

		tab.do(chromedp.Click(chromedp.CSS(proxyFail + ` summary`)))
		Expect(evalJS[bool](tab, `document.querySelector('`+proxyFail+` details').open`)).To(BeTrue())
		Expect(evalJS[bool](tab, `document.querySelector('`+proxyFail+` .pop').checkVisibility()`)).To(BeTrue())
		text := evalJS[string](tab, `document.querySelector('`+proxyFail+` .pop').innerText`)
		Expect(text).To(ContainSubstring(`<b>"HTTP/1.1 417 Expectation Failed"</b> & closed`))
		Expect(text).To(ContainSubstring("<script>alert('x')</script>"))
		Expect(text).To(ContainSubstring("fix: forward the 100 (Continue)"))
		// the open reason lies inside the window, not cut off at its right edge
		Expect(evalJS[bool](tab, `(() => { const r = document.querySelector('`+proxyFail+` .pop').getBoundingClientRect(); return r.left >= 0 && r.right <= document.documentElement.clientWidth })()`)).To(BeTrue())
		shot := tab.screenshotOf(`section[data-role=proxy]`)
		Expect(os.WriteFile(filepath.Join(shotsDir, "table-proxy-cell-open.png"), shot, 0o644)).To(Succeed())

		// Escape closes it; Tab to another cell and Enter opens that one
		tab.do(chromedp.KeyEvent("\x1b"))
		Expect(evalJS[bool](tab, `document.querySelector('`+proxyFail+` details').open`)).To(BeFalse())
		other := `section[data-role=origin] tbody tr:first-child td.v summary`
		tab.do(chromedp.Focus(chromedp.CSS(other)), chromedp.KeyEvent("\r"))
		Expect(evalJS[bool](tab, `document.querySelector('`+other+`').parentElement.open`)).To(BeTrue())
		Expect(evalJS[string](tab, `document.querySelector('`+other+`').parentElement.querySelector(".pop").innerText`)).NotTo(BeEmpty())
		tab.expectClean(pageURL)
	})

	It("looks right (screenshots for a person to check)", func() {
		tab := openPage(browser, pageURL, true)
		defer tab.close()
		full := tab.run(chromedp.FullScreenshot(100))
		Expect(full).To(HavePrefix("\x89PNG"))
		path := filepath.Join(shotsDir, "table-full.png")
		Expect(os.WriteFile(path, full, 0o644)).To(Succeed())
		top := tab.run(chromedp.CaptureScreenshot())
		Expect(os.WriteFile(filepath.Join(shotsDir, "table-top.png"), top, 0o644)).To(Succeed())
		Expect(os.WriteFile(filepath.Join(shotsDir, "table-overview.png"), tab.screenshotOf("#overview"), 0o644)).To(Succeed())
		// deep in the origin table, the column heads stay in view
		Expect(evalJS[bool](tab, `(() => { const s = document.querySelector("section[data-role=origin]"); window.scrollTo(0, s.offsetTop + 3000); return true })()`)).To(BeTrue())
		Expect(evalJS[float64](tab, `document.querySelector("section[data-role=origin] thead th").getBoundingClientRect().top`)).To(BeNumerically("~", 0, 1))
		Expect(os.WriteFile(filepath.Join(shotsDir, "table-scrolled.png"), tab.run(chromedp.CaptureScreenshot()), 0o644)).To(Succeed())
		Expect(evalJS[bool](tab, `(() => { window.scrollTo(0, 0); return true })()`)).To(BeTrue())
		// what a reader asking "where does my origin server fail?" sees
		tab.do(chromedp.Click(chromedp.CSS(`#filters input[name=role][value=origin]`)))
		for _, v := range []string{"pass", "warn", "info", "na", "error"} {
			tab.do(chromedp.Click(chromedp.CSS(`#filters input[name=v][value=` + v + `]`)))
		}
		Expect(os.WriteFile(filepath.Join(shotsDir, "table-origin-fails.png"), tab.screenshotOf(`section[data-role=origin]`), 0o644)).To(Succeed())
		AddReportEntry("screenshots", shotsDir)
		GinkgoWriter.Println("screenshots in", shotsDir)
		tab.expectClean(pageURL)
	})
})
