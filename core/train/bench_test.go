package train

import (
	"math/rand/v2"
	"testing"

	"textlab/core/bert"
	"textlab/core/decoder"
)

// BenchmarkTrainStep times whole training steps (forward, backward, AdamW)
// on batches of 32 sequences of 128 tokens from a vocabulary of 8,192: a
// 4-layer 256-wide BERT with the MLM objective (15% of tokens predicted)
// and a 6-layer 256-wide Llama (8 heads, 4 key/value heads) predicting
// every next token. It reports tokens per second. Run it with
// -benchtime=3x: one step takes seconds.
func BenchmarkTrainStep(b *testing.B) {
	const vocab, T, B = 8192, 128, 32
	r := rand.New(rand.NewPCG(1, 1))
	seqs := randomSeqs(r, B, T, T, 4, vocab, 1, 2)
	b.Run("BERT-MLM-4x256", func(b *testing.B) {
		m, err := NewBERT(BERTConfig{Config: bert.Config{VocabSize: vocab, HiddenSize: 256, NumHiddenLayers: 4,
			NumAttentionHeads: 4, IntermediateSize: 1024, MaxPositionEmbeddings: T}}, 1)
		if err != nil {
			b.Fatal(err)
		}
		batch, _ := NewBatch(seqs, 0)
		if _, err := MaskTokens(batch, MaskConfig{MaskID: 3, Vocab: vocab, Special: []int{0, 1, 2, 3}}, r); err != nil {
			b.Fatal(err)
		}
		benchSteps(b, &Trainer{Model: m, Schedule: Schedule{PeakLR: 1e-4}, WeightDecay: 0.01, ClipNorm: 1}, batch)
	})
	b.Run("Llama-6x256", func(b *testing.B) {
		m, err := NewLlama(LlamaConfig{LlamaConfig: decoder.LlamaConfig{Dim: 256, HiddenDim: 768, NLayers: 6,
			NHeads: 8, NKVHeads: 4, VocabSize: vocab, SeqLen: T}}, 1)
		if err != nil {
			b.Fatal(err)
		}
		batch, _ := NewBatch(seqs, 0)
		batch.SetNextTokenTargets()
		benchSteps(b, &Trainer{Model: m, Schedule: Schedule{PeakLR: 1e-4}, WeightDecay: 0.01, ClipNorm: 1}, batch)
	})
}

// benchSteps runs b.N training steps on batch and reports tokens per second.
func benchSteps(b *testing.B, tr *Trainer, batch *Batch) {
	if _, err := tr.Step(batch); err != nil { // allocate the run state outside the timing
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := tr.Step(batch); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(batch.Size*batch.Len*b.N)/b.Elapsed().Seconds(), "tokens/s")
}
