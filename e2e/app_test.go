//go:build browser

package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

var statusPattern = regexp.MustCompile(`^engine ready · Go 1\.\d+ · [2-4] workers · SIMD$`)

func TestAppLoadsWithEngine(t *testing.T) {
	app := startApp(t)
	if !loopbackHost(app) {
		t.Fatalf("test server is not on loopback: %s", app)
	}
	tb := openTab(t, app, 1280, 800)
	tb.open(app)

	if status := strings.TrimSpace(tb.evalString(`document.querySelector("#engine-status .text").textContent`)); !statusPattern.MatchString(status) {
		t.Errorf("status line %q does not match %s", status, statusPattern)
	}
	if isolated := tb.eval(`self.crossOriginIsolated`); isolated != true {
		t.Errorf("crossOriginIsolated = %v, want true under COOP/COEP", isolated)
	}
	// The course's order, and only the pages that are built.
	tabs := tb.evalString(`[...document.querySelectorAll("nav.tabs a")].map(a => a.firstChild.textContent.trim()).join("|")`)
	if want := "Data|Agreement|Dictionary|Classic ML|About"; tabs != want {
		t.Errorf("navigation %q, want %q", tabs, want)
	}
	steps := tb.evalString(`[...document.querySelectorAll("section.page")].map(s => s.id + ":" + (s.querySelector(".step")?.textContent ?? "")).join(" ")`)
	if want := "data:Step 1 agreement:Step 1 dictionary:Step 2 classic:Step 3 about:"; steps != want {
		t.Errorf("sections %q, want %q", steps, want)
	}
	if names := tb.evalString(`[...document.querySelectorAll("nav.tabs a")].map(a => a.textContent.trim()).join("|")`); !strings.Contains(names, "Dictionary, step 2") {
		t.Errorf("navigation links %q do not name their step for screen readers", names)
	}
	tb.screenshot("desktop-data")

	// The engine renders the status card with the shared templ component.
	tb.click(`nav.tabs a[data-tab="about"]`)
	tb.waitFor(`!document.getElementById("about").hidden`)
	// The pages that are not built yet are listed as coming, not as tabs.
	if coming := tb.evalString(`[...document.querySelectorAll("#about [data-coming]")].map(li => li.dataset.coming).join(",")`); coming != "bert,generate,prompting" {
		t.Errorf("coming pages %q, want bert,generate,prompting", coming)
	}
	card := tb.evalString(`document.querySelector("#engine-card [data-rendered-by=engine]")?.textContent ?? ""`)
	for _, want := range []string{"Textlab", "WebAssembly", "cross-origin isolated (shared memory available)"} {
		if !strings.Contains(card, want) {
			t.Errorf("engine card %q lacks %q", card, want)
		}
	}
	tb.screenshot("desktop-about")
}

func TestNavigationShowsOneSection(t *testing.T) {
	app := startApp(t)
	tb := openTab(t, app, 1280, 800)
	tb.open(app)
	for _, id := range []string{"agreement", "dictionary", "classic", "about", "data"} {
		tb.click(`nav.tabs a[data-tab="` + id + `"]`)
		// hashchange fires after the click returns: wait for its handler.
		tb.waitFor(`location.hash === "#` + id + `" && !document.getElementById("` + id + `").hidden`)
		visible := tb.evalString(`[...document.querySelectorAll("section.page")].filter(s => !s.hidden).map(s => s.id).join(",")`)
		if visible != id {
			t.Errorf("after clicking %s the visible sections are %q", id, visible)
		}
		if cur := tb.evalString(`document.querySelector('nav.tabs a[aria-current="page"]')?.dataset.tab`); cur != id {
			t.Errorf("after clicking %s the current tab is %q", id, cur)
		}
	}
	// A reload keeps the section (it is in the URL).
	if err := chromedp.Do(tb.ctx, chromedp.Reload()); err != nil {
		t.Fatal(err)
	}
	tb.waitFor(`document.body.dataset.engine === "ready"`)
	if visible := tb.evalString(`[...document.querySelectorAll("section.page")].filter(s => !s.hidden).map(s => s.id).join(",")`); visible != "data" {
		t.Errorf("after reload visible = %q", visible)
	}
}

func TestMobileLayout(t *testing.T) {
	app := startApp(t)
	tb := openTab(t, app, 390, 844)
	tb.open(app)
	if w := tb.eval(`document.documentElement.scrollWidth`); w.(float64) > 390 {
		t.Errorf("page is %v px wide on a 390 px screen: it scrolls sideways", w)
	}
	tb.screenshot("mobile-data")
	tb.click(`nav.tabs a[data-tab="about"]`)
	tb.waitFor(`!document.getElementById("about").hidden`)
	if w := tb.eval(`document.documentElement.scrollWidth`); w.(float64) > 390 {
		t.Errorf("about page is %v px wide on a 390 px screen", w)
	}
	tb.screenshot("mobile-about")
}

func TestJobProgressAndCancel(t *testing.T) {
	app := startApp(t)
	tb := openTab(t, app, 1280, 800)
	tb.open(app + "#about")
	job := `document.querySelector('[data-job="selftest"]')`

	tb.click(`[data-job="selftest"] [data-action="start"]`)
	tb.waitFor(job + `.querySelector("progress").value > 0.1`)
	if msg := tb.evalString(job + `.querySelector(".job-message").textContent`); !strings.HasPrefix(msg, "step ") {
		t.Errorf("progress message %q", msg)
	}
	tb.screenshot("desktop-job-running")
	tb.click(`[data-job="selftest"] [data-action="cancel"]`)
	tb.waitFor(job + `.dataset.state === "cancelled"`)
	// The engine cancelled cooperatively: the worker was not restarted, so
	// a new run on the same worker completes.
	tb.click(`[data-job="selftest"] [data-action="start"]`)
	tb.waitFor(job + `.dataset.state === "done"`)
	if msg := tb.evalString(job + `.querySelector(".job-message").textContent`); !strings.HasPrefix(msg, "Done: 20 steps") {
		t.Errorf("result message %q", msg)
	}
}

func TestEngineErrorsKeepWorkerAlive(t *testing.T) {
	app := startApp(t)
	tb := openTab(t, app, 1280, 800)
	tb.open(app)
	tests := []struct{ call, wantCode string }{
		{`textlab.engine.call("engine.fail", {kind: "panic"})`, "internal"},
		{`textlab.engine.call("engine.fail", {kind: "error"})`, "failed"},
		{`textlab.engine.call("no.such.method")`, "unknown_method"},
		{`textlab.engine.call("engine.selftest", {steps: -1})`, "bad_request"},
	}
	for _, tc := range tests {
		got := tb.evalString(tc.call + `.then(() => "resolved", e => e.code)`)
		if got != tc.wantCode {
			t.Errorf("%s: got %q, want error code %q", tc.call, got, tc.wantCode)
		}
		if v := tb.evalString(`textlab.engine.call("engine.info").then(i => i.version)`); v == "" {
			t.Fatalf("engine stopped answering after %s", tc.call)
		}
	}
	// Every worker of the pool answers.
	n := tb.eval(`Promise.all(textlab.engine.workers.map((_, i) => textlab.engine.call("engine.info", null, {worker: i}))).then(r => r.length)`)
	if n.(float64) < 2 {
		t.Errorf("pool answered with %v workers", n)
	}
}

func TestWorksOffline(t *testing.T) {
	app := startApp(t)
	tb := openTab(t, app, 1280, 800)
	tb.open(app)
	waitOffline(tb)
	// Switch the network off: everything after page load is local.
	if _, err := chromedp.Call(tb.ctx, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{MatchedNetworkConditions: []*network.Conditions{{Offline: true, DownloadThroughput: -1, UploadThroughput: -1}}}); err != nil {
		t.Fatal(err)
	}
	res := tb.eval(`textlab.engine.map("engine.selftest", [{steps: 2, ms: 5}, {steps: 2, ms: 5}, {steps: 2, ms: 5}]).then(r => r.length)`)
	if res.(float64) != 3 {
		t.Fatalf("batch over the pool returned %v results", res)
	}
	// With the app saved for offline use (e2e/offline_test.go stops the
	// server for real), a reload with the network off starts it again.
	if err := chromedp.Do(tb.ctx, chromedp.Reload()); err != nil {
		t.Fatal(err)
	}
	tb.waitFor(`document.body.dataset.engine === "ready"`)
	waitOffline(tb)
}

func TestStaticHosting(t *testing.T) {
	app := startStaticServer(t)
	tb := openTab(t, app, 1280, 800)
	tb.open(app)
	if status := strings.TrimSpace(tb.evalString(`document.querySelector("#engine-status .text").textContent`)); !statusPattern.MatchString(status) {
		t.Errorf("status line %q", status)
	}
	tb.click(`nav.tabs a[data-tab="about"]`)
	card := tb.evalString(`document.querySelector("#engine-card").textContent`)
	if !strings.Contains(card, "not cross-origin isolated") {
		t.Errorf("engine card on a plain file server: %q", card)
	}
	// A plain file server does not allow the service worker's scope: the
	// footer says offline use is not available, and nothing else changes.
	tb.waitFor(`document.getElementById("offline-status").dataset.state === "error"`)
	if msg := tb.evalString(`document.getElementById("offline-status").textContent`); !strings.Contains(msg, "offline use is not available from this server") {
		t.Errorf("offline status on a plain file server: %q", msg)
	}
	tb.screenshot("static-about")
}

// viewportShot saves what the screen shows now (not the whole page) under
// e2e/screenshots/, for checks that depend on the scroll position.
func (tb *tab) viewportShot(name string) {
	tb.t.Helper()
	buf, err := chromedp.Run(tb.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		tb.t.Fatalf("screenshot: %v", err)
	}
	if err := os.MkdirAll("screenshots", 0o755); err != nil {
		tb.t.Fatal(err)
	}
	path := filepath.Join("screenshots", name+".png")
	if err := os.WriteFile(path, buf, 0o644); err != nil {
		tb.t.Fatal(err)
	}
	tb.t.Logf("screenshot: e2e/%s", path)
}

// layoutSizes are the screens the layout tests run on.
var layoutSizes = []struct {
	name          string
	width, height int64
}{{"desktop", 1280, 800}, {"mobile", 390, 844}}

// On a phone the header is one row (logo and a navigation that scrolls
// sideways), at most 80 pixels high, and the current tab is in view.
func TestLayoutHeaderOneRow(t *testing.T) {
	for _, size := range layoutSizes {
		t.Run(size.name, func(t *testing.T) {
			app := startApp(t)
			tb := openTab(t, app, size.width, size.height)
			tb.open(app)
			for _, id := range []string{"data", "agreement", "dictionary", "classic", "about"} {
				tb.eval(`location.hash = "#` + id + `"`)
				tb.waitFor(`!document.getElementById("` + id + `").hidden`)
				h := tb.eval(`document.querySelector("header.top").getBoundingClientRect().height`).(float64)
				t.Logf("%s: header %.0f px high on #%s", size.name, h, id)
				if h > 80 {
					t.Errorf("#%s: the header is %.0f px high, want at most 80", id, h)
				}
				if rows := tb.eval(`new Set([...document.querySelectorAll("nav.tabs li")].map(li => li.offsetTop)).size`).(float64); rows != 1 {
					t.Errorf("#%s: the navigation has %v rows, want 1", id, rows)
				}
				inView := tb.eval(`(() => { const n = document.querySelector("nav.tabs").getBoundingClientRect(), a = document.querySelector('nav.tabs a[aria-current="page"]').getBoundingClientRect();
					return a.left >= n.left - 1 && a.right <= n.right + 1 })()`)
				if inView != true {
					t.Errorf("#%s: the current tab is scrolled out of the navigation", id)
				}
			}
			if w := tb.eval(`document.documentElement.scrollWidth`).(float64); w > float64(size.width) {
				t.Errorf("page is %v px wide on a %d px screen", w, size.width)
			}
			tb.eval(`location.hash = "#dictionary"`)
			tb.waitFor(`!document.getElementById("dictionary").hidden`)
			tb.eval(`window.scrollTo(0, 0)`)
			tb.viewportShot(size.name + "-header")
		})
	}
}

// stepContrast is the contrast ratio (WCAG 2) of a page's "Step n" line
// against the background it is drawn on, from the computed colours.
const stepContrast = `((id) => {
	const el = document.querySelector("#" + id + " .step");
	const rgb = (s) => s.match(/[\d.]+/g).map(Number);
	const fg = rgb(getComputedStyle(el).color);
	let bg = [255, 255, 255];
	for (let e = el; e; e = e.parentElement) {
		const c = rgb(getComputedStyle(e).backgroundColor);
		if (c.length < 4 || c[3] > 0) { bg = c; break; }
	}
	const lum = (c) => {
		const [r, g, b] = c.slice(0, 3).map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
		return 0.2126 * r + 0.7152 * g + 0.0722 * b;
	};
	const [hi, lo] = [lum(fg), lum(bg)].sort((x, y) => y - x);
	return (hi + 0.05) / (lo + 0.05);
})`

func TestLayoutStepContrast(t *testing.T) {
	app := startApp(t)
	tb := openTab(t, app, 1280, 800)
	tb.open(app)
	for _, id := range []string{"data", "agreement", "dictionary", "classic"} {
		tb.eval(`location.hash = "#` + id + `"`)
		tb.waitFor(`!document.getElementById("` + id + `").hidden`)
		c := tb.eval(stepContrast + `("` + id + `")`).(float64)
		t.Logf("#%s: step text contrast %.2f:1", id, c)
		if c < 4.5 {
			t.Errorf("#%s: the step text has contrast %.2f:1, want at least 4.5:1", id, c)
		}
	}
}

// The skip link is the first thing the Tab key reaches; it shows when
// focused and moves the focus to the title of the page on screen, without
// leaving the page.
func TestLayoutSkipLink(t *testing.T) {
	for _, size := range layoutSizes {
		t.Run(size.name, func(t *testing.T) {
			app := startApp(t)
			tb := openTab(t, app, size.width, size.height)
			tb.open(app)
			if err := chromedp.Do(tb.ctx, chromedp.KeyEvent(kb.Tab)); err != nil {
				t.Fatal(err)
			}
			tb.waitFor(`document.activeElement?.classList.contains("skip-link")`)
			shown := tb.eval(`(() => { const r = document.activeElement.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight && r.width > 20 && r.height > 10 })()`)
			if shown != true {
				t.Errorf("the focused skip link is not on screen")
			}
			if text := tb.evalString(`document.activeElement.textContent`); text != "Skip to content" {
				t.Errorf("skip link says %q", text)
			}
			tb.viewportShot(size.name + "-skip-link")
			if err := chromedp.Do(tb.ctx, chromedp.KeyEvent(kb.Enter)); err != nil {
				t.Fatal(err)
			}
			tb.waitFor(`document.activeElement?.id === "data-title"`)
			// The next Tab goes into the page, not back to the navigation.
			if err := chromedp.Do(tb.ctx, chromedp.KeyEvent(kb.Tab)); err != nil {
				t.Fatal(err)
			}
			if in := tb.eval(`document.getElementById("data").contains(document.activeElement)`); in != true {
				t.Errorf("Tab after the skip link went to %s", tb.evalString(`document.activeElement.outerHTML.slice(0, 80)`))
			}

			// On another page it stays on that page.
			tb.click(`nav.tabs a[data-tab="dictionary"]`)
			tb.waitFor(`!document.getElementById("dictionary").hidden`)
			tb.eval(`document.querySelector(".skip-link").focus()`)
			if err := chromedp.Do(tb.ctx, chromedp.KeyEvent(kb.Enter)); err != nil {
				t.Fatal(err)
			}
			tb.waitFor(`document.activeElement?.id === "dictionary-title"`)
			if h := tb.evalString(`location.hash`); h != "#dictionary" {
				t.Errorf("after the skip link the URL fragment is %q", h)
			}
			if !tb.eval(`!document.getElementById("dictionary").hidden`).(bool) {
				t.Errorf("the skip link left the dictionary page")
			}
			checkTitleBelowHeader(t, tb, "dictionary")
		})
	}
}

// checkTitleBelowHeader fails unless the page title of section id is on
// screen, below the sticky header.
func checkTitleBelowHeader(t *testing.T, tb *tab, id string) {
	t.Helper()
	got := tb.evalString(`(() => { const h = document.querySelector("header.top").getBoundingClientRect(), r = document.getElementById("` + id + `-title").getBoundingClientRect();
		return [Math.round(h.bottom), Math.round(r.top), Math.round(r.bottom), innerHeight, Math.round(scrollY)].join(" ") })()`)
	var header, top, bottom, height, scroll int
	if _, err := fmt.Sscan(got, &header, &top, &bottom, &height, &scroll); err != nil {
		t.Fatalf("measuring %s: %q", id, got)
	}
	t.Logf("#%s: header bottom %d, title %d–%d, window %d, scrolled %d", id, header, top, bottom, height, scroll)
	if top < header || bottom > height {
		t.Errorf("#%s: the title (%d–%d) is not on screen below the header (bottom %d)", id, top, bottom, header)
	}
}

// A deep link, a reload and a click in the navigation show the page's
// title below the sticky header, not under it.
func TestLayoutDeepLinkShowsTitle(t *testing.T) {
	for _, size := range layoutSizes {
		t.Run(size.name, func(t *testing.T) {
			app := startApp(t)
			tb := openTab(t, app, size.width, size.height)
			tb.open(app + "#classic")
			checkTitleBelowHeader(t, tb, "classic")
			tb.viewportShot(size.name + "-deeplink-classic")
			if err := chromedp.Do(tb.ctx, chromedp.Reload()); err != nil {
				t.Fatal(err)
			}
			tb.waitFor(`document.body.dataset.engine === "ready"`)
			checkTitleBelowHeader(t, tb, "classic")
			tb.click(`nav.tabs a[data-tab="agreement"]`)
			tb.waitFor(`!document.getElementById("agreement").hidden`)
			checkTitleBelowHeader(t, tb, "agreement")
			// An unknown fragment keeps the page on screen.
			tb.eval(`location.hash = "#nothing-here"`)
			tb.waitFor(`location.hash === "#nothing-here"`)
			tb.eval(`new Promise((r) => setTimeout(r, 200)).then(() => true)`) // hashchange has run
			if !tb.eval(`!document.getElementById("agreement").hidden`).(bool) {
				t.Errorf("an unknown fragment left the agreement page")
			}
		})
	}
}

// A crashed engine worker (its Go program stopped, as after running out of
// memory) is replaced, and the pages give the new one what the old one
// held: the data set, the trained model, the board and the active
// dictionary. Training again
// works, and the model answers at once.
func TestEngineCrashRecovers(t *testing.T) {
	tb, _ := openClassicWithSOTU(t, 1280, 800)
	tb.click(`[data-job="classic-train"] [data-action="start"]`)
	tb.waitFor(`document.querySelector('[data-job="classic-train"]').dataset.state === "done"`)
	if code := tb.evalString(`textlab.engine.call("engine.fail", {kind: "exit"}).then(() => "resolved", e => e.code)`); code != "worker" {
		t.Fatalf("engine.fail exit: %q, want the worker error", code)
	}
	// The pages put back the data set, the model and the board.
	tb.waitFor(`textlab.engine.call("data.browse", {offset: 0}).then(() => true, () => false)`)
	tb.waitFor(`textlab.engine.call("classic.explain", {text: "we will cut taxes"}).then(() => true, () => false)`)
	tb.waitFor(`textlab.engine.call("board.render", {}).then(r => r.html.includes('data-runs="1"'), () => false)`)
	tb.waitFor(`textlab.engine.call("dictionary.try", {text: "a good day"}).then(() => true, () => false)`)
	tb.click(`[data-job="classic-train"] [data-action="start"]`)
	tb.waitFor(`document.querySelector('[data-job="classic-train"]').dataset.state === "done"`)
	if n := tb.eval(`Promise.all(textlab.engine.workers.map((_, i) => textlab.engine.call("engine.info", null, {worker: i}))).then(r => r.length)`); n.(float64) < 2 {
		t.Errorf("pool answered with %v workers after the crash", n)
	}
}
