package pretrain

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"textlab/core/llama2c"
	"textlab/core/tokentrain"
	"textlab/core/train"
)

// tinyCorpus is a few hundred lines of two-topic text.
func tinyCorpus(lines int) string {
	r := rand.New(rand.NewPCG(3, 4))
	words := [][]string{{"the", "cat", "sat", "on", "a", "mat", "and", "purred"}, {"rain", "fell", "over", "the", "old", "town", "all", "night"}}
	var b strings.Builder
	for i := range lines {
		w := words[i%2]
		for j := range 6 + r.IntN(10) {
			if j > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(w[r.IntN(len(w))])
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// byteEncode encodes a line as one id per byte (ids 8..263), a stand-in
// tokenizer for the training tests.
func byteEncode(s string) ([]int, error) {
	ids := make([]int, len(s))
	for i := range len(s) {
		ids[i] = 8 + int(s[i])
	}
	return ids, nil
}

func tinyConfig(kind Kind) Config {
	return Config{Kind: kind, Dim: 16, Layers: 2, Heads: 2, Hidden: 32, Vocab: 264, SeqLen: 16, Batch: 4, Accum: 2,
		Steps: 8, Warmup: 2, PeakLR: 3e-3, MinLR: 3e-4, WeightDecay: 0.01, ClipNorm: 1, Seed: 7,
		EvalEvery: 4, EvalWindows: 8, Special: DefaultSpecial}
}

func streams(t *testing.T, cfg Config) (Stream, Stream) {
	t.Helper()
	sep, first := []int{cfg.Special.SEP}, false
	if cfg.Kind == Decoder {
		sep, first = []int{cfg.Special.BOS}, true
	}
	tr, err := Tokenize(context.Background(), strings.NewReader(tinyCorpus(200)), 0, byteEncode, sep, first, nil)
	if err != nil {
		t.Fatal(err)
	}
	va, err := Tokenize(context.Background(), strings.NewReader(tinyCorpus(20)), 0, byteEncode, sep, first, nil)
	if err != nil {
		t.Fatal(err)
	}
	return tr, va
}

// A run stopped after a few steps and resumed from its checkpoint ends
// with the same weights, bit for bit, as a run that never stopped, and its
// loss goes down.
func TestRunResumesExactly(t *testing.T) {
	for _, kind := range []Kind{Encoder, Decoder} {
		t.Run(string(kind), func(t *testing.T) {
			cfg := tinyConfig(kind)
			tr, va := streams(t, cfg)
			wholeDir := t.TempDir()
			whole, err := Run(context.Background(), cfg, tr, va, Options{Dir: wholeDir, LogEvery: 1})
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			ctx, cancel := context.WithCancel(context.Background())
			first, err := Run(ctx, cfg, tr, va, Options{Dir: dir, LogEvery: 1, Progress: func(s Status) {
				if s.Step == 3 {
					cancel()
				}
			}})
			if !errors.Is(err, context.Canceled) || first.Step != 3 {
				t.Fatalf("first sitting: step %d, error %v; want step 3 and context.Canceled", first.Step, err)
			}
			second, err := Run(context.Background(), cfg, tr, va, Options{Dir: dir, LogEvery: 1})
			if err != nil {
				t.Fatal(err)
			}
			if second.Step != cfg.Steps || second.Sittings != 2 {
				t.Errorf("resumed: step %d, sittings %d", second.Step, second.Sittings)
			}
			a, b := weights(t, cfg, wholeDir), weights(t, cfg, dir)
			if !slices.Equal(a, b) {
				t.Errorf("resumed weights differ from the uninterrupted run's")
			}
			la, lb := fmt.Sprint(losses(whole)), fmt.Sprint(losses(second))
			if la != lb {
				t.Errorf("loss curves differ:\n%s\n%s", la, lb)
			}
			if l := losses(whole); !(l[len(l)-1] < l[0]) {
				t.Errorf("loss did not go down: %v", l)
			}
			if len(whole.Evals) != 2 || math.IsNaN(whole.Evals[1].Loss) {
				t.Errorf("evals %+v", whole.Evals)
			}
		})
	}
}

func losses(st State) []float64 {
	var l []float64
	for _, p := range st.Log {
		l = append(l, p.Loss)
	}
	return l
}

// weights returns every parameter value of the checkpoint in dir.
func weights(t *testing.T, cfg Config, dir string) []float32 {
	t.Helper()
	m, err := cfg.NewModel()
	if err != nil {
		t.Fatal(err)
	}
	var opt train.AdamW
	if _, err := Load(dir, m, &opt); err != nil {
		t.Fatal(err)
	}
	var all []float32
	for _, p := range m.Params() {
		all = append(all, p.Value...)
	}
	return all
}

// Resuming with other settings or other inputs is refused.
func TestRunRefusesChangedSettings(t *testing.T) {
	cfg := tinyConfig(Decoder)
	cfg.Steps = 2
	tr, va := streams(t, cfg)
	dir := t.TempDir()
	if _, err := Run(context.Background(), cfg, tr, va, Options{Dir: dir, Inputs: map[string]string{"train.txt": "aa"}}); err != nil {
		t.Fatal(err)
	}
	other := cfg
	other.PeakLR = 1e-3
	if _, err := Run(context.Background(), other, tr, va, Options{Dir: dir, Inputs: map[string]string{"train.txt": "aa"}}); err == nil || !strings.Contains(err.Error(), "other settings") {
		t.Errorf("changed settings: %v", err)
	}
	if _, err := Run(context.Background(), cfg, tr, va, Options{Dir: dir, Inputs: map[string]string{"train.txt": "bb"}}); err == nil || !strings.Contains(err.Error(), "changed since") {
		t.Errorf("changed input: %v", err)
	}
}

// WordCache gives the ids of the whole line encoded by run.c's algorithm,
// for a vocabulary learned from words.
func TestWordCacheMatchesWholeLine(t *testing.T) {
	text := tinyCorpus(300) + "naïve café, über-cool 42 times!\n"
	c := tokentrain.Counter{Split: tokentrain.SplitLlama}
	for _, line := range strings.Split(text, "\n") {
		c.Add(line)
	}
	v, err := tokentrain.TrainLlama(context.Background(), c.Words(), tokentrain.LlamaConfig{VocabSize: tokentrain.LlamaFirstPiece + 200}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var bin bytes.Buffer
	if _, err := v.WriteTo(&bin); err != nil {
		t.Fatal(err)
	}
	tok, err := llama2c.ReadTokenizer(&bin)
	if err != nil {
		t.Fatal(err)
	}
	cached := WordCache(func(w string) ([]int, error) { e, err := tok.Encode(w, false); return e.IDs, err })
	for _, line := range strings.Split(text, "\n")[250:] {
		if line == "" {
			continue
		}
		whole, err := tok.Encode(line, false)
		if err != nil {
			t.Fatal(err)
		}
		got, err := cached(line)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, whole.IDs) {
			t.Errorf("%q: cached %v, whole line %v", line, got, whole.IDs)
		}
	}
}
