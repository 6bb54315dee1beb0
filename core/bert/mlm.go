package bert

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"textlab/core/tensor"
)

// Prediction is one candidate token for a masked position.
type Prediction struct {
	ID   int     // vocabulary id
	Prob float32 // softmax probability over the vocabulary
}

// MaskPrediction is the top-k candidates for one [MASK] position.
type MaskPrediction struct {
	Position int          // index of the [MASK] token in the input
	Top      []Prediction // most probable first
}

// ErrNoHead is returned by masked-token prediction when the checkpoint has
// no MLM head (cls.predictions.*).
var ErrNoHead = errors.New("bert: the model has no masked-language-model head (cls.predictions)")

// MLMLogits applies the MLM head to one last-layer hidden state: dense,
// GELU, LayerNorm, then the decoder tied to the word embeddings, plus bias.
// It returns one logit per vocabulary entry.
func (m *Model) MLMLogits(hidden []float32) ([]float32, error) {
	if m.Head == nil {
		return nil, ErrNoHead
	}
	c := m.Config
	h := make([]float32, c.HiddenSize)
	// Transform: dense, GELU, LayerNorm.
	m.Head.Transform.Forward(h, hidden, 1)
	tensor.GELU(h)
	tensor.LayerNorm(h, h, m.Head.Norm.Gamma, m.Head.Norm.Beta, float32(c.LayerNormEps))
	// Decoder: the word embedding matrix (tied) times h, plus a bias per token.
	dec := m.WordEmbeddings
	if m.Head.Decoder != nil {
		dec = m.Head.Decoder
	}
	logits := make([]float32, c.VocabSize)
	tensor.MatVec(logits, dec, h, c.VocabSize, c.HiddenSize)
	tensor.AddInPlace(logits, m.Head.Bias)
	return logits, nil
}

// FillMask encodes in and returns, for every position whose id is maskID,
// the k most probable tokens (k <= 0 means 5).
func (m *Model) FillMask(ctx context.Context, in Input, maskID, k int) ([]MaskPrediction, error) {
	if m.Head == nil {
		return nil, ErrNoHead
	}
	if k <= 0 {
		k = 5
	}
	k = min(k, m.Config.VocabSize)
	rs, err := m.Encode(ctx, []Input{in}, Options{}, nil)
	if err != nil {
		return nil, err
	}
	var out []MaskPrediction
	for t, id := range in.IDs {
		if id != maskID {
			continue
		}
		logits, err := m.MLMLogits(rs[0].Hidden[t])
		if err != nil {
			return nil, err
		}
		tensor.Softmax(logits)
		out = append(out, MaskPrediction{Position: t, Top: topK(logits, k)})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("bert: no [MASK] token (id %d) in the input", maskID)
	}
	return out, nil
}

// topK returns the k largest probabilities, ties broken by lower id.
func topK(p []float32, k int) []Prediction {
	ids := make([]int, len(p))
	for i := range ids {
		ids[i] = i
	}
	sort.SliceStable(ids, func(a, b int) bool { return p[ids[a]] > p[ids[b]] })
	top := make([]Prediction, k)
	for i := range top {
		top[i] = Prediction{ID: ids[i], Prob: p[ids[i]]}
	}
	return top
}
