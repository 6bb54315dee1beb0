package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"

	"textlab/core/buildinfo"
)

func TestHandler(t *testing.T) {
	assets := fstest.MapFS{
		"app.js":    {Data: []byte("console.log(1)")},
		"static.go": {Data: []byte("package static")},
	}
	h := NewHandler(assets)
	tests := []struct {
		method, path string
		wantStatus   int
		wantType     string
		wantBody     string
	}{
		{"GET", "/", 200, "text/html; charset=utf-8", "<nav class=\"tabs\""},
		{"GET", "/index.html", 200, "text/html; charset=utf-8", "engine-status"},
		{"GET", "/static/app.js", 200, "text/javascript; charset=utf-8", "console.log(1)"},
		{"GET", "/static/static.go", 404, "", ""},
		{"GET", "/static/missing.js", 404, "", ""},
		{"GET", "/elsewhere", 404, "", "Textlab lives at /"},
		{"POST", "/", 404, "", ""},
	}
	for _, tc := range tests {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(tc.method, tc.path, nil))
		if rec.Code != tc.wantStatus {
			t.Errorf("%s %s: status %d, want %d", tc.method, tc.path, rec.Code, tc.wantStatus)
		}
		if tc.wantType != "" && rec.Header().Get("Content-Type") != tc.wantType {
			t.Errorf("%s %s: Content-Type %q, want %q", tc.method, tc.path, rec.Header().Get("Content-Type"), tc.wantType)
		}
		if !strings.Contains(rec.Body.String(), tc.wantBody) {
			t.Errorf("%s %s: body lacks %q", tc.method, tc.path, tc.wantBody)
		}
		// Every response, errors included, carries the security headers.
		for name, want := range map[string]string{
			"Content-Security-Policy":      ContentSecurityPolicy,
			"Cross-Origin-Opener-Policy":   "same-origin",
			"Cross-Origin-Embedder-Policy": "require-corp",
			"X-Content-Type-Options":       "nosniff",
			"Referrer-Policy":              "no-referrer",
		} {
			if got := rec.Header().Get(name); got != want {
				t.Errorf("%s %s: %s = %q, want %q", tc.method, tc.path, name, got, want)
			}
		}
	}
}

func TestCSPForbidsOtherOrigins(t *testing.T) {
	for _, directive := range []string{"default-src 'self'", "connect-src 'self'", "script-src 'self' 'wasm-unsafe-eval'"} {
		if !strings.Contains(ContentSecurityPolicy, directive+";") {
			t.Errorf("CSP lacks %q", directive)
		}
	}
	if strings.Contains(ContentSecurityPolicy, "unsafe-inline") || strings.Contains(ContentSecurityPolicy, "http") {
		t.Errorf("CSP allows inline code or another origin: %s", ContentSecurityPolicy)
	}
}

func TestPageHasNoInlineScript(t *testing.T) {
	page, err := RenderPage(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	html := string(page)
	// The navigation holds the pages that work, in course order.
	last := -1
	for _, tab := range []string{"data", "agreement", "dictionary", "classic", "about"} {
		i := strings.Index(html, `data-tab="`+tab+`"`)
		if i < 0 || i < last {
			t.Errorf("navigation lacks %q or has it out of order", tab)
		}
		last = i
	}
	for _, tab := range []string{"bert", "generate", "prompting"} {
		if strings.Contains(html, `data-tab="`+tab+`"`) {
			t.Errorf("navigation has %q, a page that is not built yet", tab)
		}
	}
	// Every <script> must load a file: the CSP would block inline code.
	for rest := html; ; {
		i := strings.Index(rest, "<script")
		if i < 0 {
			break
		}
		end := strings.Index(rest[i:], ">")
		if !strings.Contains(rest[i:i+end], "src=") {
			t.Errorf("inline script: %s", rest[i:i+end+1])
		}
		rest = rest[i+end:]
	}
	if strings.Contains(html, "style=") || strings.Contains(html, "onclick=") || strings.Contains(html, "onload=") {
		t.Error("page uses inline styles or handlers, which the CSP blocks")
	}
}

// The service worker is served from static/ with the whole app as its
// scope, never from a cache; the manifest lists every file but the worker,
// the page included, with the hashes the worker checks.
func TestServiceWorkerAndManifest(t *testing.T) {
	assets := fstest.MapFS{
		"app.js":      {Data: []byte("console.log(1)")},
		"sw.js":       {Data: []byte("// worker")},
		"data/a.csv":  {Data: []byte("text,label\n")},
		"static.go":   {Data: []byte("package static")},
		"sub/skip.go": {Data: []byte("package sub")},
	}
	h := NewHandler(assets)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/static/sw.js", nil))
	if rec.Code != 200 || rec.Header().Get("Service-Worker-Allowed") != "/" || rec.Header().Get("Cache-Control") != "no-store" {
		t.Errorf("sw.js: status %d, Service-Worker-Allowed %q, Cache-Control %q", rec.Code, rec.Header().Get("Service-Worker-Allowed"), rec.Header().Get("Cache-Control"))
	}
	if got := rec.Header().Get("Content-Type"); got != "text/javascript; charset=utf-8" {
		t.Errorf("sw.js: Content-Type %q", got)
	}
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/static/app.js", nil))
	if rec.Header().Get("Service-Worker-Allowed") != "" {
		t.Errorf("app.js carries Service-Worker-Allowed")
	}

	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/static/manifest.json", nil))
	if rec.Code != 200 || rec.Header().Get("Cache-Control") != "no-store" || rec.Header().Get("Content-Security-Policy") != ContentSecurityPolicy {
		t.Fatalf("manifest: status %d, headers %v", rec.Code, rec.Header())
	}
	var m Manifest
	if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	page, err := RenderPage(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	sum := func(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }
	want := []ManifestFile{
		{Path: "index.html", Size: int64(len(page)), SHA256: sum(page)},
		{Path: "static/app.js", Size: 14, SHA256: sum([]byte("console.log(1)"))},
		{Path: "static/data/a.csv", Size: 11, SHA256: sum([]byte("text,label\n"))},
	}
	if !reflect.DeepEqual(m.Files, want) {
		t.Errorf("manifest files %+v, want %+v", m.Files, want)
	}
	if m.Bytes != int64(len(page))+25 || !strings.HasPrefix(m.Version, buildinfo.Version+"-") {
		t.Errorf("manifest bytes %d, version %q", m.Bytes, m.Version)
	}
	// Any change to any file is a new version.
	assets["data/a.csv"] = &fstest.MapFile{Data: []byte("text,label\nx,y\n")}
	m2, err := BuildManifest(context.Background(), assets)
	if err != nil {
		t.Fatal(err)
	}
	if m2.Version == m.Version {
		t.Errorf("a changed file kept version %s", m.Version)
	}
}
