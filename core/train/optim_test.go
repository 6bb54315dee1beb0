package train

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestSchedule(t *testing.T) {
	s := Schedule{PeakLR: 1e-3, MinLR: 1e-4, WarmupSteps: 4, TotalSteps: 14}
	tests := []struct {
		step int
		want float64
	}{
		{0, 2.5e-4}, {1, 5e-4}, {3, 1e-3}, // warm-up: (step+1)/4 of the peak
		{4, 1e-3},               // decay starts at the peak
		{9, 1e-4 + 0.5*9e-4},    // half-way: cos(π/2) = 0
		{14, 1e-4}, {100, 1e-4}, // the end and after
	}
	for _, tc := range tests {
		if got := s.LR(tc.step); math.Abs(got-tc.want) > 1e-15 {
			t.Errorf("LR(%d) = %v, want %v", tc.step, got, tc.want)
		}
	}
	if got := (Schedule{PeakLR: 0.1}).LR(50); got != 0.1 {
		t.Errorf("constant schedule: %v", got)
	}
}

// One AdamW step on one value, worked by hand: p = 1, g = 0.5, lr 0.1,
// weight decay 0.1: p·(1-0.01) = 0.99; m = 0.05, v = 0.00025; the bias
// corrections make the step lr·(m/0.1)/(√(v/0.001)+ε) = 0.1·0.5/0.5.
func TestAdamWByHand(t *testing.T) {
	p := Param{Name: "p", Value: []float32{1}, Grad: []float32{0.5}}
	var o AdamW
	if err := o.Step([]Group{{WeightDecay: 0.1, Params: []Param{p}}}, 0.1); err != nil {
		t.Fatal(err)
	}
	if got, want := p.Value[0], float32(0.99-0.1); math.Abs(float64(got-want)) > 1e-7 {
		t.Errorf("after one step %v, want %v", got, want)
	}
	if o.Steps != 1 {
		t.Errorf("Steps = %d", o.Steps)
	}
	// Parameters are told apart by name.
	q := Param{Name: "p", Value: []float32{1, 2}, Grad: []float32{1, 1}}
	if err := o.Step([]Group{{Params: []Param{q}}}, 0.1); err == nil {
		t.Error("a parameter that changed length was accepted")
	}
	if err := o.Step([]Group{{Params: []Param{p}}, {Params: []Param{p}}}, 0.1); err == nil {
		t.Error("a parameter in two groups was accepted")
	}
}

func TestClipGradNorm(t *testing.T) {
	ps := []Param{{Grad: []float32{3}}, {Grad: []float32{0, 4}}}
	if n := ClipGradNorm(ps, 0); n != 5 || ps[0].Grad[0] != 3 {
		t.Fatalf("measuring only: norm %v, gradient %v", n, ps[0].Grad)
	}
	if n := ClipGradNorm(ps, 10); n != 5 || ps[0].Grad[0] != 3 {
		t.Fatalf("below the limit: norm %v, gradient %v", n, ps[0].Grad)
	}
	if n := ClipGradNorm(ps, 1); n != 5 {
		t.Fatalf("norm %v", n)
	}
	if math.Abs(float64(ps[0].Grad[0])-0.6) > 1e-6 || math.Abs(float64(ps[1].Grad[1])-0.8) > 1e-6 {
		t.Errorf("clipped to %v %v, want 0.6 and 0.8", ps[0].Grad, ps[1].Grad)
	}
}

func TestDecayGroups(t *testing.T) {
	ps := []Param{{Name: "w", Kind: Weight}, {Name: "e", Kind: Embedding}, {Name: "b", Kind: Bias}, {Name: "s", Kind: Scale}}
	names := func(g Group) []string {
		var n []string
		for _, p := range g.Params {
			n = append(n, p.Name)
		}
		return n
	}
	for _, tc := range []struct {
		embeddings   bool
		decay, other []string
	}{{false, []string{"w"}, []string{"e", "b", "s"}}, {true, []string{"w", "e"}, []string{"b", "s"}}} {
		g := DecayGroups(ps, 0.1, tc.embeddings)
		if g[0].WeightDecay != 0.1 || g[1].WeightDecay != 0 || !slices.Equal(names(g[0]), tc.decay) || !slices.Equal(names(g[1]), tc.other) {
			t.Errorf("decay embeddings %v: groups %v (%v) and %v (%v)", tc.embeddings, names(g[0]), g[0].WeightDecay, names(g[1]), g[1].WeightDecay)
		}
	}
}

func TestMaskTokens(t *testing.T) {
	const vocab, mask = 50, 3
	special := []int{0, 1, 2, 3}
	tests := []struct {
		name   string
		seqs   [][]int
		cfg    MaskConfig
		counts []int // choices per sequence
	}{
		// round(0.15·(length - 2 special)), at least 1: 20 tokens → 3, 7 → 1, 4 → 1.
		{"BERT's count", [][]int{seq(20), seq(7), seq(4)}, MaskConfig{}, []int{3, 1, 1}},
		{"capped", [][]int{seq(40)}, MaskConfig{MaxPredictions: 4}, []int{4}},
		{"all special", [][]int{{1, 2}, seq(12)}, MaskConfig{}, []int{0, 2}},
		{"half", [][]int{seq(12)}, MaskConfig{Prob: 0.5}, []int{5}},
	}
	for _, tc := range tests {
		b, err := NewBatch(tc.seqs, 0)
		if err != nil {
			t.Fatal(err)
		}
		orig := slices.Clone(b.IDs)
		tc.cfg.MaskID, tc.cfg.Vocab, tc.cfg.Special = mask, vocab, special
		choices, err := MaskTokens(b, tc.cfg, rand.New(rand.NewPCG(1, 2)))
		if err != nil {
			t.Fatal(err)
		}
		counts := make([]int, b.Size)
		for _, c := range choices {
			counts[c.Seq]++
			i := c.Seq*b.Len + c.Pos
			if c.Pos >= b.Lengths[c.Seq] || slices.Contains(special, orig[i]) {
				t.Errorf("%s: chose padding or a special token at %d/%d", tc.name, c.Seq, c.Pos)
			}
			if b.Targets[i] != orig[i] || c.Original != orig[i] || b.IDs[i] != c.Input {
				t.Errorf("%s: choice %+v, target %d, id now %d, was %d", tc.name, c, b.Targets[i], b.IDs[i], orig[i])
			}
		}
		if !slices.Equal(counts, tc.counts) {
			t.Errorf("%s: %v choices per sequence, want %v", tc.name, counts, tc.counts)
		}
		targets := 0
		for _, tg := range b.Targets {
			if tg >= 0 {
				targets++
			}
		}
		if targets != len(choices) {
			t.Errorf("%s: %d targets for %d choices", tc.name, targets, len(choices))
		}
	}
	if _, err := MaskTokens(&Batch{}, MaskConfig{MaskID: 60, Vocab: vocab}, rand.New(rand.NewPCG(1, 1))); err == nil {
		t.Error("a mask id outside the vocabulary was accepted")
	}
}

// seq returns a sequence [CLS] 10 11 ... [SEP] of n tokens.
func seq(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = 10 + i%30
	}
	s[0], s[n-1] = 1, 2
	return s
}

// Over many choices the three actions come out near 80%, 10%, 10%.
func TestMaskTokensProportions(t *testing.T) {
	seqs := make([][]int, 400)
	for i := range seqs {
		seqs[i] = seq(100)
	}
	b, _ := NewBatch(seqs, 0)
	choices, err := MaskTokens(b, MaskConfig{MaskID: 3, Vocab: 50, Special: []int{0, 1, 2, 3}}, rand.New(rand.NewPCG(5, 6)))
	if err != nil {
		t.Fatal(err)
	}
	if len(choices) != 400*15 {
		t.Fatalf("%d choices, want 15 per sequence", len(choices))
	}
	var n [3]int
	for _, c := range choices {
		n[c.Action]++
		if c.Action == Kept && c.Input != c.Original || c.Action == Masked && c.Input != 3 {
			t.Fatalf("choice %+v", c)
		}
	}
	want := [3]float64{0.8, 0.1, 0.1}
	for a, k := range n {
		// Standard deviation of a proportion over 6,000 draws: at most 0.0052.
		if f := float64(k) / float64(len(choices)); math.Abs(f-want[a]) > 0.02 {
			t.Errorf("%v: %.3f of choices, want %.1f", MaskAction(a), f, want[a])
		}
	}
}

func TestOrder(t *testing.T) {
	a, b, c := Order(10, 1, 0), Order(10, 1, 0), Order(10, 1, 1)
	if !slices.Equal(a, b) || slices.Equal(a, c) {
		t.Errorf("orders %v %v %v", a, b, c)
	}
	sorted := slices.Sorted(slices.Values(a))
	for i, v := range sorted {
		if v != i {
			t.Fatalf("%v is not a permutation", a)
		}
	}
}
