package nn

import (
	"math"

	"textlab/core/libmf"
	"textlab/core/tensor"
)

// GELU sets y = x·Φ(x), the exact (erf) Gaussian error linear unit of BERT
// and torch.nn.GELU(), with tensor.GELU's values. y may alias x when no
// backward pass follows.
func GELU(y, x []float32) {
	copy(y, x)
	tensor.GELU(y[:len(x)])
}

// GELUBackward adds dx += dy·GELU'(x) for the forward input x, with the
// exact derivative GELU'(x) = Φ(x) + x·φ(x) (φ the standard normal
// density).
//
// On [-8, 8) the derivative comes from a table every 1/128 with cubic
// Hermite interpolation (values and slopes φ(x)·(2 - x²) computed with
// math.Erfc and math.Exp; interpolation error below 1e-9, far under
// float32's rounding), outside it from math.Erfc and math.Exp. Computing
// them for every value made this a third of a BERT training step.
func GELUBackward(dx, dy, x []float32) {
	dy = dy[:len(x)]
	dx = dx[:len(x)]
	for i, v := range x {
		dx[i] += float32(float64(dy[i]) * geluGrad(float64(v)))
	}
}

// geluGradExact returns Φ(x) + x·φ(x) from math.Erfc and math.Exp.
func geluGradExact(x float64) float64 {
	cdf := 0.5 * math.Erfc(-x/math.Sqrt2)
	pdf := math.Exp(-x*x/2) / math.Sqrt(2*math.Pi)
	return cdf + x*pdf
}

// GELU' table: geluGradTable[k] holds GELU'(t) and its slope divided by
// geluSteps, for t = geluLo + k/geluSteps.
const (
	geluLo    = -8.0
	geluHi    = 8.0
	geluSteps = 128
)

var geluGradTable = func() [][2]float64 {
	t := make([][2]float64, int((geluHi-geluLo)*geluSteps)+2)
	for k := range t {
		x := geluLo + float64(k)/geluSteps
		pdf := math.Exp(-x*x/2) / math.Sqrt(2*math.Pi)
		t[k] = [2]float64{geluGradExact(x), pdf * (2 - x*x) / geluSteps}
	}
	return t
}()

// geluGrad returns GELU'(x), interpolated from geluGradTable inside its range.
func geluGrad(x float64) float64 {
	if !(x >= geluLo && x < geluHi) { // also NaN
		return geluGradExact(x)
	}
	u := (x - geluLo) * geluSteps
	k := int(u)
	s := u - float64(k)
	a, b := geluGradTable[k], geluGradTable[k+1]
	// Cubic Hermite interpolation on [0, 1]: values a[0], b[0], slopes a[1], b[1].
	return a[0] + s*(a[1]+s*(3*(b[0]-a[0])-2*a[1]-b[1]+s*(2*(a[0]-b[0])+a[1]+b[1])))
}

// geluTanhC is √(2/π), the scale inside GPT-2's tanh approximation.
const geluTanhC = 0.7978845608028654

// GELUTanh sets y = ½x(1 + tanh(√(2/π)(x + 0.044715x³))), GPT-2's
// approximation of GELU (torch's gelu(approximate="tanh")), with
// tensor.GELUTanh's values.
func GELUTanh(y, x []float32) {
	copy(y, x)
	tensor.GELUTanh(y[:len(x)])
}

// GELUTanhBackward adds dx += dy·d/dx GELUTanh(x) for the forward input x:
// with u = √(2/π)(x + 0.044715x³), the derivative is
// ½(1 + tanh u) + ½x(1 - tanh²u)·√(2/π)(1 + 3·0.044715x²).
func GELUTanhBackward(dx, dy, x []float32) {
	dy = dy[:len(x)]
	dx = dx[:len(x)]
	for i, v := range x {
		f := float64(v)
		t := math.Tanh(geluTanhC * (f + 0.044715*f*f*f))
		d := 0.5*(1+t) + 0.5*f*(1-t*t)*geluTanhC*(1+3*0.044715*f*f)
		dx[i] += float32(float64(dy[i]) * d)
	}
}

// sigmoid returns σ(x) = 1/(1 + e^-x) as llama2.c's run.c computes it
// inside SiLU, with glibc's expf bits (package libmf), so a decoder built
// on these layers keeps run.c's results: silu(x) = x·sigmoid(x).
func sigmoid(x float32) float32 {
	return 1 / (1 + libmf.FMA.Exp(-x))
}

// silu returns x·σ(x).
func silu(x float32) float32 {
	return x * sigmoid(x)
}

// siluGradFrom returns d/dx x·σ(x) = σ(x)·(1 + x·(1 - σ(x))), given s = σ(x).
func siluGradFrom(x, s float32) float32 {
	return s * (1 + x*(1-s))
}

// SiLU sets y = x·σ(x) (the swish gate of LLaMA's feed-forward). y may
// alias x when no backward pass follows.
func SiLU(y, x []float32) {
	y = y[:len(x)]
	for i, v := range x {
		y[i] = silu(v)
	}
}

// SiLUBackward adds dx += dy·σ(x)·(1 + x·(1 - σ(x))) for the forward input x.
func SiLUBackward(dx, dy, x []float32) {
	dy = dy[:len(x)]
	dx = dx[:len(x)]
	for i, v := range x {
		dx[i] += dy[i] * siluGradFrom(v, sigmoid(v))
	}
}

// SwiGLU is LLaMA's feed-forward layer: out = W2·(SiLU(W1·x) ⊙ W3·x), with
// W1 and W3 mapping Dim to Hidden and W2 mapping back, all without bias.
type SwiGLU struct {
	Dim, Hidden int    // width of the input and output, and of the hidden layer
	W1, W3      Linear // [Hidden][Dim]: gate and up projections
	W2          Linear // [Dim][Hidden]: down projection
}

// SwiGLUState keeps a SwiGLU forward pass for the backward pass, and the
// backward pass's scratch. Every buffer is [n][Hidden].
type SwiGLUState struct {
	H1, H3 []float32 // W1·x (the gate, before SiLU) and W3·x
	Gated  []float32 // SiLU(H1) ⊙ H3, the input of W2
	// Backward scratch: gradients of Gated, H1 and H3.
	DGated, DH1, DH3 []float32
}

// NewSwiGLU returns a SwiGLU feed-forward layer of width dim and hidden
// width hidden, with zero weights.
func NewSwiGLU(dim, hidden int) (SwiGLU, error) {
	if err := checkSizes("SwiGLU", size{"dim", dim}, size{"hidden", hidden}); err != nil {
		return SwiGLU{}, err
	}
	w1, _ := NewLinear(dim, hidden, false)
	w3, _ := NewLinear(dim, hidden, false)
	w2, _ := NewLinear(hidden, dim, false)
	return SwiGLU{Dim: dim, Hidden: hidden, W1: w1, W2: w2, W3: w3}, nil
}

// Forward sets out = W2·(SiLU(W1·x) ⊙ W3·x) for n rows of x ([n][Dim]).
func (f *SwiGLU) Forward(out, x []float32, n int, st *SwiGLUState) {
	m := n * f.Hidden
	st.H1, st.H3, st.Gated = resize(st.H1, m), resize(st.H3, m), resize(st.Gated, m)
	// Gate and up projections.
	f.W1.Forward(st.H1, x, n)
	f.W3.Forward(st.H3, x, n)
	// SiLU of the gate times the up projection.
	for i, h := range st.H1 {
		st.Gated[i] = silu(h) * st.H3[i]
	}
	// Down projection.
	f.W2.Forward(out, st.Gated, n)
}

// Backward takes dout for the n rows of the forward input x and adds
// ∂loss/∂x to dx (unless nil) and the weights' gradients to grad.
func (f *SwiGLU) Backward(dx, dout, x []float32, n int, st *SwiGLUState, grad *SwiGLU) {
	m := n * f.Hidden
	st.DGated, st.DH1, st.DH3 = resize(st.DGated, m), resize(st.DH1, m), resize(st.DH3, m)
	// Down projection.
	clear(st.DGated)
	f.W2.Backward(st.DGated, dout, st.Gated, n, &grad.W2)
	// Through the product and the SiLU.
	for i, g := range st.DGated {
		h1 := st.H1[i]
		s := sigmoid(h1)
		st.DH1[i] = g * st.H3[i] * siluGradFrom(h1, s)
		st.DH3[i] = g * (h1 * s) // g·silu(h1)
	}
	// Gate and up projections.
	f.W1.Backward(dx, st.DH1, x, n, &grad.W1)
	f.W3.Backward(dx, st.DH3, x, n, &grad.W3)
}
