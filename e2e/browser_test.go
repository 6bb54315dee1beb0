//go:build browser

// Package e2e drives the real app in headless Chromium (Debian's chromium,
// via chromedp). Every test fails on a console error, an uncaught
// exception, or a request to any host but the app's own, and saves
// full-page screenshots under e2e/screenshots/ for people to look at.
//
// Run with `make test-browser` (it builds the engine first).
package e2e

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"textlab/static"
	"textlab/web"
)

// browserCtx is the shared browser; each test opens its own tab.
var browserCtx context.Context

// trap is an HTTP proxy every non-loopback request of the browser goes to;
// it records them so a test fails if the app (or a worker) contacts another
// host.
var trap = &trapProxy{}

func TestMain(m *testing.M) {
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e: chromium is not installed: run `make deps` (apt-get install chromium)")
		return 1
	}
	if _, err := static.FS.Open("engine.wasm"); err != nil {
		fmt.Fprintln(os.Stderr, "e2e: static/engine.wasm was not built into this test binary: run `make build` first")
		return 1
	}
	proxy := httptest.NewServer(trap)
	defer proxy.Close()
	profile, err := os.MkdirTemp("", "textlab-chromium-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(profile)
	// A fresh profile with browser sign-in off: otherwise Chromium checks
	// its Google accounts at start-up, which the trap would flag.
	if err := os.MkdirAll(filepath.Join(profile, "Default"), 0o755); err == nil {
		os.WriteFile(filepath.Join(profile, "Default", "Preferences"), []byte(`{"signin":{"allowed":false,"allowed_on_next_startup":false}}`), 0o644)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		// Chromium's own background services would otherwise call Google
		// through the trap proxy; none of them is the app's doing.
		chromedp.Flag("allow-browser-signin", false),
		chromedp.Flag("disable-features", "OptimizationHints,OptimizationHintsFetching,OptimizationGuideModelDownloading,OptimizationTargetPrediction,MediaRouter,Translate,AutofillServerCommunication,SigninInterceptBubble,AccountConsistency"),
		chromedp.Flag("disable-client-side-phishing-detection", true),
		chromedp.Flag("disable-domain-reliability", true),
		chromedp.Flag("no-pings", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.UserDataDir(profile),
		chromedp.ProxyServer(proxy.URL),
		chromedp.WindowSize(1280, 800),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(allocCtx)
	defer cancel()
	if err := chromedp.Do(ctx); err != nil { // start the browser
		fmt.Fprintln(os.Stderr, "e2e: cannot start chromium:", err)
		return 1
	}
	browserCtx = ctx
	return m.Run()
}

// trapProxy answers every proxied request with 502 and remembers it.
type trapProxy struct {
	mu   sync.Mutex
	seen []string
}

func (p *trapProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	p.seen = append(p.seen, r.Method+" "+r.Host+r.URL.Path)
	p.mu.Unlock()
	http.Error(w, "textlab e2e: no other host may be contacted", http.StatusBadGateway)
}

func (p *trapProxy) requests() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.seen...)
}

// startApp serves the app as `textlab serve` does, with its security headers.
func startApp(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(web.NewHandler(static.FS))
	t.Cleanup(srv.Close)
	return srv.URL + "/"
}

// startStaticServer serves the repository root (index.html + static/) with a
// plain file server: no Go handler, no security headers.
func startStaticServer(t *testing.T) string {
	t.Helper()
	if _, err := os.Stat("../index.html"); err != nil {
		t.Fatalf("index.html missing at the top level: run `make static` (%v)", err)
	}
	srv := httptest.NewServer(http.FileServer(http.Dir("..")))
	t.Cleanup(srv.Close)
	return srv.URL + "/"
}

// tab is one browser tab of a test with its console and network monitors.
type tab struct {
	t    *testing.T
	ctx  context.Context
	host string

	mu       sync.Mutex
	problems []string
	requests []string
}

// openTab opens a tab at the given viewport size and starts recording every
// console message and request. At the end of the test it fails on any
// console error, uncaught exception or request to another host.
func openTab(t *testing.T, appURL string, width, height int64) *tab {
	t.Helper()
	return openTabFor(t, appURL, width, height, 90*time.Second)
}

// openTabFor is openTab for a test that needs the tab longer than 90 s
// (whole journeys over every page).
func openTabFor(t *testing.T, appURL string, width, height int64, limit time.Duration) *tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browserCtx)
	ctx, cancelTimeout := context.WithTimeout(ctx, limit)
	u, _ := url.Parse(appURL)
	tb := &tab{t: t, ctx: ctx, host: u.Host}
	console := chromedp.Console(ctx)
	requests := chromedp.Events(ctx, network.RequestWillBeSent)
	var wg sync.WaitGroup
	wg.Go(func() {
		for m, err := range console {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.IsException() {
				tb.record(&tb.problems, fmt.Sprintf("console %s: %s (%s:%d)", m.Type, m.String(), m.URL, m.Line+1))
			}
		}
	})
	wg.Go(func() {
		for ev, err := range requests {
			if err != nil {
				return
			}
			tb.record(&tb.requests, ev.Request.URL)
		}
	})
	trapBefore := len(trap.requests())
	t.Cleanup(func() {
		cancelTimeout()
		cancel()
		wg.Wait()
		tb.mu.Lock()
		defer tb.mu.Unlock()
		for _, p := range tb.problems {
			t.Errorf("%s", p)
		}
		for _, r := range tb.requests {
			if !tb.ownOrigin(r) {
				t.Errorf("request to another host: %s", r)
			}
		}
		for _, r := range trap.requests()[trapBefore:] {
			if !chromiumService(r) {
				t.Errorf("the browser contacted another host: %s", r)
			}
		}
		if os.Getenv("E2E_LOG_REQUESTS") != "" {
			t.Logf("requests: %v", tb.requests)
		}
	})
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, height)); err != nil {
		t.Fatal(err)
	}
	return tb
}

func (tb *tab) record(list *[]string, s string) {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	*list = append(*list, s)
}

func (tb *tab) ownOrigin(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	switch u.Scheme {
	case "data", "blob":
		return true
	}
	return u.Host == tb.host
}

// open navigates to appURL and waits for the engine handshake.
func (tb *tab) open(appURL string) {
	tb.t.Helper()
	if err := chromedp.Do(tb.ctx, chromedp.Navigate(appURL)); err != nil {
		tb.t.Fatal(err)
	}
	tb.waitFor(`document.body.dataset.engine === "ready"`)
}

// waitFor polls a JavaScript expression until it is truthy.
func (tb *tab) waitFor(expr string) {
	tb.t.Helper()
	if err := chromedp.Do(tb.ctx, chromedp.Poll[chromedp.Void](expr, chromedp.WithPollingTimeout(45*time.Second))); err != nil {
		status := tb.eval(`document.getElementById("engine-status")?.textContent ?? ""`)
		tb.t.Fatalf("waiting for %s: %v (status line: %v)", expr, err, status)
	}
}

// eval evaluates a JavaScript expression (awaiting promises) and returns its value.
func (tb *tab) eval(expr string) any {
	tb.t.Helper()
	v, err := chromedp.Run(tb.ctx, chromedp.Evaluate[any](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		tb.t.Fatalf("evaluating %s: %v", expr, err)
	}
	return v
}

func (tb *tab) evalString(expr string) string {
	tb.t.Helper()
	s, _ := tb.eval(expr).(string)
	return s
}

func (tb *tab) click(selector string) {
	tb.t.Helper()
	if err := chromedp.Do(tb.ctx, chromedp.Click(chromedp.CSS(selector))); err != nil {
		tb.t.Fatalf("clicking %s: %v", selector, err)
	}
}

// screenshot saves a full-page PNG under e2e/screenshots/.
func (tb *tab) screenshot(name string) {
	tb.t.Helper()
	// Scroll to the top first: a full-page capture of a scrolled page
	// draws the sticky header in the middle of it.
	tb.eval(`window.scrollTo(0, 0)`)
	buf, err := chromedp.Run(tb.ctx, chromedp.FullScreenshot(100))
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

// chromiumService reports whether a proxied request is one of Chromium's own
// start-up calls to Google (account and model checks) that no page can
// cause or prevent; the page's own requests, workers included, are checked
// by URL in openTab, and the Content-Security-Policy blocks them anyway.
func chromiumService(request string) bool {
	target := strings.Fields(request + " ")[1] // "host:port" or "host/path"
	host, _, _ := strings.Cut(target, "/")
	host, _, _ = strings.Cut(host, ":")
	return host == "accounts.google.com" || strings.HasSuffix(host, ".googleapis.com")
}

// --- small helpers shared by the journeys -----------------------------------

func loopbackHost(u string) bool {
	p, err := url.Parse(u)
	if err != nil {
		return false
	}
	ip := net.ParseIP(p.Hostname())
	return ip != nil && ip.IsLoopback() || strings.EqualFold(p.Hostname(), "localhost")
}
