package decoder_test

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"textlab/core/decoder"
	"textlab/core/safetensors"
	"textlab/core/sample"
	"textlab/core/tensor"
)

// tinyGPT2 is the small configuration of the tests (the one the PyTorch
// parity test uses too).
var tinyGPT2 = decoder.GPT2Config{VocabSize: 97, NEmbd: 32, NHead: 4, NLayer: 2, NPositions: 64}

func newTinyGPT2(t testing.TB, seed uint64) *decoder.GPT2 {
	t.Helper()
	// std 0.2 instead of 0.02, so the logits are far from uniform and the
	// attention is not flat: differences in the arithmetic show.
	m, err := decoder.NewRandomGPT2(tinyGPT2, seed, 0.2)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// fullForward is an independent, unoptimised GPT-2: every position at once,
// full attention matrices with a causal mask, no cache. It returns the
// logits of every position, [n][vocab].
func fullForward(m *decoder.GPT2, tokens []int) [][]float32 {
	c, w := m.Config, m.Weights
	n, d, hs := len(tokens), c.NEmbd, c.HeadSize()
	eps := float32(c.LayerNormEpsilon)
	x := make([]float32, n*d)
	for i, tok := range tokens {
		for j := 0; j < d; j++ {
			x[i*d+j] = w.TokenEmbedding[tok*d+j] + w.PositionEmbedding[i*d+j]
		}
	}
	norm := func(in []float32, ln decoder.LayerNorm) []float32 {
		out := make([]float32, len(in))
		for i := 0; i < n; i++ {
			tensor.LayerNorm(out[i*d:(i+1)*d], in[i*d:(i+1)*d], ln.Weight, ln.Bias, eps)
		}
		return out
	}
	lin := func(in []float32, l decoder.Linear) []float32 {
		out := make([]float32, n*l.Out)
		tensor.Linear(out, in, l.W, l.B, n, l.In, l.Out)
		return out
	}
	for _, L := range w.Layers {
		qkv := lin(norm(x, L.LN1), L.Attn)
		att := make([]float32, n*d)
		for h := 0; h < c.NHead; h++ {
			for i := 0; i < n; i++ {
				scores := make([]float64, i+1)
				maxs := math.Inf(-1)
				for j := 0; j <= i; j++ {
					var s float64
					for e := 0; e < hs; e++ {
						s += float64(qkv[i*3*d+h*hs+e]) * float64(qkv[j*3*d+d+h*hs+e])
					}
					scores[j] = s / math.Sqrt(float64(hs))
					maxs = math.Max(maxs, scores[j])
				}
				var sum float64
				for j := range scores {
					scores[j] = math.Exp(scores[j] - maxs)
					sum += scores[j]
				}
				for e := 0; e < hs; e++ {
					var v float64
					for j := 0; j <= i; j++ {
						v += scores[j] / sum * float64(qkv[j*3*d+2*d+h*hs+e])
					}
					att[i*d+h*hs+e] = float32(v)
				}
			}
		}
		tensor.AddInPlace(x, lin(att, L.AttnProj))
		hidden := lin(norm(x, L.LN2), L.FC)
		tensor.GELUTanh(hidden)
		tensor.AddInPlace(x, lin(hidden, L.Proj))
	}
	x = norm(x, w.LNF)
	logits := make([][]float32, n)
	for i := range logits {
		logits[i] = make([]float32, c.VocabSize)
		tensor.MatVec(logits[i], w.TokenEmbedding, x[i*d:(i+1)*d], c.VocabSize, d)
	}
	return logits
}

func maxAbsDiff(a, b []float32) float64 {
	var m float64
	for i := range a {
		m = math.Max(m, math.Abs(float64(a[i])-float64(b[i])))
	}
	return m
}

// TestGPT2ForwardMatchesFullSequence checks the cached one-token-at-a-time
// Forward against fullForward on every position of a few sequences.
func TestGPT2ForwardMatchesFullSequence(t *testing.T) {
	m := newTinyGPT2(t, 1)
	seqs := [][]int{{5}, {96, 0, 3, 3, 3, 17, 42}, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40}}
	for _, seq := range seqs {
		want := fullForward(m, seq)
		m.Reset()
		var worst float64
		for pos, tok := range seq {
			worst = math.Max(worst, maxAbsDiff(m.Forward(tok, pos), want[pos]))
		}
		t.Logf("%d tokens: max |cached - full| = %.3g", len(seq), worst)
		if worst > 1e-4 {
			t.Errorf("%d tokens: max difference %.3g > 1e-4", len(seq), worst)
		}
	}
}

func TestGPT2Attention(t *testing.T) {
	m := newTinyGPT2(t, 2)
	m.RecordAttention = true
	for pos, tok := range []int{3, 1, 4, 1, 5} {
		m.Forward(tok, pos)
		att := m.Attention()
		if len(att) != tinyGPT2.NLayer || len(att[0]) != tinyGPT2.NHead || len(att[0][0]) != pos+1 {
			t.Fatalf("pos %d: attention shape [%d][%d][%d], want [%d][%d][%d]", pos, len(att), len(att[0]), len(att[0][0]),
				tinyGPT2.NLayer, tinyGPT2.NHead, pos+1)
		}
		for l := range att {
			for h, p := range att[l] {
				var sum float64
				for _, v := range p {
					sum += float64(v)
				}
				if math.Abs(sum-1) > 1e-5 {
					t.Errorf("pos %d layer %d head %d: probabilities sum to %v", pos, l, h, sum)
				}
			}
		}
	}
	m.RecordAttention = false
	m.Reset()
	m.Forward(3, 0)
	if m.Attention() != nil {
		t.Error("Attention() not nil with RecordAttention off")
	}
}

func writeGPT2(t testing.TB, m *decoder.GPT2) (cfg, weights []byte) {
	t.Helper()
	cfg, err := m.Config.JSON()
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := m.WriteSafetensors(&b); err != nil {
		t.Fatal(err)
	}
	return cfg, b.Bytes()
}

// TestGPT2WriteLoad checks that written checkpoints load back to a model
// with the same logits, with the names and layouts Hugging Face uses.
func TestGPT2WriteLoad(t *testing.T) {
	m := newTinyGPT2(t, 3)
	cfgJSON, weights := writeGPT2(t, m)
	f, err := safetensors.Read(weights)
	if err != nil {
		t.Fatal(err)
	}
	// Conv1D layout: c_attn.weight is [n_embd][3·n_embd].
	if got := f.Tensors["h.0.attn.c_attn.weight"].Shape; len(got) != 2 || got[0] != 32 || got[1] != 96 {
		t.Errorf("h.0.attn.c_attn.weight shape %v, want [32 96]", got)
	}
	var hf map[string]any
	if err := json.Unmarshal(cfgJSON, &hf); err != nil {
		t.Fatal(err)
	}
	if hf["model_type"] != "gpt2" || hf["n_embd"] != 32.0 || hf["activation_function"] != "gelu_new" {
		t.Errorf("config.json %s lacks Hugging Face's fields", cfgJSON)
	}
	// The same file with GPT2LMHeadModel's names: "transformer." prefix
	// and a tied lm_head.weight.
	var prefixed []safetensors.Tensor
	for _, name := range f.Names() {
		tt := f.Tensors[name]
		tt.Name = "transformer." + name
		prefixed = append(prefixed, tt)
	}
	prefixed = append(prefixed, safetensors.Tensor{Name: "lm_head.weight", Shape: []int{97, 32}, F32: m.Weights.TokenEmbedding})
	var pb bytes.Buffer
	if err := safetensors.Write(&pb, prefixed, nil); err != nil {
		t.Fatal(err)
	}
	tokens := []int{7, 8, 9, 96, 0}
	want := fullForward(m, tokens)
	for name, w := range map[string][]byte{"GPT2Model names": weights, "GPT2LMHeadModel names": pb.Bytes()} {
		got, err := decoder.LoadGPT2(cfgJSON, w)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for pos, tok := range tokens {
			if d := maxAbsDiff(got.Forward(tok, pos), want[pos]); d > 1e-4 {
				t.Errorf("%s: pos %d: logits differ by %.3g", name, pos, d)
			}
		}
	}
}

func TestGPT2LoadErrors(t *testing.T) {
	m := newTinyGPT2(t, 4)
	cfgJSON, weights := writeGPT2(t, m)
	f, err := safetensors.Read(weights)
	if err != nil {
		t.Fatal(err)
	}
	rewrite := func(change func(map[string]safetensors.Tensor)) []byte {
		ts := map[string]safetensors.Tensor{}
		for k, v := range f.Tensors {
			ts[k] = v
		}
		change(ts)
		var list []safetensors.Tensor
		for _, k := range (&safetensors.File{Tensors: ts}).Names() {
			list = append(list, ts[k])
		}
		var b bytes.Buffer
		if err := safetensors.Write(&b, list, nil); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	cfg := func(change string) []byte {
		return []byte(strings.Replace(string(cfgJSON), `"n_positions": 64`, change, 1))
	}
	tests := []struct {
		name    string
		cfg     []byte
		weights []byte
		want    string
	}{
		{"n_embd does not match", []byte(strings.Replace(string(cfgJSON), `"n_embd": 32`, `"n_embd": 48`, 1)), weights,
			`tensor "wte.weight": shape [97 32] does not match config (want [97 48])`},
		{"n_positions does not match", cfg(`"n_positions": 65`), weights, `tensor "wpe.weight": shape [64 32] does not match config (want [65 32])`},
		{"fewer layers in the file", []byte(strings.Replace(string(cfgJSON), `"n_layer": 2`, `"n_layer": 3`, 1)), weights, `tensor "h.2.ln_1.weight": missing`},
		{"more layers in the file", []byte(strings.Replace(string(cfgJSON), `"n_layer": 2`, `"n_layer": 1`, 1)), weights, `more layers than n_layer = 1`},
		{"activation", []byte(strings.Replace(string(cfgJSON), `"gelu_new"`, `"relu"`, 1)), weights, `activation_function "relu"`},
		{"heads", []byte(strings.Replace(string(cfgJSON), `"n_head": 4`, `"n_head": 5`, 1)), weights, `not divisible by n_head 5`},
		{"bad JSON", []byte(`{"n_embd": "wide"}`), weights, "config:"},
		{"not safetensors", cfgJSON, []byte("hello"), "safetensors:"},
		{"untied head", cfgJSON, rewrite(func(ts map[string]safetensors.Tensor) {
			ts["lm_head.weight"] = safetensors.Tensor{Name: "lm_head.weight", Shape: []int{97, 32}, F32: make([]float32, 97*32)}
		}), "lm_head.weight"},
		{"transposed c_fc", cfgJSON, rewrite(func(ts map[string]safetensors.Tensor) {
			w := ts["h.1.mlp.c_fc.weight"]
			w.Shape = []int{128, 32}
			ts["h.1.mlp.c_fc.weight"] = w
		}), `tensor "h.1.mlp.c_fc.weight": shape [128 32] does not match config (want [32 128])`},
		{"int8 weight without scale", cfgJSON, rewrite(func(ts map[string]safetensors.Tensor) {
			ts["h.0.attn.c_proj.weight"] = safetensors.Tensor{Name: "h.0.attn.c_proj.weight", Shape: []int{32, 32}, DType: safetensors.I8, I8: make([]int8, 32*32)}
		}), "without"},
	}
	for _, tt := range tests {
		_, err := decoder.LoadGPT2(tt.cfg, tt.weights)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want one containing %q", tt.name, err, tt.want)
		}
	}
}

// TestGPT2Generate runs Generate and the teaching sampler on a GPT-2: an
// empty prompt starts from <|endoftext|> (vocab_size-1), the same seed gives
// the same ids, and sampling <|endoftext|> stops.
func TestGPT2Generate(t *testing.T) {
	m := newTinyGPT2(t, 5)
	if m.BOS() != 96 {
		t.Fatalf("BOS() = %d, want 96 (vocab_size-1)", m.BOS())
	}
	gen := func(seed uint64) []int {
		s := sample.New(sample.Config{Temperature: 1, TopK: 40, TopP: 0.95, Seed: seed})
		ids, err := decoder.Generate(context.Background(), m, nil, 40, s.Sample, nil)
		if err != nil {
			t.Fatal(err)
		}
		return ids
	}
	a, b := gen(11), gen(11)
	if len(a) == 0 || !equalInts(a, b) {
		t.Errorf("same seed gave %v and %v", a, b)
	}
	// A sampler that always picks <|endoftext|> stops after one Forward.
	ids, err := decoder.Generate(context.Background(), m, []int{3, 4}, 10, func([]float32) int { return 96 }, nil)
	if err != nil || len(ids) != 1 || ids[0] != 4 {
		t.Errorf("got %v, %v; want [4] (the prompt, then stop at <|endoftext|>)", ids, err)
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
