package decoder

import (
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"

	"textlab/core/quant"
	"textlab/core/safetensors"
)

// loader looks tensors up by name, with or without one of a few optional
// prefixes, checks their shapes, and keeps the first error.
type loader struct {
	safetensors.Loader
}

// matrix returns the [out][in] weight name+".weight": Textlab's int8 (I8
// [out][in] with name+".weight_scale") as q, or a float tensor as w. A
// float conv1D weight is stored [in][out], as Hugging Face's Conv1D does,
// and is transposed.
func (ld *loader) matrix(name string, out, in int, conv1D bool) (w []float32, q *quant.Matrix) {
	if ld.Err != nil {
		return nil, nil
	}
	t, full, ok := ld.Lookup(name + ".weight")
	if ok && t.DType == safetensors.I8 {
		s, _, ok := ld.Lookup(name + ".weight_scale")
		if !ok {
			ld.Err = fmt.Errorf("tensor %q: int8 weight without %q", full, name+".weight_scale")
			return nil, nil
		}
		m, err := quant.FromTensors(full[:len(full)-len(".weight")], t, s, out, in)
		if err != nil {
			ld.Err = err
			return nil, nil
		}
		return nil, &m
	}
	if !conv1D {
		return ld.Float(name+".weight", out, in), nil
	}
	return transpose(ld.Float(name+".weight", in, out), in, out), nil
}

// transpose returns the [cols][rows] transpose of the [rows][cols] matrix a.
func transpose(a []float32, rows, cols int) []float32 {
	if a == nil {
		return nil
	}
	t := make([]float32, len(a))
	for r := 0; r < rows; r++ {
		for c := 0; c < cols; c++ {
			t[c*rows+r] = a[r*cols+c]
		}
	}
	return t
}

// LoadGPT2 reads a GPT-2 model from a Hugging Face config.json and a
// model.safetensors file (float32, float16 or bfloat16 weights, or
// Textlab's int8 weights).
func LoadGPT2(configJSON, weights []byte) (*GPT2, error) {
	cfg, err := ParseGPT2Config(configJSON)
	if err != nil {
		return nil, err
	}
	f, err := safetensors.Read(weights)
	if err != nil {
		return nil, err
	}
	return GPT2FromSafetensors(cfg, f)
}

// GPT2FromSafetensors builds a model from a parsed checkpoint with Hugging
// Face's GPT-2 names (wte.weight, wpe.weight, h.N.ln_1, h.N.attn.c_attn,
// h.N.attn.c_proj, h.N.ln_2, h.N.mlp.c_fc, h.N.mlp.c_proj, ln_f), with or
// without GPT2LMHeadModel's "transformer." prefix, checking every shape
// against cfg. Float weights are Conv1D weights, [in][out]; Textlab's int8
// weights are [out][in] with one scale per output row. An lm_head.weight
// must equal wte.weight (a tied head); other extra tensors (such as the
// attention-mask buffers h.N.attn.bias of older checkpoints) are ignored.
func GPT2FromSafetensors(cfg GPT2Config, f *safetensors.File) (*GPT2, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	d, inner, v := cfg.NEmbd, cfg.NInner, cfg.VocabSize
	ld := &loader{safetensors.Loader{File: f, Prefixes: []string{"transformer."}}}
	norm := func(name string) LayerNorm {
		return LayerNorm{ld.Float(name+".weight", d), ld.Float(name+".bias", d)}
	}
	lin := func(name string, out, in int) Linear {
		w, q := ld.matrix(name, out, in, true)
		return Linear{In: in, Out: out, W: w, Q: q, B: ld.Float(name+".bias", out)}
	}
	var w GPT2Weights
	w.TokenEmbedding = ld.Float("wte.weight", v, d)
	w.PositionEmbedding = ld.Float("wpe.weight", cfg.NPositions, d)
	w.Layers = make([]GPT2Layer, cfg.NLayer)
	for i := range w.Layers {
		p := fmt.Sprintf("h.%d.", i)
		w.Layers[i] = GPT2Layer{
			LN1:      norm(p + "ln_1"),
			Attn:     lin(p+"attn.c_attn", 3*d, d),
			AttnProj: lin(p+"attn.c_proj", d, d),
			LN2:      norm(p + "ln_2"),
			FC:       lin(p+"mlp.c_fc", inner, d),
			Proj:     lin(p+"mlp.c_proj", d, inner),
		}
	}
	w.LNF = norm("ln_f")
	if extra := fmt.Sprintf("h.%d.ln_1.weight", cfg.NLayer); ld.Err == nil && ld.Has(extra) {
		ld.Err = fmt.Errorf("tensor %q: the weights have more layers than n_layer = %d", extra, cfg.NLayer)
	}
	if ld.Err == nil {
		if _, ok := f.Tensors["lm_head.weight"]; ok {
			head := ld.Float("lm_head.weight", v, d)
			if ld.Err == nil && !slices.Equal(head, w.TokenEmbedding) {
				ld.Err = fmt.Errorf("tensor \"lm_head.weight\": differs from wte.weight; only a head tied to the token embedding is supported")
			}
		}
	}
	if ld.Err != nil {
		return nil, ld.Err
	}
	m, err := NewGPT2(cfg, w)
	if err != nil {
		return nil, err
	}
	m.Config.Quantization = ""
	if len(w.Layers) > 0 && w.Layers[0].Attn.Q != nil {
		m.Config.Quantization = "int8"
	}
	return m, nil
}

// WriteSafetensors writes the weights with Hugging Face's GPT2Model names
// (no "transformer." prefix, no lm_head: it is tied), float projections as
// Conv1D weights ([in][out]), so Hugging Face's GPT2LMHeadModel loads the
// file. Int8 projections are written as Textlab's "<name>.weight" (I8,
// [out][in]) plus "<name>.weight_scale" (F32, [out]), which only Textlab
// reads. Write Config.JSON() beside it as config.json.
func (m *GPT2) WriteSafetensors(w io.Writer) error {
	c := m.Config
	d := c.NEmbd
	var ts []safetensors.Tensor
	add := func(name string, data []float32, shape ...int) {
		ts = append(ts, safetensors.Tensor{Name: name, Shape: shape, F32: data})
	}
	norm := func(name string, n LayerNorm) {
		add(name+".weight", n.Weight, d)
		add(name+".bias", n.Bias, d)
	}
	lin := func(name string, l *Linear) {
		if l.Q != nil {
			ts = append(ts, l.Q.Tensors(name)...)
		} else {
			add(name+".weight", transpose(l.W, l.Out, l.In), l.In, l.Out)
		}
		add(name+".bias", l.B, l.Out)
	}
	add("wte.weight", m.Weights.TokenEmbedding, c.VocabSize, d)
	add("wpe.weight", m.Weights.PositionEmbedding, c.NPositions, d)
	for i := range m.Weights.Layers {
		L := &m.Weights.Layers[i]
		p := fmt.Sprintf("h.%d.", i)
		norm(p+"ln_1", L.LN1)
		lin(p+"attn.c_attn", &L.Attn)
		lin(p+"attn.c_proj", &L.AttnProj)
		norm(p+"ln_2", L.LN2)
		lin(p+"mlp.c_fc", &L.FC)
		lin(p+"mlp.c_proj", &L.Proj)
	}
	norm("ln_f", m.Weights.LNF)
	return safetensors.Write(w, ts, map[string]string{"format": "pt"})
}

// NewRandomGPT2 returns a model with cfg's shapes whose weights, biases and
// embeddings are drawn from a normal distribution with standard deviation
// std (0 means GPT-2's initializer_range, 0.02) and LayerNorm scales around
// 1, from a generator seeded by seed. With cfg.Quantization "int8" the
// projections are then quantized. It is for tests, benchmarks and
// teaching; it has learned nothing.
func NewRandomGPT2(cfg GPT2Config, seed uint64, std float64) (*GPT2, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if std == 0 {
		std = 0.02
	}
	r := rand.New(rand.NewPCG(seed, 0x6E72))
	randn := func(n int, mean float64) []float32 {
		x := make([]float32, n)
		for i := range x {
			x[i] = float32(mean + std*r.NormFloat64())
		}
		return x
	}
	d, inner := cfg.NEmbd, cfg.NInner
	norm := func() LayerNorm { return LayerNorm{randn(d, 1), randn(d, 0)} }
	lin := func(out, in int) Linear { return Linear{In: in, Out: out, W: randn(out*in, 0), B: randn(out, 0)} }
	w := GPT2Weights{
		TokenEmbedding:    randn(cfg.VocabSize*d, 0),
		PositionEmbedding: randn(cfg.NPositions*d, 0),
		Layers:            make([]GPT2Layer, cfg.NLayer),
	}
	for i := range w.Layers {
		w.Layers[i] = GPT2Layer{LN1: norm(), Attn: lin(3*d, d), AttnProj: lin(d, d), LN2: norm(), FC: lin(inner, d), Proj: lin(d, inner)}
	}
	w.LNF = norm()
	quantized := cfg.Quantization == "int8"
	cfg.Quantization = ""
	m, err := NewGPT2(cfg, w)
	if err != nil {
		return nil, err
	}
	if quantized {
		m.Quantize()
	}
	return m, nil
}

// llamaJSON is the config.json Textlab writes beside a Llama safetensors
// file, with the field names of llama2.c's ModelArgs.
type llamaJSON struct {
	ModelType    string `json:"model_type"`
	Dim          int    `json:"dim"`
	HiddenDim    int    `json:"hidden_dim"`
	NLayers      int    `json:"n_layers"`
	NHeads       int    `json:"n_heads"`
	NKVHeads     int    `json:"n_kv_heads"`
	VocabSize    int    `json:"vocab_size"`
	MaxSeqLen    int    `json:"max_seq_len"`
	Quantization string `json:"textlab_quantization,omitempty"`
}

// LlamaModelType is the model_type of the config.json that Llama.ConfigJSON
// writes.
const LlamaModelType = "llama2c"

// ConfigJSON returns the model's hyper-parameters as the config.json that
// LoadLlama reads: llama2.c's ModelArgs names (dim, hidden_dim, n_layers,
// n_heads, n_kv_heads, vocab_size, max_seq_len), model_type "llama2c", and
// textlab_quantization "int8" for a quantized model.
func (m *Llama) ConfigJSON() ([]byte, error) {
	c := m.Config
	j := llamaJSON{LlamaModelType, c.Dim, c.HiddenDim, c.NLayers, c.NHeads, c.NKVHeads, c.VocabSize, c.SeqLen, ""}
	if m.Quantized() {
		j.Quantization = "int8"
	}
	return json.MarshalIndent(j, "", "  ")
}

// WriteSafetensors writes the weights with the names of llama2.c's PyTorch
// model (tok_embeddings.weight, layers.N.attention.{wq,wk,wv,wo}.weight,
// layers.N.feed_forward.{w1,w2,w3}.weight, layers.N.attention_norm.weight,
// layers.N.ffn_norm.weight, norm.weight, output.weight), all [out][in].
// Int8 projections are written as "<name>.weight" (I8) plus
// "<name>.weight_scale" (F32). Write ConfigJSON() beside it.
func (m *Llama) WriteSafetensors(w io.Writer) error {
	c := m.Config
	dim, hid, kv := c.Dim, c.HiddenDim, c.KVDim()
	var ts []safetensors.Tensor
	add := func(name string, data []float32, shape ...int) {
		ts = append(ts, safetensors.Tensor{Name: name, Shape: shape, F32: data})
	}
	mat := func(name string, data []float32, q *quant.Matrix, out, in int) {
		if q != nil {
			ts = append(ts, q.Tensors(name)...)
		} else {
			add(name+".weight", data, out, in)
		}
	}
	add("tok_embeddings.weight", m.Weights.TokenEmbedding, c.VocabSize, dim)
	for i := range m.Weights.Layers {
		l := &m.Weights.Layers[i]
		q := l.int8()
		p := fmt.Sprintf("layers.%d.", i)
		add(p+"attention_norm.weight", l.RMSAtt, dim)
		mat(p+"attention.wq", l.Wq, q.Wq, dim, dim)
		mat(p+"attention.wk", l.Wk, q.Wk, kv, dim)
		mat(p+"attention.wv", l.Wv, q.Wv, kv, dim)
		mat(p+"attention.wo", l.Wo, q.Wo, dim, dim)
		add(p+"ffn_norm.weight", l.RMSFFN, dim)
		mat(p+"feed_forward.w1", l.W1, q.W1, hid, dim)
		mat(p+"feed_forward.w2", l.W2, q.W2, dim, hid)
		mat(p+"feed_forward.w3", l.W3, q.W3, hid, dim)
	}
	add("norm.weight", m.Weights.RMSFinal, dim)
	add("output.weight", m.Weights.Classifier, c.VocabSize, dim)
	return safetensors.Write(w, ts, map[string]string{"format": "pt"})
}

// LoadLlama reads a Llama model written by Llama.WriteSafetensors and
// Llama.ConfigJSON (float32 or int8). The classifier shares the token
// embedding's storage when the two are equal, and when the file has no
// output.weight (a tied classifier written once, as Textlab's int8 export
// does). Float tensors may be stored as int8 with per-row scales (see
// safetensors.Loader.Float); they are dequantized on load.
func LoadLlama(configJSON, weights []byte) (*Llama, error) {
	var j llamaJSON
	if err := json.Unmarshal(configJSON, &j); err != nil {
		return nil, fmt.Errorf("config: %v", err)
	}
	if j.ModelType != LlamaModelType {
		return nil, fmt.Errorf("config: model_type %q, want %q", j.ModelType, LlamaModelType)
	}
	cfg := LlamaConfig{Dim: j.Dim, HiddenDim: j.HiddenDim, NLayers: j.NLayers, NHeads: j.NHeads,
		NKVHeads: j.NKVHeads, VocabSize: j.VocabSize, SeqLen: j.MaxSeqLen}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	for _, f := range []struct {
		name   string
		v, max int
	}{{"dim", cfg.Dim, maxWidth}, {"hidden_dim", cfg.HiddenDim, 4 * maxWidth}, {"n_layers", cfg.NLayers, maxLayers},
		{"vocab_size", cfg.VocabSize, maxVocab}, {"max_seq_len", cfg.SeqLen, 1 << 20}} {
		if f.v > f.max {
			return nil, fmt.Errorf("config: %s = %d, want at most %d", f.name, f.v, f.max)
		}
	}
	f, err := safetensors.Read(weights)
	if err != nil {
		return nil, err
	}
	dim, hid, kv := cfg.Dim, cfg.HiddenDim, cfg.KVDim()
	ld := &loader{safetensors.Loader{File: f}}
	var w LlamaWeights
	w.TokenEmbedding = ld.Float("tok_embeddings.weight", cfg.VocabSize, dim)
	w.Layers = make([]LlamaLayer, cfg.NLayers)
	for i := range w.Layers {
		l := &w.Layers[i]
		p := fmt.Sprintf("layers.%d.", i)
		q := &LlamaInt8{}
		l.RMSAtt = ld.Float(p+"attention_norm.weight", dim)
		l.Wq, q.Wq = ld.matrix(p+"attention.wq", dim, dim, false)
		l.Wk, q.Wk = ld.matrix(p+"attention.wk", kv, dim, false)
		l.Wv, q.Wv = ld.matrix(p+"attention.wv", kv, dim, false)
		l.Wo, q.Wo = ld.matrix(p+"attention.wo", dim, dim, false)
		l.RMSFFN = ld.Float(p+"ffn_norm.weight", dim)
		l.W1, q.W1 = ld.matrix(p+"feed_forward.w1", hid, dim, false)
		l.W2, q.W2 = ld.matrix(p+"feed_forward.w2", dim, hid, false)
		l.W3, q.W3 = ld.matrix(p+"feed_forward.w3", hid, dim, false)
		if *q != (LlamaInt8{}) {
			l.Int8 = q
		}
	}
	w.RMSFinal = ld.Float("norm.weight", dim)
	if ld.Has("output.weight") {
		w.Classifier = ld.Float("output.weight", cfg.VocabSize, dim)
	}
	if ld.Err != nil {
		return nil, ld.Err
	}
	if w.Classifier == nil || slices.Equal(w.Classifier, w.TokenEmbedding) {
		w.Classifier = w.TokenEmbedding
	}
	return NewLlama(cfg, w)
}
