// Textlab's onnxruntime-web peer for the transformer benchmarks
// (e2e/bench_test.go, docs/BENCHMARKS.md). It runs the ONNX exports of the
// same weights the Go engine runs (tools/bench/export_onnx.py) on the same
// synthetic token ids, and times them the same way: warm-up runs, then
// timed runs, median.
import * as ort from "/bench/ort/ort.wasm.min.mjs";

const threads = Number(new URLSearchParams(location.search).get("threads") || "1");
ort.env.wasm.numThreads = threads;
ort.env.wasm.wasmPaths = "/bench/ort/";
ort.env.wasm.proxy = false;

// benchTokens is wasm/methods/bench.go's benchTokens: n ids below vocab.
function benchTokens(n, vocab) {
  const ids = new BigInt64Array(n);
  for (let i = 0; i < n; i++) ids[i] = BigInt((1 + i * 7919) % vocab);
  return ids;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

function session(url) {
  return ort.InferenceSession.create(url, { executionProviders: ["wasm"], graphOptimizationLevel: "all" });
}

// encode times one batch of `sequences` sequences of seqLen tokens per run.
async function encode({ model, vocab, sequences = 8, seqLen = 64, warmup = 1, iterations = 5 }) {
  const t0 = performance.now();
  const s = await session(model);
  const load = (performance.now() - t0) / 1000;
  const one = benchTokens(seqLen, vocab);
  const ids = new BigInt64Array(sequences * seqLen);
  for (let b = 0; b < sequences; b++) ids.set(one, b * seqLen);
  const feeds = {
    input_ids: new ort.Tensor("int64", ids, [sequences, seqLen]),
    attention_mask: new ort.Tensor("int64", new BigInt64Array(sequences * seqLen).fill(1n), [sequences, seqLen]),
  };
  const seconds = [];
  let out;
  for (let i = 0; i < warmup + iterations; i++) {
    const start = performance.now();
    out = await s.run(feeds);
    if (i >= warmup) seconds.push((performance.now() - start) / 1000);
  }
  const m = median(seconds);
  const probe = Array.from(out.last_hidden_state.data.slice(0, 8));
  await s.release();
  return { load_seconds: load, items: sequences, seconds, median: m, per_second: sequences / m, probe };
}

// decode times `tokens` positions from 0 with the key/value cache, feeding
// present_k/present_v back as past_k/past_v.
async function decode({ model, vocab, layers, kvDim, tokens = 64, warmup = 1, iterations = 3 }) {
  const t0 = performance.now();
  const s = await session(model);
  const load = (performance.now() - t0) / 1000;
  const ids = benchTokens(tokens, vocab);
  const seconds = [];
  let logits;
  for (let i = 0; i < warmup + iterations; i++) {
    const start = performance.now();
    let pastK = new ort.Tensor("float32", new Float32Array(0), [layers, 0, kvDim]);
    let pastV = new ort.Tensor("float32", new Float32Array(0), [layers, 0, kvDim]);
    for (let pos = 0; pos < tokens; pos++) {
      const out = await s.run({
        token: new ort.Tensor("int64", BigInt64Array.of(ids[pos]), [1]),
        pos: new ort.Tensor("int64", BigInt64Array.of(BigInt(pos)), [1]),
        past_k: pastK,
        past_v: pastV,
      });
      pastK = out.present_k;
      pastV = out.present_v;
      logits = out.logits;
    }
    if (i >= warmup) seconds.push((performance.now() - start) / 1000);
  }
  const m = median(seconds);
  const probe = Array.from(logits.data.slice(0, 8));
  await s.release();
  return { load_seconds: load, items: tokens, seconds, median: m, per_second: tokens / m, probe };
}

window.ortBench = { encode, decode, threads, isolated: self.crossOriginIsolated, version: ort.env.versions?.common };
document.getElementById("status").textContent = `onnxruntime-web ready (${threads} thread(s), cross-origin isolated: ${self.crossOriginIsolated})`;
