package decoder

import (
	"encoding/json"
	"fmt"
	"math"

	"textlab/core/quant"
	"textlab/core/tensor"
)

// GPT2Config holds the hyper-parameters of a GPT-2 model, read from a
// Hugging Face config.json. The zero value of every field means its value
// in the smallest GPT-2 ("gpt2", 124M parameters).
type GPT2Config struct {
	VocabSize  int `json:"vocab_size"`  // tokens in the vocabulary; 0 means 50257
	NPositions int `json:"n_positions"` // longest sequence (rows of wpe); 0 means 1024
	NEmbd      int `json:"n_embd"`      // width of the residual stream; 0 means 768
	NLayer     int `json:"n_layer"`     // transformer blocks; 0 means 12
	NHead      int `json:"n_head"`      // attention heads; 0 means 12
	NInner     int `json:"n_inner"`     // feed-forward width; 0 (Hugging Face's null) means 4·n_embd
	// LayerNormEpsilon is the epsilon of every LayerNorm; 0 means 1e-5.
	LayerNormEpsilon float64 `json:"layer_norm_epsilon"`
	// ActivationFunction is the feed-forward activation; "" means
	// "gelu_new", GELU's tanh approximation ("gelu_pytorch_tanh" is the
	// same function and also accepted).
	ActivationFunction string `json:"activation_function"`
	// EOSTokenID is <|endoftext|>, which starts an empty prompt and stops
	// generation. nil, or an id outside the vocabulary, means vocab_size-1
	// (50256 in GPT-2's vocabulary).
	EOSTokenID *int `json:"eos_token_id,omitempty"`
	// ScaleAttnByInverseLayerIdx is a Hugging Face option Textlab does not
	// implement; a config that sets it is rejected.
	ScaleAttnByInverseLayerIdx bool `json:"scale_attn_by_inverse_layer_idx,omitempty"`
	// Quantization is Textlab's own field: "int8" when the projections are
	// stored as int8 weights with float32 scales, "" for float32. Hugging
	// Face ignores it.
	Quantization string `json:"textlab_quantization,omitempty"`
}

// Limits on what a config may ask for, so that a hostile config.json cannot
// make a model allocate without bound (weights are also checked against the
// file that holds them).
const (
	maxWidth  = 1 << 16
	maxLayers = 256
	maxVocab  = 1 << 22
)

// WithDefaults returns c with every zero field set to GPT-2's value.
func (c GPT2Config) WithDefaults() GPT2Config {
	def := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	def(&c.VocabSize, 50257)
	def(&c.NPositions, 1024)
	def(&c.NEmbd, 768)
	def(&c.NLayer, 12)
	def(&c.NHead, 12)
	def(&c.NInner, 4*c.NEmbd)
	if c.LayerNormEpsilon == 0 {
		c.LayerNormEpsilon = 1e-5
	}
	if c.ActivationFunction == "" {
		c.ActivationFunction = "gelu_new"
	}
	return c
}

// Validate reports the first field of c (after defaults) that Textlab
// cannot run.
func (c GPT2Config) Validate() error {
	c = c.WithDefaults()
	for _, f := range []struct {
		name string
		v    int
		max  int
	}{
		{"vocab_size", c.VocabSize, maxVocab},
		{"n_positions", c.NPositions, maxWidth},
		{"n_embd", c.NEmbd, maxWidth},
		{"n_layer", c.NLayer, maxLayers},
		{"n_head", c.NHead, maxWidth},
		{"n_inner", c.NInner, 4 * maxWidth},
	} {
		if f.v < 1 || f.v > f.max {
			return fmt.Errorf("config: %s = %d, want 1 to %d", f.name, f.v, f.max)
		}
	}
	if c.NEmbd%c.NHead != 0 {
		return fmt.Errorf("config: n_embd %d is not divisible by n_head %d", c.NEmbd, c.NHead)
	}
	if !(c.LayerNormEpsilon > 0 && c.LayerNormEpsilon < 1) {
		return fmt.Errorf("config: layer_norm_epsilon = %g, want a small positive number", c.LayerNormEpsilon)
	}
	if c.ActivationFunction != "gelu_new" && c.ActivationFunction != "gelu_pytorch_tanh" {
		return fmt.Errorf("config: activation_function %q is not supported (want \"gelu_new\")", c.ActivationFunction)
	}
	if c.ScaleAttnByInverseLayerIdx {
		return fmt.Errorf("config: scale_attn_by_inverse_layer_idx is not supported")
	}
	if c.Quantization != "" && c.Quantization != "int8" {
		return fmt.Errorf("config: textlab_quantization %q is not supported (want \"\" or \"int8\")", c.Quantization)
	}
	return nil
}

// HeadSize returns the width of one attention head, n_embd / n_head.
func (c GPT2Config) HeadSize() int { return c.NEmbd / c.NHead }

// EOS returns the id of <|endoftext|> (see EOSTokenID).
func (c GPT2Config) EOS() int {
	if c.EOSTokenID != nil && *c.EOSTokenID >= 0 && *c.EOSTokenID < c.VocabSize {
		return *c.EOSTokenID
	}
	return c.VocabSize - 1
}

// ParseGPT2Config reads a Hugging Face GPT-2 config.json, fills in defaults
// and validates the result.
func ParseGPT2Config(data []byte) (GPT2Config, error) {
	var c GPT2Config
	if err := json.Unmarshal(data, &c); err != nil {
		return GPT2Config{}, fmt.Errorf("config: %v", err)
	}
	c = c.WithDefaults()
	if err := c.Validate(); err != nil {
		return GPT2Config{}, err
	}
	return c, nil
}

// JSON returns c as a config.json that Hugging Face's GPT2Config reads.
func (c GPT2Config) JSON() ([]byte, error) {
	type hf struct {
		Architectures []string `json:"architectures"`
		ModelType     string   `json:"model_type"`
		GPT2Config
	}
	c = c.WithDefaults()
	if c.EOSTokenID == nil {
		eos := c.EOS()
		c.EOSTokenID = &eos
	}
	return json.MarshalIndent(hf{[]string{"GPT2LMHeadModel"}, "gpt2", c}, "", "  ")
}

// Linear is one projection in nn.Linear's layout: W is [Out][In] and
// y = W·x + B. When Q is set the projection runs in int8 and W is nil.
// (Hugging Face's GPT-2 stores these as Conv1D weights, [In][Out]; the
// loader and writer transpose them.)
type Linear struct {
	In, Out int
	W       []float32     // [Out][In] float32 weight, nil when Q is set
	B       []float32     // [Out] bias
	Q       *quant.Matrix // int8 weight with one scale per output row, or nil
}

// forward computes out = W·x + B for one position; xq is int8 scratch at
// least In long.
func (l *Linear) forward(out, x []float32, xq []int8, acc []int32) {
	matmul(out, x, l.W, l.Q, l.In, l.Out, xq, acc)
	tensor.AddInPlace(out, l.B)
}

// LayerNorm holds the scale (weight) and shift (bias) of one LayerNorm.
type LayerNorm struct {
	Weight, Bias []float32
}

// GPT2Layer holds the weights of one transformer block, named as Hugging
// Face's GPT2Block names its parts.
type GPT2Layer struct {
	LN1      LayerNorm // ln_1, before attention
	Attn     Linear    // attn.c_attn: [3·n_embd][n_embd], query, key and value stacked
	AttnProj Linear    // attn.c_proj: [n_embd][n_embd]
	LN2      LayerNorm // ln_2, before the feed-forward layer
	FC       Linear    // mlp.c_fc: [n_inner][n_embd]
	Proj     Linear    // mlp.c_proj: [n_embd][n_inner]
}

// GPT2Weights holds all weights of a GPT-2 model. Embeddings and the LM
// head stay float32 in an int8 model.
type GPT2Weights struct {
	// TokenEmbedding is wte, [vocab][n_embd]; the LM head is tied to it.
	TokenEmbedding []float32
	// PositionEmbedding is wpe, [n_positions][n_embd].
	PositionEmbedding []float32
	Layers            []GPT2Layer
	LNF               LayerNorm // ln_f, the final LayerNorm
}

// GPT2State holds the scratch buffers of one forward step and the key/value
// cache of the sequence so far, named by role as in RunState.
type GPT2State struct {
	X      []float32 // [n_embd] the residual stream
	XB     []float32 // [n_embd] the same inside a residual branch
	XB2    []float32 // [n_embd] an additional buffer
	QKV    []float32 // [3·n_embd] query, key and value of the current position
	HB     []float32 // [n_inner] feed-forward hidden layer
	Att    []float32 // [pos+1] attention scores, then probabilities, of one head
	Logits []float32 // [vocab] output logits
	// KeyCache and ValueCache are [position][n_layer][n_embd], growing
	// with the sequence.
	KeyCache, ValueCache []float32
	// Probs holds the attention probabilities of the latest position,
	// [n_layer][n_head][pos+1], when RecordAttention is set.
	Probs [][][]float32
	XQ    []int8  // [max(n_embd, n_inner)] int8 activations for int8 projections
	Acc   []int32 // [64] int32 sums of a block of rows, for int8 projections
}

// GPT2 is a GPT-2 style decoder: LayerNorm before each sub-layer, learned
// position embeddings, GELU (tanh approximation), and an LM head tied to
// the token embedding.
type GPT2 struct {
	Config  GPT2Config
	Weights GPT2Weights
	State   GPT2State
	// RecordAttention makes Forward keep the attention probabilities of
	// each layer and head in State.Probs (see Attention). Off by default.
	RecordAttention bool
	pos             int // the next position Forward may be called with
}

var _ Model = (*GPT2)(nil)

// NewGPT2 checks cfg (after defaults) and w and returns a model ready for
// position 0.
func NewGPT2(cfg GPT2Config, w GPT2Weights) (*GPT2, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if err := w.Check(cfg); err != nil {
		return nil, err
	}
	d, inner := cfg.NEmbd, cfg.NInner
	return &GPT2{Config: cfg, Weights: w, State: GPT2State{
		X: make([]float32, d), XB: make([]float32, d), XB2: make([]float32, d),
		QKV: make([]float32, 3*d), HB: make([]float32, inner),
		Logits: make([]float32, cfg.VocabSize), XQ: make([]int8, max(d, inner)), Acc: make([]int32, int8Block),
	}}, nil
}

// Check returns an error naming the first weight whose size does not match
// cfg (after defaults).
func (w *GPT2Weights) Check(cfg GPT2Config) error {
	cfg = cfg.WithDefaults()
	d, inner := cfg.NEmbd, cfg.NInner
	vec := func(name string, got []float32, want int) error {
		if len(got) != want {
			return fmt.Errorf("tensor %q: %d values, want %d", name, len(got), want)
		}
		return nil
	}
	if err := vec("wte.weight", w.TokenEmbedding, cfg.VocabSize*d); err != nil {
		return err
	}
	if err := vec("wpe.weight", w.PositionEmbedding, cfg.NPositions*d); err != nil {
		return err
	}
	if len(w.Layers) != cfg.NLayer {
		return fmt.Errorf("weights: %d layers, config says n_layer = %d", len(w.Layers), cfg.NLayer)
	}
	norm := func(name string, n LayerNorm) error {
		if err := vec(name+".weight", n.Weight, d); err != nil {
			return err
		}
		return vec(name+".bias", n.Bias, d)
	}
	for i, l := range w.Layers {
		p := fmt.Sprintf("h.%d.", i)
		for _, t := range []struct {
			name    string
			l       Linear
			out, in int
		}{{"attn.c_attn", l.Attn, 3 * d, d}, {"attn.c_proj", l.AttnProj, d, d}, {"mlp.c_fc", l.FC, inner, d}, {"mlp.c_proj", l.Proj, d, inner}} {
			if err := checkLinear(p+t.name, t.l, t.out, t.in); err != nil {
				return err
			}
		}
		if err := norm(p+"ln_1", l.LN1); err != nil {
			return err
		}
		if err := norm(p+"ln_2", l.LN2); err != nil {
			return err
		}
	}
	return norm("ln_f", w.LNF)
}

// checkLinear checks that l maps in to out features, in float32 or int8.
func checkLinear(name string, l Linear, out, in int) error {
	if l.In != in || l.Out != out {
		return fmt.Errorf("tensor %q: maps %d to %d features, want %d to %d", name+".weight", l.In, l.Out, in, out)
	}
	if err := checkMatrix(name, l.W, l.Q, out, in); err != nil {
		return err
	}
	if len(l.B) != out {
		return fmt.Errorf("tensor %q: %d values, want %d", name+".bias", len(l.B), out)
	}
	return nil
}

// Reset forgets the sequence so far, so the next Forward starts at position 0.
func (m *GPT2) Reset() { m.pos = 0; m.State.Probs = nil }

// SeqLen returns the longest sequence the model handles (n_positions).
func (m *GPT2) SeqLen() int { return m.Config.NPositions }

// VocabSize returns the number of logits Forward returns.
func (m *GPT2) VocabSize() int { return m.Config.VocabSize }

// BOS returns <|endoftext|>, with which GPT-2 starts an empty prompt and
// ends a text (Generate stops when it is sampled).
func (m *GPT2) BOS() int { return m.Config.EOS() }

// Attention returns the attention probabilities of the latest Forward,
// indexed [layer][head][position 0..pos], or nil unless RecordAttention was
// set for that call. The slices are reused by the next Forward.
func (m *GPT2) Attention() [][][]float32 { return m.State.Probs }

// Forward runs token at position pos through the model and returns the
// logits of the next token (State.Logits, overwritten by the next call).
// Positions must be fed in order from 0 (pos ≤ the number of positions run
// since Reset) and be below n_positions; token must be a vocabulary id.
// Forward panics otherwise, as Llama.Forward does.
func (m *GPT2) Forward(token, pos int) []float32 {
	c, w, s := &m.Config, &m.Weights, &m.State
	if token < 0 || token >= c.VocabSize || pos < 0 || pos >= c.NPositions || pos > m.pos {
		panic(fmt.Sprintf("decoder: GPT2.Forward(token %d, pos %d) out of range (vocab %d, n_positions %d, next position %d)",
			token, pos, c.VocabSize, c.NPositions, m.pos))
	}
	m.pos = pos + 1
	dim, headSize := c.NEmbd, c.HeadSize()
	eps := float32(c.LayerNormEpsilon)
	scale := float32(1 / math.Sqrt(float64(headSize)))
	if m.RecordAttention {
		s.Probs = allocProbs(s.Probs, c.NLayer, c.NHead, pos+1)
	}
	// Grow the KV cache and the score buffer to hold position pos.
	stride := c.NLayer * dim // cache values per position
	for len(s.KeyCache) < (pos+1)*stride {
		s.KeyCache = append(s.KeyCache, make([]float32, stride)...)
		s.ValueCache = append(s.ValueCache, make([]float32, stride)...)
	}
	if len(s.Att) < pos+1 {
		s.Att = append(s.Att, make([]float32, pos+1-len(s.Att))...)
	}

	// Embed: the token's row of wte plus the position's row of wpe.
	for i := range s.X {
		s.X[i] = w.TokenEmbedding[token*dim+i] + w.PositionEmbedding[pos*dim+i]
	}

	for l := range w.Layers {
		lw := &w.Layers[l]
		loff := pos*stride + l*dim // this layer's slot for position pos in the KV cache
		// LayerNorm before attention (ln_1).
		tensor.LayerNorm(s.XB, s.X, lw.LN1.Weight, lw.LN1.Bias, eps)
		// q, k, v in one projection (c_attn); k and v go into the cache at pos.
		lw.Attn.forward(s.QKV, s.XB, s.XQ, s.Acc)
		q := s.QKV[:dim]
		copy(s.KeyCache[loff:loff+dim], s.QKV[dim:2*dim])
		copy(s.ValueCache[loff:loff+dim], s.QKV[2*dim:])
		// Causal self-attention of each head over positions 0..pos.
		for h := 0; h < c.NHead; h++ {
			qh := q[h*headSize : (h+1)*headSize]
			att := s.Att[:pos+1]
			for t := 0; t <= pos; t++ {
				off := t*stride + l*dim + h*headSize
				att[t] = tensor.Dot(qh, s.KeyCache[off:off+headSize]) * scale
			}
			tensor.Softmax(att)
			if m.RecordAttention {
				copy(s.Probs[l][h], att)
			}
			xb := s.XB[h*headSize : (h+1)*headSize]
			clear(xb)
			for t := 0; t <= pos; t++ {
				off := t*stride + l*dim + h*headSize
				vt := s.ValueCache[off : off+headSize]
				a := att[t]
				for i := range xb {
					xb[i] += a * vt[i]
				}
			}
		}
		// Output projection of the attention (attn.c_proj).
		lw.AttnProj.forward(s.XB2, s.XB, s.XQ, s.Acc)
		// Residual connection.
		tensor.AddInPlace(s.X, s.XB2)
		// LayerNorm before the feed-forward layer (ln_2).
		tensor.LayerNorm(s.XB, s.X, lw.LN2.Weight, lw.LN2.Bias, eps)
		// Feed-forward: c_proj(gelu_tanh(c_fc(x))).
		lw.FC.forward(s.HB, s.XB, s.XQ, s.Acc)
		tensor.GELUTanh(s.HB)
		lw.Proj.forward(s.XB2, s.HB, s.XQ, s.Acc)
		// Residual connection.
		tensor.AddInPlace(s.X, s.XB2)
	}

	// Final LayerNorm (ln_f).
	tensor.LayerNorm(s.X, s.X, w.LNF.Weight, w.LNF.Bias, eps)
	// LM head, tied to the token embedding: logits = wte·x.
	tensor.MatVec(s.Logits, w.TokenEmbedding, s.X, c.VocabSize, dim)
	return s.Logits
}
