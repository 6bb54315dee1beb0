// Package enginetest is test support for the engine's capability packages
// (textlab/wasm/...): it builds an engine with the capabilities a test
// names and serves requests on it as the page would.
package enginetest

import (
	"encoding/json"
	"strings"
	"testing"

	"textlab/wasm/protocol"
)

// Call serves one request and returns the engine's final message for it (its
// result or its error; progress messages are skipped).
type Call func(method, payload string, data []byte) protocol.Message

// New returns a fresh engine (an empty store) with the capabilities that
// register added, and a Call that serves requests on it one at a time.
func New(t testing.TB, register ...func(*protocol.Engine)) (*protocol.Engine, Call) {
	t.Helper()
	var last protocol.Message
	e := protocol.New(func(m protocol.Message) {
		if m.Type != "progress" {
			last = m
		}
	})
	for _, r := range register {
		r(e)
	}
	id := int64(0)
	return e, func(method, payload string, data []byte) protocol.Message {
		id++
		e.Serve(protocol.Request{ID: id, Method: method, Payload: json.RawMessage(payload), Data: data})
		return last
	}
}

// JSON serves one request whose payload is v encoded as JSON.
func (c Call) JSON(t testing.TB, method string, v any, data []byte) protocol.Message {
	t.Helper()
	payload, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return c(method, string(payload), data)
}

// JSONOf encodes v as JSON without escaping HTML, so tests can look for
// markup in results.
func JSONOf(v any) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
	return strings.TrimSpace(b.String())
}
