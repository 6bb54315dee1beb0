// Package tensor provides the float32 kernels that Textlab's transformer
// models are built from: matrix products, softmax, normalisations and
// activations, over flat []float32 slices in row-major order.
//
// Weights follow PyTorch's nn.Linear layout: a layer mapping in features to
// out features stores its weight as [out][in], so y = W·x + b.
package tensor

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"

	"textlab/core/libmf"
)

// Tensor is a flat row-major float32 array with a shape.
type Tensor struct {
	Shape []int
	Data  []float32
}

// New returns a zeroed tensor of the given shape.
func New(shape ...int) Tensor {
	return Tensor{Shape: append([]int(nil), shape...), Data: make([]float32, Numel(shape))}
}

// Numel returns the number of elements of a shape (1 for the empty shape).
func Numel(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

// Row returns row i of a 2-D tensor as a slice sharing its data.
func (t Tensor) Row(i int) []float32 {
	cols := t.Shape[len(t.Shape)-1]
	return t.Data[i*cols : (i+1)*cols]
}

// CheckShape returns an error naming the tensor when t's shape differs from want.
func (t Tensor) CheckShape(name string, want ...int) error {
	if len(t.Shape) != len(want) {
		return fmt.Errorf("tensor %q: shape %v, want %v", name, t.Shape, want)
	}
	for i := range want {
		if t.Shape[i] != want[i] {
			return fmt.Errorf("tensor %q: shape %v, want %v", name, t.Shape, want)
		}
	}
	if len(t.Data) != Numel(want) {
		return fmt.Errorf("tensor %q: %d values for shape %v", name, len(t.Data), want)
	}
	return nil
}

// Dot returns the dot product of a and b (which have the same length).
func Dot(a, b []float32) float32 {
	var s float32
	b = b[:len(a)]
	for i, v := range a {
		s += v * b[i]
	}
	return s
}

// MatVec computes out = W·x for W of shape [rows][cols] (len(x) == cols,
// len(out) == rows). It is the single-token step of a decoder. Each row's
// sum runs in column order, as Dot's, so results are reproducible to the
// bit (llama2.c's run.c sums the same way); an engine may install a faster
// kernel with UseMatVecKernel only if it keeps that order.
func MatVec(out, w, x []float32, rows, cols int) {
	matVec(out[:rows], w[:rows*cols], x[:cols], rows, cols)
}

var matVec = GoMatVec

// GoMatVec is the Go kernel behind MatVec. It runs four rows at a time, one
// sum per row, each still in column order: four independent additions per
// step instead of one chain keep the processor busy, and the results are
// Dot's bit for bit.
func GoMatVec(out, w, x []float32, rows, cols int) {
	x = x[:cols]
	r := 0
	for ; r+4 <= rows; r += 4 {
		w0 := w[r*cols : (r+1)*cols : (r+1)*cols]
		w1 := w[(r+1)*cols : (r+2)*cols : (r+2)*cols]
		w2 := w[(r+2)*cols : (r+3)*cols : (r+3)*cols]
		w3 := w[(r+3)*cols : (r+4)*cols : (r+4)*cols]
		var s0, s1, s2, s3 float32
		for c, v := range x {
			s0 += v * w0[c]
			s1 += v * w1[c]
			s2 += v * w2[c]
			s3 += v * w3[c]
		}
		out[r], out[r+1], out[r+2], out[r+3] = s0, s1, s2, s3
	}
	for ; r < rows; r++ {
		out[r] = Dot(x, w[r*cols:(r+1)*cols])
	}
}

// UseMatVecKernel replaces the kernel behind MatVec (the WebAssembly engine
// installs a SIMD one) and returns the previous kernel. The kernel must
// give GoMatVec's results bit for bit; it is called with slices of exactly
// rows, rows·cols and cols values. Install kernels before any computation
// starts: the replacement is not synchronised with running calls.
func UseMatVecKernel(k func(out, w, x []float32, rows, cols int)) (previous func(out, w, x []float32, rows, cols int)) {
	previous = matVec
	matVec = k
	return previous
}

// Linear computes out = x·Wᵀ + b for a batch: x is [n][in], W is [outDim][in]
// (nn.Linear's layout), b is [outDim] or nil, out is [n][outDim].
//
// A single row (n == 1, a decoder's step) is MatVec, which sums in order;
// batches go to the matrix-product kernel: gonum's sgemm, unless an engine
// installed another with UseMatMulKernel.
func Linear(out, x, w, b []float32, n, in, outDim int) {
	if n == 1 {
		MatVec(out, w, x, outDim, in)
	} else {
		matMulT(out[:n*outDim], x[:n*in], w[:outDim*in], n, in, outDim)
	}
	if b != nil {
		for i := 0; i < n; i++ {
			AddInPlace(out[i*outDim:(i+1)*outDim], b)
		}
	}
}

var matMulT = GoMatMulT

// GoMatMulT sets out = x·Wᵀ for x [n][in] and W [outDim][in] with gonum's
// sgemm: the default kernel behind Linear's batches.
func GoMatMulT(out, x, w []float32, n, in, outDim int) {
	blas32.Gemm(blas.NoTrans, blas.Trans, 1,
		blas32.General{Rows: n, Cols: in, Stride: in, Data: x},
		blas32.General{Rows: outDim, Cols: in, Stride: in, Data: w},
		0, blas32.General{Rows: n, Cols: outDim, Stride: outDim, Data: out})
}

// UseMatMulKernel replaces the kernel behind Linear's batches (the
// WebAssembly engine installs a SIMD one) and returns the previous kernel.
// The kernel sets out = x·Wᵀ as GoMatMulT does, up to float32 rounding
// (the order of the sums may differ); it is called with slices of exactly
// n·outDim, n·in and outDim·in values. Install kernels before any
// computation starts: the replacement is not synchronised with running
// calls.
func UseMatMulKernel(k func(out, x, w []float32, n, in, outDim int)) (previous func(out, x, w []float32, n, in, outDim int)) {
	previous = matMulT
	matMulT = k
	return previous
}

// AddInPlace adds b to a element-wise.
func AddInPlace(a, b []float32) {
	b = b[:len(a)]
	for i := range a {
		a[i] += b[i]
	}
}

// Softmax replaces x with softmax(x), subtracting the maximum first so large
// logits do not overflow. It computes as llama2.c's run.c does (maximum;
// exponentials and their float32 sum in order; division), with glibc's
// expf bits (package libmf), so it reproduces run.c's probabilities exactly.
func Softmax(x []float32) {
	if len(x) == 0 {
		return
	}
	maxv := x[0]
	for _, v := range x[1:] {
		if v > maxv {
			maxv = v
		}
	}
	var sum float32
	for i, v := range x {
		e := libmf.FMA.Exp(v - maxv)
		x[i] = e
		sum += e
	}
	for i := range x {
		x[i] /= sum
	}
}

// LayerNorm writes (x - mean)/sqrt(var + eps)·gamma + beta into out, with the
// biased variance as torch.nn.LayerNorm uses it. out may alias x.
func LayerNorm(out, x, gamma, beta []float32, eps float32) {
	n := float64(len(x))
	var mean float64
	for _, v := range x {
		mean += float64(v)
	}
	mean /= n
	var variance float64
	for _, v := range x {
		d := float64(v) - mean
		variance += d * d
	}
	variance /= n
	inv := 1 / math.Sqrt(variance+float64(eps))
	for i, v := range x {
		out[i] = float32((float64(v)-mean)*inv)*gamma[i] + beta[i]
	}
}

// RMSNorm writes x / sqrt(mean(x²) + eps) · weight into out, as LLaMA and
// llama2.c normalise. out may alias x.
func RMSNorm(out, x, weight []float32, eps float32) {
	var ss float32
	for _, v := range x {
		ss += v * v
	}
	ss = ss/float32(len(x)) + eps
	inv := 1 / float32(math.Sqrt(float64(ss)))
	for i, v := range x {
		out[i] = weight[i] * (inv * v)
	}
}

// GELU applies the exact (erf) Gaussian error linear unit in place:
// x·Φ(x) = x·½·(1 + erf(x/√2)), as BERT and torch.nn.GELU() define it.
//
// Φ comes from a table on [-8, 8] with cubic Hermite interpolation (the
// table holds Φ and its derivative φ every 1/128, computed with math.Erfc;
// the interpolation's relative error, about (x/128)⁴/384, stays under
// float32's), and from math.Erfc outside it. The table keeps
// float64 work to a few multiplications: math.Erf costs about 50 ns per
// value under WebAssembly, a quarter of a BERT forward pass.
func GELU(x []float32) {
	for i, v := range x {
		f := float64(v)
		x[i] = float32(f * normalCDF(f))
	}
}

// Φ table: phiTable[k] holds Φ(t) and φ(t)/phiSteps for
// t = phiLo + k/phiSteps.
const (
	phiLo    = -8.0
	phiHi    = 8.0
	phiSteps = 128
)

var phiTable = func() [][2]float64 {
	t := make([][2]float64, int((phiHi-phiLo)*phiSteps)+2)
	for k := range t {
		x := phiLo + float64(k)/phiSteps
		t[k] = [2]float64{0.5 * math.Erfc(-x/math.Sqrt2), math.Exp(-x*x/2) / math.Sqrt(2*math.Pi) / phiSteps}
	}
	return t
}()

// normalCDF returns Φ(x), the standard normal distribution function.
func normalCDF(x float64) float64 {
	if !(x >= phiLo && x < phiHi) { // also NaN
		return 0.5 * math.Erfc(-x/math.Sqrt2)
	}
	u := (x - phiLo) * phiSteps
	k := int(u)
	s := u - float64(k) // position within the interval, in [0, 1)
	a, b := phiTable[k], phiTable[k+1]
	// Cubic Hermite interpolation on [0, 1]: values a[0], b[0], slopes a[1], b[1].
	return a[0] + s*(a[1]+s*(3*(b[0]-a[0])-2*a[1]-b[1]+s*(2*(a[0]-b[0])+a[1]+b[1])))
}

// GELUTanh applies GPT-2's tanh approximation of GELU in place.
func GELUTanh(x []float32) {
	const c = 0.7978845608028654 // √(2/π)
	for i, v := range x {
		f := float64(v)
		x[i] = float32(0.5 * f * (1 + math.Tanh(c*(f+0.044715*f*f*f))))
	}
}

// SiLU applies x·σ(x) in place (the gate of LLaMA's SwiGLU).
func SiLU(x []float32) {
	for i, v := range x {
		x[i] = v / (1 + float32(math.Exp(float64(-v))))
	}
}
