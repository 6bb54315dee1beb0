// Package train pretrains and fine-tunes Textlab's transformer models with
// the layers of textlab/core/nn: a BERT encoder with the masked-language-
// model objective or a classification head, and a LLaMA-style decoder with
// the next-token objective, optimised by AdamW.
//
// Each model is llama2.c's three plain structs plus one: a configuration,
// weights, gradients (a second weights value of the same type) and run
// state (the activations the backward pass needs). Forward reads top to
// bottom in the order of the math and returns the loss; Backward walks the
// same steps in reverse. Weights keep the tensors and names of the formats
// Textlab runs: BERT.Model gives a core/bert model (Hugging Face names),
// Llama.Checkpoint a llama2.c checkpoint for core/decoder.
//
// The pieces of a training step are separate: Batch (padded token ids and
// targets), MaskTokens (BERT's 80/10/10 masking), Order (seeded data
// order), AdamW with parameter groups, Schedule (warm-up then cosine
// decay), ClipGradNorm, and Trainer, which runs one optimisation step over
// micro-batches. The same seed gives the same bits on the same machine;
// there is no dropout.
package train

import "fmt"

// Kind says what role a parameter tensor plays, which decides its
// initialisation and whether weight decay applies to it.
type Kind int

const (
	// Weight is a projection matrix: initialised from N(0, std²), decayed.
	Weight Kind = iota
	// Embedding is a lookup table: N(0, std²); decayed only if asked.
	Embedding
	// Bias is a bias vector, or a LayerNorm's shift: zeros, never decayed.
	Bias
	// Scale is a LayerNorm or RMSNorm weight: ones, never decayed.
	Scale
)

// String returns the kind's name.
func (k Kind) String() string {
	switch k {
	case Weight:
		return "weight"
	case Embedding:
		return "embedding"
	case Bias:
		return "bias"
	case Scale:
		return "scale"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Param is one trainable tensor: its values, its gradient (as long, same
// layout), its name in the model's checkpoint format and its kind. A tensor
// shared by two layers (tied embeddings) is one Param.
type Param struct {
	Name  string    // the tensor's name in the model's checkpoint format
	Kind  Kind      // its role: initialisation and weight decay follow from it
	Value []float32 // the values, in the layer's layout
	Grad  []float32 // the gradient, same length and layout
}

// Model is what Trainer trains: a network whose Forward computes the loss of
// a batch and keeps what Backward needs, whose Backward adds the gradients
// of that loss to its parameters' Grad, and whose Params lists the tensors
// being trained.
type Model interface {
	Forward(b *Batch) (loss float32, err error)
	Backward()
	Params() []Param
}

// Compile-time checks that the models are Models.
var (
	_ Model = (*BERT)(nil)
	_ Model = (*Llama)(nil)
)

// resize returns buf with length n, reusing its storage when it is large
// enough. The contents are not cleared.
func resize[T any](buf []T, n int) []T {
	if cap(buf) < n {
		return make([]T, n)
	}
	return buf[:n]
}

// add sets out = a + b element-wise.
func add(out, a, b []float32) {
	b = b[:len(a)]
	out = out[:len(a)]
	for i, v := range a {
		out[i] = v + b[i]
	}
}

// addTo sets out += a element-wise.
func addTo(out, a []float32) {
	out = out[:len(a)]
	for i, v := range a {
		out[i] += v
	}
}
