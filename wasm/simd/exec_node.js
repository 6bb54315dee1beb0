// Runs a GOOS=js GOARCH=wasm test binary under Node with the SIMD kernels
// wired in as static/worker.js wires them, so `go test` can check them:
//
//   GOOS=js GOARCH=wasm go test -exec="$PWD/wasm/simd/exec" ./wasm/simd/
//
// It loads Go's wasm_exec.js from GOROOT (passed in by ./exec).
"use strict";
const fs = require("fs");
const path = require("path");

globalThis.require = require;
globalThis.fs = fs;
globalThis.path = path;
require(path.join(process.env.TEXTLAB_GOROOT, "lib", "wasm", "wasm_exec.js"));

async function main() {
  const go = new Go();
  go.argv = process.argv.slice(2);
  go.env = Object.assign({ TMPDIR: require("os").tmpdir() }, process.env);
  go.exit = process.exit;
  let kernels = null;
  go.importObject.textlab_simd = {
    dot_rows_i8: (...args) => kernels.dot_rows_i8(...args),
    matvec_f32: (...args) => kernels.matvec_f32(...args),
    matmul_t_f32: (...args) => kernels.matmul_t_f32(...args),
  };
  const { instance } = await WebAssembly.instantiate(fs.readFileSync(process.argv[2]), go.importObject);
  const simd = fs.readFileSync(path.join(__dirname, "..", "..", "static", "simd.wasm"));
  kernels = (await WebAssembly.instantiate(simd, { env: { mem: instance.exports.mem } })).instance.exports;
  globalThis.textlabSimd = true;
  await go.run(instance);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
