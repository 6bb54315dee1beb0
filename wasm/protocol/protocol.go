// Package protocol is the message protocol between the page and Textlab's
// WebAssembly engine workers. It knows nothing of JavaScript: the worker's
// main function (package textlab/wasm) feeds it requests and forwards the
// messages it emits, so everything here is tested natively.
//
// Page → engine:
//
//	{type: "call", id, method, payload, data?}   start a request
//	{type: "cancel", id}                         cancel it
//
// Engine → page:
//
//	{type: "ready", result: {...}}               once, when the engine has started
//	{type: "progress", id, fraction, message}    zero or more per request
//	{type: "result", id, result}                 exactly one of these two
//	{type: "error", id, error: {code, message}}  per request
//
// A failing or panicking method produces an "error" message; the engine
// keeps running.
package protocol

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime/debug"
	"sort"
	"sync"
	"time"
)

// Request is one call from the page.
type Request struct {
	ID      int64           // chosen by the page, unique per worker
	Method  string          // e.g. "engine.info"
	Payload json.RawMessage // the method's arguments as JSON (may be empty)
	Data    []byte          // optional bulk bytes (a file's contents)
}

// Progress reports how far a request has come: fraction in [0, 1] and a
// short message for the user ("fold 2 of 5").
type Progress func(fraction float64, message string)

// Handler runs one method. It should return promptly with ctx.Err() once ctx
// is cancelled, and may call progress as often as it likes (the engine
// throttles what it sends). The result is encoded as JSON.
type Handler func(ctx context.Context, req Request, progress Progress) (any, error)

// Error codes carried by error messages.
const (
	CodeBadRequest    = "bad_request"    // the payload could not be decoded or was invalid
	CodeUnknownMethod = "unknown_method" // no handler for the method
	CodeCancelled     = "cancelled"      // the page cancelled the request
	CodeFailed        = "failed"         // the method returned an error
	CodeInternal      = "internal"       // the method panicked (a bug); the engine survives
)

// Error is an error a page can show: a code for programs and a message for
// people.
type Error struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func (e *Error) Error() string { return e.Message }

// BadRequest returns an Error with CodeBadRequest, for handlers that reject
// their payload.
func BadRequest(format string, args ...any) *Error {
	return &Error{Code: CodeBadRequest, Message: fmt.Sprintf(format, args...)}
}

// Message is one message from the engine to the page.
type Message struct {
	Type     string  `json:"type"` // ready, progress, result or error
	ID       int64   `json:"id,omitempty"`
	Fraction float64 `json:"fraction,omitempty"`
	Message  string  `json:"message,omitempty"`
	Result   any     `json:"result,omitempty"`
	Error    *Error  `json:"error,omitempty"`
}

// Engine dispatches requests to registered handlers.
type Engine struct {
	send func(Message)

	// Yield, if set, is called after a progress message has been sent. In
	// the browser it returns control to the JavaScript event loop for a
	// moment, so cancel messages arrive while a computation runs.
	Yield func()
	// ProgressInterval is the minimum time between two progress messages
	// of one request. If zero, 50ms is used.
	ProgressInterval time.Duration

	store   *Store
	mu      sync.Mutex
	methods map[string]Handler
	running map[int64]context.CancelFunc
}

// New returns an engine that emits its messages through send. send must be
// safe to call from several goroutines.
func New(send func(Message)) *Engine {
	return &Engine{send: send, store: NewStore(0), methods: map[string]Handler{}, running: map[int64]context.CancelFunc{}}
}

// Store returns the engine's store: what its capabilities keep between
// requests.
func (e *Engine) Store() *Store { return e.store }

// Register adds a method. Registering a name twice is a programming error
// and panics at start-up.
func (e *Engine) Register(method string, h Handler) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if _, dup := e.methods[method]; dup {
		panic("protocol: method registered twice: " + method)
	}
	e.methods[method] = h
}

// Methods returns the registered method names, sorted.
func (e *Engine) Methods() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	names := make([]string, 0, len(e.methods))
	for n := range e.methods {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Ready announces the engine to the page with a description of itself.
func (e *Engine) Ready(info any) { e.send(Message{Type: "ready", Result: info}) }

// Serve runs one request to completion and sends its result or error. It
// blocks; the caller runs it in a goroutine of its own.
func (e *Engine) Serve(req Request) {
	e.mu.Lock()
	h, ok := e.methods[req.Method]
	ctx, cancel := context.WithCancel(context.Background())
	_, dup := e.running[req.ID]
	if ok && !dup {
		e.running[req.ID] = cancel
	}
	e.mu.Unlock()
	defer cancel()

	switch {
	case !ok:
		e.send(Message{Type: "error", ID: req.ID, Error: &Error{Code: CodeUnknownMethod, Message: fmt.Sprintf("the engine has no method %q", req.Method)}})
		return
	case dup:
		e.send(Message{Type: "error", ID: req.ID, Error: BadRequest("request id %d is already running", req.ID)})
		return
	}
	defer func() {
		e.mu.Lock()
		delete(e.running, req.ID)
		e.mu.Unlock()
	}()

	result, err := e.call(ctx, h, req)
	if err == nil && ctx.Err() != nil {
		err = ctx.Err()
	}
	if err != nil {
		e.send(Message{Type: "error", ID: req.ID, Error: toError(err)})
		return
	}
	e.send(Message{Type: "result", ID: req.ID, Result: result})
}

// call runs h, turning a panic into an internal error.
func (e *Engine) call(ctx context.Context, h Handler, req Request) (result any, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &Error{Code: CodeInternal, Message: fmt.Sprintf("internal error in %s: %v (this is a bug in Textlab; the engine is still running)\n%s", req.Method, r, debug.Stack())}
		}
	}()
	return h(ctx, req, e.progress(ctx, req.ID))
}

// progress returns the throttled progress callback of one request.
func (e *Engine) progress(ctx context.Context, id int64) Progress {
	interval := e.ProgressInterval
	if interval == 0 {
		interval = 50 * time.Millisecond
	}
	var last time.Time
	return func(fraction float64, message string) {
		if ctx.Err() != nil {
			return
		}
		now := time.Now()
		if fraction < 1 && now.Sub(last) < interval {
			return
		}
		last = now
		e.send(Message{Type: "progress", ID: id, Fraction: clamp01(fraction), Message: message})
		if e.Yield != nil {
			e.Yield()
		}
	}
}

// Cancel cancels a running request; cancelling an unknown or finished
// request does nothing.
func (e *Engine) Cancel(id int64) {
	e.mu.Lock()
	cancel := e.running[id]
	e.mu.Unlock()
	if cancel != nil {
		cancel()
	}
}

func toError(err error) *Error {
	var pe *Error
	switch {
	case errors.As(err, &pe):
		return pe
	case errors.Is(err, context.Canceled):
		return &Error{Code: CodeCancelled, Message: "cancelled"}
	default:
		return &Error{Code: CodeFailed, Message: err.Error()}
	}
}

func clamp01(f float64) float64 {
	switch {
	case f < 0 || f != f:
		return 0
	case f > 1:
		return 1
	}
	return f
}

// Decode unmarshals a request payload into v, answering a clear bad_request
// error when it does not fit.
func Decode(req Request, v any) error {
	if len(req.Payload) == 0 {
		return nil
	}
	if err := json.Unmarshal(req.Payload, v); err != nil {
		return BadRequest("%s: the request payload is not valid: %v", req.Method, err)
	}
	return nil
}
