//go:build browser

package e2e

import (
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
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
	tabs := tb.evalString(`[...document.querySelectorAll("nav.tabs a")].map(a => a.textContent).join("|")`)
	if want := "Data|Dictionary|Classic ML|BERT|Generate|Prompting|Agreement|About"; tabs != want {
		t.Errorf("navigation %q, want %q", tabs, want)
	}
	tb.screenshot("desktop-data")

	// The engine renders the status card with the shared templ component.
	tb.click(`nav.tabs a[data-tab="about"]`)
	tb.waitFor(`!document.getElementById("about").hidden`)
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
	for _, id := range []string{"dictionary", "classic", "bert", "generate", "prompting", "agreement", "about", "data"} {
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
	// Switch the network off: everything after page load is local.
	if _, err := chromedp.Call(tb.ctx, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{MatchedNetworkConditions: []*network.Conditions{{Offline: true, DownloadThroughput: -1, UploadThroughput: -1}}}); err != nil {
		t.Fatal(err)
	}
	res := tb.eval(`textlab.engine.map("engine.selftest", [{steps: 2, ms: 5}, {steps: 2, ms: 5}, {steps: 2, ms: 5}]).then(r => r.length)`)
	if res.(float64) != 3 {
		t.Fatalf("batch over the pool returned %v results", res)
	}
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
	tb.screenshot("static-about")
}
