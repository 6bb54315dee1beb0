package decoder_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"strings"
	"testing"

	"textlab/core/decoder"
	"textlab/core/llama2c"
	"textlab/core/sample"
)

// fakeModel records the (token, pos) calls and returns one-hot logits for
// token+1, so greedy decoding counts upwards.
type fakeModel struct {
	calls  [][2]int
	seqLen int
	vocab  int
}

func (f *fakeModel) Forward(token, pos int) []float32 {
	f.calls = append(f.calls, [2]int{token, pos})
	l := make([]float32, f.vocab)
	l[(token+1)%f.vocab] = 1
	return l
}
func (f *fakeModel) Reset()         { f.calls = nil }
func (f *fakeModel) SeqLen() int    { return f.seqLen }
func (f *fakeModel) VocabSize() int { return f.vocab }

func greedy(l []float32) int { return sample.NewRunC(0, 0, 1).Sample(l) }

func TestGenerateLoop(t *testing.T) {
	tests := []struct {
		name      string
		prompt    []int
		steps     int
		vocab     int
		want      string // ids returned
		wantCalls int
	}{
		{"empty prompt starts from BOS", nil, 4, 50, "[2 3 4 5]", 4},
		{"prompt forced, then sampled", []int{1, 10, 20}, 5, 50, "[10 20 21 22 23]", 5},
		{"steps beyond seq_len clamp", []int{1}, 100, 50, "[2 3 4 5 6 7 8 9]", 8},
		{"steps 0 means seq_len", []int{1}, 0, 50, "[2 3 4 5 6 7 8 9]", 8},
		{"stop when BOS is sampled", []int{5}, 8, 6, "[0]", 2},             // 5 → 0 → BOS (vocab 6)
		{"prompt forced, then BOS stops", []int{1, 4}, 8, 6, "[4 5 0]", 4}, // 4 → 5 → 0 → BOS
	}
	for _, tt := range tests {
		m := &fakeModel{seqLen: 8, vocab: tt.vocab}
		got, err := decoder.Generate(context.Background(), m, tt.prompt, tt.steps, greedy, nil)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if fmt.Sprint(got) != tt.want || len(m.calls) != tt.wantCalls {
			t.Errorf("%s: got %v after %d forwards, want %s after %d", tt.name, got, len(m.calls), tt.want, tt.wantCalls)
		}
		for i, c := range m.calls {
			if c[1] != i {
				t.Errorf("%s: call %d at position %d", tt.name, i, c[1])
			}
		}
	}
}

func TestGenerateErrors(t *testing.T) {
	m := &fakeModel{seqLen: 8, vocab: 10}
	if _, err := decoder.Generate(context.Background(), m, []int{1, 12}, 4, greedy, nil); err == nil {
		t.Error("prompt id 12 outside vocab 10 accepted")
	}
	if _, err := decoder.Generate(context.Background(), m, []int{1, 2, 3}, 2, greedy, nil); err == nil {
		t.Error("prompt longer than steps accepted")
	}
	if _, err := decoder.Generate(context.Background(), m, nil, 4, func([]float32) int { return 99 }, nil); err == nil {
		t.Error("sampler id 99 outside vocab accepted")
	}
	ctx, cancel := context.WithCancel(context.Background())
	var seen []int
	out, err := decoder.Generate(ctx, m, nil, 8, greedy, func(pos, id int) {
		seen = append(seen, id)
		if len(seen) == 3 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) || len(out) != 3 || fmt.Sprint(seen) != fmt.Sprint(out) {
		t.Errorf("cancel after 3 tokens: %v, %v (callback saw %v)", out, err, seen)
	}
}

// TestLlamaResetAndAttention checks that a second run after Reset repeats
// the first, and that recorded attention rows are distributions over the
// positions so far.
func TestLlamaResetAndAttention(t *testing.T) {
	m := loadModel(t)
	m.RecordAttention = true
	tokens := []int{1, 300, 301, 400}
	var first [][]float32
	for pos, tok := range tokens {
		first = append(first, append([]float32(nil), m.Forward(tok, pos)...))
		att := m.Attention()
		if len(att) != m.Config.NLayers || len(att[0]) != m.Config.NHeads {
			t.Fatalf("attention shape %d×%d", len(att), len(att[0]))
		}
		for l := range att {
			for h, row := range att[l] {
				if len(row) != pos+1 {
					t.Fatalf("pos %d layer %d head %d: %d probabilities", pos, l, h, len(row))
				}
				var sum float64
				for _, p := range row {
					sum += float64(p)
				}
				if math.Abs(sum-1) > 1e-5 {
					t.Fatalf("pos %d layer %d head %d sums to %v", pos, l, h, sum)
				}
			}
		}
	}
	m.Reset()
	for pos, tok := range tokens {
		got := m.Forward(tok, pos)
		for i := range got {
			if got[i] != first[pos][i] {
				t.Fatalf("after Reset, pos %d logit %d: %v, first run %v", pos, i, got[i], first[pos][i])
			}
		}
	}
}

func TestLlamaConfigValidate(t *testing.T) {
	good := decoder.LlamaConfig{Dim: 8, HiddenDim: 4, NLayers: 1, NHeads: 2, NKVHeads: 1, VocabSize: 3, SeqLen: 4}
	tests := []struct {
		name   string
		change func(*decoder.LlamaConfig)
		want   string
	}{
		{"valid", func(*decoder.LlamaConfig) {}, ""},
		{"negative dim", func(c *decoder.LlamaConfig) { c.Dim = -8 }, "dim is -8"},
		{"heads", func(c *decoder.LlamaConfig) { c.NHeads = 3 }, "n_heads 3 does not divide dim 8"},
		{"kv heads", func(c *decoder.LlamaConfig) { c.NKVHeads = 4 }, "n_kv_heads 4"},
		{"odd head", func(c *decoder.LlamaConfig) { c.Dim, c.NHeads = 6, 2 }, "head size 3"},
	}
	for _, tt := range tests {
		c := good
		tt.change(&c)
		err := c.Validate()
		if (err == nil) != (tt.want == "") || (err != nil && !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("%s: %v, want %q", tt.name, err, tt.want)
		}
	}
}

func BenchmarkForward(b *testing.B) {
	m := loadModel(b)
	pos := 0
	for b.Loop() {
		if pos == m.SeqLen() {
			m.Reset()
			pos = 0
		}
		m.Forward(1, pos)
		pos++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "tokens/s")
}

// ExampleGenerate continues BOS greedily with llama2.c's stories260K model
// (its ids; the model's own 512-piece tokenizer is not in the test data).
func ExampleGenerate() {
	f, err := os.Open("../../../shared/reference/llama2c/stories260K.bin")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer f.Close()
	ck, err := llama2c.ReadCheckpoint(f)
	if err != nil {
		fmt.Println(err)
		return
	}
	m, err := ck.Model()
	if err != nil {
		fmt.Println(err)
		return
	}
	s := sample.NewRunC(0, 0.9, 42) // temperature 0: greedy
	ids, err := decoder.Generate(context.Background(), m, []int{decoder.BOS}, 8, s.Sample, nil)
	fmt.Println(ids, err)
	// Output: [461 461 401 401 401 461 378 455] <nil>
}
