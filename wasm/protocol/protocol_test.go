package protocol

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
)

// recorder collects the messages an engine sends.
type recorder struct {
	mu   sync.Mutex
	msgs []Message
}

func (r *recorder) send(m Message) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.msgs = append(r.msgs, m)
}

func (r *recorder) all() []Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Message(nil), r.msgs...)
}

func newTestEngine() (*Engine, *recorder) {
	rec := &recorder{}
	e := New(rec.send)
	e.ProgressInterval = time.Nanosecond
	e.Register("echo", func(ctx context.Context, req Request, p Progress) (any, error) {
		var in struct{ Text string }
		if err := Decode(req, &in); err != nil {
			return nil, err
		}
		p(0.5, "halfway")
		return map[string]any{"text": in.Text, "bytes": len(req.Data)}, nil
	})
	e.Register("fail", func(ctx context.Context, req Request, p Progress) (any, error) {
		return nil, errors.New("line 3: label column is empty")
	})
	e.Register("panic", func(ctx context.Context, req Request, p Progress) (any, error) {
		var m map[string]int
		m["boom"] = 1 // nil map write: a bug, must not kill the engine
		return nil, nil
	})
	return e, rec
}

func TestServe(t *testing.T) {
	tests := []struct {
		name     string
		req      Request
		wantType string
		wantCode string
		wantText string // substring of the result JSON or error message
	}{
		{"result", Request{ID: 1, Method: "echo", Payload: json.RawMessage(`{"text":"hi"}`), Data: []byte("abc")}, "result", "", `"bytes":3`},
		{"no payload", Request{ID: 2, Method: "echo"}, "result", "", `"text":""`},
		{"bad payload", Request{ID: 3, Method: "echo", Payload: json.RawMessage(`{"text":1}`)}, "error", CodeBadRequest, "payload is not valid"},
		{"unknown method", Request{ID: 4, Method: "nope"}, "error", CodeUnknownMethod, `no method "nope"`},
		{"method error", Request{ID: 5, Method: "fail"}, "error", CodeFailed, "line 3: label column is empty"},
		{"panic", Request{ID: 6, Method: "panic"}, "error", CodeInternal, "engine is still running"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e, rec := newTestEngine()
			e.Serve(tc.req)
			msgs := rec.all()
			last := msgs[len(msgs)-1]
			if last.Type != tc.wantType || last.ID != tc.req.ID {
				t.Fatalf("last message %+v, want type %s id %d", last, tc.wantType, tc.req.ID)
			}
			var text string
			if last.Error != nil {
				if last.Error.Code != tc.wantCode {
					t.Errorf("code %q, want %q", last.Error.Code, tc.wantCode)
				}
				text = last.Error.Message
			} else {
				b, _ := json.Marshal(last.Result)
				text = string(b)
			}
			if !strings.Contains(text, tc.wantText) {
				t.Errorf("got %q, want it to contain %q", text, tc.wantText)
			}
			// The engine still serves after every outcome.
			e.Serve(Request{ID: 99, Method: "echo"})
			if m := rec.all(); m[len(m)-1].Type != "result" {
				t.Errorf("engine did not serve after %s: %+v", tc.name, m[len(m)-1])
			}
		})
	}
}

func TestProgressBeforeResult(t *testing.T) {
	e, rec := newTestEngine()
	e.Serve(Request{ID: 7, Method: "echo"})
	msgs := rec.all()
	if len(msgs) != 2 || msgs[0].Type != "progress" || msgs[0].Fraction != 0.5 || msgs[0].Message != "halfway" {
		t.Fatalf("messages %+v, want one progress then the result", msgs)
	}
}

func TestCancel(t *testing.T) {
	rec := &recorder{}
	e := New(rec.send)
	started := make(chan struct{})
	e.Register("wait", func(ctx context.Context, req Request, p Progress) (any, error) {
		close(started)
		<-ctx.Done()
		return nil, ctx.Err()
	})
	done := make(chan struct{})
	go func() { e.Serve(Request{ID: 8, Method: "wait"}); close(done) }()
	<-started
	e.Cancel(8)
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("cancelled request did not finish")
	}
	msgs := rec.all()
	if last := msgs[len(msgs)-1]; last.Error == nil || last.Error.Code != CodeCancelled {
		t.Fatalf("last message %+v, want a cancelled error", last)
	}
	e.Cancel(12345) // unknown ids are ignored
}

func TestProgressThrottledAndYields(t *testing.T) {
	rec := &recorder{}
	e := New(rec.send)
	e.ProgressInterval = time.Hour
	yields := 0
	e.Yield = func() { yields++ }
	e.Register("many", func(ctx context.Context, req Request, p Progress) (any, error) {
		for i := 0; i < 1000; i++ {
			p(float64(i)/1000, "")
		}
		p(1, "done")
		return nil, nil
	})
	e.Serve(Request{ID: 1, Method: "many"})
	progress := 0
	for _, m := range rec.all() {
		if m.Type == "progress" {
			progress++
		}
	}
	// The first update passes, the next 999 fall within the interval, and
	// the final fraction 1 always passes.
	if progress != 2 || yields != 2 {
		t.Fatalf("%d progress messages and %d yields, want 2 and 2", progress, yields)
	}
}

func TestRegisterTwicePanics(t *testing.T) {
	e := New(func(Message) {})
	e.Register("a", func(context.Context, Request, Progress) (any, error) { return nil, nil })
	defer func() {
		if recover() == nil {
			t.Fatal("second Register did not panic")
		}
	}()
	e.Register("a", func(context.Context, Request, Progress) (any, error) { return nil, nil })
}
