//go:build js && wasm && !bench

package main

import "textlab/wasm/protocol"

// registerBench adds nothing: the production engine has no benchmark
// methods (build with the "bench" tag for them).
func registerBench(*protocol.Engine) {}
