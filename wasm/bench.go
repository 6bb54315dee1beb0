//go:build js && wasm && bench

package main

import (
	"textlab/wasm/bench"
	"textlab/wasm/protocol"
)

// registerBench adds the benchmark methods (bench.encode, bench.decode,
// bench.classic): only `make bench` builds an engine with them.
func registerBench(e *protocol.Engine) { bench.Register(e) }
