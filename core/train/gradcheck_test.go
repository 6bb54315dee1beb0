package train

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestModelGradients compares each model's backward pass with central
// finite differences of its loss, for up to 12 values of every parameter
// tensor, at step 5e-3. The loss of the differences is recomputed in
// float64 from the float32 logits (loss64), so its rounding does not
// drown the differences. The error of a tensor is relative to its largest
// gradient, or to 1% of the model's largest gradient when that is larger
// (a key bias's gradient is 0 in exact arithmetic). A wrong gradient is off
// by its own size; float32 rounding in the forward pass and the step's
// truncation leave errors up to about 0.5%, so the test allows 1%.
func TestModelGradients(t *testing.T) {
	tests := []struct {
		name  string
		model func(t *testing.T) Model
		batch *Batch
	}{
		{"BERT MLM", func(t *testing.T) Model {
			m, err := NewBERT(BERTConfig{Config: tinyBERT, InitStd: 0.2}, 1)
			if err != nil {
				t.Fatal(err)
			}
			return m
		}, mlmBatch(t, 1, 3, 9)},
		{"BERT classifier on [CLS], lowest layer frozen", func(t *testing.T) Model {
			m, err := NewBERT(BERTConfig{Config: tinyBERT, Task: Classify, Classes: 3, FreezeLayers: 1, InitStd: 0.2}, 2)
			if err != nil {
				t.Fatal(err)
			}
			return m
		}, classBatch(t, 2)},
		{"BERT classifier on the mean", func(t *testing.T) Model {
			m, err := NewBERT(BERTConfig{Config: tinyBERT, Task: Classify, Classes: 3, Pooling: PoolMean, InitStd: 0.2}, 3)
			if err != nil {
				t.Fatal(err)
			}
			return m
		}, classBatch(t, 3)},
		{"Llama, tied classifier", func(t *testing.T) Model {
			m, err := NewLlama(LlamaConfig{LlamaConfig: tinyLlama, InitStd: 0.2}, 4)
			if err != nil {
				t.Fatal(err)
			}
			return m
		}, lmBatch(t, 4, 3, 8)},
		{"Llama, separate classifier", func(t *testing.T) Model {
			m, err := NewLlama(LlamaConfig{LlamaConfig: tinyLlama, SeparateClassifier: true, InitStd: 0.2}, 5)
			if err != nil {
				t.Fatal(err)
			}
			return m
		}, lmBatch(t, 5, 2, 10)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := tc.model(t)
			perturb(m.Params(), 7, 0.1)
			params := m.Params()
			for _, p := range params {
				clear(p.Grad)
			}
			if _, err := m.Forward(tc.batch); err != nil {
				t.Fatal(err)
			}
			m.Backward()
			floor := 0.0
			for _, p := range params {
				for _, g := range p.Grad {
					floor = max(floor, 1e-2*math.Abs(float64(g)))
				}
			}
			r := rand.New(rand.NewPCG(8, 9))
			const h = 5e-3
			worst := 0.0
			for _, p := range params {
				idx := r.Perm(len(p.Value))[:min(12, len(p.Value))]
				var maxDiff, maxGrad float64
				for _, i := range idx {
					orig := p.Value[i]
					p.Value[i] = orig + h
					up := loss64(t, m, tc.batch)
					p.Value[i] = orig - h
					down := loss64(t, m, tc.batch)
					p.Value[i] = orig
					num := (up - down) / (2 * h)
					maxDiff = max(maxDiff, math.Abs(num-float64(p.Grad[i])))
					maxGrad = max(maxGrad, math.Abs(float64(p.Grad[i])))
				}
				rel := maxDiff / max(maxGrad, floor)
				worst = max(worst, rel)
				if rel > 1e-2 {
					t.Errorf("%s: numeric and analytic gradients differ by %.3g (%.3g of the largest)", p.Name, maxDiff, rel)
				}
			}
			t.Logf("%d tensors, worst relative error %.2g", len(params), worst)
		})
	}
}

// classBatch is a padded batch of 4 sequences with labels 0..2.
func classBatch(t testing.TB, seed uint64) *Batch {
	r := rand.New(rand.NewPCG(seed, 3))
	b, err := NewBatch(randomSeqs(r, 4, 3, 8, 4, tinyBERT.VocabSize, 1, 2), 0)
	if err != nil {
		t.Fatal(err)
	}
	b.Labels = []int{0, 2, 1, 2}
	return b
}

// loss64 runs m.Forward on b and recomputes its loss in float64 from the
// logits the forward pass kept.
func loss64(t *testing.T, m Model, b *Batch) float64 {
	if _, err := m.Forward(b); err != nil {
		t.Fatal(err)
	}
	var logits []float32
	var targets []int
	switch m := m.(type) {
	case *BERT:
		logits, targets = m.State.Logits, m.State.Targets
		if m.Config.Task == Classify {
			targets = b.Labels
		}
	case *Llama:
		logits, targets = m.State.Logits, b.Targets
	}
	classes := len(logits) / len(targets)
	var sum float64
	n := 0
	for i, tg := range targets {
		if tg < 0 {
			continue
		}
		row := logits[i*classes : (i+1)*classes]
		var z float64
		for _, v := range row {
			z += math.Exp(float64(v))
		}
		sum += math.Log(z) - float64(row[tg])
		n++
	}
	return sum / float64(n)
}
