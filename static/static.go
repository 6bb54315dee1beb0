// Package static holds what the browser loads: the JavaScript glue
// (app.js, engine.js, worker.js), the stylesheet, Go's wasm_exec.js and the
// built engine (engine.wasm, from `make engine`), and the sample data sets.
// The files are embedded so the server binary is self-contained.
package static

import "embed"

// FS holds every file of this folder (build outputs included once built).
//
//go:embed *
var FS embed.FS
