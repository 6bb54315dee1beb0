// Textlab engine worker: one Go WebAssembly instance. It receives the
// compiled engine module from the page, starts Go, and relays messages
// between the page and the engine (see wasm/protocol for the protocol).
"use strict";
importScripts("wasm_exec.js");

const pending = []; // calls that arrived before the engine was ready
let ready = false;

// The engine calls textlabPost(json) for every message it sends.
self.textlabPost = (json) => {
  const msg = JSON.parse(json);
  if (msg.type === "ready") {
    ready = true;
    for (const m of pending.splice(0)) handle(m);
  }
  self.postMessage(msg);
};

function handle(m) {
  if (m.type === "call") {
    self.textlabEngineCall(m.id, m.method, m.payload === undefined ? "" : JSON.stringify(m.payload), m.data);
  } else if (m.type === "cancel") {
    self.textlabEngineCancel(m.id);
  }
}

self.onmessage = async (ev) => {
  const m = ev.data;
  if (m.type === "init") {
    try {
      const go = new Go();
      // The engine imports the SIMD kernels (wasm/simd); they are
      // instantiated after the engine, on its memory, so the imports
      // forward to them once they exist.
      let kernels = null;
      go.importObject.textlab_simd = {
        dot_rows_i8: (...args) => kernels.dot_rows_i8(...args),
        matvec_f32: (...args) => kernels.matvec_f32(...args),
        matmul_t_f32: (...args) => kernels.matmul_t_f32(...args),
      };
      const instance = await WebAssembly.instantiate(m.module, go.importObject);
      if (m.simd) {
        try {
          const simd = await WebAssembly.instantiate(m.simd, { env: { mem: instance.exports.mem } });
          kernels = simd.exports;
          self.textlabSimd = true;
        } catch (err) {
          console.warn("engine: SIMD kernels not started, using the Go kernels: " + err);
        }
      }
      go.run(instance).then(() => {
        self.postMessage({ type: "fatal", message: "the engine stopped" });
      });
    } catch (err) {
      self.postMessage({ type: "fatal", message: "the engine could not start: " + err });
    }
    return;
  }
  if (!ready) pending.push(m);
  else handle(m);
};
