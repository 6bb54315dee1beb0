//go:build browser

package e2e

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"textlab/static"
	"textlab/web"
)

// failedRequests records the tab's requests that fail (CDP's
// Network.loadingFailed: refused connections, blocked or aborted loads),
// as "URL: error". The page's requests are all there, those the service
// worker answers included.
type failedRequests struct {
	mu     sync.Mutex
	urls   map[network.RequestID]string
	failed []string
}

func recordFailures(tb *tab) *failedRequests {
	f := &failedRequests{urls: map[network.RequestID]string{}}
	sent := chromedp.Events(tb.ctx, network.RequestWillBeSent)
	failed := chromedp.Events(tb.ctx, network.LoadingFailed)
	go func() {
		for ev, err := range sent {
			if err != nil {
				return
			}
			f.mu.Lock()
			f.urls[ev.RequestID] = ev.Request.URL
			f.mu.Unlock()
		}
	}()
	go func() {
		for ev, err := range failed {
			if err != nil {
				return
			}
			f.mu.Lock()
			u, ok := f.urls[ev.RequestID]
			if !ok {
				u = "request " + string(ev.RequestID)
			}
			f.failed = append(f.failed, fmt.Sprintf("%s (%s): %s", u, ev.Type, ev.ErrorText))
			f.mu.Unlock()
		}
	}()
	return f
}

func (f *failedRequests) reset() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failed = nil
}

// waitUntil polls cond for up to 5 seconds (events arrive asynchronously).
func waitUntil(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !cond() && time.Now().Before(deadline); {
		time.Sleep(50 * time.Millisecond)
	}
}

func (f *failedRequests) list() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.failed...)
}

// forgive drops the console problems recorded so far that contain every
// one of parts: errors a test caused on purpose.
func (tb *tab) forgive(parts ...string) {
	matches := func(p string) bool {
		for _, part := range parts {
			if !strings.Contains(p, part) {
				return false
			}
		}
		return true
	}
	// Console messages arrive asynchronously: give the one expected a moment.
	for deadline := time.Now().Add(3 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		tb.mu.Lock()
		found := slices.ContainsFunc(tb.problems, matches)
		tb.mu.Unlock()
		if found {
			break
		}
	}
	tb.mu.Lock()
	defer tb.mu.Unlock()
	kept := tb.problems[:0]
	for _, p := range tb.problems {
		if !matches(p) {
			kept = append(kept, p)
		}
	}
	tb.problems = kept
}

// waitOffline waits until the footer says the app is saved for offline use
// (the first visit downloads everything: about 25 MB).
func waitOffline(tb *tab) {
	tb.t.Helper()
	expr := `document.getElementById("offline-status").dataset.state === "ready"`
	if err := chromedp.Do(tb.ctx, chromedp.Poll[chromedp.Void](expr, chromedp.WithPollingTimeout(150*time.Second))); err != nil {
		tb.t.Fatalf("the app was not saved for offline use: %v (footer: %q)", err, tb.evalString(`document.getElementById("offline-status").textContent`))
	}
}

// journeys runs a whole journey on every page that exists: a sample on the
// Data page, Classic ML training with its hold-out evaluation, Dictionary
// scoring and evaluation, the Agreement page's worked example.
func journeys(t *testing.T, tb *tab, sample string) {
	t.Helper()
	tb.eval(`location.hash = "#data"`)
	tb.waitFor(`document.getElementById("classic").dataset.ready === "true" && document.getElementById("dictionary").dataset.ready === "true"`)
	tb.click(`#data [data-sample="` + sample + `"]`)
	dataWaitLoaded(tb, sample)

	tb.eval(`location.hash = "#classic"`)
	tb.waitFor(`!document.getElementById("classic").hidden && document.getElementById("classic-nodata").hidden`)
	tb.classicSet(map[string]string{"eval": "holdout", "test_size": "20", "seed": "42", "features": "tfidf", "model": "logreg"})
	tb.classicTrain("done")
	if acc := tb.evalString(`document.querySelector("#classic-result .classic-run")?.dataset.accuracy ?? ""`); acc == "" {
		t.Errorf("Classic ML shows no accuracy after training on %s", sample)
	}

	tb.eval(`location.hash = "#dictionary"`)
	tb.waitFor(`!document.getElementById("dictionary").hidden`)
	tb.click(`[data-job="dict-score"] [data-action="start"]`)
	tb.waitFor(`document.querySelector('[data-job="dict-score"]').dataset.state === "done" && !document.getElementById("dict-evaluate").disabled`)
	tb.click("#dict-evaluate")
	tb.waitFor(`document.querySelector("#dict-eval-result .dict-eval") !== null`)

	tb.eval(`location.hash = "#agreement"`)
	tb.waitFor(`!document.getElementById("agreement").hidden`)
	tb.click("#agreement-example")
	tb.waitFor(agrValue("alpha") + ` === "0.743"`)
}

// checkOffsite checks the footer's count of requests to other sites: 0,
// measured (the page has resource entries to count).
func checkOffsite(t *testing.T, tb *tab) {
	t.Helper()
	if n := tb.eval(`performance.getEntriesByType("resource").length`); n.(float64) < 10 {
		t.Errorf("only %v resource entries: the indicator has nothing to count", n)
	}
	got := tb.evalString(`(() => { const el = document.getElementById("offsite"); return el.dataset.requests + "|" + el.textContent })()`)
	if got != "0|0 bytes sent to other sites" {
		t.Errorf("off-site indicator %q, want 0 requests and \"0 bytes sent to other sites\"", got)
	}
}

// checkNoneMissed asks the service worker which requests it could answer
// neither from the saved copy nor from the network: those of the page and
// of the engine workers, which it serves too. There must be none.
func checkNoneMissed(t *testing.T, tb *tab) {
	t.Helper()
	got := tb.evalString(`new Promise(resolve => {
		const ch = new MessageChannel();
		ch.port1.onmessage = ev => resolve(JSON.stringify(ev.data.missed) + " " + ev.data.fromWorkers);
		navigator.serviceWorker.controller.postMessage({type: "textlab-offline-status"}, [ch.port2]);
	})`)
	missed, fromWorkers, _ := strings.Cut(got, " ")
	if missed != "[]" {
		t.Errorf("requests the service worker could not answer: %s", missed)
	}
	// The engine workers' own requests (wasm_exec.js) pass through it too.
	if fromWorkers == "0" {
		t.Errorf("the service worker answered no request of the engine workers: are they outside its control?")
	}
	t.Logf("service worker: %s requests of the engine workers answered, none missed", fromWorkers)
}

// TestOfflineAfterServerStops: after one visit, the app works with its
// server gone. The test stops the server for real (the port refuses
// connections), loads a sample and the word vectors in the open tab, then
// reloads and runs a journey on every page, with no failed request.
func TestOfflineAfterServerStops(t *testing.T) {
	srv := httptest.NewServer(web.NewHandler(static.FS))
	t.Cleanup(srv.Close)
	app := srv.URL + "/"
	tb := openTabFor(t, app, 1280, 800, 6*time.Minute)
	failures := recordFailures(tb)
	tb.open(app)
	waitOffline(tb)
	footer := tb.evalString(`document.getElementById("offline-status").textContent`)
	if !strings.Contains(footer, "ready for offline use") || !strings.Contains(footer, "MB saved in this browser") {
		t.Errorf("offline status %q", footer)
	}
	t.Logf("footer: %s", footer)
	tb.screenshot("offline-ready")

	srv.Close()
	u, _ := url.Parse(app)
	if c, err := net.DialTimeout("tcp", u.Host, time.Second); err == nil {
		c.Close()
		t.Fatalf("the server at %s still accepts connections", u.Host)
	}

	// The failure recorder works: a request the saved copy does not hold
	// (the manifest is always asked of the server) fails and is recorded.
	tb.eval(`fetch("static/manifest.json").then(() => "answered", () => "failed")`)
	waitUntil(t, func() bool { return len(failures.list()) > 0 })
	if got := failures.list(); len(got) != 1 || !strings.Contains(got[0], "static/manifest.json") {
		t.Fatalf("failed requests after fetching the manifest with the server down: %q", got)
	}
	failures.reset()
	tb.forgive("static/manifest.json", "ERR_CONNECTION_REFUSED")

	// The tab is still open: a sample and the word vectors come from the
	// saved copy.
	tb.waitFor(`document.getElementById("classic").dataset.ready === "true"`)
	tb.click(`#data [data-sample="sotu-party.csv"]`)
	dataWaitLoaded(tb, "sotu-party.csv")
	if msg := tb.evalString(`document.getElementById("data-error")?.hidden === false ? document.getElementById("data-error").textContent : ""`); msg != "" {
		t.Errorf("loading a sample with the server down: %s", msg)
	}
	tb.eval(`location.hash = "#classic"`)
	tb.waitFor(`!document.getElementById("classic").hidden && document.getElementById("classic-nodata").hidden`)
	tb.classicSet(map[string]string{"features": "embed", "model": "logreg"})
	tb.waitFor(`document.getElementById("classic-vectors-msg").textContent.startsWith("Word vectors loaded") || document.getElementById("classic-vectors-msg").textContent.includes("could not")`)
	if msg := tb.evalString(`document.getElementById("classic-vectors-msg").textContent`); !strings.HasPrefix(msg, "Word vectors loaded") {
		t.Errorf("word vectors with the server down: %q", msg)
	}

	// Reload: the page, the engine and every page's files come from the
	// saved copy.
	if err := chromedp.Do(tb.ctx, chromedp.Reload()); err != nil {
		t.Fatalf("reload with the server stopped: %v", err)
	}
	tb.waitFor(`document.body.dataset.engine === "ready"`)
	if status := strings.TrimSpace(tb.evalString(`document.querySelector("#engine-status .text").textContent`)); !statusPattern.MatchString(status) {
		t.Errorf("engine status offline %q", status)
	}
	if isolated := tb.eval(`self.crossOriginIsolated`); isolated != true {
		t.Errorf("crossOriginIsolated = %v offline: the saved page lost its COOP/COEP headers", isolated)
	}
	waitOffline(tb)
	journeys(t, tb, "uci-sentiment.csv")
	checkOffsite(t, tb)
	checkNoneMissed(t, tb)
	tb.screenshot("offline-journeys")
	for _, f := range failures.list() {
		t.Errorf("failed request: %s", f)
	}

	// A file that really cannot be fetched (the saved copy deleted, the
	// server down): the message says what failed and that nothing on the
	// page was lost, and does not ask for a reload, which would lose it.
	tb.eval(`caches.keys().then(keys => Promise.all(keys.filter(k => k.startsWith("textlab-app-")).map(k => caches.delete(k)))).then(() => true)`)
	tb.eval(`location.hash = "#data"`)
	tb.waitFor(`!document.getElementById("data").hidden`)
	tb.click(`#data [data-sample="spam-assassin.csv"]`)
	tb.waitFor(`!document.getElementById("data-error").hidden`)
	msg := tb.evalString(`document.getElementById("data-error").textContent`)
	if strings.Contains(strings.ToLower(msg), "reload") || !strings.Contains(msg, "spam-assassin.csv") || !strings.Contains(msg, "Nothing on the page was lost") {
		t.Errorf("message for a sample that cannot be fetched: %q", msg)
	}
	// The browser logs that 503 as a console error; it is the one this
	// check caused on purpose.
	tb.forgive("spam-assassin.csv", "status of 503")
	// ... and the service worker's list of unanswered requests has it.
	if missed := tb.evalString(`new Promise(resolve => {
		const ch = new MessageChannel();
		ch.port1.onmessage = ev => resolve(ev.data.missed.join(","));
		navigator.serviceWorker.controller.postMessage({type: "textlab-offline-status"}, [ch.port2]);
	})`); missed != "/static/data/spam-assassin.csv" {
		t.Errorf("unanswered requests %q, want the sample", missed)
	}
	if loaded := tb.evalString(`document.getElementById("data").dataset.loaded`); loaded != "uci-sentiment.csv" {
		t.Errorf("after the failed load the page shows %q, want the data set loaded before", loaded)
	}
}

// TestNoRequestLeavesOrigin runs the same journeys online and checks every
// request the page made (openTab fails the test on any to another host,
// and the trap proxy on any the browser sent elsewhere), and that the
// footer's indicator says 0 bytes went to other sites.
func TestNoRequestLeavesOrigin(t *testing.T) {
	app := startApp(t)
	tb := openTabFor(t, app, 1280, 800, 4*time.Minute)
	tb.open(app)
	journeys(t, tb, "uci-sentiment.csv")
	checkOffsite(t, tb)
	tb.mu.Lock()
	n := len(tb.requests)
	for _, r := range tb.requests {
		if !tb.ownOrigin(r) {
			t.Errorf("request to another origin: %s", r)
		}
	}
	tb.mu.Unlock()
	if n < 10 {
		t.Errorf("only %d requests recorded", n)
	}
}

// overlayFS is the app's files with one file's content replaced: a new
// version of the app.
type overlayFS struct {
	fs.FS
	name string
	data []byte
}

func (o overlayFS) Open(name string) (fs.File, error) {
	if name == o.name {
		return fstest.MapFS{name: {Data: o.data}}.Open(name)
	}
	return o.FS.Open(name)
}

// TestOfflineVersionsNeverMix: the server gets a new version (one sample
// changed). A page already open keeps the files of the version it started
// with; a page loaded after the new version is saved uses the new one; the
// old copy is deleted once no open page uses it.
func TestOfflineVersionsNeverMix(t *testing.T) {
	var current atomic.Value
	current.Store(web.NewHandler(static.FS))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		current.Load().(http.Handler).ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	app := srv.URL + "/"
	sample, err := fs.ReadFile(static.FS, "data/uci-sentiment.csv")
	if err != nil {
		t.Fatal(err)
	}
	cut := strings.Join(strings.SplitAfter(string(sample), "\n")[:101], "")
	sampleSize := func(tb *tab) int {
		tb.t.Helper()
		return int(tb.eval(`fetch("static/data/uci-sentiment.csv").then(r => r.arrayBuffer()).then(b => b.byteLength)`).(float64))
	}
	version := func(tb *tab) string {
		tb.t.Helper()
		return tb.evalString(`document.getElementById("offline-status").dataset.version`)
	}
	appCaches := func(tb *tab) string {
		tb.t.Helper()
		return tb.evalString(`caches.keys().then(k => k.filter(n => n.startsWith("textlab-app-")).sort().join(","))`)
	}

	a := openTabFor(t, app, 1280, 800, 4*time.Minute)
	a.open(app)
	waitOffline(a)
	v1 := version(a)
	if n := sampleSize(a); n != len(sample) {
		t.Fatalf("sample in version 1: %d bytes, want %d", n, len(sample))
	}

	// The server now has version 2. A second tab starts on version 1 (what
	// is saved) and its check saves version 2 beside it.
	current.Store(web.NewHandler(overlayFS{static.FS, "data/uci-sentiment.csv", []byte(cut)}))
	b := openTabFor(t, app, 1280, 800, 4*time.Minute)
	b.open(app)
	waitOffline(b)
	if got := version(b); got != v1 {
		t.Errorf("second tab uses %q, want %q (the saved version)", got, v1)
	}
	v2 := b.evalString(`document.getElementById("offline-status").dataset.newer`)
	if v2 == "" || v2 == v1 {
		t.Fatalf("the new version was not saved: %q (footer %q)", v2, b.evalString(`document.getElementById("offline-status").textContent`))
	}
	if !strings.Contains(b.evalString(`document.getElementById("offline-status").textContent`), "a newer version") {
		t.Errorf("footer does not say a newer version is saved")
	}
	// The open pages still get version 1's file.
	if n := sampleSize(a); n != len(sample) {
		t.Errorf("first tab got %d bytes of the sample after the update, want version 1's %d", n, len(sample))
	}

	// A page loaded now uses version 2; the first tab still has version 1.
	if err := chromedp.Do(b.ctx, chromedp.Reload()); err != nil {
		t.Fatal(err)
	}
	b.waitFor(`document.body.dataset.engine === "ready"`)
	waitOffline(b)
	if got := version(b); got != v2 {
		t.Errorf("reloaded tab uses %q, want %q", got, v2)
	}
	if n := sampleSize(b); n != len(cut) {
		t.Errorf("reloaded tab got %d bytes of the sample, want version 2's %d", n, len(cut))
	}
	if n := sampleSize(a); n != len(sample) {
		t.Errorf("first tab got %d bytes of the sample, want version 1's %d", n, len(sample))
	}
	if got, want := appCaches(b), strings.Join(slices.Sorted(slices.Values([]string{"textlab-app-" + v1, "textlab-app-" + v2})), ","); got != want {
		t.Errorf("caches while both versions are in use: %q, want %q", got, want)
	}

	// Once the first tab is closed, the next page load deletes version 1.
	if err := chromedp.Cancel(a.ctx); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(b.ctx, chromedp.Reload()); err != nil {
		t.Fatal(err)
	}
	b.waitFor(`document.body.dataset.engine === "ready"`)
	waitOffline(b)
	waitUntil(t, func() bool { return appCaches(b) == "textlab-app-"+v2 })
	if got := appCaches(b); got != "textlab-app-"+v2 {
		t.Errorf("caches after the first tab closed: %q, want only version 2", got)
	}
}

// TestStaticHostingOffline: on a plain file server that sends
// Service-Worker-Allowed with static/sw.js (what `make cloudflare` writes
// into _headers) and serves the manifest `make static` writes, the app is
// saved too and starts with the server stopped.
func TestStaticHostingOffline(t *testing.T) {
	page, err := os.ReadFile("../index.html")
	if err != nil {
		t.Fatalf("index.html missing at the top level: run `make static` (%v)", err)
	}
	m, err := web.NewManifest(page, static.FS)
	if err != nil {
		t.Fatal(err)
	}
	manifest, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	files := http.FileServer(http.Dir(".."))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/static/manifest.json":
			w.Header().Set("Content-Type", "application/json")
			w.Write(manifest)
			return
		case "/static/sw.js":
			w.Header().Set("Service-Worker-Allowed", "/")
		}
		files.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	app := srv.URL + "/"
	tb := openTabFor(t, app, 1280, 800, 3*time.Minute)
	failures := recordFailures(tb)
	tb.open(app)
	waitOffline(tb)
	srv.Close()
	if err := chromedp.Do(tb.ctx, chromedp.Reload()); err != nil {
		t.Fatalf("reload with the server stopped: %v", err)
	}
	tb.waitFor(`document.body.dataset.engine === "ready"`)
	waitOffline(tb)
	tb.waitFor(`document.getElementById("classic").dataset.ready === "true"`)
	tb.click(`#data [data-sample="uci-sentiment.csv"]`)
	dataWaitLoaded(tb, "uci-sentiment.csv")
	checkOffsite(t, tb)
	for _, f := range failures.list() {
		t.Errorf("failed request: %s", f)
	}
}
