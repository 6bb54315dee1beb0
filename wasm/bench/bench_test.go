package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"textlab/core/bert"
	"textlab/core/decoder"
	"textlab/core/llama2c"
	"textlab/internal/enginetest"
	"textlab/wasm/protocol"
)

// The engine the bench tests share, so a model loaded by one call is there
// for the next, as in a worker.
var (
	testEngine *protocol.Engine
	testCall   enginetest.Call
)

// benchCall runs one bench request on the tests' engine.
func benchCall(t *testing.T, method string, payload any, data []byte) protocol.Message {
	t.Helper()
	if testCall == nil {
		testEngine, testCall = enginetest.New(t, Register)
	}
	return testCall.JSON(t, method, payload, data)
}

func benchResult(t *testing.T, m protocol.Message) BenchResult {
	t.Helper()
	if m.Type != "result" {
		t.Fatalf("got %+v, want a result", m)
	}
	return m.Result.(BenchResult)
}

func tinyBert(t *testing.T) (*bert.Model, []byte, []byte) {
	t.Helper()
	cfg := bert.Config{VocabSize: 50, HiddenSize: 16, NumAttentionHeads: 2, NumHiddenLayers: 2,
		IntermediateSize: 32, MaxPositionEmbeddings: 24}
	m, err := bert.NewRandom(cfg, 3, 0.3)
	if err != nil {
		t.Fatal(err)
	}
	var st bytes.Buffer
	if err := m.WriteSafetensors(&st); err != nil {
		t.Fatal(err)
	}
	cj, err := m.Config.JSON()
	if err != nil {
		t.Fatal(err)
	}
	return m, cj, st.Bytes()
}

func TestBenchEncode(t *testing.T) {
	m, cj, st := tinyBert(t)
	res := benchResult(t, benchCall(t, "bench.encode", map[string]any{
		"name": "tiny", "config": json.RawMessage(cj), "sequences": 3, "seq_len": 10, "warmup": 1, "iterations": 4,
	}, st))
	if res.Items != 3 || len(res.Seconds) != 4 || res.Median <= 0 || res.PerSecond <= 0 || res.LoadSeconds <= 0 {
		t.Errorf("timing %+v: want 3 items, 4 positive times, a median and a rate", res)
	}
	// The probe is the [CLS] state of the benchmark's input, as Encode gives it.
	want, err := m.Encode(context.Background(), []bert.Input{{IDs: benchTokens(10, 50)}}, bert.Options{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Probe) != 8 {
		t.Fatalf("probe has %d values, want 8", len(res.Probe))
	}
	for i, v := range res.Probe {
		if d := v - want[0].CLS[i]; d > 1e-5 || d < -1e-5 {
			t.Errorf("probe[%d] = %g, want %g", i, v, want[0].CLS[i])
		}
	}

	// Without bytes the kept model runs; quantized, the output moves a little.
	again := benchResult(t, benchCall(t, "bench.encode", map[string]any{"name": "tiny", "seq_len": 10, "iterations": 1}, nil))
	if again.LoadSeconds != 0 || again.Items != 8 || len(again.Seconds) != 1 {
		t.Errorf("reusing the model: %+v", again)
	}
	q := benchResult(t, benchCall(t, "bench.encode", map[string]any{
		"name": "tiny-int8", "config": json.RawMessage(cj), "quantize": true, "sequences": 1, "seq_len": 10, "iterations": 1,
	}, st))
	var diff float32
	for i := range q.Probe {
		diff = max(diff, q.Probe[i]-res.Probe[i], res.Probe[i]-q.Probe[i])
	}
	if diff == 0 || diff > 0.2 {
		t.Errorf("int8 probe differs from float32 by %g: want a small, non-zero difference", diff)
	}
	if m, _ := protocol.Lookup[*bert.Model](testEngine.Store(), "bench.encoder/tiny-int8"); m.Layers[0].Query.Q == nil {
		t.Error("quantize: the kept model is not int8")
	}
}

// tinyLlama returns a random llama2.c checkpoint file.
func tinyLlama(t *testing.T) []byte {
	t.Helper()
	cfg := decoder.LlamaConfig{Dim: 8, HiddenDim: 16, NLayers: 2, NHeads: 2, NKVHeads: 1, VocabSize: 40, SeqLen: 32}
	r := rand.New(rand.NewPCG(5, 6))
	vec := func(n int) []float32 {
		v := make([]float32, n)
		for i := range v {
			v[i] = float32(r.NormFloat64() * 0.3)
		}
		return v
	}
	kv := cfg.KVDim()
	w := decoder.LlamaWeights{TokenEmbedding: vec(cfg.VocabSize * cfg.Dim), RMSFinal: vec(cfg.Dim)}
	for range cfg.NLayers {
		w.Layers = append(w.Layers, decoder.LlamaLayer{
			RMSAtt: vec(cfg.Dim), Wq: vec(cfg.Dim * cfg.Dim), Wk: vec(kv * cfg.Dim), Wv: vec(kv * cfg.Dim),
			Wo: vec(cfg.Dim * cfg.Dim), RMSFFN: vec(cfg.Dim), W1: vec(cfg.HiddenDim * cfg.Dim),
			W2: vec(cfg.Dim * cfg.HiddenDim), W3: vec(cfg.HiddenDim * cfg.Dim),
		})
	}
	w.Classifier = w.TokenEmbedding
	var buf bytes.Buffer
	if err := (&llama2c.Checkpoint{Config: cfg, Weights: w, Shared: true}).Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestBenchDecode(t *testing.T) {
	bin := tinyLlama(t)
	res := benchResult(t, benchCall(t, "bench.decode", map[string]any{"name": "tiny", "tokens": 20, "warmup": 1, "iterations": 3}, bin))
	if res.Items != 20 || len(res.Seconds) != 3 || res.Median <= 0 || res.PerSecond <= 0 {
		t.Errorf("timing %+v: want 20 items, 3 times, a median and a rate", res)
	}
	// The probe is the logits after the last position, as Forward gives them.
	checkProbe := func(name string, probe []float32, int8 bool) {
		m, err := llama2c.LoadModel(bin)
		if err != nil {
			t.Fatal(err)
		}
		if int8 {
			m.Quantize()
		}
		var logits []float32
		for pos, id := range benchTokens(20, 40) {
			logits = m.Forward(id, pos)
		}
		for i, v := range probe {
			if v != logits[i] {
				t.Errorf("%s: probe[%d] = %g, want %g", name, i, v, logits[i])
			}
		}
	}
	checkProbe("float32", res.Probe, false)
	again := benchResult(t, benchCall(t, "bench.decode", map[string]any{"name": "tiny", "tokens": 5, "iterations": 2}, nil))
	if again.LoadSeconds != 0 || again.Items != 5 || len(again.Seconds) != 2 {
		t.Errorf("reusing the model: %+v", again)
	}
	// quantize runs the int8 model: its probe is the int8 model's logits.
	q := benchResult(t, benchCall(t, "bench.decode", map[string]any{"name": "tiny8", "quantize": true, "tokens": 20, "iterations": 1}, bin))
	checkProbe("int8", q.Probe, true)
	if fmt.Sprint(q.Probe) == fmt.Sprint(res.Probe) {
		t.Error("quantize: the probe equals the float32 model's")
	}
}

func TestBenchErrors(t *testing.T) {
	_, cj, st := tinyBert(t)
	tests := []struct {
		method  string
		payload map[string]any
		data    []byte
		code    string
		message string
	}{
		{"bench.encode", map[string]any{"name": "nothing-here", "iterations": 1}, nil, protocol.CodeBadRequest, "no encoder"},
		{"bench.encode", map[string]any{"iterations": 1}, st, protocol.CodeBadRequest, "needs its config.json"},
		{"bench.encode", map[string]any{"config": json.RawMessage(cj), "iterations": -1}, st, protocol.CodeBadRequest, "iterations"},
		{"bench.encode", map[string]any{"config": json.RawMessage(cj), "sequences": 100000}, st, protocol.CodeBadRequest, "1..256"},
		{"bench.encode", map[string]any{"config": json.RawMessage(cj), "seq_len": 25, "iterations": 1}, st, protocol.CodeBadRequest, "seq_len"},
		{"bench.encode", map[string]any{"config": json.RawMessage(cj)}, []byte("not safetensors"), protocol.CodeFailed, "loading \"default\""},
		{"bench.encode", map[string]any{"iterations": "x"}, nil, protocol.CodeBadRequest, "payload"},
		{"bench.decode", map[string]any{"name": "nothing-here", "iterations": 1}, nil, protocol.CodeBadRequest, "no decoder"},
		{"bench.decode", map[string]any{"tokens": 33, "iterations": 1}, tinyLlama(t), protocol.CodeBadRequest, "seq_len 32"},
		{"bench.decode", map[string]any{"warmup": 5000}, nil, protocol.CodeBadRequest, "warmup"},
		{"bench.decode", nil, []byte{1, 2, 3}, protocol.CodeFailed, "loading"},
	}
	for _, tc := range tests {
		m := benchCall(t, tc.method, tc.payload, tc.data)
		if m.Error == nil || m.Error.Code != tc.code || !strings.Contains(m.Error.Message, tc.message) {
			t.Errorf("%s %v: got %+v, want %s error containing %q", tc.method, tc.payload, m, tc.code, tc.message)
		}
	}
}
