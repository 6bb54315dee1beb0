// Package pretrain is Textlab's recipe for its built-in models: it turns a
// corpus and a tokenizer into training windows (Stream, Windows), pretrains
// a core/train model on them step by step with a seeded data order
// (Run), saves a checkpoint that a later run resumes exactly (Checkpoint),
// and measures held-out loss along the way.
//
// A run is a pure function of its Config, its token streams and the number
// of steps taken: the data seen at step s, the masking of step s and the
// learning rate of step s depend on nothing else, so a run stopped and
// resumed from a checkpoint continues as if it had never stopped.
//
// A finished run is shipped with Export (int8 for the browser, each model
// at most 8 MB; Hugging Face and llama2.c layouts in float32 for checking
// with other tools), measured with EvaluateEncoder and EvaluateDecoder on
// the held-out stream against simple baselines, and described by its model
// card (WriteCard).
package pretrain

import (
	"fmt"

	"textlab/core/bert"
	"textlab/core/decoder"
	"textlab/core/train"
)

// Kind is the model a run pretrains.
type Kind string

// The kinds of model.
const (
	// Encoder is a BERT encoder trained with masked language modelling.
	Encoder Kind = "encoder"
	// Decoder is a Llama-style decoder trained to predict the next token.
	Decoder Kind = "decoder"
)

// Special token ids the streams and windows use.
type Special struct {
	// Encoder (WordPiece, Textlab's compact layout): [PAD], [CLS], [SEP],
	// [MASK]; [UNK] is never chosen for masking either.
	Pad, Unk, CLS, SEP, Mask int
	// Decoder (llama2.c): BOS starts every document.
	BOS int
}

// DefaultSpecial is the layout of Textlab's own tokenizers
// (core/tokentrain): [PAD] 0, [UNK] 1, [CLS] 2, [SEP] 3, [MASK] 4, and
// llama2.c's BOS 1.
var DefaultSpecial = Special{Pad: 0, Unk: 1, CLS: 2, SEP: 3, Mask: 4, BOS: 1}

// Config is everything that decides a pretraining run; it is stored in
// every checkpoint and on the model card.
type Config struct {
	Kind Kind `json:"kind"`
	// Model sizes: width, layers, attention heads, key/value heads
	// (decoder; 0 means Heads) and the feed-forward width.
	Dim     int `json:"dim"`
	Layers  int `json:"layers"`
	Heads   int `json:"heads"`
	KVHeads int `json:"kv_heads,omitempty"`
	Hidden  int `json:"hidden"`
	Vocab   int `json:"vocab"`
	// SeqLen is the tokens per training sequence, special tokens included.
	SeqLen int `json:"seq_len"`
	// Batch sequences per micro-batch, Accum micro-batches per step.
	Batch int `json:"batch"`
	Accum int `json:"accum"`
	// Steps is the length of the run; the schedule warms up over Warmup
	// steps to PeakLR and decays (cosine) to MinLR at Steps.
	Steps  int     `json:"steps"`
	Warmup int     `json:"warmup"`
	PeakLR float64 `json:"peak_lr"`
	MinLR  float64 `json:"min_lr"`
	// WeightDecay (AdamW, not on norms, biases and embeddings) and the
	// largest global gradient norm.
	WeightDecay float64 `json:"weight_decay"`
	ClipNorm    float64 `json:"clip_norm"`
	// MaskProb is the share of tokens an encoder predicts (0 means 0.15).
	MaskProb float64 `json:"mask_prob,omitempty"`
	// Seed decides the initial weights, the data order and the masking.
	Seed uint64 `json:"seed"`
	// EvalEvery is the steps between held-out evaluations (0: only at the
	// end); EvalWindows the held-out windows each uses.
	EvalEvery   int `json:"eval_every"`
	EvalWindows int `json:"eval_windows"`
	Special     Special
}

// Validate reports the first setting that cannot be run.
func (c Config) Validate() error {
	switch {
	case c.Kind != Encoder && c.Kind != Decoder:
		return fmt.Errorf("pretrain: kind %q, want %q or %q", c.Kind, Encoder, Decoder)
	case c.Dim < 1 || c.Layers < 1 || c.Heads < 1 || c.Hidden < 1 || c.Vocab < 8:
		return fmt.Errorf("pretrain: sizes dim %d, layers %d, heads %d, hidden %d, vocab %d must be positive", c.Dim, c.Layers, c.Heads, c.Hidden, c.Vocab)
	case c.SeqLen < 4 || c.Batch < 1 || c.Accum < 1 || c.Steps < 1:
		return fmt.Errorf("pretrain: seq_len %d (at least 4), batch %d, accum %d and steps %d must be positive", c.SeqLen, c.Batch, c.Accum, c.Steps)
	case c.Warmup < 0 || c.Warmup > c.Steps:
		return fmt.Errorf("pretrain: warm-up %d steps of %d", c.Warmup, c.Steps)
	case !(c.PeakLR > 0) || c.MinLR < 0 || c.MinLR > c.PeakLR:
		return fmt.Errorf("pretrain: learning rates peak %g, min %g", c.PeakLR, c.MinLR)
	case c.EvalEvery < 0 || c.EvalWindows < 0:
		return fmt.Errorf("pretrain: eval_every %d and eval_windows %d must not be negative", c.EvalEvery, c.EvalWindows)
	}
	return nil
}

// TokensPerStep is the tokens one optimisation step reads.
func (c Config) TokensPerStep() int { return c.SeqLen * c.Batch * c.Accum }

// NewModel returns the run's model, initialised from c.Seed.
func (c Config) NewModel() (train.Model, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if c.Kind == Encoder {
		return train.NewBERT(train.BERTConfig{Config: bert.Config{
			VocabSize: c.Vocab, HiddenSize: c.Dim, NumHiddenLayers: c.Layers, NumAttentionHeads: c.Heads,
			IntermediateSize: c.Hidden, MaxPositionEmbeddings: c.SeqLen, TypeVocabSize: 2,
		}}, c.Seed)
	}
	kv := c.KVHeads
	if kv == 0 {
		kv = c.Heads
	}
	return train.NewLlama(train.LlamaConfig{LlamaConfig: decoder.LlamaConfig{
		Dim: c.Dim, HiddenDim: c.Hidden, NLayers: c.Layers, NHeads: c.Heads, NKVHeads: kv,
		VocabSize: c.Vocab, SeqLen: c.SeqLen,
	}}, c.Seed)
}
