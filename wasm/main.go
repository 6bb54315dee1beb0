//go:build js && wasm

// Command wasm is Textlab's engine: it runs inside a Web Worker
// (static/worker.js), receives calls through globalThis.textlabEngineCall,
// and posts its messages back through globalThis.textlabPost. It only
// translates between JavaScript and package protocol; the methods live in
// one package per capability (wasm/data, wasm/classic, ...) and the
// computing in core/.
package main

import (
	"encoding/json"
	"syscall/js"
	"time"

	"textlab/wasm/agreement"
	"textlab/wasm/board"
	"textlab/wasm/classic"
	"textlab/wasm/data"
	"textlab/wasm/dictionary"
	"textlab/wasm/engine"
	"textlab/wasm/generate"
	"textlab/wasm/protocol"
	"textlab/wasm/simd"
	"textlab/wasm/storage"
	"textlab/wasm/study"
)

func main() {
	post := js.Global().Get("textlabPost")
	send := func(m protocol.Message) {
		b, err := json.Marshal(m)
		if err != nil {
			b, _ = json.Marshal(protocol.Message{Type: "error", ID: m.ID, Error: &protocol.Error{Code: protocol.CodeInternal, Message: "could not encode the result: " + err.Error()}})
		}
		post.Invoke(string(b))
	}
	e := protocol.New(send)
	// Sleeping hands control back to the JavaScript event loop, so a
	// cancel message can be delivered while a long computation runs.
	e.Yield = func() { time.Sleep(time.Millisecond) }
	opts := engine.Options{SIMD: simd.Install()}
	register(e, opts)

	// textlabEngineCall(id, method, payloadJSON, data?) starts a request.
	js.Global().Set("textlabEngineCall", js.FuncOf(func(this js.Value, args []js.Value) any {
		req := protocol.Request{ID: int64(args[0].Int()), Method: args[1].String()}
		if len(args) > 2 && args[2].Type() == js.TypeString {
			req.Payload = json.RawMessage(args[2].String())
		}
		if len(args) > 3 && args[3].Truthy() {
			req.Data = make([]byte, args[3].Get("length").Int())
			js.CopyBytesToGo(req.Data, args[3])
		}
		go e.Serve(req)
		return nil
	}))
	// textlabEngineCancel(id) cancels a running request.
	js.Global().Set("textlabEngineCancel", js.FuncOf(func(this js.Value, args []js.Value) any {
		e.Cancel(int64(args[0].Int()))
		return nil
	}))
	e.Ready(engine.Describe(e, opts))
	select {}
}

// register adds every capability's methods to e; an engine built with the
// "bench" tag adds the benchmark methods too (bench.go).
func register(e *protocol.Engine, opts engine.Options) {
	engine.Register(e, opts)
	data.Register(e)
	dictionary.Register(e)
	classic.Register(e)
	agreement.Register(e)
	board.Register(e)
	generate.Register(e)
	storage.Register(e)
	study.Register(e)
	registerBench(e)
}
