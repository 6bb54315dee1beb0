package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// checked is one tensor whose analytic gradient a test compares with
// central finite differences.
type checked struct {
	name        string
	value, grad []float32
}

// gradCase is one layer under a gradient check. setup builds the layer with
// random weights and input and returns: forward, computing the output from
// the current values of every checked tensor; backward, adding the
// gradients of Σ out·dout into the checked tensors' grads (cleared by the
// harness); and the tensors to check.
type gradCase struct {
	name  string
	setup func(r *rand.Rand) (forward func() []float32, backward func(dout []float32), tensors []checked)
}

// randn fills a new slice of n values drawn from N(mean, std²).
func randn(r *rand.Rand, n int, mean, std float64) []float32 {
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(mean + std*r.NormFloat64())
	}
	return x
}

// fill sets every value of x from N(mean, std²).
func fill(r *rand.Rand, x []float32, mean, std float64) {
	copy(x, randn(r, len(x), mean, std))
}

// dot64 returns Σ a·b summed in float64: the scalar objective of the checks.
func dot64(a, b []float32) float64 {
	var s float64
	for i, v := range a {
		s += float64(v) * float64(b[i])
	}
	return s
}

// linearTensors lists a Linear's weight and bias (when present) for checking.
func linearTensors(prefix string, l, g *Linear) []checked {
	t := []checked{{prefix + "W", l.W, g.W}}
	if l.B != nil {
		t = append(t, checked{prefix + "B", l.B, g.B})
	}
	return t
}

func randomLinear(r *rand.Rand, in, out int, bias bool) (Linear, Linear) {
	l, err := NewLinear(in, out, bias)
	if err != nil {
		panic(err)
	}
	g, _ := NewLinear(in, out, bias)
	fill(r, l.W, 0, 0.5)
	if bias {
		fill(r, l.B, 0, 0.5)
	}
	return l, g
}

func attentionCase(cfg AttentionConfig, s Seqs) gradCase {
	return gradCase{fmt.Sprintf("Attention %+v lengths %v", cfg, s.Lengths), func(r *rand.Rand) (func() []float32, func([]float32), []checked) {
		a, err := NewAttention(cfg)
		if err != nil {
			panic(err)
		}
		g, _ := NewAttention(cfg)
		for _, l := range []*Linear{&a.Wq, &a.Wk, &a.Wv, &a.Wo} {
			fill(r, l.W, 0, 0.4)
			if l.B != nil {
				fill(r, l.B, 0, 0.3)
			}
		}
		n := s.Rows()
		x, dx := randn(r, n*cfg.Dim, 0, 1), make([]float32, n*cfg.Dim)
		out := make([]float32, n*cfg.Dim)
		var st AttentionState
		fwd := func() []float32 { a.Forward(out, x, s, &st); return out }
		bwd := func(dout []float32) { a.Backward(dx, dout, x, s, &st, &g) }
		t := []checked{{"x", x, dx}}
		t = append(t, linearTensors("Wq.", &a.Wq, &g.Wq)...)
		t = append(t, linearTensors("Wk.", &a.Wk, &g.Wk)...)
		t = append(t, linearTensors("Wv.", &a.Wv, &g.Wv)...)
		t = append(t, linearTensors("Wo.", &a.Wo, &g.Wo)...)
		return fwd, bwd, t
	}}
}

// activationCase checks an element-wise function and its backward.
func activationCase(name string, f func(y, x []float32), b func(dx, dy, x []float32)) gradCase {
	return gradCase{name, func(r *rand.Rand) (func() []float32, func([]float32), []checked) {
		x := randn(r, 40, 0, 2)
		dx, y := make([]float32, len(x)), make([]float32, len(x))
		return func() []float32 { f(y, x); return y }, func(dy []float32) { b(dx, dy, x) }, []checked{{"x", x, dx}}
	}}
}

var gradCases = []gradCase{
	{"Linear with bias", func(r *rand.Rand) (func() []float32, func([]float32), []checked) {
		const n, in, out = 3, 5, 4
		l, g := randomLinear(r, in, out, true)
		x, dx, y := randn(r, n*in, 0, 1), make([]float32, n*in), make([]float32, n*out)
		return func() []float32 { l.Forward(y, x, n); return y },
			func(dy []float32) { l.Backward(dx, dy, x, n, &g) },
			append([]checked{{"x", x, dx}}, linearTensors("", &l, &g)...)
	}},
	{"Linear without bias", func(r *rand.Rand) (func() []float32, func([]float32), []checked) {
		const n, in, out = 4, 3, 6
		l, g := randomLinear(r, in, out, false)
		x, dx, y := randn(r, n*in, 0, 1), make([]float32, n*in), make([]float32, n*out)
		return func() []float32 { l.Forward(y, x, n); return y },
			func(dy []float32) { l.Backward(dx, dy, x, n, &g) },
			append([]checked{{"x", x, dx}}, linearTensors("", &l, &g)...)
	}},
	{"Embedding with a repeated id", func(r *rand.Rand) (func() []float32, func([]float32), []checked) {
		e, _ := NewEmbedding(5, 3)
		g, _ := NewEmbedding(5, 3)
		fill(r, e.Table, 0, 1)
		ids := []int{2, 0, 2, 4}
		y := make([]float32, len(ids)*3)
		return func() []float32 { e.Forward(y, ids); e.ForwardAdd(y, []int{1, 1, 3, 2}); return y },
			func(dy []float32) { e.Backward(dy, ids, &g); e.Backward(dy, []int{1, 1, 3, 2}, &g) },
			[]checked{{"Table", e.Table, g.Table}}
	}},
	{"LayerNorm", func(r *rand.Rand) (func() []float32, func([]float32), []checked) {
		const n, d = 3, 7
		l, _ := NewLayerNorm(d, 1e-5)
		g, _ := NewLayerNorm(d, 1e-5)
		fill(r, l.Weight, 1, 0.3)
		fill(r, l.Bias, 0, 0.3)
		x, dx, y := randn(r, n*d, 0.5, 2), make([]float32, n*d), make([]float32, n*d)
		var st NormState
		return func() []float32 { l.Forward(y, x, n, &st); return y },
			func(dy []float32) { l.Backward(dx, dy, x, n, &st, &g) },
			[]checked{{"x", x, dx}, {"Weight", l.Weight, g.Weight}, {"Bias", l.Bias, g.Bias}}
	}},
	{"RMSNorm", func(r *rand.Rand) (func() []float32, func([]float32), []checked) {
		const n, d = 3, 8
		l, _ := NewRMSNorm(d, 1e-5)
		g, _ := NewRMSNorm(d, 1e-5)
		fill(r, l.Weight, 1, 0.3)
		x, dx, y := randn(r, n*d, 0.3, 1), make([]float32, n*d), make([]float32, n*d)
		var st NormState
		return func() []float32 { l.Forward(y, x, n, &st); return y },
			func(dy []float32) { l.Backward(dx, dy, x, n, &st, &g) },
			[]checked{{"x", x, dx}, {"Weight", l.Weight, g.Weight}}
	}},
	activationCase("GELU", GELU, GELUBackward),
	activationCase("GELUTanh", GELUTanh, GELUTanhBackward),
	activationCase("SiLU", SiLU, SiLUBackward),
	{"SwiGLU", func(r *rand.Rand) (func() []float32, func([]float32), []checked) {
		const n, d, h = 3, 4, 6
		f, _ := NewSwiGLU(d, h)
		g, _ := NewSwiGLU(d, h)
		for _, l := range []*Linear{&f.W1, &f.W2, &f.W3} {
			fill(r, l.W, 0, 0.6)
		}
		x, dx, y := randn(r, n*d, 0, 1), make([]float32, n*d), make([]float32, n*d)
		var st SwiGLUState
		return func() []float32 { f.Forward(y, x, n, &st); return y },
			func(dy []float32) { f.Backward(dx, dy, x, n, &st, &g) },
			[]checked{{"x", x, dx}, {"W1", f.W1.W, g.W1.W}, {"W2", f.W2.W, g.W2.W}, {"W3", f.W3.W, g.W3.W}}
	}},
	attentionCase(AttentionConfig{Dim: 8, Heads: 2, Bias: true}, Seqs{Batch: 2, Len: 4, Lengths: []int{4, 2}}),
	attentionCase(AttentionConfig{Dim: 8, Heads: 2, Causal: true}, Seqs{Batch: 2, Len: 3}),
	attentionCase(AttentionConfig{Dim: 8, Heads: 4, KVHeads: 2, Causal: true, RoPE: true}, Seqs{Batch: 2, Len: 4, Lengths: []int{3, 4}}),
	attentionCase(AttentionConfig{Dim: 12, Heads: 3, KVHeads: 1, RoPE: true, Bias: true}, Seqs{Batch: 1, Len: 5, Lengths: []int{4}}),
}

// TestGradients compares every layer's backward pass with central finite
// differences of the objective Σ out·R (R random, summed in float64), at
// step 1e-2 in float32. The error of a tensor is max|analytic - numeric|
// over its values, relative to max|numeric| (at least 0.1); the errors
// measured are 1e-6 to 1e-4.
func TestGradients(t *testing.T) {
	for _, tc := range gradCases {
		t.Run(tc.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(1, 2))
			forward, backward, tensors := tc.setup(r)
			out := forward()
			R := randn(r, len(out), 0, 1)
			for _, c := range tensors {
				clear(c.grad)
			}
			backward(R)
			worst := gradientError(t, forward, R, tensors)
			t.Logf("worst relative error %.2g", worst)
		})
	}
}

// gradientError checks each tensor's gradient against finite differences of
// Σ forward()·R and returns the largest relative error seen.
func gradientError(t *testing.T, forward func() []float32, R []float32, tensors []checked) float64 {
	t.Helper()
	const h = 1e-2
	worst := 0.0
	for _, c := range tensors {
		var maxDiff, maxNum float64
		for i := range c.value {
			orig := c.value[i]
			c.value[i] = orig + h
			up := dot64(forward(), R)
			c.value[i] = orig - h
			down := dot64(forward(), R)
			c.value[i] = orig
			num := (up - down) / (2 * h)
			maxDiff = max(maxDiff, math.Abs(num-float64(c.grad[i])))
			maxNum = max(maxNum, math.Abs(num))
		}
		// A gradient that is identically zero (a key bias, which the
		// softmax cancels) is measured against 0.1 instead of its own size.
		rel := maxDiff / max(maxNum, 0.1)
		worst = max(worst, rel)
		if rel > 1e-3 {
			t.Errorf("%s: analytic and numeric gradients differ by %.3g (relative %.3g)", c.name, maxDiff, rel)
		}
	}
	return worst
}
