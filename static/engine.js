// Textlab engine client: a pool of Web Workers, each running the Go
// WebAssembly engine. One message protocol for everything: a call has an id,
// a method and a payload; the engine answers with progress events and then
// exactly one result or error. Calls can be cancelled with an AbortSignal.

/** EngineError is a failed call: code is one of bad_request,
 * unknown_method, cancelled, failed, internal, worker. */
export class EngineError extends Error {
  constructor(code, message) {
    super(message);
    this.name = "EngineError";
    this.code = code;
  }
}

class EngineWorker {
  constructor(index, module, simd, url, onReady) {
    this.index = index;
    this.url = url;
    this.module = module;
    this.simd = simd; // the compiled SIMD kernels, or null
    this.calls = new Map(); // id -> {resolve, reject, onProgress}
    this.onReady = onReady;
    this.start();
  }

  start() {
    this.ready = new Promise((resolve, reject) => {
      this.resolveReady = resolve;
      this.rejectReady = reject;
    });
    this.worker = new Worker(this.url);
    this.worker.onmessage = (ev) => this.receive(ev.data);
    this.worker.onerror = (ev) => {
      ev.preventDefault();
      (this.everReady ? console.warn : console.error)(`engine worker ${this.index}: ${ev.message || "failed"}`);
      this.failAll("worker", "the engine worker failed: " + (ev.message || "unknown error"));
      this.recover();
    };
    this.worker.postMessage({ type: "init", module: this.module, simd: this.simd });
  }

  receive(msg) {
    switch (msg.type) {
      case "ready":
        this.info = msg.result;
        this.resolveReady(msg.result);
        this.onReady?.(this);
        if (this.restarts > 0) {
          // The pages put back what this worker held (the data set, a
          // dictionary, a trained model, the board) from the browser's storage.
          document.dispatchEvent(new CustomEvent("textlab:engine-restarted", { detail: { worker: this.index } }));
        }
        this.everReady = true;
        return;
      case "fatal":
        // A worker that had started is replaced (recover): a warning; one
        // that never started is an error the page reports.
        (this.everReady ? console.warn : console.error)(`engine worker ${this.index}: ${msg.message}`);
        this.rejectReady(new EngineError("worker", msg.message));
        this.failAll("worker", msg.message);
        this.recover();
        return;
    }
    const call = this.calls.get(msg.id);
    if (!call) return; // a call that was already settled (cancelled)
    if (msg.type === "progress") {
      call.onProgress?.(msg.fraction ?? 0, msg.message ?? "");
      return;
    }
    this.calls.delete(msg.id);
    if (msg.type === "result") call.resolve(msg.result);
    else call.reject(new EngineError(msg.error?.code ?? "failed", msg.error?.message ?? "unknown error"));
  }

  failAll(code, message) {
    for (const [id, call] of this.calls) {
      this.calls.delete(id);
      call.reject(new EngineError(code, message));
    }
  }

  /** Restart replaces a worker that does not respond (models it held are
   * lost; the pages load them again on "textlab:engine-restarted"). */
  restart() {
    this.restarts = (this.restarts ?? 0) + 1;
    this.worker.terminate();
    this.failAll("cancelled", "cancelled (the engine worker was restarted)");
    this.start();
  }

  /** recover replaces a worker whose engine crashed after it had started
   * (out of memory, a fatal error), at most 3 times a minute, so the page
   * keeps working; a worker that never started is not retried. */
  recover() {
    if (!this.everReady) return;
    const now = Date.now();
    this.crashes = (this.crashes ?? []).filter((t) => now - t < 60000);
    if (this.crashes.length >= 3) return;
    this.crashes.push(now);
    this.restart();
  }
}

let nextId = 1;

/** Engine is the pool. Worker 0 is the primary: it keeps the user's data
 * and models between calls; batch work may fan out to all workers. */
export class Engine {
  /** start compiles the engine once and starts `size` workers. */
  static async start({ base = new URL(".", import.meta.url), size = defaultPoolSize() } = {}) {
    const wasmURL = new URL("engine.wasm", base);
    const module = await compile(wasmURL);
    // The SIMD kernels (wasm/simd) are optional: without them (a browser
    // without WebAssembly SIMD, a missing file) the engine uses its Go kernels.
    const simd = await compile(new URL("simd.wasm", base)).catch((err) => {
      console.warn("engine: SIMD kernels not loaded, using the Go kernels: " + err.message);
      return null;
    });
    const engine = new Engine();
    engine.workers = [];
    for (let i = 0; i < size; i++) {
      engine.workers.push(new EngineWorker(i, module, simd, new URL("worker.js", base)));
    }
    engine.info = await engine.workers[0].ready;
    await Promise.all(engine.workers.map((w) => w.ready));
    return engine;
  }

  get size() {
    return this.workers.length;
  }

  /** call runs method on the primary worker (or on worker `worker`).
   * Options: onProgress(fraction, message), signal (AbortSignal), data
   * (a Uint8Array of bulk bytes, e.g. a file). Resolves with the result,
   * rejects with an EngineError. */
  async call(method, payload, { onProgress, signal, data, worker = 0 } = {}) {
    const w = this.workers[worker];
    await w.ready;
    if (signal?.aborted) throw new EngineError("cancelled", "cancelled");
    const id = nextId++;
    return new Promise((resolve, reject) => {
      w.calls.set(id, { resolve, reject, onProgress });
      w.worker.postMessage({ type: "call", id, method, payload, data });
      signal?.addEventListener("abort", () => {
        if (!w.calls.has(id)) return;
        w.worker.postMessage({ type: "cancel", id });
        // A computation that never yields cannot see the cancel message:
        // after a grace period the worker is replaced.
        setTimeout(() => {
          if (w.calls.has(id)) w.restart();
        }, 3000);
      }, { once: true });
    });
  }

  /** map runs method once per payload, spread over the pool, and resolves
   * with the results in order. onProgress gets the fraction of payloads done. */
  async map(method, payloads, { onProgress, signal } = {}) {
    const results = new Array(payloads.length);
    let next = 0, done = 0;
    const run = async (worker) => {
      while (next < payloads.length) {
        const i = next++;
        results[i] = await this.call(method, payloads[i], { signal, worker });
        done++;
        onProgress?.(done / payloads.length, `${done} of ${payloads.length}`);
      }
    };
    await Promise.all(this.workers.map((_, w) => run(w)));
    return results;
  }
}

/** defaultPoolSize leaves one core to the page, with 2 to 4 workers. */
export function defaultPoolSize() {
  const cores = navigator.hardwareConcurrency || 2;
  return Math.max(2, Math.min(4, cores - 1));
}

async function compile(url) {
  const response = await fetch(url);
  if (!response.ok) {
    throw new EngineError("worker", `could not load the engine (${url.pathname}: HTTP ${response.status}); run \`make build\``);
  }
  // Static servers that do not know .wasm send another type, which
  // compileStreaming refuses: fall back to compiling the bytes.
  if ((response.headers.get("Content-Type") || "").startsWith("application/wasm")) {
    return WebAssembly.compileStreaming(response);
  }
  return WebAssembly.compile(await response.arrayBuffer());
}
