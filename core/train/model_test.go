package train

import (
	"bytes"
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"textlab/core/bert"
	"textlab/core/decoder"
	"textlab/core/llama2c"
)

// A trained BERT handed to core/bert computes the same hidden states and
// MLM logits there, so inference and export see the trained weights.
func TestBERTRunsInCoreBERT(t *testing.T) {
	m, err := NewBERT(BERTConfig{Config: tinyBERT, InitStd: 0.2}, 1)
	if err != nil {
		t.Fatal(err)
	}
	perturb(m.params(true), 2, 0.1)
	b := mlmBatch(t, 3, 3, 10)
	if _, err := m.Forward(b); err != nil {
		t.Fatal(err)
	}
	inputs := make([]bert.Input, b.Size)
	for i := range inputs {
		n := b.Lengths[i]
		inputs[i] = bert.Input{IDs: b.IDs[i*b.Len : i*b.Len+n], TypeIDs: b.Types[i*b.Len : i*b.Len+n]}
	}
	inf := m.Model()
	rs, err := inf.Encode(context.Background(), inputs, bert.Options{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	H := tinyBERT.HiddenSize
	top := m.State.Hidden[len(m.State.Hidden)-1]
	for i, r := range rs {
		for p, h := range r.Hidden {
			row := (i*b.Len + p) * H
			if d := maxRelDiff(h, top[row:row+H], 1); d > 1e-5 {
				t.Fatalf("sequence %d position %d: hidden states differ by %g", i, p, d)
			}
		}
	}
	V := tinyBERT.VocabSize
	for k, row := range m.State.Chosen {
		logits, err := inf.MLMLogits(rs[row/b.Len].Hidden[row%b.Len])
		if err != nil {
			t.Fatal(err)
		}
		if d := maxRelDiff(logits, m.State.Logits[k*V:(k+1)*V], 1); d > 1e-5 {
			t.Fatalf("chosen position %d: MLM logits differ by %g", k, d)
		}
	}
	// Written with Hugging Face's names and read back, it is the same model.
	var st bytes.Buffer
	if err := inf.WriteSafetensors(&st); err != nil {
		t.Fatal(err)
	}
	cj, _ := inf.Config.JSON()
	back, err := bert.Load(cj, st.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	again, err := NewBERTFrom(back, BERTConfig{}, 9)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := m.Forward(b)
	got, err := again.Forward(b)
	if err != nil || got != want {
		t.Fatalf("reloaded model: loss %v (%v), want %v", got, err, want)
	}
}

// A trained Llama written as a llama2.c checkpoint gives core/decoder's
// token-by-token Forward the logits of the training forward pass.
func TestLlamaRunsInCoreDecoder(t *testing.T) {
	for _, separate := range []bool{false, true} {
		m, err := NewLlama(LlamaConfig{LlamaConfig: tinyLlama, SeparateClassifier: separate, InitStd: 0.3}, 1)
		if err != nil {
			t.Fatal(err)
		}
		perturb(m.Params(), 2, 0.1)
		b := lmBatch(t, 3, 2, 12)
		if _, err := m.Forward(b); err != nil {
			t.Fatal(err)
		}
		var file bytes.Buffer
		if err := m.Checkpoint().Write(&file); err != nil {
			t.Fatal(err)
		}
		dec, err := llama2c.LoadModel(file.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		V := tinyLlama.VocabSize
		for s := 0; s < b.Size; s++ {
			dec.Reset()
			for p := 0; p < b.Lengths[s]; p++ {
				row := s*b.Len + p
				logits := dec.Forward(b.IDs[row], p)
				if d := maxRelDiff(logits, m.State.Logits[row*V:(row+1)*V], 1); d > 1e-5 {
					t.Fatalf("separate=%v sequence %d position %d: logits differ by %g", separate, s, p, d)
				}
			}
		}
		ck, err := llama2c.ParseCheckpoint(file.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		again, err := NewLlamaFrom(ck)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := m.Forward(b)
		if got, err := again.Forward(b); err != nil || got != want {
			t.Fatalf("separate=%v: reloaded model's loss %v (%v), want %v", separate, got, err, want)
		}
	}
}

// Fine-tuning the top of a quantized encoder: int8 layers run forward
// frozen, and may not be trained.
func TestFineTuneInt8Encoder(t *testing.T) {
	cfg := tinyBERT
	base, err := bert.NewRandom(cfg, 4, 0.2)
	if err != nil {
		t.Fatal(err)
	}
	base.Quantize()
	if _, err := NewBERTFrom(base, BERTConfig{Task: Classify, Classes: 3, FreezeLayers: 1}, 5); err == nil {
		t.Fatal("training an int8 layer was allowed")
	}
	m, err := NewBERTFrom(base, BERTConfig{Task: Classify, Classes: 3, FreezeLayers: 2}, 5)
	if err != nil {
		t.Fatal(err)
	}
	if ps := m.Params(); len(ps) != 2 {
		t.Fatalf("%d tensors trained, want the classifier's 2", len(ps))
	}
	tr := &Trainer{Model: m, Schedule: Schedule{PeakLR: 0.05}}
	b := classBatch(t, 6)
	first, err := tr.Step(b)
	if err != nil {
		t.Fatal(err)
	}
	var last StepResult
	for i := 0; i < 30; i++ {
		if last, err = tr.Step(b); err != nil {
			t.Fatal(err)
		}
	}
	if !(last.Loss < first.Loss/2) {
		t.Fatalf("the head did not learn: loss %v, then %v", first.Loss, last.Loss)
	}
}

// trainRun trains a fresh model for a few steps from seed, with data in a
// seeded order and seeded masking, and returns its final weights.
func trainRun(t *testing.T, seed uint64) [][]float32 {
	m, err := NewBERT(BERTConfig{Config: tinyBERT}, seed)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(seed, 1))
	data := randomSeqs(r, 12, 4, 10, 4, tinyBERT.VocabSize, 1, 2)
	tr := &Trainer{Model: m, Schedule: Schedule{PeakLR: 1e-2, WarmupSteps: 2, TotalSteps: 6}, WeightDecay: 0.01, ClipNorm: 1}
	masker := rand.New(rand.NewPCG(seed, 2))
	err = tr.Run(context.Background(), 6, func(step int) ([]*Batch, error) {
		order := Order(len(data), seed, step/3)
		var seqs [][]int
		for _, i := range order[(step%3)*4 : (step%3+1)*4] {
			seqs = append(seqs, data[i])
		}
		b, err := NewBatch(seqs, 0)
		if err != nil {
			return nil, err
		}
		_, err = MaskTokens(b, MaskConfig{MaskID: 3, Vocab: tinyBERT.VocabSize, Special: []int{0, 1, 2, 3}}, masker)
		return []*Batch{b}, err
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var out [][]float32
	for _, p := range m.Params() {
		out = append(out, append([]float32(nil), p.Value...))
	}
	return out
}

// The same seed gives the same bits; another seed other weights.
func TestDeterministic(t *testing.T) {
	a, b, c := trainRun(t, 7), trainRun(t, 7), trainRun(t, 8)
	same := func(x, y [][]float32) bool {
		for i := range x {
			for j := range x[i] {
				if math.Float32bits(x[i][j]) != math.Float32bits(y[i][j]) {
					return false
				}
			}
		}
		return true
	}
	if !same(a, b) {
		t.Error("two runs with seed 7 differ")
	}
	if same(a, c) {
		t.Error("seeds 7 and 8 gave the same weights")
	}
}

// Two micro-batches with the same number of targets accumulate the
// gradient of the batch holding both.
func TestGradientAccumulation(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 3))
	seqs := randomSeqs(r, 4, 6, 6, 0, tinyLlama.VocabSize, 1, -1) // equal lengths: equal target counts
	batch := func(s [][]int) *Batch {
		b, err := NewBatch(s, 0)
		if err != nil {
			t.Fatal(err)
		}
		b.SetNextTokenTargets()
		return b
	}
	grads := func(micro ...*Batch) []Param {
		m, err := NewLlama(LlamaConfig{LlamaConfig: tinyLlama, InitStd: 0.2}, 11)
		if err != nil {
			t.Fatal(err)
		}
		tr := &Trainer{Model: m} // learning rate 0: the weights stay
		if _, err := tr.Step(micro...); err != nil {
			t.Fatal(err)
		}
		return m.Params()
	}
	split := grads(batch(seqs[:2]), batch(seqs[2:]))
	whole := grads(batch(seqs))
	for i, p := range whole {
		if d := maxRelDiff(split[i].Grad, p.Grad, 1e-6); d > 1e-5 {
			t.Errorf("%s: accumulated gradient differs by %g", p.Name, d)
		}
	}
}

// Tiny models learn: a decoder memorises a sequence, and a BERT classifier
// learns which of two tokens a sequence holds.
func TestModelsLearn(t *testing.T) {
	t.Run("Llama", func(t *testing.T) {
		m, err := NewLlama(LlamaConfig{LlamaConfig: tinyLlama}, 1)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := NewBatch([][]int{{1, 5, 9, 4, 7, 12, 3, 8, 15, 6}}, 0)
		b.SetNextTokenTargets()
		tr := &Trainer{Model: m, Schedule: Schedule{PeakLR: 3e-2, WarmupSteps: 5}, ClipNorm: 1}
		var res StepResult
		for i := 0; i < 60; i++ {
			if res, err = tr.Step(b); err != nil {
				t.Fatal(err)
			}
		}
		if res.Loss > 0.1 {
			t.Errorf("loss %v after 60 steps on one sequence", res.Loss)
		}
	})
	t.Run("BERT classifier", func(t *testing.T) {
		m, err := NewBERT(BERTConfig{Config: tinyBERT, Task: Classify, Classes: 2, Pooling: PoolMean}, 2)
		if err != nil {
			t.Fatal(err)
		}
		r := rand.New(rand.NewPCG(2, 2))
		seqs := randomSeqs(r, 16, 4, 8, 6, tinyBERT.VocabSize, 1, 2)
		labels := make([]int, len(seqs))
		for i, s := range seqs {
			labels[i] = i % 2
			s[1+r.IntN(len(s)-2)] = 4 + labels[i] // token 4 or token 5 decides the class
		}
		b, _ := NewBatch(seqs, 0)
		b.Labels = labels
		tr := &Trainer{Model: m, Schedule: Schedule{PeakLR: 1e-2, WarmupSteps: 5}, WeightDecay: 0.01}
		var res StepResult
		for i := 0; i < 60; i++ {
			if res, err = tr.Step(b); err != nil {
				t.Fatal(err)
			}
		}
		if res.Loss > 0.1 {
			t.Errorf("loss %v after 60 steps", res.Loss)
		}
	})
}

func TestConfigErrors(t *testing.T) {
	bertErr := func(c BERTConfig) error { _, err := NewBERT(c, 1); return err }
	llamaErr := func(c LlamaConfig) error { _, err := NewLlama(c, 1); return err }
	tiny := BERTConfig{Config: tinyBERT}
	with := func(f func(*BERTConfig)) BERTConfig { c := tiny; f(&c); return c }
	tests := []struct {
		name string
		err  error
	}{
		{"BERT heads not dividing the width", bertErr(with(func(c *BERTConfig) { c.NumAttentionHeads = 5 }))},
		{"BERT negative vocabulary", bertErr(with(func(c *BERTConfig) { c.VocabSize = -3 }))},
		{"BERT classifier with 1 class", bertErr(with(func(c *BERTConfig) { c.Task, c.Classes = Classify, 1 }))},
		{"BERT MLM with classes", bertErr(with(func(c *BERTConfig) { c.Classes = 3 }))},
		{"BERT unknown task", bertErr(with(func(c *BERTConfig) { c.Task = 7 }))},
		{"BERT unknown pooling", bertErr(with(func(c *BERTConfig) { c.Task, c.Classes, c.Pooling = Classify, 2, 9 }))},
		{"BERT freezing more layers than it has", bertErr(with(func(c *BERTConfig) { c.FreezeLayers = 3 }))},
		{"BERT negative init", bertErr(with(func(c *BERTConfig) { c.InitStd = -1 }))},
		{"BERT new int8 model", bertErr(with(func(c *BERTConfig) { c.Quantization = "int8" }))},
		{"Llama zero config", llamaErr(LlamaConfig{})},
		{"Llama kv heads not dividing heads", llamaErr(LlamaConfig{LlamaConfig: func() (c decoder.LlamaConfig) {
			c = tinyLlama
			c.NKVHeads = 3
			return
		}()})},
		{"Llama huge width", llamaErr(LlamaConfig{LlamaConfig: func() (c decoder.LlamaConfig) {
			c = tinyLlama
			c.Dim, c.NHeads, c.NKVHeads = 1<<20, 1, 1
			return
		}()})},
	}
	for _, tc := range tests {
		if tc.err == nil {
			t.Errorf("%s: no error", tc.name)
		} else {
			t.Logf("%s: %v", tc.name, tc.err)
		}
	}
}

func TestBatchErrors(t *testing.T) {
	m, err := NewBERT(BERTConfig{Config: tinyBERT}, 1)
	if err != nil {
		t.Fatal(err)
	}
	good := func() *Batch { return mlmBatch(t, 1, 2, 8) }
	tests := []struct {
		name  string
		batch func() *Batch
	}{
		{"nil batch", func() *Batch { return nil }},
		{"token outside the vocabulary", func() *Batch { b := good(); b.IDs[1] = 23; return b }},
		{"negative token", func() *Batch { b := good(); b.IDs[0] = -1; return b }},
		{"longer than the position table", func() *Batch {
			b, _ := NewBatch([][]int{make([]int, 13)}, 0)
			b.Targets = make([]int, 13)
			return b
		}},
		{"length 0", func() *Batch { b := good(); b.Lengths[1] = 0; return b }},
		{"token type 2", func() *Batch { b := good(); b.Types[0] = 2; return b }},
		{"target outside the vocabulary", func() *Batch { b := good(); b.Targets[0] = 99; return b }},
		{"no targets", func() *Batch { b := good(); b.Targets = nil; return b }},
		{"too few ids", func() *Batch { b := good(); b.IDs = b.IDs[:3]; return b }},
	}
	for _, tc := range tests {
		if _, err := m.Forward(tc.batch()); err == nil {
			t.Errorf("%s: no error", tc.name)
		} else {
			t.Logf("%s: %v", tc.name, err)
		}
	}
	l, _ := NewLlama(LlamaConfig{LlamaConfig: tinyLlama}, 1)
	b := lmBatch(t, 1, 2, 8)
	b.Labels = []int{0, 1}
	if _, err := l.Forward(b); err == nil {
		t.Error("a decoder accepted labels")
	}
	if _, err := NewBatch([][]int{{1}, {}}, 0); err == nil {
		t.Error("an empty sequence was accepted")
	}
}

// A batch in which nothing was chosen for prediction costs nothing and
// moves nothing but the weight decay.
func TestMLMWithoutTargets(t *testing.T) {
	m, err := NewBERT(BERTConfig{Config: tinyBERT}, 1)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := NewBatch([][]int{{1, 2}, {1, 5, 2}}, 0)
	if _, err := MaskTokens(b, MaskConfig{MaskID: 3, Vocab: tinyBERT.VocabSize, Special: []int{0, 1, 2, 3, 5}}, rand.New(rand.NewPCG(1, 1))); err != nil {
		t.Fatal(err)
	}
	tr := &Trainer{Model: m, Schedule: Schedule{PeakLR: 0.1}}
	res, err := tr.Step(b)
	if err != nil || res.Loss != 0 || res.GradNorm != 0 {
		t.Fatalf("step: %+v, %v", res, err)
	}
}
