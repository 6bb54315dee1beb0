package generate

import (
	"strings"
	"testing"

	"textlab/internal/enginetest"
	"textlab/internal/reftest/runc"
)

func f32(v float32) *float32 { return &v }

// newEngine returns a fresh engine with decoder.generate.
func newEngine(t *testing.T) enginetest.Call {
	_, call := enginetest.New(t, Register)
	return call
}

// TestGenerateReproducesRunC runs decoder.generate with run.c's settings
// for the reference outputs of run.c on stories260K.bin (package runc):
// the ids must be run.c's. The checkpoint is sent once and then used by
// name, as the page does.
func TestGenerateReproducesRunC(t *testing.T) {
	ckpt := runc.Checkpoint(t)
	call := newEngine(t)
	for i, run := range runc.Runs {
		var data []byte
		if i == 0 {
			data = ckpt
		}
		req := Request{Name: "stories", Steps: runc.Steps, Temperature: f32(run.Temperature), TopP: f32(run.TopP), Seed: run.Seed}
		m := call.JSON(t, "decoder.generate", req, data)
		if m.Type != "result" {
			t.Fatalf("%s: got %+v", run.File, m)
		}
		res := m.Result.(Result)
		if got, want := runc.Join(res.IDs), runc.Join(runc.IDs(t, run.File)); got != want {
			t.Errorf("%s: ids differ from run.c's\n got %s\nwant %s", run.File, got, want)
		}
		if res.Settings["seed"] != run.Seed || res.Settings["top_p"] != run.TopP || res.Stopped != "steps" {
			t.Errorf("%s: settings %v, stopped %q", run.File, res.Settings, res.Stopped)
		}
	}
}

func TestGenerateRejectsBadRequests(t *testing.T) {
	ckpt := runc.Checkpoint(t)
	call := newEngine(t)
	ok := func(r Request) Request {
		if r.Temperature == nil {
			r.Temperature = f32(1)
		}
		if r.TopP == nil {
			r.TopP = f32(0.9)
		}
		if r.Seed == 0 {
			r.Seed = 7
		}
		return r
	}
	tests := []struct {
		name string
		req  Request
		data []byte
		want string
	}{
		{"no temperature", Request{TopP: f32(0.9), Seed: 1}, ckpt, "temperature and top_p are required"},
		{"negative temperature", ok(Request{Temperature: f32(-1)}), ckpt, "temperature -1 is negative"},
		{"top_p above 1", ok(Request{TopP: f32(1.5)}), ckpt, "top_p 1.5 is outside [0, 1]"},
		{"seed 0", Request{Temperature: f32(1), TopP: f32(0.9)}, ckpt, "seed must be at least 1"},
		{"too many steps", ok(Request{Steps: 513}), ckpt, "steps 513 is more than the model's seq_len 512"},
		{"prompt outside the vocabulary", ok(Request{Prompt: []int{1, 600}}), ckpt, "prompt token 1 is 600, outside the vocabulary [0, 512)"},
		{"no model loaded", ok(Request{Name: "never-sent"}), nil, `no model "never-sent" is loaded in this worker`},
		{"not a checkpoint", ok(Request{Name: "junk"}), []byte("not a model"), `"junk" is not a usable llama2.c checkpoint`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := call.JSON(t, "decoder.generate", tt.req, tt.data)
			if m.Type != "error" || m.Error.Code != "bad_request" || !strings.Contains(m.Error.Message, tt.want) {
				t.Errorf("got %+v, want a bad_request containing %q", m, tt.want)
			}
		})
	}
}

// TestGenerateInt8 loads the same checkpoint quantized under the same name:
// the int8 model is kept apart from the float32 one, and its settings say so.
func TestGenerateInt8(t *testing.T) {
	ckpt := runc.Checkpoint(t)
	call := newEngine(t)
	req := Request{Name: "q", Int8: true, Steps: 32, Temperature: f32(0), TopP: f32(0.9), Seed: 1}
	m := call.JSON(t, "decoder.generate", req, ckpt)
	if m.Type != "result" {
		t.Fatalf("got %+v", m)
	}
	res := m.Result.(Result)
	if res.Settings["int8"] != true || len(res.IDs) == 0 || len(res.IDs) > 32 {
		t.Errorf("int8 result: %d ids, settings %v", len(res.IDs), res.Settings)
	}
	req.Int8 = false
	if m := call.JSON(t, "decoder.generate", req, nil); m.Type != "error" {
		t.Errorf("the float32 model %q was never sent, but the call gave %+v", req.Name, m)
	}
}
