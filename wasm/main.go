//go:build js && wasm

// Command wasm is Textlab's engine: it runs inside a Web Worker
// (static/worker.js), receives calls through globalThis.textlabEngineCall,
// and posts its messages back through globalThis.textlabPost. It only
// translates between JavaScript and package protocol; the methods live in
// package methods and the computing in core/.
package main

import (
	"encoding/json"
	"syscall/js"
	"time"

	"textlab/wasm/methods"
	"textlab/wasm/protocol"
	"textlab/wasm/simd"
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
	engine := protocol.New(send)
	// Sleeping hands control back to the JavaScript event loop, so a
	// cancel message can be delivered while a long computation runs.
	engine.Yield = func() { time.Sleep(time.Millisecond) }
	methods.SIMD = simd.Install()
	methods.Register(engine)

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
		go engine.Serve(req)
		return nil
	}))
	// textlabEngineCancel(id) cancels a running request.
	js.Global().Set("textlabEngineCancel", js.FuncOf(func(this js.Value, args []js.Value) any {
		engine.Cancel(int64(args[0].Int()))
		return nil
	}))
	engine.Ready(methods.Describe(engine))
	select {}
}
