// Package decoder runs decoder-only transformer language models one token at
// a time, with a key/value cache, so a page can show the next-token
// distribution after every step.
//
// Llama is the LLaMA architecture as Andrej Karpathy's llama2.c runs it
// (RMSNorm, rotary position embeddings, grouped-query attention, SwiGLU
// feed-forward). Its Forward reproduces run.c's arithmetic in float32, in
// the same order, so the logits and the sampled tokens match run.c's output.
// Checkpoints in llama2.c's format are read by package textlab/core/llama2c.
//
// GPT2 is the GPT-2 architecture as Hugging Face's GPT2LMHeadModel runs it
// (LayerNorm before each sub-layer, learned positions, GELU with the tanh
// approximation, an LM head tied to the token embedding). LoadGPT2 reads a
// Hugging Face config.json and model.safetensors, and WriteSafetensors
// writes them back.
//
// Both models can run their projections in int8 (Quantize; see int8.go),
// and both save and load Textlab's int8 safetensors.
//
// Generate is the loop that turns a prompt into a continuation; it takes the
// sampler as a function, so the model never sees how tokens are chosen.
package decoder

import (
	"fmt"
	"math"

	"textlab/core/quant"
	"textlab/core/tensor"
)

// LlamaConfig holds the hyper-parameters of a Llama model, as llama2.c's
// checkpoint header stores them.
type LlamaConfig struct {
	Dim       int // width of the residual stream
	HiddenDim int // width of the SwiGLU feed-forward layer
	NLayers   int // number of transformer blocks
	NHeads    int // number of query heads
	NKVHeads  int // number of key/value heads (NHeads for plain multi-head attention)
	VocabSize int // number of vocabulary entries (rows of the embedding table)
	SeqLen    int // longest sequence the model (and its KV cache) handles
}

// HeadSize returns the width of one attention head, Dim / NHeads.
func (c LlamaConfig) HeadSize() int { return c.Dim / c.NHeads }

// KVDim returns the width of the keys and values of one position,
// NKVHeads · HeadSize.
func (c LlamaConfig) KVDim() int { return c.NKVHeads * c.HeadSize() }

// Validate checks that the hyper-parameters describe a model that can run:
// all positive, heads dividing the width, key/value heads dividing the
// query heads, and an even head size for the rotary embedding.
func (c LlamaConfig) Validate() error {
	fields := []struct {
		name string
		v    int
	}{{"dim", c.Dim}, {"hidden_dim", c.HiddenDim}, {"n_layers", c.NLayers},
		{"n_heads", c.NHeads}, {"n_kv_heads", c.NKVHeads}, {"vocab_size", c.VocabSize}, {"seq_len", c.SeqLen}}
	for _, f := range fields {
		if f.v <= 0 {
			return fmt.Errorf("config: %s is %d, want a positive number", f.name, f.v)
		}
	}
	if c.Dim%c.NHeads != 0 {
		return fmt.Errorf("config: n_heads %d does not divide dim %d", c.NHeads, c.Dim)
	}
	if c.NKVHeads > c.NHeads || c.NHeads%c.NKVHeads != 0 {
		return fmt.Errorf("config: n_kv_heads %d does not divide n_heads %d", c.NKVHeads, c.NHeads)
	}
	if c.HeadSize()%2 != 0 {
		return fmt.Errorf("config: head size %d (dim/n_heads) is odd; rotary embeddings need pairs", c.HeadSize())
	}
	return nil
}

// LlamaLayer holds the weights of one transformer block. Matrices are
// row-major [out][in], as llama2.c stores them.
type LlamaLayer struct {
	RMSAtt []float32 // [dim] attention RMSNorm weight
	Wq     []float32 // [dim][dim] query projection
	Wk     []float32 // [kv_dim][dim] key projection
	Wv     []float32 // [kv_dim][dim] value projection
	Wo     []float32 // [dim][dim] attention output projection
	RMSFFN []float32 // [dim] feed-forward RMSNorm weight
	W1     []float32 // [hidden_dim][dim] gate projection
	W2     []float32 // [dim][hidden_dim] down projection
	W3     []float32 // [hidden_dim][dim] up projection
	// Int8 holds int8 versions of the projections when the model is
	// quantized (see Llama.Quantize); each one set replaces the float32
	// matrix of the same name, which is then nil. nil means float32.
	Int8 *LlamaInt8
}

// LlamaInt8 holds the int8 projections of one Llama block, each with one
// scale per output row (see package textlab/core/quant).
type LlamaInt8 struct {
	Wq, Wk, Wv, Wo, W1, W2, W3 *quant.Matrix
}

// noInt8 is the LlamaInt8 of a float32 layer: all matrices nil.
var noInt8 = &LlamaInt8{}

// int8 returns the layer's int8 projections (all nil for float32).
func (l *LlamaLayer) int8() *LlamaInt8 {
	if l.Int8 == nil {
		return noInt8
	}
	return l.Int8
}

// LlamaWeights holds all weights of a Llama model.
type LlamaWeights struct {
	TokenEmbedding []float32 // [vocab][dim]
	Layers         []LlamaLayer
	RMSFinal       []float32 // [dim] final RMSNorm weight
	// Classifier is the [vocab][dim] output projection. It shares its
	// storage with TokenEmbedding when the checkpoint ties them.
	Classifier []float32
}

// Check returns an error naming the first weight whose length does not
// match cfg.
func (w *LlamaWeights) Check(cfg LlamaConfig) error {
	dim, hid, kv := cfg.Dim, cfg.HiddenDim, cfg.KVDim()
	check := func(name string, got []float32, want int) error {
		if len(got) != want {
			return fmt.Errorf("tensor %q: %d values, want %d", name, len(got), want)
		}
		return nil
	}
	if err := check("token_embedding", w.TokenEmbedding, cfg.VocabSize*dim); err != nil {
		return err
	}
	if len(w.Layers) != cfg.NLayers {
		return fmt.Errorf("weights: %d layers, config says %d", len(w.Layers), cfg.NLayers)
	}
	for i, l := range w.Layers {
		for _, t := range []struct {
			name string
			v    []float32
			n    int
		}{{"rms_att", l.RMSAtt, dim}, {"rms_ffn", l.RMSFFN, dim}} {
			if err := check(fmt.Sprintf("layers.%d.%s", i, t.name), t.v, t.n); err != nil {
				return err
			}
		}
		q := l.int8()
		for _, t := range []struct {
			name    string
			v       []float32
			q       *quant.Matrix
			out, in int
		}{{"wq", l.Wq, q.Wq, dim, dim}, {"wk", l.Wk, q.Wk, kv, dim}, {"wv", l.Wv, q.Wv, kv, dim}, {"wo", l.Wo, q.Wo, dim, dim},
			{"w1", l.W1, q.W1, hid, dim}, {"w2", l.W2, q.W2, dim, hid}, {"w3", l.W3, q.W3, hid, dim}} {
			if err := checkMatrix(fmt.Sprintf("layers.%d.%s", i, t.name), t.v, t.q, t.out, t.in); err != nil {
				return err
			}
		}
	}
	if err := check("rms_final", w.RMSFinal, dim); err != nil {
		return err
	}
	return check("wcls", w.Classifier, cfg.VocabSize*dim)
}

// RunState holds the scratch buffers of one forward step and the key/value
// cache of the sequence so far, named by role as in llama2.c.
type RunState struct {
	X      []float32 // [dim] activation at the current position (the residual stream)
	XB     []float32 // [dim] the same inside a residual branch
	XB2    []float32 // [dim] an additional buffer
	HB     []float32 // [hidden_dim] feed-forward hidden layer
	HB2    []float32 // [hidden_dim] feed-forward hidden layer
	Q      []float32 // [dim] query
	Att    []float32 // [pos+1] attention scores, then probabilities, of the head being computed
	Logits []float32 // [vocab] output logits
	XQ     []int8    // [max(dim, hidden_dim)] int8 activations for int8 projections
	Acc    []int32   // [64] int32 sums of a block of rows, for int8 projections
	RoPE   []float32 // [head_size] cos, sin of the rotary angles of the current position, pair by pair
	// KeyCache and ValueCache are [position][n_layers][kv_dim]: position
	// first (not layer first, as in llama2.c) so the cache grows with the
	// sequence instead of being allocated for SeqLen up front.
	KeyCache, ValueCache []float32
	// Probs holds the attention probabilities of the latest position,
	// [n_layers][n_heads][pos+1], when the model's RecordAttention is set.
	Probs [][][]float32
}

func newRunState(c LlamaConfig) RunState {
	return RunState{
		X: make([]float32, c.Dim), XB: make([]float32, c.Dim), XB2: make([]float32, c.Dim),
		HB: make([]float32, c.HiddenDim), HB2: make([]float32, c.HiddenDim),
		Q: make([]float32, c.Dim), Logits: make([]float32, c.VocabSize), XQ: make([]int8, max(c.Dim, c.HiddenDim)),
		Acc: make([]int32, int8Block), RoPE: make([]float32, c.HeadSize()),
	}
}

// Llama is a LLaMA-style decoder: its hyper-parameters, weights, and the
// state of the sequence being run.
type Llama struct {
	Config  LlamaConfig
	Weights LlamaWeights
	State   RunState
	// RecordAttention makes Forward keep the attention probabilities of
	// each layer and head in State.Probs (see Attention). Off by default.
	RecordAttention bool
	pos             int // the next position Forward may be called with
}

// NewLlama checks cfg and w and returns a model ready for position 0.
func NewLlama(cfg LlamaConfig, w LlamaWeights) (*Llama, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if err := w.Check(cfg); err != nil {
		return nil, err
	}
	return &Llama{Config: cfg, Weights: w, State: newRunState(cfg)}, nil
}

// Reset forgets the sequence so far, so the next Forward starts at position 0.
// (The cache is not cleared: position p only reads entries 0..p, which
// Forward has written.)
func (m *Llama) Reset() { m.pos = 0; m.State.Probs = nil }

// SeqLen returns the longest sequence the model handles.
func (m *Llama) SeqLen() int { return m.Config.SeqLen }

// VocabSize returns the number of logits Forward returns.
func (m *Llama) VocabSize() int { return m.Config.VocabSize }

// Attention returns the attention probabilities of the latest Forward,
// indexed [layer][head][position 0..pos], or nil unless RecordAttention was
// set for that call. The slices are reused by the next Forward.
func (m *Llama) Attention() [][][]float32 { return m.State.Probs }

// Forward runs token at position pos through the model and returns the
// logits of the next token (State.Logits, overwritten by the next call).
// Positions must be fed in order from 0 (pos ≤ the number of positions run
// since Reset) and be below SeqLen; token must be a vocabulary id. Forward
// panics otherwise: callers feed it ids they produced, and Generate checks
// its prompt.
func (m *Llama) Forward(token, pos int) []float32 {
	c, w, s := &m.Config, &m.Weights, &m.State
	if token < 0 || token >= c.VocabSize || pos < 0 || pos >= c.SeqLen || pos > m.pos {
		panic(fmt.Sprintf("decoder: Forward(token %d, pos %d) out of range (vocab %d, seq_len %d, next position %d)",
			token, pos, c.VocabSize, c.SeqLen, m.pos))
	}
	m.pos = pos + 1
	dim, hidden, headSize, kvDim := c.Dim, c.HiddenDim, c.HeadSize(), c.KVDim()
	kvMul := c.NHeads / c.NKVHeads // query heads sharing one key/value head
	if m.RecordAttention {
		s.Probs = allocProbs(s.Probs, c.NLayers, c.NHeads, pos+1)
	}
	// Grow the KV cache and the score buffer to hold position pos.
	stride := c.NLayers * kvDim // cache values per position
	for len(s.KeyCache) < (pos+1)*stride {
		s.KeyCache = append(s.KeyCache, make([]float32, stride)...)
		s.ValueCache = append(s.ValueCache, make([]float32, stride)...)
	}
	if len(s.Att) < pos+1 {
		s.Att = append(s.Att, make([]float32, pos+1-len(s.Att))...)
	}

	// Embed: copy the token's row of the embedding table into x.
	copy(s.X, w.TokenEmbedding[token*dim:(token+1)*dim])
	ropeAngles(s.RoPE, pos)

	for l := range w.Layers {
		lw := &w.Layers[l]
		loff := l * kvDim // this layer's offset within each position of the KV cache
		k := s.KeyCache[pos*stride+loff : pos*stride+loff+kvDim]
		v := s.ValueCache[pos*stride+loff : pos*stride+loff+kvDim]
		q8 := lw.int8() // the int8 projections, all nil in a float32 model

		// Attention RMSNorm.
		rmsnorm(s.XB, s.X, lw.RMSAtt)
		// q, k, v projections; k and v go straight into the cache at pos.
		matmul(s.Q, s.XB, lw.Wq, q8.Wq, dim, dim, s.XQ, s.Acc)
		matmul(k, s.XB, lw.Wk, q8.Wk, dim, kvDim, s.XQ, s.Acc)
		matmul(v, s.XB, lw.Wv, q8.Wv, dim, kvDim, s.XQ, s.Acc)
		// RoPE: rotate each (even, odd) pair of q and k by pos·10000^(-i/head_size).
		rope(s.Q, k, s.RoPE)
		// Grouped-query attention of each head over positions 0..pos.
		for h := 0; h < c.NHeads; h++ {
			q := s.Q[h*headSize : (h+1)*headSize]
			att := s.Att[:pos+1]
			kvOff := (h / kvMul) * headSize
			for t := 0; t <= pos; t++ {
				kt := s.KeyCache[t*stride+loff+kvOff : t*stride+loff+kvOff+headSize]
				var score float32
				for i := range q {
					score += q[i] * kt[i]
				}
				att[t] = score / float32(math.Sqrt(float64(headSize)))
			}
			tensor.Softmax(att)
			if m.RecordAttention {
				copy(s.Probs[l][h], att)
			}
			xb := s.XB[h*headSize : (h+1)*headSize]
			clear(xb)
			for t := 0; t <= pos; t++ {
				vt := s.ValueCache[t*stride+loff+kvOff : t*stride+loff+kvOff+headSize]
				a := att[t]
				for i := range xb {
					xb[i] += a * vt[i]
				}
			}
		}
		// Output projection of the attention.
		matmul(s.XB2, s.XB, lw.Wo, q8.Wo, dim, dim, s.XQ, s.Acc)
		// Residual connection.
		for i := range s.X {
			s.X[i] += s.XB2[i]
		}
		// Feed-forward RMSNorm.
		rmsnorm(s.XB, s.X, lw.RMSFFN)
		// SwiGLU feed-forward: w2 · (silu(w1·x) ⊙ (w3·x)).
		matmul(s.HB, s.XB, lw.W1, q8.W1, dim, hidden, s.XQ, s.Acc)
		matmul(s.HB2, s.XB, lw.W3, q8.W3, dim, hidden, s.XQ, s.Acc)
		for i, val := range s.HB {
			s.HB[i] = silu(val) * s.HB2[i]
		}
		matmul(s.XB, s.HB, lw.W2, q8.W2, hidden, dim, s.XQ, s.Acc)
		// Residual connection.
		for i := range s.X {
			s.X[i] += s.XB[i]
		}
	}

	// Final RMSNorm.
	rmsnorm(s.X, s.X, w.RMSFinal)
	// Classifier into logits.
	matmul(s.Logits, s.X, w.Classifier, nil, dim, c.VocabSize, nil, nil)
	return s.Logits
}

func allocProbs(p [][][]float32, layers, heads, n int) [][][]float32 {
	if len(p) != layers {
		p = make([][][]float32, layers)
	}
	for l := range p {
		if len(p[l]) != heads {
			p[l] = make([][]float32, heads)
		}
		for h := range p[l] {
			if cap(p[l][h]) < n {
				p[l][h] = make([]float32, n, n+64)
			}
			p[l][h] = p[l][h][:n]
		}
	}
	return p
}
