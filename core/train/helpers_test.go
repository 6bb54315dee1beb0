package train

import (
	"math"
	"math/rand/v2"
	"testing"

	"textlab/core/bert"
	"textlab/core/decoder"
)

// tinyBERT is the encoder of the tests: 2 layers of width 16 with 4 heads,
// a vocabulary of 23 (0 [PAD], 1 [CLS], 2 [SEP], 3 [MASK]).
var tinyBERT = bert.Config{VocabSize: 23, HiddenSize: 16, NumHiddenLayers: 2, NumAttentionHeads: 4,
	IntermediateSize: 24, MaxPositionEmbeddings: 12, TypeVocabSize: 2}

// tinyLlama is the decoder of the tests: 2 layers of width 16, 4 query
// heads sharing 2 key/value heads, a vocabulary of 19.
var tinyLlama = decoder.LlamaConfig{Dim: 16, HiddenDim: 24, NLayers: 2, NHeads: 4, NKVHeads: 2, VocabSize: 19, SeqLen: 12}

// perturb adds N(0, std²) noise to every parameter, so that norm scales,
// biases and the MLM bias are not at their initial 1s and 0s and every
// tensor visibly changes the loss.
func perturb(params []Param, seed uint64, std float64) {
	r := rand.New(rand.NewPCG(seed, 99))
	for _, p := range params {
		for i := range p.Value {
			p.Value[i] += float32(std * r.NormFloat64())
		}
	}
}

// randomSeqs returns n sequences of lengths between minLen and maxLen of
// ids in lo..vocab-1, starting with first when first ≥ 0 and ending with
// last when last ≥ 0.
func randomSeqs(r *rand.Rand, n, minLen, maxLen, lo, vocab, first, last int) [][]int {
	seqs := make([][]int, n)
	for i := range seqs {
		L := minLen + r.IntN(maxLen-minLen+1)
		s := make([]int, L)
		for t := range s {
			s[t] = lo + r.IntN(vocab-lo)
		}
		if first >= 0 {
			s[0] = first
		}
		if last >= 0 {
			s[L-1] = last
		}
		seqs[i] = s
	}
	return seqs
}

// mlmBatch is a padded batch of sequences [CLS] ... [SEP] with random token
// types, masked with seed.
func mlmBatch(t testing.TB, seed uint64, n, maxLen int) *Batch {
	r := rand.New(rand.NewPCG(seed, 1))
	b, err := NewBatch(randomSeqs(r, n, 4, maxLen, 4, tinyBERT.VocabSize, 1, 2), 0)
	if err != nil {
		t.Fatal(err)
	}
	b.Types = make([]int, len(b.IDs))
	for i := range b.Types {
		b.Types[i] = r.IntN(2)
	}
	if _, err := MaskTokens(b, MaskConfig{MaskID: 3, Vocab: tinyBERT.VocabSize, Special: []int{0, 1, 2, 3}, Prob: 0.3}, r); err != nil {
		t.Fatal(err)
	}
	return b
}

// lmBatch is a padded batch of random sequences with next-token targets.
func lmBatch(t testing.TB, seed uint64, n, maxLen int) *Batch {
	r := rand.New(rand.NewPCG(seed, 2))
	b, err := NewBatch(randomSeqs(r, n, 3, maxLen, 0, tinyLlama.VocabSize, 1, -1), 0)
	if err != nil {
		t.Fatal(err)
	}
	b.SetNextTokenTargets()
	return b
}

// maxRelDiff returns max|a-b| relative to max|b| (at least floor).
func maxRelDiff(a, b []float32, floor float64) float64 {
	var d, m float64
	for i := range a {
		d = max(d, math.Abs(float64(a[i])-float64(b[i])))
		m = max(m, math.Abs(float64(b[i])))
	}
	return d / max(m, floor)
}
