package train

import (
	"fmt"
	"math"
	"strings"

	"textlab/core/decoder"
	"textlab/core/llama2c"
	"textlab/core/nn"
)

// rmsEps is the RMSNorm epsilon of llama2.c (and core/decoder).
const rmsEps = 1e-5

// LlamaConfig describes a LLaMA-style decoder being trained.
type LlamaConfig struct {
	// LlamaConfig holds the sizes as llama2.c's checkpoint header stores
	// them (all required).
	decoder.LlamaConfig
	// SeparateClassifier gives the model its own output matrix ("wcls");
	// false ties the classifier to the token embedding, as llama2.c's
	// small models do.
	SeparateClassifier bool
	// InitStd is the standard deviation of the initial weights; 0 means
	// 0.02 (llama2.c's model.py). wo and w3 start at InitStd/√(2·NLayers).
	InitStd float64
}

// Validate reports the first field of c that cannot be trained.
func (c LlamaConfig) Validate() error {
	if err := c.LlamaConfig.Validate(); err != nil {
		return err
	}
	for _, f := range []struct {
		name   string
		v, max int
	}{{"dim", c.Dim, 1 << 16}, {"hidden_dim", c.HiddenDim, 1 << 18}, {"n_layers", c.NLayers, 256},
		{"vocab_size", c.VocabSize, 1 << 22}, {"seq_len", c.SeqLen, 1 << 16}} {
		if f.v > f.max {
			return fmt.Errorf("config: %s is %d, more than %d", f.name, f.v, f.max)
		}
	}
	if c.InitStd < 0 || c.InitStd >= 10 {
		return fmt.Errorf("train: initial standard deviation %g, want a small positive number (0 for 0.02)", c.InitStd)
	}
	return nil
}

// LlamaLayer holds one transformer block, each part named after the
// llama2.c tensor it becomes.
type LlamaLayer struct {
	AttnNorm  nn.RMSNorm   // rms_att
	Attention nn.Attention // wq, wk, wv, wo: causal, grouped-query, rotary, no biases
	FFNNorm   nn.RMSNorm   // rms_ffn
	FFN       nn.SwiGLU    // w1, w2, w3
}

// LlamaWeights holds a Llama model's tensors (or, in Llama.Grads, their
// gradients).
type LlamaWeights struct {
	Token     nn.Embedding // token_embedding, [Vocab][Dim]
	Layers    []LlamaLayer // layers.N
	FinalNorm nn.RMSNorm   // rms_final
	// Classifier maps the final hidden state to one logit per token
	// ([Vocab][Dim], no bias). Its W is Token.Table when tied.
	Classifier nn.Linear
}

// newLlamaWeights returns zero tensors of c's shapes (c validated).
func newLlamaWeights(c LlamaConfig) *LlamaWeights {
	norm := func() nn.RMSNorm { n, _ := nn.NewRMSNorm(c.Dim, rmsEps); return n }
	tok, _ := nn.NewEmbedding(c.VocabSize, c.Dim)
	w := &LlamaWeights{Token: tok, Layers: make([]LlamaLayer, c.NLayers), FinalNorm: norm()}
	for i := range w.Layers {
		att, _ := nn.NewAttention(nn.AttentionConfig{Dim: c.Dim, Heads: c.NHeads, KVHeads: c.NKVHeads, Causal: true, RoPE: true})
		ffn, _ := nn.NewSwiGLU(c.Dim, c.HiddenDim)
		w.Layers[i] = LlamaLayer{AttnNorm: norm(), Attention: att, FFNNorm: norm(), FFN: ffn}
	}
	w.Classifier = nn.Linear{In: c.Dim, Out: c.VocabSize, W: tok.Table}
	if c.SeparateClassifier {
		w.Classifier.W = make([]float32, c.VocabSize*c.Dim)
	}
	return w
}

// LlamaLayerState keeps one block's forward pass for the backward pass.
type LlamaLayerState struct {
	AttnIn []float32         // [rows][Dim] RMSNorm of the block's input: the attention's input
	Norm1  nn.NormState      // statistics of the attention's RMSNorm
	Attn   nn.AttentionState // the attention's projections and probabilities
	Mid    []float32         // [rows][Dim] input + attention: the residual stream between the branches
	FFNIn  []float32         // [rows][Dim] RMSNorm of Mid: the feed-forward's input
	Norm2  nn.NormState      // statistics of the feed-forward's RMSNorm
	FFN    nn.SwiGLUState    // the feed-forward's hidden activations
}

// LlamaState is the run state of a Llama model: what Forward keeps for
// Backward, and Backward's scratch. Rows are the batch's positions.
type LlamaState struct {
	// Hidden holds the residual stream: the token embeddings, then each
	// block's output, [Layers+1][rows][Dim].
	Hidden [][]float32
	Layers []LlamaLayerState // each block's state
	Branch []float32         // [rows][Dim] attention or feed-forward output, before its residual
	Final  []float32         // [rows][Dim] after the final RMSNorm
	FNorm  nn.NormState      // statistics of the final RMSNorm
	// Logits are [rows][Vocab]; DLogits the loss's gradient with respect
	// to them.
	Logits, DLogits []float32
	// Backward scratch, named by the gradient each holds ([rows][Dim]).
	DHidden, DMid, DNormed, DFinal []float32
	batch                          *Batch // the batch of the last Forward
}

// Llama is a LLaMA-style decoder being trained: configuration, weights,
// gradients and run state.
type Llama struct {
	Config  LlamaConfig   // sizes
	Weights *LlamaWeights // the model's tensors
	Grads   *LlamaWeights // the gradients Backward adds to, same shapes (and ties) as Weights
	State   LlamaState    // the last forward pass
}

// NewLlama returns a model with c's shapes, initialised from seed as
// llama2.c's model.py does: weights and the embedding from N(0, InitStd²),
// wo and w3 from N(0, InitStd²/(2·NLayers)), RMSNorm weights 1.
func NewLlama(c LlamaConfig, seed uint64) (*Llama, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if c.InitStd == 0 {
		c.InitStd = 0.02
	}
	m := &Llama{Config: c, Weights: newLlamaWeights(c), Grads: newLlamaWeights(c)}
	initParams(m.Params(), seed, c.InitStd, func(name string) float64 {
		if strings.HasSuffix(name, ".wo") || strings.HasSuffix(name, ".w3") {
			return 1 / math.Sqrt(2*float64(c.NLayers))
		}
		return 1
	})
	return m, nil
}

// NewLlamaFrom starts training from a llama2.c checkpoint, copying its
// weights (the checkpoint is not changed).
func NewLlamaFrom(ck *llama2c.Checkpoint) (*Llama, error) {
	c := LlamaConfig{LlamaConfig: ck.Config, SeparateClassifier: !ck.Shared, InitStd: 0.02}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if err := ck.Weights.Check(ck.Config); err != nil {
		return nil, err
	}
	m := &Llama{Config: c, Weights: newLlamaWeights(c), Grads: newLlamaWeights(c)}
	src, w := &ck.Weights, m.Weights
	copy(w.Token.Table, src.TokenEmbedding)
	for i := range w.Layers {
		L, s := &w.Layers[i], &src.Layers[i]
		if s.Int8 != nil {
			return nil, fmt.Errorf("train: layer %d of the checkpoint is int8; training needs float32 weights", i)
		}
		copy(L.AttnNorm.Weight, s.RMSAtt)
		copy(L.Attention.Wq.W, s.Wq)
		copy(L.Attention.Wk.W, s.Wk)
		copy(L.Attention.Wv.W, s.Wv)
		copy(L.Attention.Wo.W, s.Wo)
		copy(L.FFNNorm.Weight, s.RMSFFN)
		copy(L.FFN.W1.W, s.W1)
		copy(L.FFN.W2.W, s.W2)
		copy(L.FFN.W3.W, s.W3)
	}
	copy(w.FinalNorm.Weight, src.RMSFinal)
	if c.SeparateClassifier {
		copy(w.Classifier.W, src.Classifier)
	}
	return m, nil
}

// Checkpoint returns the model as a llama2.c checkpoint (write it with its
// Write method; run it with core/decoder via its Model method). It shares
// the weights' storage: further training changes it.
func (m *Llama) Checkpoint() *llama2c.Checkpoint {
	w := m.Weights
	ck := &llama2c.Checkpoint{Config: m.Config.LlamaConfig, Shared: !m.Config.SeparateClassifier}
	cw := &ck.Weights
	cw.TokenEmbedding, cw.RMSFinal, cw.Classifier = w.Token.Table, w.FinalNorm.Weight, w.Classifier.W
	cw.Layers = make([]decoder.LlamaLayer, len(w.Layers))
	for i, L := range w.Layers {
		cw.Layers[i] = decoder.LlamaLayer{
			RMSAtt: L.AttnNorm.Weight, Wq: L.Attention.Wq.W, Wk: L.Attention.Wk.W, Wv: L.Attention.Wv.W, Wo: L.Attention.Wo.W,
			RMSFFN: L.FFNNorm.Weight, W1: L.FFN.W1.W, W2: L.FFN.W2.W, W3: L.FFN.W3.W,
		}
	}
	return ck
}

// Forward runs the decoder over batch b and returns the mean cross-entropy
// of its predictions at the positions with a target (b.Targets; see
// SetNextTokenTargets). It keeps what Backward needs, including b, which
// must not change until Backward has run.
func (m *Llama) Forward(b *Batch) (float32, error) {
	c, w, s := &m.Config, m.Weights, &m.State
	if err := b.check(c.VocabSize, c.SeqLen, 0, 0); err != nil {
		return 0, err
	}
	if b.Targets == nil || b.Types != nil || b.Labels != nil {
		return 0, fmt.Errorf("train: a decoder batch has targets (see SetNextTokenTargets) and no token types or labels")
	}
	N, seqs := b.Size*b.Len, b.seqs()
	s.resize(c, b)

	// Embed: copy each token's row of the embedding table.
	w.Token.Forward(s.Hidden[0], b.IDs)

	for l := range w.Layers {
		L, ls, x := &w.Layers[l], &s.Layers[l], s.Hidden[l]
		// Attention RMSNorm.
		L.AttnNorm.Forward(ls.AttnIn, x, N, &ls.Norm1)
		// Causal grouped-query attention, queries and keys rotated by position.
		L.Attention.Forward(s.Branch, ls.AttnIn, seqs, &ls.Attn)
		// Residual connection.
		add(ls.Mid, x, s.Branch)
		// Feed-forward RMSNorm.
		L.FFNNorm.Forward(ls.FFNIn, ls.Mid, N, &ls.Norm2)
		// SwiGLU feed-forward: w2·(SiLU(w1·x) ⊙ w3·x).
		L.FFN.Forward(s.Branch, ls.FFNIn, N, &ls.FFN)
		// Residual connection: the block's output.
		add(s.Hidden[l+1], ls.Mid, s.Branch)
	}

	// Final RMSNorm.
	w.FinalNorm.Forward(s.Final, s.Hidden[len(w.Layers)], N, &s.FNorm)
	// Classifier into logits.
	w.Classifier.Forward(s.Logits, s.Final, N)
	// Cross-entropy against the next tokens.
	return nn.CrossEntropy(s.DLogits, s.Logits, b.Targets, nil, N, c.VocabSize), nil
}

// Backward adds the gradients of the last Forward's loss to Grads, walking
// Forward's steps in reverse.
func (m *Llama) Backward() {
	w, g, s := m.Weights, m.Grads, &m.State
	b := s.batch
	N, seqs := b.Size*b.Len, b.seqs()

	// Classifier (tied: its weight's gradient goes to the token embedding).
	clear(s.DFinal)
	w.Classifier.Backward(s.DFinal, s.DLogits, s.Final, N, &g.Classifier)
	// Final RMSNorm.
	clear(s.DHidden)
	w.FinalNorm.Backward(s.DHidden, s.DFinal, s.Hidden[len(w.Layers)], N, &s.FNorm, &g.FinalNorm)

	for l := len(w.Layers) - 1; l >= 0; l-- {
		L, G, ls, x := &w.Layers[l], &g.Layers[l], &s.Layers[l], s.Hidden[l]
		// Feed-forward and its RMSNorm; the residual passes DHidden on to Mid.
		clear(s.DNormed)
		L.FFN.Backward(s.DNormed, s.DHidden, ls.FFNIn, N, &ls.FFN, &G.FFN)
		copy(s.DMid, s.DHidden)
		L.FFNNorm.Backward(s.DMid, s.DNormed, ls.Mid, N, &ls.Norm2, &G.FFNNorm)
		// Attention and its RMSNorm; the residual passes DMid on to the input.
		clear(s.DNormed)
		L.Attention.Backward(s.DNormed, s.DMid, ls.AttnIn, seqs, &ls.Attn, &G.Attention)
		copy(s.DHidden, s.DMid)
		L.AttnNorm.Backward(s.DHidden, s.DNormed, x, N, &ls.Norm1, &G.AttnNorm)
	}

	// Embedding.
	w.Token.Backward(s.DHidden, b.IDs, &g.Token)
}

// resize sizes every buffer for batch b and records b.
func (s *LlamaState) resize(c *LlamaConfig, b *Batch) {
	D, N := c.Dim, b.Size*b.Len
	s.batch = b
	s.Hidden = resize(s.Hidden, c.NLayers+1)
	for i := range s.Hidden {
		s.Hidden[i] = resize(s.Hidden[i], N*D)
	}
	s.Layers = resize(s.Layers, c.NLayers)
	for i := range s.Layers {
		ls := &s.Layers[i]
		ls.AttnIn, ls.Mid, ls.FFNIn = resize(ls.AttnIn, N*D), resize(ls.Mid, N*D), resize(ls.FFNIn, N*D)
	}
	for _, buf := range []*[]float32{&s.Branch, &s.Final, &s.DHidden, &s.DMid, &s.DNormed, &s.DFinal} {
		*buf = resize(*buf, N*D)
	}
	s.Logits, s.DLogits = resize(s.Logits, N*c.VocabSize), resize(s.DLogits, N*c.VocabSize)
}

// Params returns every tensor, named as llama2.c's checkpoint names them
// ("token_embedding", "layers.0.rms_att", "layers.0.wq", ..., "rms_final",
// and "wcls" when the classifier is not tied).
func (m *Llama) Params() []Param {
	w, g := m.Weights, m.Grads
	ps := []Param{{"token_embedding", Embedding, w.Token.Table, g.Token.Table}}
	for i := range w.Layers {
		L, G := &w.Layers[i], &g.Layers[i]
		p := fmt.Sprintf("layers.%d.", i)
		ps = append(ps,
			Param{p + "rms_att", Scale, L.AttnNorm.Weight, G.AttnNorm.Weight},
			Param{p + "wq", Weight, L.Attention.Wq.W, G.Attention.Wq.W},
			Param{p + "wk", Weight, L.Attention.Wk.W, G.Attention.Wk.W},
			Param{p + "wv", Weight, L.Attention.Wv.W, G.Attention.Wv.W},
			Param{p + "wo", Weight, L.Attention.Wo.W, G.Attention.Wo.W},
			Param{p + "rms_ffn", Scale, L.FFNNorm.Weight, G.FFNNorm.Weight},
			Param{p + "w1", Weight, L.FFN.W1.W, G.FFN.W1.W},
			Param{p + "w2", Weight, L.FFN.W2.W, G.FFN.W2.W},
			Param{p + "w3", Weight, L.FFN.W3.W, G.FFN.W3.W},
		)
	}
	ps = append(ps, Param{"rms_final", Scale, w.FinalNorm.Weight, g.FinalNorm.Weight})
	if m.Config.SeparateClassifier {
		ps = append(ps, Param{"wcls", Weight, w.Classifier.W, g.Classifier.W})
	}
	return ps
}
