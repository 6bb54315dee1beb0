//go:build browser && bench

package e2e

import (
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"textlab/static"
	"textlab/web"
)

// benchEngineFile is the engine with the benchmark methods, built by `make
// bench` (the production engine in static/ has none).
const benchEngineFile = "../build/engine-bench.wasm"

// startBenchApp serves the app as startApp does, but with the benchmark
// engine in place of static/engine.wasm.
func startBenchApp(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(benchApp(t))
	t.Cleanup(srv.Close)
	return srv.URL + "/"
}

// benchApp is the app's handler with the benchmark engine in place of
// static/engine.wasm.
func benchApp(t *testing.T) http.Handler {
	t.Helper()
	wasm, err := os.ReadFile(benchEngineFile)
	if err != nil {
		t.Fatalf("the benchmark engine is missing: run `make bench` (%v)", err)
	}
	app := web.NewHandler(static.FS)
	mux := http.NewServeMux()
	mux.Handle("/", app)
	mux.HandleFunc("/static/engine.wasm", func(w http.ResponseWriter, r *http.Request) {
		// Let the app's handler set its headers, then replace the body.
		rec := httptest.NewRecorder()
		app.ServeHTTP(rec, r)
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.Header().Del("Content-Length")
		w.WriteHeader(http.StatusOK)
		w.Write(wasm)
	})
	return mux
}
