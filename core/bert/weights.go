package bert

import (
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strings"

	"textlab/core/quant"
	"textlab/core/safetensors"
	"textlab/core/tensor"
)

// Linear is one dense layer in nn.Linear's layout: W is [Out][In], y = W·x + B.
// When Q is set the layer runs in int8 and W is nil.
type Linear struct {
	In, Out int
	W       []float32
	B       []float32
	Q       *quant.Linear
}

// Forward computes out = x·Wᵀ + b for n rows of x.
func (l *Linear) Forward(out, x []float32, n int) {
	if l.Q != nil {
		l.Q.Forward(out, x, n)
		return
	}
	tensor.Linear(out, x, l.W, l.B, n, l.In, l.Out)
}

// LayerNorm holds the scale (gamma) and shift (beta) of one LayerNorm.
type LayerNorm struct {
	Gamma, Beta []float32
}

// Layer is one encoder layer, named as Hugging Face's BertLayer names its parts.
type Layer struct {
	Query, Key, Value Linear    // attention.self.{query,key,value}
	AttnOutput        Linear    // attention.output.dense
	AttnNorm          LayerNorm // attention.output.LayerNorm
	Intermediate      Linear    // intermediate.dense
	Output            Linear    // output.dense
	OutputNorm        LayerNorm // output.LayerNorm
}

// MLMHead is BertForMaskedLM's prediction head: dense, GELU, LayerNorm, then
// the decoder, whose weight is tied to the word embeddings, plus Bias.
type MLMHead struct {
	Transform Linear    // cls.predictions.transform.dense
	Norm      LayerNorm // cls.predictions.transform.LayerNorm
	Bias      []float32 // cls.predictions.bias, one per vocabulary entry
	// Decoder is cls.predictions.decoder.weight ([VocabSize][Hidden]) when
	// a checkpoint stores one that differs from the word embeddings; nil
	// (the usual case) means tied to Model.WordEmbeddings.
	Decoder []float32
}

// Model is a BERT encoder: its configuration and its weights.
type Model struct {
	Config Config
	// Embedding tables, row-major: [VocabSize][Hidden],
	// [MaxPositionEmbeddings][Hidden] and [TypeVocabSize][Hidden].
	WordEmbeddings, PositionEmbeddings, TokenTypeEmbeddings []float32
	EmbeddingNorm                                           LayerNorm
	Layers                                                  []Layer
	Pooler                                                  *Linear  // pooler.dense; nil when the checkpoint has none
	Head                                                    *MLMHead // nil when the checkpoint has no MLM head
}

// Load reads a model from a config.json and a model.safetensors file.
func Load(configJSON, weights []byte) (*Model, error) {
	cfg, err := ParseConfig(configJSON)
	if err != nil {
		return nil, err
	}
	f, err := safetensors.Read(weights)
	if err != nil {
		return nil, err
	}
	return FromSafetensors(cfg, f)
}

// loader looks tensors up by their Hugging Face names, with or without the
// "bert." prefix that BertForMaskedLM adds, and checks shapes.
type loader struct {
	safetensors.Loader
}

// layerNorm reads name.weight/name.bias, or the old name.gamma/name.beta.
func (ld *loader) layerNorm(name string, n int) LayerNorm {
	if !ld.Has(name+".weight") && ld.Has(name+".gamma") {
		return LayerNorm{ld.Float(name+".gamma", n), ld.Float(name+".beta", n)}
	}
	return LayerNorm{ld.Float(name+".weight", n), ld.Float(name+".bias", n)}
}

// linear reads name.weight ([out][in], float or Textlab's int8 with
// name.weight_scale) and name.bias ([out]).
func (ld *loader) linear(name string, out, in int) Linear {
	l := Linear{In: in, Out: out}
	if ld.Err != nil {
		return l
	}
	w, full, ok := ld.Lookup(name + ".weight")
	if ok && w.DType == safetensors.I8 {
		s, _, ok := ld.Lookup(name + ".weight_scale")
		if !ok {
			ld.Err = fmt.Errorf("tensor %q: int8 weight without %q", full, name+".weight_scale")
			return l
		}
		prefix := full[:len(full)-len(".weight")]
		m, err := quant.FromTensors(prefix, w, s, out, in)
		if err != nil {
			ld.Err = err
			return l
		}
		l.Q = &quant.Linear{W: m, Bias: ld.Float(name+".bias", out)}
		l.B = l.Q.Bias
		return l
	}
	l.W = ld.Float(name+".weight", out, in)
	l.B = ld.Float(name+".bias", out)
	return l
}

// FromSafetensors builds a model from a parsed checkpoint, checking every
// tensor's shape against cfg. It accepts BertModel names, BertForMaskedLM
// names (with the "bert." prefix and the "cls.predictions" head), the old
// LayerNorm gamma/beta names, and Textlab's int8 weights.
func FromSafetensors(cfg Config, f *safetensors.File) (*Model, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	h, v := cfg.HiddenSize, cfg.VocabSize
	ld := &loader{safetensors.Loader{File: f, Prefixes: []string{"bert."}}}
	m := &Model{Config: cfg}
	m.WordEmbeddings = ld.Float("embeddings.word_embeddings.weight", v, h)
	m.PositionEmbeddings = ld.Float("embeddings.position_embeddings.weight", cfg.MaxPositionEmbeddings, h)
	m.TokenTypeEmbeddings = ld.Float("embeddings.token_type_embeddings.weight", cfg.TypeVocabSize, h)
	m.EmbeddingNorm = ld.layerNorm("embeddings.LayerNorm", h)
	m.Layers = make([]Layer, cfg.NumHiddenLayers)
	for i := range m.Layers {
		p := fmt.Sprintf("encoder.layer.%d.", i)
		m.Layers[i] = Layer{
			Query:        ld.linear(p+"attention.self.query", h, h),
			Key:          ld.linear(p+"attention.self.key", h, h),
			Value:        ld.linear(p+"attention.self.value", h, h),
			AttnOutput:   ld.linear(p+"attention.output.dense", h, h),
			AttnNorm:     ld.layerNorm(p+"attention.output.LayerNorm", h),
			Intermediate: ld.linear(p+"intermediate.dense", cfg.IntermediateSize, h),
			Output:       ld.linear(p+"output.dense", h, cfg.IntermediateSize),
			OutputNorm:   ld.layerNorm(p+"output.LayerNorm", h),
		}
	}
	if ld.Err == nil && ld.Has(fmt.Sprintf("encoder.layer.%d.attention.self.query.weight", cfg.NumHiddenLayers)) {
		ld.Err = fmt.Errorf("tensor %q: the weights have more layers than num_hidden_layers = %d",
			fmt.Sprintf("encoder.layer.%d.attention.self.query.weight", cfg.NumHiddenLayers), cfg.NumHiddenLayers)
	}
	if ld.Has("pooler.dense.weight") {
		p := ld.linear("pooler.dense", h, h)
		m.Pooler = &p
	}
	if _, ok := f.Tensors["cls.predictions.transform.dense.weight"]; ok {
		head := &MLMHead{
			Transform: ld.linear("cls.predictions.transform.dense", h, h),
			Norm:      ld.layerNorm("cls.predictions.transform.LayerNorm", h),
		}
		if _, ok := f.Tensors["cls.predictions.bias"]; ok {
			head.Bias = ld.Float("cls.predictions.bias", v)
		} else {
			head.Bias = ld.Float("cls.predictions.decoder.bias", v)
		}
		if _, ok := f.Tensors["cls.predictions.decoder.weight"]; ok {
			head.Decoder = ld.Float("cls.predictions.decoder.weight", v, h)
			if ld.Err == nil && slices.Equal(head.Decoder, m.WordEmbeddings) {
				head.Decoder = nil // tied, as Hugging Face saves it
			}
		}
		m.Head = head
	}
	if ld.Err != nil {
		return nil, ld.Err
	}
	m.Config.Quantization = ""
	if m.Layers[0].Query.Q != nil {
		m.Config.Quantization = "int8"
	}
	return m, nil
}

// Quantize converts every Linear layer of the encoder layers to int8
// (symmetric per-output-channel weights, activations quantized per row).
// Embeddings, the pooler and the MLM head stay float32.
func (m *Model) Quantize() {
	q := func(l *Linear) {
		if l.Q == nil {
			l.Q = quant.NewLinear(l.W, l.B, l.Out, l.In)
			l.W = nil
		}
	}
	for i := range m.Layers {
		L := &m.Layers[i]
		for _, l := range []*Linear{&L.Query, &L.Key, &L.Value, &L.AttnOutput, &L.Intermediate, &L.Output} {
			q(l)
		}
	}
	m.Config.Quantization = "int8"
}

// WriteSafetensors writes the model's weights with Hugging Face's names:
// BertForMaskedLM's ("bert." prefix, "cls.predictions.*" head) when the
// model has an MLM head, BertModel's otherwise. Int8 layers are written as
// "<name>.weight" (I8) plus "<name>.weight_scale" (F32). Write
// Config.JSON() beside it as config.json.
func (m *Model) WriteSafetensors(w io.Writer) error {
	c := m.Config
	h := c.HiddenSize
	prefix := ""
	if m.Head != nil {
		prefix = "bert."
	}
	full := func(name string) string {
		if strings.HasPrefix(name, "cls.") {
			return name
		}
		return prefix + name
	}
	var ts []safetensors.Tensor
	add := func(name string, data []float32, shape ...int) {
		ts = append(ts, safetensors.Tensor{Name: full(name), Shape: shape, F32: data})
	}
	norm := func(name string, n LayerNorm) {
		add(name+".weight", n.Gamma, h)
		add(name+".bias", n.Beta, h)
	}
	lin := func(name string, l *Linear) {
		if l.Q != nil {
			ts = append(ts, l.Q.W.Tensors(full(name))...)
		} else {
			add(name+".weight", l.W, l.Out, l.In)
		}
		add(name+".bias", l.B, l.Out)
	}
	add("embeddings.word_embeddings.weight", m.WordEmbeddings, c.VocabSize, h)
	add("embeddings.position_embeddings.weight", m.PositionEmbeddings, c.MaxPositionEmbeddings, h)
	add("embeddings.token_type_embeddings.weight", m.TokenTypeEmbeddings, c.TypeVocabSize, h)
	norm("embeddings.LayerNorm", m.EmbeddingNorm)
	for i := range m.Layers {
		L := &m.Layers[i]
		p := fmt.Sprintf("encoder.layer.%d.", i)
		lin(p+"attention.self.query", &L.Query)
		lin(p+"attention.self.key", &L.Key)
		lin(p+"attention.self.value", &L.Value)
		lin(p+"attention.output.dense", &L.AttnOutput)
		norm(p+"attention.output.LayerNorm", L.AttnNorm)
		lin(p+"intermediate.dense", &L.Intermediate)
		lin(p+"output.dense", &L.Output)
		norm(p+"output.LayerNorm", L.OutputNorm)
	}
	if m.Pooler != nil {
		lin("pooler.dense", m.Pooler)
	}
	if m.Head != nil {
		lin("cls.predictions.transform.dense", &m.Head.Transform)
		norm("cls.predictions.transform.LayerNorm", m.Head.Norm)
		add("cls.predictions.bias", m.Head.Bias, c.VocabSize)
		if m.Head.Decoder != nil {
			add("cls.predictions.decoder.weight", m.Head.Decoder, c.VocabSize, h)
		}
	}
	return safetensors.Write(w, ts, map[string]string{"format": "pt"})
}

// NewRandom returns a model with cfg's shapes, a pooler and an MLM head,
// with every weight, bias and LayerNorm parameter drawn from a normal
// distribution (LayerNorm scales around 1) with standard deviation std
// (0 means BERT's initializer_range, 0.02), from a generator seeded by seed.
// It is for tests, benchmarks and teaching; it does not learn anything.
func NewRandom(cfg Config, seed uint64, std float64) (*Model, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if std == 0 {
		std = 0.02
	}
	r := rand.New(rand.NewPCG(seed, 0x5EED))
	randn := func(n int, mean float64) []float32 {
		x := make([]float32, n)
		for i := range x {
			x[i] = float32(mean + std*r.NormFloat64())
		}
		return x
	}
	h := cfg.HiddenSize
	norm := func() LayerNorm { return LayerNorm{randn(h, 1), randn(h, 0)} }
	lin := func(out, in int) Linear { return Linear{In: in, Out: out, W: randn(out*in, 0), B: randn(out, 0)} }
	m := &Model{
		Config:              cfg,
		WordEmbeddings:      randn(cfg.VocabSize*h, 0),
		PositionEmbeddings:  randn(cfg.MaxPositionEmbeddings*h, 0),
		TokenTypeEmbeddings: randn(cfg.TypeVocabSize*h, 0),
		EmbeddingNorm:       norm(),
		Layers:              make([]Layer, cfg.NumHiddenLayers),
	}
	for i := range m.Layers {
		m.Layers[i] = Layer{
			Query: lin(h, h), Key: lin(h, h), Value: lin(h, h), AttnOutput: lin(h, h), AttnNorm: norm(),
			Intermediate: lin(cfg.IntermediateSize, h), Output: lin(h, cfg.IntermediateSize), OutputNorm: norm(),
		}
	}
	pooler := lin(h, h)
	m.Pooler = &pooler
	m.Head = &MLMHead{Transform: lin(h, h), Norm: norm(), Bias: randn(cfg.VocabSize, 0)}
	if cfg.Quantization == "int8" {
		m.Quantize()
	}
	return m, nil
}
