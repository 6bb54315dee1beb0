//go:build browser

package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"textlab/internal/reftest/runc"
	"textlab/static"
	"textlab/wasm/generate"
	"textlab/wasm/protocol"
	"textlab/web"
)

// TestGenerateInBrowser runs decoder.generate in Chromium's engine workers,
// with the SIMD kernels on, on llama2.c's reference checkpoint: float32
// must print run.c's tokens for every reference run (package runc), and
// int8 the tokens the same method gives natively, on every worker of the
// pool.
func TestGenerateInBrowser(t *testing.T) {
	mux := http.NewServeMux()
	mux.Handle("/", web.NewHandler(static.FS))
	mux.Handle("/ref/", web.SecurityHeaders(http.StripPrefix("/ref/", http.FileServer(http.Dir(runc.Dir(t))))))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	tb := openTab(t, srv.URL+"/", 1280, 800)
	tb.open(srv.URL + "/")
	if simd := tb.eval(`textlab.engine.info.simd`); simd != true {
		t.Fatalf("engine.info.simd = %v: the SIMD kernels did not load", simd)
	}
	tb.eval(`(async () => {
  const e = textlab.engine;
  const data = new Uint8Array(await (await fetch("/ref/stories260K.bin")).arrayBuffer());
  for (let w = 0; w < e.size; w++) {
    for (const int8 of [false, true]) {
      await e.call("decoder.generate", {name: "stories", int8, steps: 2, temperature: 0, top_p: 0.9, seed: 1}, {data, worker: w});
    }
  }
  return true;
})()`)
	ckpt := runc.Checkpoint(t)
	for _, run := range runc.Runs {
		nativeInt8 := generateNatively(t, ckpt, run)
		for _, int8 := range []bool{false, true} {
			payload, _ := json.Marshal(map[string]any{"name": "stories", "int8": int8, "steps": runc.Steps, "temperature": run.Temperature, "top_p": run.TopP, "seed": run.Seed})
			got := tb.evalString(fmt.Sprintf(`(async () => {
  const e = textlab.engine, out = [];
  for (let w = 0; w < e.size; w++) out.push((await e.call("decoder.generate", %s, {worker: w})).ids.join(" "));
  return out.join("\n");
})()`, payload))
			expect, what := runc.Join(runc.IDs(t, run.File)), "run.c"
			if int8 {
				expect, what = nativeInt8, "native Go int8"
			}
			for w, ids := range strings.Split(got, "\n") {
				if ids != expect {
					t.Errorf("%s, int8=%v, worker %d: ids differ from %s\n got %s\nwant %s", run.File, int8, w, what, ids, expect)
				}
			}
		}
	}
}

// generateNatively runs decoder.generate in the test process (Go kernels)
// with the int8 model and returns the ids space-separated.
func generateNatively(t *testing.T, ckpt []byte, run runc.Run) string {
	t.Helper()
	p, _ := json.Marshal(map[string]any{"name": "native", "int8": true, "steps": runc.Steps, "temperature": run.Temperature, "top_p": run.TopP, "seed": run.Seed})
	var last protocol.Message
	e := protocol.New(func(m protocol.Message) { last = m })
	generate.Register(e)
	e.Serve(protocol.Request{ID: 1, Method: "decoder.generate", Payload: p, Data: ckpt})
	if last.Type != "result" {
		t.Fatalf("native decoder.generate: %+v", last)
	}
	return runc.Join(last.Result.(generate.Result).IDs)
}

// TestEngineWithoutSIMD serves a simd.wasm that does not compile, as a
// browser without WebAssembly SIMD sees the real one: the engine must start
// on its Go kernels, say so, and still print run.c's tokens.
func TestEngineWithoutSIMD(t *testing.T) {
	app := web.NewHandler(static.FS)
	mux := http.NewServeMux()
	mux.Handle("/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/simd.wasm") {
			web.SecurityHeaders(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/wasm")
				w.Write([]byte("\x00asm\x01\x00\x00\x00 not a module"))
			})).ServeHTTP(w, r)
			return
		}
		app.ServeHTTP(w, r)
	}))
	mux.Handle("/ref/", web.SecurityHeaders(http.StripPrefix("/ref/", http.FileServer(http.Dir(runc.Dir(t))))))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	tb := openTab(t, srv.URL+"/", 1280, 800)
	tb.open(srv.URL + "/#about")
	status := strings.TrimSpace(tb.evalString(`document.querySelector("#engine-status .text").textContent`))
	if strings.Contains(status, "SIMD") || !strings.HasPrefix(status, "engine ready") {
		t.Errorf("status line %q: want ready, without SIMD", status)
	}
	tb.waitFor(`document.querySelector("[data-rendered-by=engine]") !== null`)
	if card := tb.evalString(`document.querySelector("[data-rendered-by=engine]").textContent`); !strings.Contains(card, "Go only") {
		t.Errorf("engine card does not say the Go kernels are in use: %q", card)
	}
	tb.screenshot("about-without-simd")
	got := tb.evalString(`(async () => {
  const data = new Uint8Array(await (await fetch("/ref/stories260K.bin")).arrayBuffer());
  const r = await textlab.engine.call("decoder.generate", {steps: 64, temperature: 0, top_p: 0.9, seed: 1}, {data});
  return r.ids.join(" ");
})()`)
	if want := runc.Join(runc.IDs(t, "greedy_256.ids")[:64]); got != want {
		t.Errorf("greedy without SIMD differs from run.c\n got %s\nwant %s", got, want)
	}
}
