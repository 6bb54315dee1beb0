// Package nn is Textlab's one set of transformer layers, each with a forward
// and a backward pass: Linear (float32, or int8 for inference), Embedding,
// LayerNorm, RMSNorm, GELU (exact and tanh), SiLU, the SwiGLU feed-forward,
// multi-head attention (bidirectional or causal, grouped-query, optional
// rotary embeddings, key padding) and softmax cross-entropy. Models for
// inference, pretraining and fine-tuning are assembled from them.
//
// # Conventions
//
// Activations are float32, batch first, row-major and flat: n rows of a
// width d are one []float32 of n·d values, row i at [i·d, (i+1)·d). A batch
// of B sequences padded to T positions has rows b·T+t (see Seqs).
//
// As in llama2.c, three kinds of plain structs hold everything:
//
//   - a layer's weights and the sizes that define it (Linear, LayerNorm,
//     Attention, ...), in PyTorch's layouts (a Linear's W is [out][in]);
//   - its gradients, a second value of the same type whose tensors hold
//     ∂loss/∂weight (a new layer's tensors are all zero, so a constructor
//     makes both);
//   - its run state (NormState, AttentionState, SwiGLUState): what the
//     forward pass keeps for the backward pass, plus backward scratch.
//
// Forward writes its output. Backward adds: it adds ∂loss/∂input to dx
// (skipped when dx is nil) and ∂loss/∂weight to the gradient struct, so
// the gradients of a residual stream, of one input feeding several layers,
// and of several micro-batches simply accumulate; callers clear them when a
// new step starts. Matrix products go through textlab/core/gemm.
//
// Constructors and Validate methods check sizes and return errors; models
// validate their inputs (token ids, lengths) before calling layers. The
// layers themselves trust their arguments: a buffer shorter than the sizes
// say is a programming error and panics.
package nn

import (
	"fmt"
)

// Seqs describes a batch of sequences padded to one length: Batch sequences
// of Len positions, stored as Batch·Len rows (row b·Len+t is position t of
// sequence b). Sequence b has Lengths[b] real tokens followed by padding;
// padding positions are never attended to. A nil Lengths means every
// sequence fills all Len positions.
type Seqs struct {
	Batch   int   // number of sequences
	Len     int   // positions per sequence, padding included
	Lengths []int // real tokens per sequence, 1 to Len; nil means all Len
}

// Rows returns the number of rows of an activation matrix, Batch·Len.
func (s Seqs) Rows() int { return s.Batch * s.Len }

// Length returns the number of real tokens of sequence b.
func (s Seqs) Length(b int) int {
	if s.Lengths == nil {
		return s.Len
	}
	return s.Lengths[b]
}

// Validate reports sizes that do not describe a batch: non-positive Batch
// or Len, a Lengths slice of the wrong size, or a length outside 1..Len.
func (s Seqs) Validate() error {
	if s.Batch < 1 || s.Len < 1 {
		return fmt.Errorf("nn: batch of %d sequences of %d positions, want at least 1 of each", s.Batch, s.Len)
	}
	if s.Lengths == nil {
		return nil
	}
	if len(s.Lengths) != s.Batch {
		return fmt.Errorf("nn: %d lengths for %d sequences", len(s.Lengths), s.Batch)
	}
	for b, n := range s.Lengths {
		if n < 1 || n > s.Len {
			return fmt.Errorf("nn: sequence %d has length %d, want 1 to %d", b, n, s.Len)
		}
	}
	return nil
}

// maxSize bounds every layer dimension, so that products of sizes cannot
// overflow an int on 32-bit WebAssembly before memory runs out.
const maxSize = 1 << 24

// size is one named dimension of a layer, for checkSizes.
type size struct {
	name string
	v    int
}

// checkSizes returns an error naming the first size outside 1..maxSize.
func checkSizes(layer string, sizes ...size) error {
	for _, s := range sizes {
		if s.v < 1 || s.v > maxSize {
			return fmt.Errorf("nn: %s %s = %d, want 1 to %d", layer, s.name, s.v, maxSize)
		}
	}
	return nil
}

// resize returns buf with length n, reusing its storage when it is large
// enough. The contents are not cleared.
func resize(buf []float32, n int) []float32 {
	if cap(buf) < n {
		return make([]float32, n)
	}
	return buf[:n]
}
