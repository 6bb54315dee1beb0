package train

import (
	"fmt"
	"math/rand/v2"

	"textlab/core/bert"
	"textlab/core/nn"
)

// BERTTask says which head a BERT model trains.
type BERTTask int

const (
	// MLM is the masked-language-model objective: predict the tokens that
	// MaskTokens chose, with BERT's head (dense, GELU, LayerNorm, decoder
	// tied to the word embeddings plus a bias).
	MLM BERTTask = iota
	// Classify is sequence classification: a linear layer on a pooled
	// vector (see Pooling), cross-entropy against Batch.Labels. There is
	// no tanh pooler layer (BertForSequenceClassification's) in between.
	Classify
)

// Pooling says how the classification head summarises a sequence.
type Pooling int

const (
	// PoolCLS takes the last hidden state of the first token ([CLS]).
	PoolCLS Pooling = iota
	// PoolMean averages the last hidden states of the real tokens.
	PoolMean
)

// BERTConfig describes a BERT model being trained.
type BERTConfig struct {
	// Config holds the encoder's sizes as a Hugging Face config.json
	// states them; as in package bert, every zero field means its
	// bert-base value, and LayerNormEps 0 means 1e-12.
	bert.Config
	Task    BERTTask // the objective: MLM (the zero value) or Classify
	Classes int      // Classify: the number of classes, at least 2; MLM: 0
	Pooling Pooling  // Classify: how a sequence becomes one vector
	// FreezeLayers is the number of lowest encoder layers that are not
	// trained, with the embeddings: the backward pass stops above them.
	// 0 trains everything.
	FreezeLayers int
	// InitStd is the standard deviation of the initial weights and
	// embeddings (BERT's initializer_range); 0 means 0.02.
	InitStd float64
}

// withDefaults fills the encoder's zero fields and InitStd.
func (c BERTConfig) withDefaults() BERTConfig {
	c.Config = c.Config.WithDefaults()
	if c.InitStd == 0 {
		c.InitStd = 0.02
	}
	return c
}

// Validate reports the first field of c (after defaults) that cannot be
// trained.
func (c BERTConfig) Validate() error {
	c = c.withDefaults()
	if err := c.Config.Validate(); err != nil {
		return err
	}
	switch c.Task {
	case MLM:
		if c.Classes != 0 {
			return fmt.Errorf("train: an MLM model has no classes (got %d)", c.Classes)
		}
	case Classify:
		if c.Classes < 2 || c.Classes > 1<<16 {
			return fmt.Errorf("train: %d classes, want 2 to %d", c.Classes, 1<<16)
		}
		if c.Pooling != PoolCLS && c.Pooling != PoolMean {
			return fmt.Errorf("train: unknown pooling %d", c.Pooling)
		}
	default:
		return fmt.Errorf("train: unknown BERT task %d", c.Task)
	}
	if c.FreezeLayers < 0 || c.FreezeLayers > c.NumHiddenLayers {
		return fmt.Errorf("train: freeze %d layers of %d", c.FreezeLayers, c.NumHiddenLayers)
	}
	if !(c.InitStd > 0 && c.InitStd < 10) {
		return fmt.Errorf("train: initial standard deviation %g, want a small positive number", c.InitStd)
	}
	return nil
}

// BERTLayer holds one encoder layer, each part named after the Hugging Face
// tensor it becomes.
type BERTLayer struct {
	Attention    nn.Attention // attention.self.{query,key,value}, attention.output.dense
	AttnNorm     nn.LayerNorm // attention.output.LayerNorm
	Intermediate nn.Linear    // intermediate.dense
	Output       nn.Linear    // output.dense
	OutNorm      nn.LayerNorm // output.LayerNorm
}

// MLMHead is BertForMaskedLM's prediction head. Its decoder matrix is the
// word embedding table (tied), so only its bias is stored here.
type MLMHead struct {
	Transform nn.Linear    // cls.predictions.transform.dense
	Norm      nn.LayerNorm // cls.predictions.transform.LayerNorm
	Bias      []float32    // cls.predictions.bias, [Vocab]
}

// BERTWeights holds a BERT model's tensors (or, in BERT.Grads, their
// gradients).
type BERTWeights struct {
	Word      nn.Embedding // embeddings.word_embeddings, [Vocab][Hidden]
	Position  nn.Embedding // embeddings.position_embeddings, [MaxPositions][Hidden]
	TokenType nn.Embedding // embeddings.token_type_embeddings, [TypeVocab][Hidden]
	EmbNorm   nn.LayerNorm // embeddings.LayerNorm
	Layers    []BERTLayer  // encoder.layer.N
	Head      *MLMHead     // the MLM head (task MLM); nil otherwise
	// Classifier maps the pooled vector to one logit per class
	// ("classifier", task Classify); nil otherwise.
	Classifier *nn.Linear
}

// newBERTWeights returns zero tensors of c's shapes (c validated, with defaults).
func newBERTWeights(c BERTConfig) *BERTWeights {
	H, I, eps := c.HiddenSize, c.IntermediateSize, float32(c.LayerNormEps)
	emb := func(n int) nn.Embedding { e, _ := nn.NewEmbedding(n, H); return e }
	norm := func() nn.LayerNorm { l, _ := nn.NewLayerNorm(H, eps); return l }
	lin := func(in, out int) nn.Linear { l, _ := nn.NewLinear(in, out, true); return l }
	w := &BERTWeights{
		Word: emb(c.VocabSize), Position: emb(c.MaxPositionEmbeddings), TokenType: emb(c.TypeVocabSize),
		EmbNorm: norm(), Layers: make([]BERTLayer, c.NumHiddenLayers),
	}
	for i := range w.Layers {
		att, _ := nn.NewAttention(nn.AttentionConfig{Dim: H, Heads: c.NumAttentionHeads, Bias: true})
		w.Layers[i] = BERTLayer{Attention: att, AttnNorm: norm(), Intermediate: lin(H, I), Output: lin(I, H), OutNorm: norm()}
	}
	switch c.Task {
	case MLM:
		w.Head = &MLMHead{Transform: lin(H, H), Norm: norm(), Bias: make([]float32, c.VocabSize)}
	case Classify:
		cls := lin(H, c.Classes)
		w.Classifier = &cls
	}
	return w
}

// decoder returns the MLM head's output layer: the word embedding table
// as its [Vocab][Hidden] weight (tied), the head's bias as its bias.
func (w *BERTWeights) decoder() nn.Linear {
	return nn.Linear{In: w.Word.Dim, Out: w.Word.Num, W: w.Word.Table, B: w.Head.Bias}
}

// BERTLayerState keeps one encoder layer's forward pass for the backward pass.
type BERTLayerState struct {
	Attn  nn.AttentionState // the attention's projections and probabilities
	Res1  []float32         // [rows][Hidden] layer input + attention, before LayerNorm
	Norm1 nn.NormState      // statistics of the first LayerNorm
	Mid   []float32         // [rows][Hidden] after the first LayerNorm: the feed-forward's input
	Inter []float32         // [rows][Intermediate] intermediate dense, before GELU
	Act   []float32         // [rows][Intermediate] after GELU
	Res2  []float32         // [rows][Hidden] Mid + feed-forward, before LayerNorm
	Norm2 nn.NormState      // statistics of the second LayerNorm
}

// BERTState is the run state of a BERT model: what Forward keeps for
// Backward, and Backward's scratch. Rows are the batch's positions.
type BERTState struct {
	Positions, Types []int        // [rows] position and token type of each row
	Emb              []float32    // [rows][Hidden] word + position + type embeddings, before LayerNorm
	EmbNorm          nn.NormState // statistics of the embeddings' LayerNorm
	// Hidden holds the embeddings' output and then each layer's output:
	// [Layers+1][rows][Hidden].
	Hidden [][]float32
	Layers []BERTLayerState // each encoder layer's state
	Branch []float32        // [rows][Hidden] attention or feed-forward output, before its residual

	// MLM head, over the M positions with a target.
	Chosen                            []int        // [M] the rows with a target
	Targets                           []int        // [M] their targets
	HeadIn, HeadPre, HeadAct, HeadOut []float32    // [M][Hidden] gathered hidden states; dense; GELU; LayerNorm
	HeadNorm                          nn.NormState // statistics of the head's LayerNorm
	// Classification head.
	Pooled []float32 // [Size][Hidden] one vector per sequence
	// Logits are the head's outputs, [M][Vocab] or [Size][Classes];
	// DLogits the loss's gradient with respect to them.
	Logits, DLogits []float32

	// Backward scratch, named by the gradient each holds.
	DHidden, DRes, DMid         []float32 // [rows][Hidden]
	DInter, DAct                []float32 // [rows][Intermediate]
	DHeadIn, DHeadPre, DHeadAct []float32 // [M][Hidden]
	DHeadOut, DPooled           []float32 // [M][Hidden], [Size][Hidden]
	batch                       *Batch    // the batch of the last Forward
}

// BERT is a BERT encoder with an MLM or a classification head, being
// trained: configuration, weights, gradients and run state.
type BERT struct {
	Config  BERTConfig   // sizes and task, with defaults filled in
	Weights *BERTWeights // the model's tensors
	Grads   *BERTWeights // the gradients Backward adds to, same shapes as Weights
	State   BERTState    // the last forward pass
}

// NewBERT returns a model with c's shapes, initialised from seed as
// Hugging Face initialises BERT: weights and embeddings from
// N(0, InitStd²), biases 0, LayerNorm scales 1.
func NewBERT(c BERTConfig, seed uint64) (*BERT, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	c = c.withDefaults()
	if c.Quantization != "" {
		return nil, fmt.Errorf("train: a new model is float32 (got textlab_quantization %q)", c.Quantization)
	}
	m := &BERT{Config: c, Weights: newBERTWeights(c), Grads: newBERTWeights(c)}
	initParams(m.params(true), seed, c.InitStd, nil)
	return m, nil
}

// NewBERTFrom starts training from an inference model, such as one
// bert.Load read: the encoder's weights are copied (the inference model is
// not changed), except int8 layers, which are shared and must be frozen
// (c.FreezeLayers above them). The MLM head is copied when the model has
// one and c.Task is MLM (a missing head is initialised from seed, as is the
// classifier). The sizes in c.Config are replaced by m's.
func NewBERTFrom(m *bert.Model, c BERTConfig, seed uint64) (*BERT, error) {
	c.Config = m.Config
	if err := c.Validate(); err != nil {
		return nil, err
	}
	c = c.withDefaults()
	t := &BERT{Config: c, Weights: newBERTWeights(c), Grads: newBERTWeights(c)}
	initParams(t.params(true), seed, c.InitStd, nil)
	w := t.Weights
	copy(w.Word.Table, m.WordEmbeddings)
	copy(w.Position.Table, m.PositionEmbeddings)
	copy(w.TokenType.Table, m.TokenTypeEmbeddings)
	copyNorm(&w.EmbNorm, m.EmbeddingNorm)
	for i := range w.Layers {
		L, src := &w.Layers[i], &m.Layers[i]
		for _, p := range []struct {
			dst *nn.Linear
			src *bert.Linear
		}{{&L.Attention.Wq, &src.Query}, {&L.Attention.Wk, &src.Key}, {&L.Attention.Wv, &src.Value},
			{&L.Attention.Wo, &src.AttnOutput}, {&L.Intermediate, &src.Intermediate}, {&L.Output, &src.Output}} {
			if p.src.Q != nil {
				if i >= c.FreezeLayers {
					return nil, fmt.Errorf("train: encoder layer %d is int8 and cannot be trained; freeze the layers up to it (FreezeLayers ≥ %d)", i, i+1)
				}
				p.dst.W, p.dst.Q = nil, p.src.Q
			} else {
				copy(p.dst.W, p.src.W)
			}
			copy(p.dst.B, p.src.B)
		}
		copyNorm(&L.AttnNorm, src.AttnNorm)
		copyNorm(&L.OutNorm, src.OutputNorm)
	}
	if c.Task == MLM && m.Head != nil {
		if m.Head.Decoder != nil {
			return nil, fmt.Errorf("train: the MLM head's decoder is not tied to the word embeddings")
		}
		copy(w.Head.Transform.W, m.Head.Transform.W)
		copy(w.Head.Transform.B, m.Head.Transform.B)
		copyNorm(&w.Head.Norm, m.Head.Norm)
		copy(w.Head.Bias, m.Head.Bias)
	}
	return t, nil
}

// copyNorm copies a core/bert LayerNorm's parameters.
func copyNorm(dst *nn.LayerNorm, src bert.LayerNorm) {
	copy(dst.Weight, src.Gamma)
	copy(dst.Bias, src.Beta)
}

// Model returns the encoder (and MLM head, if any) as a core/bert model
// for inference and export (WriteSafetensors writes Hugging Face's
// names). It shares the weights' storage: further training changes it.
func (m *BERT) Model() *bert.Model {
	w := m.Weights
	lin := func(l nn.Linear) bert.Linear {
		out := bert.Linear{In: l.In, Out: l.Out, W: l.W, B: l.B}
		if l.Q != nil {
			out.Q = l.Q
		}
		return out
	}
	norm := func(l nn.LayerNorm) bert.LayerNorm { return bert.LayerNorm{Gamma: l.Weight, Beta: l.Bias} }
	b := &bert.Model{
		Config:         m.Config.Config,
		WordEmbeddings: w.Word.Table, PositionEmbeddings: w.Position.Table, TokenTypeEmbeddings: w.TokenType.Table,
		EmbeddingNorm: norm(w.EmbNorm),
		Layers:        make([]bert.Layer, len(w.Layers)),
	}
	b.Config.Quantization = ""
	for i, L := range w.Layers {
		b.Layers[i] = bert.Layer{
			Query: lin(L.Attention.Wq), Key: lin(L.Attention.Wk), Value: lin(L.Attention.Wv),
			AttnOutput: lin(L.Attention.Wo), AttnNorm: norm(L.AttnNorm),
			Intermediate: lin(L.Intermediate), Output: lin(L.Output), OutputNorm: norm(L.OutNorm),
		}
		if L.Attention.Wq.Q != nil {
			b.Config.Quantization = "int8"
		}
	}
	if w.Head != nil {
		b.Head = &bert.MLMHead{Transform: lin(w.Head.Transform), Norm: norm(w.Head.Norm), Bias: w.Head.Bias}
	}
	return b
}

// Forward runs the encoder and its head over batch b and returns the loss:
// for MLM the mean cross-entropy over the positions with a target
// (b.Targets, see MaskTokens), for Classify the mean cross-entropy of the
// sequences against b.Labels. It keeps what Backward needs, including b,
// which must not change until Backward has run.
func (m *BERT) Forward(b *Batch) (float32, error) {
	c, w, s := &m.Config, m.Weights, &m.State
	if err := m.check(b); err != nil {
		return 0, err
	}
	H, N, seqs := c.HiddenSize, b.Size*b.Len, b.seqs()
	s.resize(c, b)

	// Embed: word + position + token type, then LayerNorm.
	w.Word.Forward(s.Emb, b.IDs)
	w.Position.ForwardAdd(s.Emb, s.Positions)
	w.TokenType.ForwardAdd(s.Emb, s.Types)
	w.EmbNorm.Forward(s.Hidden[0], s.Emb, N, &s.EmbNorm)

	for l := range w.Layers {
		L, ls, x := &w.Layers[l], &s.Layers[l], s.Hidden[l]
		// Self-attention of every token over the real tokens of its sequence.
		L.Attention.Forward(s.Branch, x, seqs, &ls.Attn)
		// Residual connection, then LayerNorm.
		add(ls.Res1, x, s.Branch)
		L.AttnNorm.Forward(ls.Mid, ls.Res1, N, &ls.Norm1)
		// Feed-forward: dense, GELU, dense.
		L.Intermediate.Forward(ls.Inter, ls.Mid, N)
		nn.GELU(ls.Act, ls.Inter)
		L.Output.Forward(s.Branch, ls.Act, N)
		// Residual connection, then LayerNorm: the layer's output.
		add(ls.Res2, ls.Mid, s.Branch)
		L.OutNorm.Forward(s.Hidden[l+1], ls.Res2, N, &ls.Norm2)
	}
	top := s.Hidden[len(w.Layers)]

	if c.Task == MLM {
		// MLM head, only at the positions with a target: gather their hidden states.
		M := len(s.Chosen)
		for i, row := range s.Chosen {
			copy(s.HeadIn[i*H:(i+1)*H], top[row*H:(row+1)*H])
		}
		// Transform: dense, GELU, LayerNorm.
		w.Head.Transform.Forward(s.HeadPre, s.HeadIn, M)
		nn.GELU(s.HeadAct, s.HeadPre)
		w.Head.Norm.Forward(s.HeadOut, s.HeadAct, M, &s.HeadNorm)
		// Decoder: the word embeddings (tied) times the result, plus a bias per token.
		decoder := w.decoder()
		decoder.Forward(s.Logits, s.HeadOut, M)
		// Cross-entropy against the original tokens.
		return nn.CrossEntropy(s.DLogits, s.Logits, s.Targets, nil, M, c.VocabSize), nil
	}
	// Classification head: pool each sequence into one vector.
	pool(s.Pooled, top, b, c.Pooling, H)
	// Classifier: one logit per class.
	w.Classifier.Forward(s.Logits, s.Pooled, b.Size)
	// Cross-entropy against the labels.
	return nn.CrossEntropy(s.DLogits, s.Logits, b.Labels, nil, b.Size, c.Classes), nil
}

// Backward adds the gradients of the last Forward's loss to Grads, walking
// Forward's steps in reverse and stopping above the frozen layers.
func (m *BERT) Backward() {
	c, w, g, s := &m.Config, m.Weights, m.Grads, &m.State
	b := s.batch
	H, N, seqs := c.HiddenSize, b.Size*b.Len, b.seqs()
	clear(s.DHidden) // ∂loss/∂(last layer's output)

	if c.Task == MLM {
		M := len(s.Chosen)
		// Decoder: its weight's gradient goes to the word embeddings (tied).
		decoder, gDecoder := w.decoder(), g.decoder()
		clear(s.DHeadOut)
		decoder.Backward(s.DHeadOut, s.DLogits, s.HeadOut, M, &gDecoder)
		// Transform: LayerNorm, GELU, dense.
		clear(s.DHeadAct)
		w.Head.Norm.Backward(s.DHeadAct, s.DHeadOut, s.HeadAct, M, &s.HeadNorm, &g.Head.Norm)
		clear(s.DHeadPre)
		nn.GELUBackward(s.DHeadPre, s.DHeadAct, s.HeadPre)
		clear(s.DHeadIn)
		w.Head.Transform.Backward(s.DHeadIn, s.DHeadPre, s.HeadIn, M, &g.Head.Transform)
		// Scatter back to the chosen positions.
		for i, row := range s.Chosen {
			addTo(s.DHidden[row*H:(row+1)*H], s.DHeadIn[i*H:(i+1)*H])
		}
	} else {
		// Classifier, then back through the pooling.
		clear(s.DPooled)
		w.Classifier.Backward(s.DPooled, s.DLogits, s.Pooled, b.Size, g.Classifier)
		unpool(s.DHidden, s.DPooled, b, c.Pooling, H)
	}

	for l := len(w.Layers) - 1; l >= c.FreezeLayers; l-- {
		L, G, ls, x := &w.Layers[l], &g.Layers[l], &s.Layers[l], s.Hidden[l]
		// Second LayerNorm; its residual sends the gradient to both the feed-forward and Mid.
		clear(s.DRes)
		L.OutNorm.Backward(s.DRes, s.DHidden, ls.Res2, N, &ls.Norm2, &G.OutNorm)
		// Feed-forward: dense, GELU, dense.
		clear(s.DAct)
		L.Output.Backward(s.DAct, s.DRes, ls.Act, N, &G.Output)
		clear(s.DInter)
		nn.GELUBackward(s.DInter, s.DAct, ls.Inter)
		copy(s.DMid, s.DRes)
		L.Intermediate.Backward(s.DMid, s.DInter, ls.Mid, N, &G.Intermediate)
		// First LayerNorm; its residual sends the gradient to both the attention and the input.
		clear(s.DRes)
		L.AttnNorm.Backward(s.DRes, s.DMid, ls.Res1, N, &ls.Norm1, &G.AttnNorm)
		// Self-attention: DHidden becomes the gradient of the layer's input.
		copy(s.DHidden, s.DRes)
		L.Attention.Backward(s.DHidden, s.DRes, x, seqs, &ls.Attn, &G.Attention)
	}
	if c.FreezeLayers > 0 {
		return
	}
	// Embeddings: LayerNorm, then the three tables.
	dEmb := s.DRes
	clear(dEmb)
	w.EmbNorm.Backward(dEmb, s.DHidden, s.Emb, N, &s.EmbNorm, &g.EmbNorm)
	w.Word.Backward(dEmb, b.IDs, &g.Word)
	w.Position.Backward(dEmb, s.Positions, &g.Position)
	w.TokenType.Backward(dEmb, s.Types, &g.TokenType)
}

// check validates a batch against the model's sizes and task.
func (m *BERT) check(b *Batch) error {
	c := &m.Config
	classes := 0
	if c.Task == Classify {
		classes = c.Classes
	}
	if err := b.check(c.VocabSize, c.MaxPositionEmbeddings, c.TypeVocabSize, classes); err != nil {
		return err
	}
	if c.Task == MLM && b.Targets == nil {
		return fmt.Errorf("train: an MLM batch needs targets (see MaskTokens)")
	}
	if c.Task == Classify && b.Labels == nil {
		return fmt.Errorf("train: a classification batch needs labels")
	}
	return nil
}

// resize sizes every buffer for batch b and records b, its positions,
// token types and (MLM) the rows with a target.
func (s *BERTState) resize(c *BERTConfig, b *Batch) {
	H, I, N := c.HiddenSize, c.IntermediateSize, b.Size*b.Len
	s.batch = b
	s.Positions, s.Types = resize(s.Positions, N), resize(s.Types, N)
	for i := range s.Positions {
		s.Positions[i] = i % b.Len
		s.Types[i] = 0
		if b.Types != nil {
			s.Types[i] = b.Types[i]
		}
	}
	s.Emb, s.Branch = resize(s.Emb, N*H), resize(s.Branch, N*H)
	s.DHidden, s.DRes, s.DMid = resize(s.DHidden, N*H), resize(s.DRes, N*H), resize(s.DMid, N*H)
	s.DInter, s.DAct = resize(s.DInter, N*I), resize(s.DAct, N*I)
	s.Hidden = resize(s.Hidden, c.NumHiddenLayers+1)
	for i := range s.Hidden {
		s.Hidden[i] = resize(s.Hidden[i], N*H)
	}
	s.Layers = resize(s.Layers, c.NumHiddenLayers)
	for i := range s.Layers {
		ls := &s.Layers[i]
		ls.Res1, ls.Mid, ls.Res2 = resize(ls.Res1, N*H), resize(ls.Mid, N*H), resize(ls.Res2, N*H)
		ls.Inter, ls.Act = resize(ls.Inter, N*I), resize(ls.Act, N*I)
	}
	if c.Task == MLM {
		s.Chosen, s.Targets = s.Chosen[:0], s.Targets[:0]
		for row, t := range b.Targets {
			if t >= 0 {
				s.Chosen = append(s.Chosen, row)
				s.Targets = append(s.Targets, t)
			}
		}
		M := len(s.Chosen)
		for _, buf := range []*[]float32{&s.HeadIn, &s.HeadPre, &s.HeadAct, &s.HeadOut, &s.DHeadIn, &s.DHeadPre, &s.DHeadAct, &s.DHeadOut} {
			*buf = resize(*buf, M*H)
		}
		s.Logits, s.DLogits = resize(s.Logits, M*c.VocabSize), resize(s.DLogits, M*c.VocabSize)
	} else {
		s.Pooled, s.DPooled = resize(s.Pooled, b.Size*H), resize(s.DPooled, b.Size*H)
		s.Logits, s.DLogits = resize(s.Logits, b.Size*c.Classes), resize(s.DLogits, b.Size*c.Classes)
	}
}

// pool sets row i of pooled to sequence i's [CLS] hidden state or the mean
// of its real tokens' hidden states.
func pool(pooled, hidden []float32, b *Batch, p Pooling, H int) {
	for i := 0; i < b.Size; i++ {
		out := pooled[i*H : (i+1)*H]
		first := i * b.Len * H
		if p == PoolCLS {
			copy(out, hidden[first:first+H])
			continue
		}
		clear(out)
		n := b.Lengths[i]
		for t := 0; t < n; t++ {
			addTo(out, hidden[first+t*H:first+(t+1)*H])
		}
		for j := range out {
			out[j] /= float32(n)
		}
	}
}

// unpool adds the gradient of the pooled vectors to the hidden states they
// came from: all of it to [CLS], or an equal share to each real token.
func unpool(dHidden, dPooled []float32, b *Batch, p Pooling, H int) {
	for i := 0; i < b.Size; i++ {
		d := dPooled[i*H : (i+1)*H]
		first := i * b.Len * H
		if p == PoolCLS {
			addTo(dHidden[first:first+H], d)
			continue
		}
		n := b.Lengths[i]
		for t := 0; t < n; t++ {
			row := dHidden[first+t*H : first+(t+1)*H]
			for j, v := range d {
				row[j] += v / float32(n)
			}
		}
	}
}

// Params returns the tensors being trained, named as Hugging Face names
// them ("bert.encoder.layer.0.attention.self.query.weight", ...,
// "cls.predictions.bias", "classifier.weight"): everything except the
// embeddings and layers that FreezeLayers freezes.
func (m *BERT) Params() []Param { return m.params(false) }

// params lists the model's tensors in a fixed order; with all unset it
// leaves out the frozen ones.
func (m *BERT) params(all bool) []Param {
	w, g := m.Weights, m.Grads
	var ps []Param
	addP := func(name string, k Kind, v, gr []float32) {
		ps = append(ps, Param{Name: name, Kind: k, Value: v, Grad: gr})
	}
	lin := func(name string, l, gl *nn.Linear) {
		if l.Q == nil {
			addP(name+".weight", Weight, l.W, gl.W)
		}
		addP(name+".bias", Bias, l.B, gl.B)
	}
	norm := func(name string, l, gl *nn.LayerNorm) {
		addP(name+".weight", Scale, l.Weight, gl.Weight)
		addP(name+".bias", Bias, l.Bias, gl.Bias)
	}
	frozen := m.Config.FreezeLayers
	if all || frozen == 0 {
		addP("bert.embeddings.word_embeddings.weight", Embedding, w.Word.Table, g.Word.Table)
		addP("bert.embeddings.position_embeddings.weight", Embedding, w.Position.Table, g.Position.Table)
		addP("bert.embeddings.token_type_embeddings.weight", Embedding, w.TokenType.Table, g.TokenType.Table)
		norm("bert.embeddings.LayerNorm", &w.EmbNorm, &g.EmbNorm)
	}
	for i := range w.Layers {
		if !all && i < frozen {
			continue
		}
		L, G := &w.Layers[i], &g.Layers[i]
		p := fmt.Sprintf("bert.encoder.layer.%d.", i)
		lin(p+"attention.self.query", &L.Attention.Wq, &G.Attention.Wq)
		lin(p+"attention.self.key", &L.Attention.Wk, &G.Attention.Wk)
		lin(p+"attention.self.value", &L.Attention.Wv, &G.Attention.Wv)
		lin(p+"attention.output.dense", &L.Attention.Wo, &G.Attention.Wo)
		norm(p+"attention.output.LayerNorm", &L.AttnNorm, &G.AttnNorm)
		lin(p+"intermediate.dense", &L.Intermediate, &G.Intermediate)
		lin(p+"output.dense", &L.Output, &G.Output)
		norm(p+"output.LayerNorm", &L.OutNorm, &G.OutNorm)
	}
	if w.Head != nil {
		lin("cls.predictions.transform.dense", &w.Head.Transform, &g.Head.Transform)
		norm("cls.predictions.transform.LayerNorm", &w.Head.Norm, &g.Head.Norm)
		addP("cls.predictions.bias", Bias, w.Head.Bias, g.Head.Bias)
	}
	if w.Classifier != nil {
		lin("classifier", w.Classifier, g.Classifier)
	}
	return ps
}

// initParams initialises params in order from one generator seeded by
// seed: Weight and Embedding tensors from N(0, std²) (std scaled by
// scale(name) when scale is not nil), biases 0, scales 1.
func initParams(params []Param, seed uint64, std float64, scale func(name string) float64) {
	r := rand.New(rand.NewPCG(seed, 0x7e417))
	for _, p := range params {
		switch p.Kind {
		case Weight, Embedding:
			s := std
			if scale != nil {
				s *= scale(p.Name)
			}
			for i := range p.Value {
				p.Value[i] = float32(s * r.NormFloat64())
			}
		case Bias:
			clear(p.Value)
		case Scale:
			for i := range p.Value {
				p.Value[i] = 1
			}
		}
	}
}
