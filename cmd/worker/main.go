// Command worker is Textlab's server entry for Cloudflare Workers: it hands
// the web handler to workers.Serve (github.com/syumai/workers). Built with
// GOOS=js GOARCH=wasm by `make cloudflare`, it serves the pages while
// Cloudflare's asset binding serves static/. Built natively it is a plain
// debugging server on :$PORT (all interfaces; prefer `textlab serve`).
package main

import (
	"github.com/syumai/workers"

	"textlab/web"
)

func main() {
	workers.Serve(web.NewHandler(assets()))
}
