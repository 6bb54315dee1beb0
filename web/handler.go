// Package web is Textlab's HTTP handler: it renders the app shell from the
// templ components in web/ui, serves the browser assets, and puts security
// headers on every response. The same handler runs natively (textlab serve)
// and as a Cloudflare Worker (cmd/worker).
package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"sync"

	"textlab/core/buildinfo"
	"textlab/web/ui"
)

// ContentSecurityPolicy allows the page to load and contact nothing but its
// own origin; scripts may compile WebAssembly but never run inline code.
const ContentSecurityPolicy = "default-src 'self'; " +
	"script-src 'self' 'wasm-unsafe-eval'; " +
	"worker-src 'self'; " +
	"connect-src 'self'; " +
	"style-src 'self'; " +
	"img-src 'self' data: blob:; " +
	"font-src 'self'; " +
	"object-src 'none'; " +
	"base-uri 'none'; " +
	"form-action 'self'; " +
	"frame-ancestors 'none'"

// SecurityHeaders wraps h so every response carries Textlab's security
// headers: the CSP above, cross-origin isolation (COOP/COEP, so workers may
// share memory), no MIME sniffing and no referrer.
func SecurityHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Content-Security-Policy", ContentSecurityPolicy)
		hd.Set("Cross-Origin-Opener-Policy", "same-origin")
		hd.Set("Cross-Origin-Embedder-Policy", "require-corp")
		hd.Set("Cross-Origin-Resource-Policy", "same-origin")
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("Referrer-Policy", "no-referrer")
		hd.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		h.ServeHTTP(w, r)
	})
}

// NewHandler returns the app's handler. assets holds the files served under
// /static/ (package textlab/static's FS); it may be nil where the platform
// serves them itself (Cloudflare's asset binding).
func NewHandler(assets fs.FS) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", servePage)
	mux.HandleFunc("GET /index.html", servePage)
	if assets != nil {
		mux.Handle("GET /static/manifest.json", &manifestServer{assets: assets})
		mux.Handle("GET /static/", http.StripPrefix("/static/", newAssetServer(assets)))
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "404 page not found: Textlab lives at /", http.StatusNotFound)
	})
	return SecurityHeaders(mux)
}

// RenderPage renders the app shell, as served at / and written to
// index.html by `textlab static`.
func RenderPage(ctx context.Context) ([]byte, error) {
	var buf bytes.Buffer
	err := ui.Page(ui.PageData{Version: buildinfo.Version, GoVersion: buildinfo.GoVersion()}).Render(ctx, &buf)
	return buf.Bytes(), err
}

func servePage(w http.ResponseWriter, r *http.Request) {
	page, err := RenderPage(r.Context())
	if err != nil {
		http.Error(w, "could not render the page: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	w.Write(page)
}

// assetServer serves embedded files with a content-hash ETag, so browsers
// revalidate cheaply after a rebuild.
type assetServer struct {
	files fs.FS
	next  http.Handler
	mu    sync.Mutex
	etags map[string]string
}

func newAssetServer(files fs.FS) *assetServer {
	return &assetServer{files: files, next: http.FileServerFS(files), etags: map[string]string{}}
}

func (a *assetServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name := path.Clean(r.URL.Path)
	if path.Ext(name) == ".go" {
		http.NotFound(w, r)
		return
	}
	if tag := a.etag(name); tag != "" {
		w.Header().Set("ETag", tag)
	}
	w.Header().Set("Cache-Control", "no-cache")
	if name == ServiceWorker {
		// The service worker lives in static/ but serves the whole app
		// (its scope is the page's folder), and the browser must always
		// see its newest version.
		w.Header().Set("Service-Worker-Allowed", "/")
		w.Header().Set("Cache-Control", "no-store")
	}
	a.next.ServeHTTP(w, r)
}

func (a *assetServer) etag(name string) string {
	a.mu.Lock()
	defer a.mu.Unlock()
	if tag, ok := a.etags[name]; ok {
		return tag
	}
	data, err := fs.ReadFile(a.files, name)
	if err != nil {
		return ""
	}
	sum := sha256.Sum256(data)
	tag := `"` + hex.EncodeToString(sum[:8]) + `"`
	a.etags[name] = tag
	return tag
}
