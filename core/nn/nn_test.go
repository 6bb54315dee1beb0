package nn

import (
	"math"
	"math/rand/v2"
	"testing"

	"textlab/core/tensor"
)

func TestCrossEntropyGradient(t *testing.T) {
	const n, c = 5, 4
	r := rand.New(rand.NewPCG(3, 4))
	logits := randn(r, n*c, 0, 2)
	targets := []int{1, -1, 3, 0, 2}      // row 1 ignored
	weights := []float32{1, 5, 0.5, 2, 0} // row 4 weighted 0
	grad := make([]float32, n*c)
	CrossEntropy(grad, logits, targets, weights, n, c)
	loss := func() []float32 { return []float32{CrossEntropy(nil, logits, targets, weights, n, c)} }
	gradientError(t, loss, []float32{1}, []checked{{"logits", logits, grad}})
	for j := 0; j < c; j++ {
		if grad[1*c+j] != 0 || grad[4*c+j] != 0 {
			t.Fatalf("rows not counted have gradient %v, %v", grad[c:2*c], grad[4*c:])
		}
	}
}

func TestCrossEntropyValues(t *testing.T) {
	tests := []struct {
		name    string
		logits  []float32
		targets []int
		weights []float32
		want    float64
	}{
		{"uniform logits give log(classes)", []float32{3, 3, 3, 3}, []int{2}, nil, math.Log(4)},
		{"a certain prediction costs nothing", []float32{0, 100}, []int{1}, nil, 0},
		// Row 0: -log(e²/(e²+1)); row 1: -log(1/(e²+1)); weighted mean 1:3.
		{"weighted mean", []float32{2, 0, 2, 0}, []int{0, 1}, []float32{1, 3},
			(math.Log(1+math.Exp(-2)) + 3*math.Log(math.Exp(2)+1)) / 4},
		{"every row ignored", []float32{1, 2, 3, 4}, []int{-1, -100}, nil, 0},
		{"every weight zero", []float32{1, 2}, []int{0}, []float32{0}, 0},
	}
	for _, tc := range tests {
		n := len(tc.targets)
		c := len(tc.logits) / n
		got := CrossEntropy(nil, tc.logits, tc.targets, tc.weights, n, c)
		if math.Abs(float64(got)-tc.want) > 1e-6 {
			t.Errorf("%s: loss %v, want %v", tc.name, got, tc.want)
		}
		// The gradient may overwrite the logits.
		buf := append([]float32(nil), tc.logits...)
		want := make([]float32, len(buf))
		CrossEntropy(want, tc.logits, tc.targets, tc.weights, n, c)
		if CrossEntropy(buf, buf, tc.targets, tc.weights, n, c) != got {
			t.Errorf("%s: in place, a different loss", tc.name)
		}
		for i := range buf {
			if buf[i] != want[i] {
				t.Errorf("%s: in place, gradient %v, want %v", tc.name, buf, want)
				break
			}
		}
	}
}

func TestConstructorErrors(t *testing.T) {
	tests := []struct {
		name string
		err  error
	}{
		{"Linear in 0", func() error { _, err := NewLinear(0, 3, true); return err }()},
		{"Linear out -1", func() error { _, err := NewLinear(3, -1, false); return err }()},
		{"Linear out huge", func() error { _, err := NewLinear(3, 1<<40, false); return err }()},
		{"Embedding num 0", func() error { _, err := NewEmbedding(0, 3); return err }()},
		{"LayerNorm dim 0", func() error { _, err := NewLayerNorm(0, 1e-5); return err }()},
		{"RMSNorm dim -2", func() error { _, err := NewRMSNorm(-2, 1e-5); return err }()},
		{"SwiGLU hidden 0", func() error { _, err := NewSwiGLU(4, 0); return err }()},
		{"Attention heads 0", func() error { _, err := NewAttention(AttentionConfig{Dim: 8}); return err }()},
		{"Attention heads not dividing dim", func() error { _, err := NewAttention(AttentionConfig{Dim: 8, Heads: 3}); return err }()},
		{"Attention kv heads not dividing heads", func() error {
			_, err := NewAttention(AttentionConfig{Dim: 12, Heads: 6, KVHeads: 4})
			return err
		}()},
		{"Attention more kv heads than heads", func() error {
			_, err := NewAttention(AttentionConfig{Dim: 8, Heads: 2, KVHeads: 4})
			return err
		}()},
		{"Attention RoPE with odd head size", func() error {
			_, err := NewAttention(AttentionConfig{Dim: 9, Heads: 3, RoPE: true})
			return err
		}()},
		{"Seqs batch 0", Seqs{Batch: 0, Len: 3}.Validate()},
		{"Seqs lengths count", Seqs{Batch: 2, Len: 3, Lengths: []int{3}}.Validate()},
		{"Seqs length 0", Seqs{Batch: 2, Len: 3, Lengths: []int{3, 0}}.Validate()},
		{"Seqs length beyond Len", Seqs{Batch: 1, Len: 3, Lengths: []int{4}}.Validate()},
	}
	for _, tc := range tests {
		if tc.err == nil {
			t.Errorf("%s: no error", tc.name)
		} else {
			t.Logf("%s: %v", tc.name, tc.err)
		}
	}
	if _, err := NewAttention(AttentionConfig{Dim: 12, Heads: 6, KVHeads: 2, RoPE: true}); err != nil {
		t.Errorf("a valid grouped-query config: %v", err)
	}
}

// The layers that the inference code already computes with package tensor
// give the same bits, so models can move to them without changing outputs.
func TestSameValuesAsTensor(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	const n, d = 4, 16
	x := randn(r, n*d, 0.2, 1.5)
	ln, _ := NewLayerNorm(d, 1e-12)
	fill(r, ln.Weight, 1, 0.2)
	fill(r, ln.Bias, 0, 0.2)
	rms, _ := NewRMSNorm(d, 1e-5)
	fill(r, rms.Weight, 1, 0.2)
	got, want := make([]float32, n*d), make([]float32, n*d)
	tests := []struct {
		name      string
		ours, ref func()
	}{
		{"LayerNorm", func() { ln.Forward(got, x, n, &NormState{}) }, func() {
			for i := 0; i < n; i++ {
				tensor.LayerNorm(want[i*d:(i+1)*d], x[i*d:(i+1)*d], ln.Weight, ln.Bias, ln.Eps)
			}
		}},
		{"RMSNorm", func() { rms.Forward(got, x, n, nil) }, func() {
			for i := 0; i < n; i++ {
				tensor.RMSNorm(want[i*d:(i+1)*d], x[i*d:(i+1)*d], rms.Weight, rms.Eps)
			}
		}},
		{"GELU", func() { GELU(got, x) }, func() { copy(want, x); tensor.GELU(want) }},
		{"GELUTanh", func() { GELUTanh(got, x) }, func() { copy(want, x); tensor.GELUTanh(want) }},
		{"Linear", func() {
			l, _ := randomLinear(rand.New(rand.NewPCG(1, 1)), d, d, true)
			l.Forward(got, x, n)
		}, func() {
			l, _ := randomLinear(rand.New(rand.NewPCG(1, 1)), d, d, true)
			tensor.Linear(want, x, l.W, l.B, n, d, d)
		}},
	}
	for _, tc := range tests {
		tc.ours()
		tc.ref()
		for i := range got {
			// Linear's sums may run in another order than gonum's.
			if tc.name == "Linear" && math.Abs(float64(got[i]-want[i])) <= 1e-5*(1+math.Abs(float64(want[i]))) {
				continue
			}
			if got[i] != want[i] {
				t.Errorf("%s: value %d is %v, tensor gives %v", tc.name, i, got[i], want[i])
				break
			}
		}
	}
}

// Padding changes nothing for the real tokens: a sequence run beside a
// longer one, padded, gives the outputs it gives alone.
func TestAttentionPaddingInvariance(t *testing.T) {
	for _, cfg := range []AttentionConfig{
		{Dim: 8, Heads: 2, Bias: true},
		{Dim: 8, Heads: 4, KVHeads: 2, Causal: true, RoPE: true},
	} {
		r := rand.New(rand.NewPCG(7, 8))
		a, _ := NewAttention(cfg)
		for _, l := range []*Linear{&a.Wq, &a.Wk, &a.Wv, &a.Wo} {
			fill(r, l.W, 0, 0.5)
			if l.B != nil {
				fill(r, l.B, 0, 0.5)
			}
		}
		const T, L = 5, 3
		batch := Seqs{Batch: 2, Len: T, Lengths: []int{T, L}}
		x := randn(r, batch.Rows()*cfg.Dim, 0, 1)
		for i := (T + L) * cfg.Dim; i < len(x); i++ {
			x[i] = 1e3 // padding of sequence 1: anything
		}
		out := make([]float32, len(x))
		var st AttentionState
		a.Forward(out, x, batch, &st)
		alone := make([]float32, L*cfg.Dim)
		a.Forward(alone, x[T*cfg.Dim:(T+L)*cfg.Dim], Seqs{Batch: 1, Len: L}, &AttentionState{})
		for i, v := range alone {
			if d := math.Abs(float64(v - out[T*cfg.Dim+i])); d > 1e-5 {
				t.Fatalf("%+v: value %d differs by %g with padding", cfg, i, d)
			}
		}
		// Every query's probabilities sum to 1 over the keys it sees, and
		// a causal query sees nothing after itself.
		for h := 0; h < cfg.Heads; h++ {
			p := st.Probs[(1*cfg.Heads+h)*T*T:]
			for i := 0; i < T; i++ {
				var sum float64
				for j := 0; j < T; j++ {
					v := p[i*T+j]
					sum += float64(v)
					if v != 0 && (j >= L || cfg.Causal && j > i) {
						t.Fatalf("%+v: head %d query %d attends to key %d", cfg, h, i, j)
					}
				}
				if want := map[bool]float64{true: 1, false: 0}[i < L]; math.Abs(sum-want) > 1e-6 {
					t.Fatalf("%+v: head %d query %d: probabilities sum to %v", cfg, h, i, sum)
				}
			}
		}
	}
}

// An int8 Linear runs the same computation within the quantization error,
// and refuses a backward pass.
func TestLinearInt8(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	const n, in, out = 3, 32, 8
	l, g := randomLinear(r, in, out, true)
	x := randn(r, n*in, 0, 1)
	want, got := make([]float32, n*out), make([]float32, n*out)
	l.Forward(want, x, n)
	l.Quantize()
	if l.W != nil || l.Q == nil {
		t.Fatal("Quantize kept the float32 weights")
	}
	l.Forward(got, x, n)
	for i := range got {
		if d := math.Abs(float64(got[i] - want[i])); d > 0.05*(1+math.Abs(float64(want[i]))) {
			t.Errorf("value %d: int8 %v, float32 %v", i, got[i], want[i])
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("Backward on int8 weights did not panic")
		}
	}()
	l.Backward(nil, got, x, n, &g)
}

// The tabulated GELU derivative agrees with the formula everywhere, to far
// better than float32's precision.
func TestGELUGradTable(t *testing.T) {
	worst := 0.0
	for x := -10.0; x <= 10; x += 1e-3 {
		worst = max(worst, math.Abs(geluGrad(x)-geluGradExact(x)))
	}
	if worst > 1e-9 {
		t.Errorf("table and formula differ by up to %g", worst)
	}
	t.Logf("largest difference %g", worst)
}
