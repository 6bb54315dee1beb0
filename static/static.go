// Package static holds what the browser loads: the JavaScript glue
// (app.js, engine.js, worker.js), the stylesheet, Go's wasm_exec.js and the
// built engine (engine.wasm, from `make engine`), and the sample data sets.
// The files are embedded so the server binary is self-contained.
package static

import "embed"

// FS holds what the browser loads from this folder: scripts, stylesheets,
// the icon, the engine and SIMD kernels, the sample data sets and the
// models (build outputs included once built). Go sources, tests and the
// folders' READMEs are not served.
//
//go:embed *.js *.css *.svg *.wasm pages/*.js pages/*.css data/*.csv models/*.bin
var FS embed.FS
