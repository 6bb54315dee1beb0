// Package bert runs BERT encoders as Hugging Face checkpoints define them:
// config.json plus model.safetensors with BertModel or BertForMaskedLM
// weight names, in float32 or with Textlab's int8 encoder layers.
//
// The whole computation is one function, forward, in the order of the
// original paper's post-LayerNorm encoder: embeddings (word + position +
// token type, LayerNorm), then per layer multi-head self-attention with a
// padding mask, residual and LayerNorm, a GELU feed-forward, residual and
// LayerNorm. Kernels live below it (textlab/core/tensor, textlab/core/quant).
// The package takes token ids, not text: a tokenizer (core/tokenize/wordpiece)
// produces them.
package bert

import (
	"context"
	"fmt"
	"math"

	"textlab/core/tensor"
)

// Input is one tokenized sequence.
type Input struct {
	IDs []int // vocabulary ids, usually [CLS] ... [SEP]
	// TypeIDs are segment ids (0 for the first text, 1 for the second of a
	// pair); nil means all 0.
	TypeIDs []int
	// Mask is the attention mask, 1 for real tokens and 0 for padding;
	// nil means all 1. Tokens with mask 0 are never attended to and are
	// left out of mean pooling.
	Mask []int
}

// Options selects what Encode returns besides the last hidden states.
// The zero value returns the last layer and the pooled vectors.
type Options struct {
	AllLayers  bool // also return the hidden states after the embeddings and after every layer
	Attentions bool // also return every layer's attention probabilities
	// BatchSize is how many sequences run through the model together;
	// 0 means 16.
	BatchSize int
}

// Result is the encoding of one Input. Vectors have length HiddenSize.
type Result struct {
	Hidden [][]float32 // last layer's hidden state of each token: [token][hidden]
	// Layers holds, when Options.AllLayers is set, the embeddings' output
	// followed by each layer's output (as Hugging Face's hidden_states):
	// [NumHiddenLayers+1][token][hidden].
	Layers [][][]float32
	CLS    []float32 // the last hidden state of the first token ([CLS])
	Mean   []float32 // the mean of the last hidden states over tokens with mask 1
	Pooler []float32 // tanh(W·CLS + b), BERT's pooler output; nil when the model has none
	// Attentions holds, when Options.Attentions is set, the attention
	// probabilities [layer][head][query][key]; keys with mask 0 get 0.
	Attentions [][][][]float32
}

// Progress is told the fraction of work done (0 to 1) and what is happening.
type Progress func(fraction float64, message string)

// Encode runs the model over inputs in batches of Options.BatchSize and
// returns one Result per input. It stops with ctx's error when ctx is
// cancelled; progress may be nil.
func (m *Model) Encode(ctx context.Context, inputs []Input, opt Options, progress Progress) ([]Result, error) {
	for i, in := range inputs {
		if err := m.check(in); err != nil {
			return nil, fmt.Errorf("input %d: %w", i, err)
		}
	}
	bs := opt.BatchSize
	if bs <= 0 {
		bs = 16
	}
	results := make([]Result, 0, len(inputs))
	for lo := 0; lo < len(inputs); lo += bs {
		hi := min(lo+bs, len(inputs))
		if progress != nil {
			progress(float64(lo)/float64(len(inputs)), fmt.Sprintf("encoding texts %d-%d of %d", lo+1, hi, len(inputs)))
		}
		rs, err := m.forward(ctx, inputs[lo:hi], opt)
		if err != nil {
			return nil, err
		}
		results = append(results, rs...)
	}
	if progress != nil {
		progress(1, fmt.Sprintf("encoded %d texts", len(inputs)))
	}
	return results, nil
}

// check validates one input against the model's vocabulary and sizes.
func (m *Model) check(in Input) error {
	c := m.Config
	switch {
	case len(in.IDs) == 0:
		return fmt.Errorf("no tokens")
	case len(in.IDs) > c.MaxPositionEmbeddings:
		return fmt.Errorf("%d tokens, more than max_position_embeddings %d", len(in.IDs), c.MaxPositionEmbeddings)
	case in.TypeIDs != nil && len(in.TypeIDs) != len(in.IDs):
		return fmt.Errorf("%d type ids for %d tokens", len(in.TypeIDs), len(in.IDs))
	case in.Mask != nil && len(in.Mask) != len(in.IDs):
		return fmt.Errorf("%d mask values for %d tokens", len(in.Mask), len(in.IDs))
	}
	for t, id := range in.IDs {
		if id < 0 || id >= c.VocabSize {
			return fmt.Errorf("token %d: id %d outside the vocabulary of %d", t, id, c.VocabSize)
		}
		if in.TypeIDs != nil && (in.TypeIDs[t] < 0 || in.TypeIDs[t] >= c.TypeVocabSize) {
			return fmt.Errorf("token %d: type id %d outside 0..%d", t, in.TypeIDs[t], c.TypeVocabSize-1)
		}
	}
	return nil
}

// forward runs the encoder over one batch of checked inputs, padded to the
// longest. x holds one row of Hidden values per (sequence, position).
func (m *Model) forward(ctx context.Context, batch []Input, opt Options) ([]Result, error) {
	c := m.Config
	B, H := len(batch), c.HiddenSize
	T := 0
	for _, in := range batch {
		T = max(T, len(in.IDs))
	}
	N := B * T // rows of every activation matrix
	eps := float32(c.LayerNormEps)
	// keep[b][t] says whether token t of sequence b may be attended to.
	keep := make([][]bool, B)
	for b, in := range batch {
		keep[b] = make([]bool, T)
		for t := range in.IDs {
			keep[b][t] = in.Mask == nil || in.Mask[t] != 0
		}
	}
	results := make([]Result, B)
	x := make([]float32, N*H) // hidden states
	q, k, v := make([]float32, N*H), make([]float32, N*H), make([]float32, N*H)
	ctxv := make([]float32, N*H)                // attention output before its projection
	proj := make([]float32, N*H)                // output of a projection, before the residual
	hb := make([]float32, N*c.IntermediateSize) // feed-forward hidden layer

	// Embeddings: word + position + token type, then LayerNorm.
	for b, in := range batch {
		for t, id := range in.IDs {
			row := x[(b*T+t)*H : (b*T+t+1)*H]
			copy(row, m.WordEmbeddings[id*H:(id+1)*H])
			tensor.AddInPlace(row, m.PositionEmbeddings[t*H:(t+1)*H])
			typ := 0
			if in.TypeIDs != nil {
				typ = in.TypeIDs[t]
			}
			tensor.AddInPlace(row, m.TokenTypeEmbeddings[typ*H:(typ+1)*H])
			tensor.LayerNorm(row, row, m.EmbeddingNorm.Gamma, m.EmbeddingNorm.Beta, eps)
		}
	}
	m.keepLayer(results, batch, x, T, opt)

	for l := range m.Layers {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		L := &m.Layers[l]
		// Project every token to queries, keys and values.
		L.Query.Forward(q, x, N)
		L.Key.Forward(k, x, N)
		L.Value.Forward(v, x, N)
		// Each head attends over the unpadded tokens of its own sequence.
		att := m.attend(ctxv, q, k, v, keep, T, opt.Attentions)
		// Project the heads back, add the residual, LayerNorm.
		L.AttnOutput.Forward(proj, ctxv, N)
		addNorm(x, proj, L.AttnNorm, H, eps)
		// Feed-forward: dense, GELU, dense, add the residual, LayerNorm.
		L.Intermediate.Forward(hb, x, N)
		tensor.GELU(hb)
		L.Output.Forward(proj, hb, N)
		addNorm(x, proj, L.OutputNorm, H, eps)

		for b := range results {
			if att != nil {
				results[b].Attentions = append(results[b].Attentions, trimAttention(att[b], len(batch[b].IDs)))
			}
		}
		m.keepLayer(results, batch, x, T, opt)
	}

	// Read out the last layer: token states, [CLS], masked mean, pooler.
	for b, in := range batch {
		r := &results[b]
		r.Hidden = rows(x, b*T, len(in.IDs), H)
		r.CLS = r.Hidden[0]
		r.Mean = make([]float32, H)
		n := 0
		for t := range in.IDs {
			if keep[b][t] {
				tensor.AddInPlace(r.Mean, r.Hidden[t])
				n++
			}
		}
		for i := range r.Mean {
			r.Mean[i] /= float32(max(n, 1))
		}
		if m.Pooler != nil {
			r.Pooler = make([]float32, H)
			m.Pooler.Forward(r.Pooler, r.CLS, 1)
			for i, v := range r.Pooler {
				r.Pooler[i] = float32(math.Tanh(float64(v)))
			}
		}
	}
	return results, nil
}

// keepLayer stores a copy of the current hidden states when all layers are wanted.
func (m *Model) keepLayer(results []Result, batch []Input, x []float32, T int, opt Options) {
	if !opt.AllLayers {
		return
	}
	for b := range results {
		results[b].Layers = append(results[b].Layers, rows(x, b*T, len(batch[b].IDs), m.Config.HiddenSize))
	}
}

// rows copies n rows of width w starting at row first of x.
func rows(x []float32, first, n, w int) [][]float32 {
	out := make([][]float32, n)
	flat := make([]float32, n*w)
	copy(flat, x[first*w:(first+n)*w])
	for i := range out {
		out[i] = flat[i*w : (i+1)*w : (i+1)*w]
	}
	return out
}

// addNorm sets each row of x to LayerNorm(x + y).
func addNorm(x, y []float32, n LayerNorm, h int, eps float32) {
	tensor.AddInPlace(x, y)
	for i := 0; i+h <= len(x); i += h {
		tensor.LayerNorm(x[i:i+h], x[i:i+h], n.Gamma, n.Beta, eps)
	}
}

// trimAttention cuts a [head][T][T] block down to the sequence's own length.
func trimAttention(a [][][]float32, n int) [][][]float32 {
	out := make([][][]float32, len(a))
	for h := range a {
		out[h] = a[h][:n]
		for i := range out[h] {
			out[h][i] = out[h][i][:n:n]
		}
	}
	return out
}

// attend computes scaled dot-product attention for every sequence and head:
// out = softmax(q·kᵀ/√d over kept keys)·v, with heads as consecutive blocks
// of d = Hidden/Heads columns. When keepProbs is set it returns the
// probabilities as [sequence][head][query][key].
func (m *Model) attend(out, q, k, v []float32, keep [][]bool, T int, keepProbs bool) [][][][]float32 {
	H, nh := m.Config.HiddenSize, m.Config.NumAttentionHeads
	d := H / nh
	scale := float32(1 / math.Sqrt(float64(d)))
	var probs [][][][]float32
	if keepProbs {
		probs = make([][][][]float32, len(keep))
	}
	scores := make([]float32, T)
	kh := make([]float32, T*d) // the head's keys, one row per position
	vt := make([]float32, d*T) // the head's values, transposed: one row per dimension
	for b := range keep {
		if keepProbs {
			probs[b] = make([][][]float32, nh)
		}
		for h := 0; h < nh; h++ {
			if keepProbs {
				probs[b][h] = make([][]float32, T)
			}
			for j := 0; j < T; j++ {
				row := (b*T+j)*H + h*d
				copy(kh[j*d:(j+1)*d], k[row:row+d])
				for e := 0; e < d; e++ {
					vt[e*T+j] = v[row+e]
				}
			}
			for i := 0; i < T; i++ {
				qi := q[(b*T+i)*H+h*d : (b*T+i)*H+(h+1)*d]
				// Scores of query i against every key; padding gets no weight.
				tensor.MatVec(scores, kh, qi, T, d)
				maxv := float32(math.Inf(-1))
				for j := 0; j < T; j++ {
					if keep[b][j] {
						scores[j] *= scale
						maxv = max(maxv, scores[j])
					}
				}
				var sum float32
				for j := 0; j < T; j++ {
					if keep[b][j] {
						scores[j] = float32(math.Exp(float64(scores[j] - maxv)))
						sum += scores[j]
					} else {
						scores[j] = 0
					}
				}
				for j := range scores {
					scores[j] /= sum
				}
				// Weighted sum of the values, in key order.
				tensor.MatVec(out[(b*T+i)*H+h*d:(b*T+i)*H+(h+1)*d], vt, scores, d, T)
				if keepProbs {
					probs[b][h][i] = append([]float32(nil), scores[:T]...)
				}
			}
		}
	}
	return probs
}
