package decoder_test

import (
	"bytes"
	"testing"

	"textlab/core/decoder"
)

// FuzzLoadGPT2 feeds LoadGPT2 arbitrary config.json and safetensors bytes:
// it must return a model or an error, never panic, and a model it returns
// must run.
func FuzzLoadGPT2(f *testing.F) {
	for _, int8 := range []bool{false, true} {
		cfg := decoder.GPT2Config{VocabSize: 5, NEmbd: 4, NHead: 2, NLayer: 1, NPositions: 3}
		if int8 {
			cfg.Quantization = "int8"
		}
		m, err := decoder.NewRandomGPT2(cfg, 1, 0)
		if err != nil {
			f.Fatal(err)
		}
		c, w := writeGPT2(f, m)
		f.Add(c, w)
	}
	f.Add([]byte(`{"n_embd": 0}`), []byte{8, 0, 0, 0, 0, 0, 0, 0, '{', '}', ' ', ' ', ' ', ' ', ' ', ' '})
	f.Fuzz(func(t *testing.T, cfg, weights []byte) {
		m, err := decoder.LoadGPT2(cfg, weights)
		if err != nil {
			return
		}
		if got := len(m.Forward(0, 0)); got != m.VocabSize() {
			t.Fatalf("%d logits, vocab %d", got, m.VocabSize())
		}
	})
}

// FuzzLoadLlama is FuzzLoadGPT2 for LoadLlama.
func FuzzLoadLlama(f *testing.F) {
	for _, int8 := range []bool{false, true} {
		cfg := decoder.LlamaConfig{Dim: 4, HiddenDim: 6, NLayers: 1, NHeads: 2, NKVHeads: 1, VocabSize: 5, SeqLen: 3}
		vals := func(n int) []float32 {
			s := make([]float32, n)
			for i := range s {
				s[i] = float32(i%7)/7 - 0.4
			}
			return s
		}
		emb := vals(20)
		m, err := decoder.NewLlama(cfg, decoder.LlamaWeights{TokenEmbedding: emb, Classifier: emb, RMSFinal: vals(4),
			Layers: []decoder.LlamaLayer{{RMSAtt: vals(4), Wq: vals(16), Wk: vals(8), Wv: vals(8), Wo: vals(16),
				RMSFFN: vals(4), W1: vals(24), W2: vals(24), W3: vals(24)}}})
		if err != nil {
			f.Fatal(err)
		}
		if int8 {
			m.Quantize()
		}
		c, err := m.ConfigJSON()
		if err != nil {
			f.Fatal(err)
		}
		var b bytes.Buffer
		if err := m.WriteSafetensors(&b); err != nil {
			f.Fatal(err)
		}
		f.Add(c, b.Bytes())
	}
	f.Fuzz(func(t *testing.T, cfg, weights []byte) {
		m, err := decoder.LoadLlama(cfg, weights)
		if err != nil {
			return
		}
		if got := len(m.Forward(0, 0)); got != m.VocabSize() {
			t.Fatalf("%d logits, vocab %d", got, m.VocabSize())
		}
	})
}
