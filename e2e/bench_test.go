//go:build browser && bench

package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"textlab/core/bert"
	"textlab/core/decoder"
	"textlab/core/llama2c"
	"textlab/internal/reftest/runc"
	"textlab/wasm/bench"
	"textlab/wasm/protocol"
	"textlab/web"
)

// The transformer benchmarks of docs/BENCHMARKS.md: the same weights run by
// Go natively, by the Go engine in headless Chromium (one worker, and the
// pool through engine.map), and by onnxruntime-web (wasm backend, 1 thread
// and pool-size threads) on ONNX exports made by tools/bench/export_onnx.py.
// Nothing here asserts a time; the numbers are logged as tables. Run with
// `make bench` (go test -tags 'browser bench' -run Bench -v ./e2e/).

// benchEncoderConfig is a realistic small BERT (BERT-mini's width with
// BERT's vocabulary).
var benchEncoderConfig = bert.Config{VocabSize: 30522, HiddenSize: 256, NumAttentionHeads: 4,
	NumHiddenLayers: 4, IntermediateSize: 1024, MaxPositionEmbeddings: 512}

// benchDecoderConfig has the shape of llama2.c's stories15M.
var benchDecoderConfig = decoder.LlamaConfig{Dim: 288, HiddenDim: 768, NLayers: 6, NHeads: 6, NKVHeads: 6,
	VocabSize: 32000, SeqLen: 256}

const (
	benchSeqLen    = 64 // tokens per encoder sequence
	benchSequences = 1  // sequences per encoder run (one batch)
	benchTokens    = 32 // decoder positions per run, from position 0
	benchWarmup    = 1  // untimed runs first
	benchRepeats   = 5  // timed runs (median)
)

// benchModel is one model of the benchmark as every runner needs it.
type benchModel struct {
	name, kind string // kind: "encode" or "decode"
	file       string // weights the Go engine loads, under the models folder
	config     string // config.json for encoders
	onnx       string // ONNX export for onnxruntime-web
	vocab      int
	layers     int // decoders: n_layers and kv_dim, for the empty cache
	kvDim      int
	quantize   bool // decoders: Go quantizes the .bin to int8 when loading it
}

// timing is what bench.encode/bench.decode and ort-bench.js return.
type timing struct {
	Items     int       `json:"items"`
	Seconds   []float64 `json:"seconds"`
	Median    float64   `json:"median"`
	PerSecond float64   `json:"per_second"`
	Probe     []float64 `json:"probe"`
}

func TestBenchTransformers(t *testing.T) {
	dir := t.TempDir()
	models := writeBenchModels(t, dir)

	// Native Go: the engine's own bench methods, called in this process,
	// on one thread (GOMAXPROCS 1, as in one engine worker) and on all.
	native, native1 := map[string]timing{}, map[string]timing{}
	procs := runtime.GOMAXPROCS(0)
	for _, m := range models {
		runtime.GOMAXPROCS(1)
		native1[m.name] = benchNative(t, dir, m)
		runtime.GOMAXPROCS(procs)
		native[m.name] = benchNative(t, dir, m)
		t.Logf("native %s: %.2f/s on 1 thread, %.2f/s on %d", m.name, native1[m.name].PerSecond, native[m.name].PerSecond, procs)
	}

	srv := httptest.NewServer(benchHandler(t, dir))
	t.Cleanup(srv.Close)

	// Go in the browser: one worker, then the pool.
	app := benchTab(t, srv.URL+"/")
	app.waitFor(`document.body.dataset.engine === "ready"`)
	poolSize := int(app.eval(`textlab.engine.size`).(float64))
	single, pool := map[string]timing{}, map[string]float64{}
	for _, m := range models {
		single[m.name], pool[m.name] = benchEngine(t, app, m)
		t.Logf("browser Go %s: 1 worker %.2f/s, pool of %d %.2f/s", m.name, single[m.name].PerSecond, poolSize, pool[m.name])
	}

	// onnxruntime-web, 1 thread and poolSize threads (a fresh page each:
	// numThreads applies when ORT first starts).
	ort := map[int]map[string]timing{}
	for _, threads := range []int{1, poolSize} {
		tb := benchTab(t, fmt.Sprintf("%s/bench/page/ort.html?threads=%d", srv.URL, threads))
		tb.waitFor(`window.ortBench !== undefined`)
		if iso, _ := tb.eval(`window.ortBench.isolated`).(bool); !iso {
			t.Fatal("the ORT page is not cross-origin isolated: threads would not work")
		}
		ort[threads] = map[string]timing{}
		for _, m := range models {
			ort[threads][m.name] = benchORT(t, tb, m)
			t.Logf("ORT %d thread(s) %s: %.2f/s", threads, m.name, ort[threads][m.name].PerSecond)
		}
	}

	// Same weights: the probes (first values of the output) must agree
	// between Go and ORT; int8 differs by design (ORT quantizes activations
	// per tensor, asymmetric uint8; Go per row, symmetric int8).
	for _, m := range models {
		d := benchMaxDiff(native[m.name].Probe, ort[1][m.name].Probe)
		t.Logf("%s: max |Go − ORT| over the probe: %.3g", m.name, d)
		if !strings.Contains(m.name, "int8") && d > 1e-3 {
			t.Errorf("%s: Go and ORT outputs differ by %g: not the same network", m.name, d)
		}
	}

	var b strings.Builder
	fmt.Fprintf(&b, "\n| model | native Go, 1 thread | native Go, %d | browser Go, 1 worker | browser Go, pool of %d | ORT, 1 thread | ORT, %d threads | Go/ORT (1) | Go/ORT (%d) |\n", procs, poolSize, poolSize, poolSize)
	b.WriteString("| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n")
	for _, m := range models {
		unit := "seq/s"
		if m.kind == "decode" {
			unit = "tok/s"
		}
		o1, oN := ort[1][m.name].PerSecond, ort[poolSize][m.name].PerSecond
		fmt.Fprintf(&b, "| %s | %.1f %s | %.1f | %.1f | %.1f | %.1f | %.1f | %.2f | %.2f |\n", m.name, native1[m.name].PerSecond, unit, native[m.name].PerSecond,
			single[m.name].PerSecond, pool[m.name], o1, oN, single[m.name].PerSecond/o1, pool[m.name]/oN)
	}
	load, _ := os.ReadFile("/proc/loadavg")
	fmt.Fprintf(&b, "\n%s, %d CPUs, load average %s, %s\n", time.Now().UTC().Format("2006-01-02"), runtime.NumCPU(), strings.TrimSpace(string(load)), runtime.Version())
	t.Log(b.String())
}

// writeBenchModels writes the benchmark models and their ONNX exports
// under dir.
func writeBenchModels(t *testing.T, dir string) []benchModel {
	t.Helper()
	enc, err := bert.NewRandom(benchEncoderConfig, 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	encDir := filepath.Join(dir, "enc")
	benchWriteFile(t, filepath.Join(encDir, "config.json"), benchJSON(t, enc.Config.JSON))
	benchWriteFile(t, filepath.Join(encDir, "model.safetensors"), benchBytes(t, enc.WriteSafetensors))
	enc.Quantize()
	benchWriteFile(t, filepath.Join(encDir, "config-int8.json"), benchJSON(t, enc.Config.JSON))
	benchWriteFile(t, filepath.Join(encDir, "model-int8.safetensors"), benchBytes(t, enc.WriteSafetensors))
	benchPython(t, "bert", encDir)

	stories := runc.Checkpoint(t)
	ck, err := llama2c.ParseCheckpoint(stories)
	if err != nil {
		t.Fatal(err)
	}
	benchWriteFile(t, filepath.Join(dir, "stories260K.bin"), stories)
	rnd := randomLlama(benchDecoderConfig, 2)
	benchWriteFile(t, filepath.Join(dir, "llama15M.bin"), benchBytes(t, rnd.Write))
	benchPython(t, "llama", filepath.Join(dir, "stories260K.bin"), filepath.Join(dir, "stories260K.onnx"))
	// The 15M model also as int8: Go's quantized weights, for ORT's graph.
	rnd8, err := rnd.Model()
	if err != nil {
		t.Fatal(err)
	}
	rnd8.Quantize()
	benchWriteFile(t, filepath.Join(dir, "llama15M-int8.safetensors"), benchBytes(t, rnd8.WriteSafetensors))
	benchPython(t, "llama", filepath.Join(dir, "llama15M.bin"), filepath.Join(dir, "llama15M.onnx"),
		filepath.Join(dir, "llama15M-int8.safetensors"), filepath.Join(dir, "llama15M-int8.onnx"))

	v := benchEncoderConfig.VocabSize
	return []benchModel{
		{name: "bert-mini float32", kind: "encode", file: "enc/model.safetensors", config: "enc/config.json", onnx: "enc/model.onnx", vocab: v},
		{name: "bert-mini int8", kind: "encode", file: "enc/model-int8.safetensors", config: "enc/config-int8.json", onnx: "enc/model-int8.onnx", vocab: v},
		{name: "stories260K", kind: "decode", file: "stories260K.bin", onnx: "stories260K.onnx",
			vocab: ck.Config.VocabSize, layers: ck.Config.NLayers, kvDim: ck.Config.KVDim()},
		{name: "llama 15M (random)", kind: "decode", file: "llama15M.bin", onnx: "llama15M.onnx",
			vocab: benchDecoderConfig.VocabSize, layers: benchDecoderConfig.NLayers, kvDim: benchDecoderConfig.KVDim()},
		{name: "llama 15M (random) int8", kind: "decode", file: "llama15M.bin", onnx: "llama15M-int8.onnx", quantize: true,
			vocab: benchDecoderConfig.VocabSize, layers: benchDecoderConfig.NLayers, kvDim: benchDecoderConfig.KVDim()},
	}
}

// randomLlama returns a checkpoint of cfg's shape with normal weights
// (std 0.02, RMSNorm weights around 1) and a shared classifier.
func randomLlama(cfg decoder.LlamaConfig, seed uint64) *llama2c.Checkpoint {
	r := rand.New(rand.NewPCG(seed, seed+1))
	vec := func(n int, mean float64) []float32 {
		v := make([]float32, n)
		for i := range v {
			v[i] = float32(mean + 0.02*r.NormFloat64())
		}
		return v
	}
	d, h, kv := cfg.Dim, cfg.HiddenDim, cfg.KVDim()
	w := decoder.LlamaWeights{TokenEmbedding: vec(cfg.VocabSize*d, 0), RMSFinal: vec(d, 1)}
	for range cfg.NLayers {
		w.Layers = append(w.Layers, decoder.LlamaLayer{
			RMSAtt: vec(d, 1), Wq: vec(d*d, 0), Wk: vec(kv*d, 0), Wv: vec(kv*d, 0), Wo: vec(d*d, 0),
			RMSFFN: vec(d, 1), W1: vec(h*d, 0), W2: vec(d*h, 0), W3: vec(h*d, 0),
		})
	}
	w.Classifier = w.TokenEmbedding
	return &llama2c.Checkpoint{Config: cfg, Weights: w, Shared: true}
}

// benchPython runs tools/bench/export_onnx.py with Debian's Python.
func benchPython(t *testing.T, args ...string) {
	t.Helper()
	cmd := exec.Command("/usr/bin/python3", append([]string{"../tools/bench/export_onnx.py"}, args...)...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("export_onnx.py %v: %v\n%s", args, err, out)
	}
}

// benchPayload is the bench.encode/bench.decode payload of m.
func benchPayload(m benchModel, config json.RawMessage, iterations int) map[string]any {
	p := map[string]any{"name": m.name, "warmup": benchWarmup, "iterations": iterations}
	if m.kind == "encode" {
		p["config"], p["sequences"], p["seq_len"] = config, benchSequences, benchSeqLen
	} else {
		p["tokens"], p["quantize"] = benchTokens, m.quantize
	}
	return p
}

// benchNative runs m through the engine's bench method in this process.
func benchNative(t *testing.T, dir string, m benchModel) timing {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, m.file))
	if err != nil {
		t.Fatal(err)
	}
	var config []byte
	if m.config != "" {
		if config, err = os.ReadFile(filepath.Join(dir, m.config)); err != nil {
			t.Fatal(err)
		}
	}
	payload, _ := json.Marshal(benchPayload(m, config, benchRepeats))
	var last protocol.Message
	e := protocol.New(func(msg protocol.Message) { last = msg })
	bench.Register(e)
	e.Serve(protocol.Request{ID: 1, Method: "bench." + m.kind, Payload: payload, Data: data})
	if last.Type != "result" {
		t.Fatalf("native %s: %+v", m.name, last.Error)
	}
	return benchTiming(t, last.Result)
}

// benchEngine loads m into every worker of the page's engine, times one
// worker with bench.encode/decode, then the whole pool with engine.map: a
// round is one single-run call per worker, its rate the items over the
// round's wall time; the median over benchRepeats rounds after a warm-up
// round.
func benchEngine(t *testing.T, tb *tab, m benchModel) (timing, float64) {
	t.Helper()
	config := "null"
	if m.config != "" {
		config = fmt.Sprintf(`await (await fetch("/bench/models/%s")).json()`, m.config)
	}
	tb.eval(fmt.Sprintf(`(async () => {
  const e = textlab.engine;
  const data = new Uint8Array(await (await fetch("/bench/models/%s")).arrayBuffer());
  const config = %s;
  await Promise.all(e.workers.map((_, w) => e.call("bench.%s", {name: %q, config, quantize: %v, iterations: 0}, {data, worker: w})));
  return true;
})()`, m.file, config, m.kind, m.name, m.quantize))
	payload, _ := json.Marshal(benchPayload(m, nil, benchRepeats))
	single := benchTiming(t, tb.eval(fmt.Sprintf(`textlab.engine.call("bench.%s", %s)`, m.kind, payload)))
	t.Logf("browser Go %s, 1 worker: %.2f/s", m.name, single.PerSecond)
	one, _ := json.Marshal(map[string]any{"name": m.name, "iterations": 1, "sequences": benchSequences, "seq_len": benchSeqLen, "tokens": benchTokens})
	pool, _ := tb.eval(fmt.Sprintf(`(async () => {
  const e = textlab.engine, calls = Array(e.size).fill(%s), rates = [];
  for (let r = 0; r <= %d; r++) {
    const start = performance.now();
    const res = await e.map("bench.%s", calls);
    const secs = (performance.now() - start) / 1000;
    if (r > 0) rates.push(res.reduce((n, x) => n + x.items, 0) / secs);
  }
  rates.sort((a, b) => a - b);
  const n = rates.length;
  return n %% 2 ? rates[(n - 1) / 2] : (rates[n / 2 - 1] + rates[n / 2]) / 2;
})()`, one, benchRepeats, m.kind)).(float64)
	return single, pool
}

// benchORT runs m in the onnxruntime-web page.
func benchORT(t *testing.T, tb *tab, m benchModel) timing {
	t.Helper()
	opts := map[string]any{"model": "/bench/models/" + m.onnx, "vocab": m.vocab, "warmup": benchWarmup, "iterations": benchRepeats}
	if m.kind == "encode" {
		opts["sequences"], opts["seqLen"] = benchSequences, benchSeqLen
	} else {
		opts["tokens"], opts["layers"], opts["kvDim"] = benchTokens, m.layers, m.kvDim
	}
	js, _ := json.Marshal(opts)
	return benchTiming(t, tb.eval(fmt.Sprintf(`window.ortBench.%s(%s)`, m.kind, js)))
}

// benchHandler serves the app with its security headers, and under
// /bench/ onnxruntime-web's files, the ORT page and the models, with the
// same headers, so the same CSP and cross-origin isolation apply to both.
func benchHandler(t *testing.T, models string) http.Handler {
	t.Helper()
	ortDist := "../tools/bench/node_modules/onnxruntime-web/dist"
	if _, err := os.Stat(filepath.Join(ortDist, "ort.wasm.min.mjs")); err != nil {
		t.Fatalf("onnxruntime-web is not installed: run `make bench-deps` (%v)", err)
	}
	mux := http.NewServeMux()
	mux.Handle("/", benchApp(t))
	bench := http.NewServeMux()
	bench.Handle("/bench/ort/", http.StripPrefix("/bench/ort/", http.FileServer(http.Dir(ortDist))))
	bench.Handle("/bench/page/", http.StripPrefix("/bench/page/", http.FileServer(http.Dir("../tools/bench"))))
	bench.Handle("/bench/models/", http.StripPrefix("/bench/models/", http.FileServer(http.Dir(models))))
	mux.Handle("/bench/", web.SecurityHeaders(bench))
	return mux
}

// benchTab opens a tab for a long benchmark (openTab's limit is 90 s).
func benchTab(t *testing.T, url string) *tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browserCtx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 20*time.Minute)
	t.Cleanup(func() { cancelTimeout(); cancel() })
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		t.Fatal(err)
	}
	return &tab{t: t, ctx: ctx}
}

func benchTiming(t *testing.T, v any) timing {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var tm timing
	if err := json.Unmarshal(raw, &tm); err != nil {
		t.Fatal(err)
	}
	return tm
}

func benchMaxDiff(a, b []float64) float64 {
	if len(a) != len(b) || len(a) == 0 {
		return math.Inf(1)
	}
	var d float64
	for i := range a {
		d = max(d, math.Abs(a[i]-b[i]))
	}
	return d
}

func benchWriteFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func benchJSON(t *testing.T, f func() ([]byte, error)) []byte {
	t.Helper()
	b, err := f()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func benchBytes(t *testing.T, f func(w io.Writer) error) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := f(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
