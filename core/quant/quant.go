// Package quant provides Textlab's int8 kernels: symmetric per-output-channel
// int8 weights with float32 scales, activations quantized per row on the fly,
// and int8 × int8 products accumulated in int32.
//
// A weight matrix W of shape [out][in] (nn.Linear's layout) is stored as
// int8 values q and one scale per row, scale[r] = max|W[r]| / 127, so that
// W[r][c] ≈ q[r][c]·scale[r]. An activation row x is quantized the same way
// with its own scale sx, and
//
//	(W·x)[r] ≈ sx · scale[r] · Σ_c q[r][c]·qx[c]
//
// where the sum is exact in int32 (|q| ≤ 127, so it cannot overflow for rows
// shorter than 133,000 values).
//
// Textlab writes int8 weights to safetensors as two tensors: "<name>.weight"
// (I8, shape [out][in]) and "<name>.weight_scale" (F32, shape [out]).
package quant

import (
	"fmt"
	"math"
	"runtime"
	"sync"

	"textlab/core/safetensors"
)

// MaxCols is the longest row an int32 accumulator holds without overflow
// (127·127·MaxCols < 2³¹).
const MaxCols = math.MaxInt32 / (127 * 127)

// Matrix is a symmetric per-row int8 quantization of a float32 matrix.
type Matrix struct {
	Rows, Cols int
	Data       []int8    // Rows×Cols values, row-major
	Scales     []float32 // one scale per row: the row's float value of q = 1
}

// QuantizeMatrix quantizes w, of shape [rows][cols], row by row with
// scale = max|w_row|/127 and rounding to nearest. An all-zero row gets scale 0.
func QuantizeMatrix(w []float32, rows, cols int) Matrix {
	m := Matrix{Rows: rows, Cols: cols, Data: make([]int8, rows*cols), Scales: make([]float32, rows)}
	for r := 0; r < rows; r++ {
		m.Scales[r] = QuantizeRow(m.Data[r*cols:(r+1)*cols], w[r*cols:(r+1)*cols])
	}
	return m
}

// QuantizeRow writes the symmetric int8 quantization of x into dst (same
// length) and returns its scale, max|x|/127 (0 for an all-zero row).
func QuantizeRow(dst []int8, x []float32) float32 {
	var maxAbs float32
	for _, v := range x {
		if v < 0 {
			v = -v
		}
		if v > maxAbs {
			maxAbs = v
		}
	}
	if maxAbs == 0 || math.IsInf(float64(maxAbs), 0) || math.IsNaN(float64(maxAbs)) {
		clear(dst[:len(x)])
		return 0
	}
	scale := maxAbs / 127
	inv := 127 / maxAbs
	dst = dst[:len(x)]
	for i, v := range x {
		dst[i] = int8(math.Round(float64(v * inv)))
	}
	return scale
}

// Dequantize returns the float32 matrix the quantization stands for.
func (m Matrix) Dequantize() []float32 {
	out := make([]float32, len(m.Data))
	for r := 0; r < m.Rows; r++ {
		s := m.Scales[r]
		for c := 0; c < m.Cols; c++ {
			out[r*m.Cols+c] = float32(m.Data[r*m.Cols+c]) * s
		}
	}
	return out
}

// DotInt8 returns Σ a[i]·b[i] accumulated in int32; b must be at least as
// long as a. The loop is unrolled by eight with four accumulators so the
// compiler keeps the sums in registers.
func DotInt8(a, b []int8) int32 {
	n := len(a)
	b = b[:n]
	var s0, s1, s2, s3 int32
	i := 0
	for ; i+8 <= n; i += 8 {
		aa := a[i : i+8 : i+8]
		bb := b[i : i+8 : i+8]
		s0 += int32(aa[0])*int32(bb[0]) + int32(aa[4])*int32(bb[4])
		s1 += int32(aa[1])*int32(bb[1]) + int32(aa[5])*int32(bb[5])
		s2 += int32(aa[2])*int32(bb[2]) + int32(aa[6])*int32(bb[6])
		s3 += int32(aa[3])*int32(bb[3]) + int32(aa[7])*int32(bb[7])
	}
	for ; i < n; i++ {
		s0 += int32(a[i]) * int32(b[i])
	}
	return s0 + s1 + s2 + s3
}

// Linear is an int8 version of nn.Linear: y = x·Wᵀ + b with W quantized per
// output row and x quantized per row when Forward is called.
type Linear struct {
	W    Matrix
	Bias []float32 // length W.Rows, or nil for no bias
}

// NewLinear quantizes a float32 nn.Linear weight w of shape [out][in] with
// bias b (length out, or nil).
func NewLinear(w, b []float32, out, in int) *Linear {
	return &Linear{W: QuantizeMatrix(w, out, in), Bias: b}
}

// Forward computes out = x·Wᵀ + b for a batch: x is [n][in], out is [n][out].
// Each row of x is quantized to int8 with its own scale, multiplied with the
// int8 weights in int32, and scaled back to float32. Large batches are split
// over goroutines.
func (l *Linear) Forward(out, x []float32, n int) {
	in, od := l.W.Cols, l.W.Rows
	rowsPerWorker := n
	workers := runtime.GOMAXPROCS(0)
	if workers > 1 && n >= 2*workers && n*in*od >= 1<<20 {
		rowsPerWorker = (n + workers - 1) / workers
	}
	if rowsPerWorker >= n {
		l.forwardRows(out, x, 0, n)
		return
	}
	var wg sync.WaitGroup
	for lo := 0; lo < n; lo += rowsPerWorker {
		hi := min(lo+rowsPerWorker, n)
		wg.Add(1)
		go func() {
			defer wg.Done()
			l.forwardRows(out, x, lo, hi)
		}()
	}
	wg.Wait()
}

// forwardRows is Forward for rows [lo, hi) of x: each row is quantized and
// multiplied with all weight rows by DotRows.
func (l *Linear) forwardRows(out, x []float32, lo, hi int) {
	in, od := l.W.Cols, l.W.Rows
	xq := make([]int8, in)
	acc := make([]int32, od)
	for i := lo; i < hi; i++ {
		sx := QuantizeRow(xq, x[i*in:(i+1)*in])
		DotRows(acc, xq, l.W.Data)
		y := out[i*od : (i+1)*od]
		for r, a := range acc {
			y[r] = float32(a) * sx * l.W.Scales[r]
		}
		if l.Bias != nil {
			for r := range y {
				y[r] += l.Bias[r]
			}
		}
	}
}

// dot4 returns the int32 dot products of x with the four consecutive rows
// of length n stored in w.
func dot4(x, w []int8, n int) [4]int32 {
	x = x[:n]
	w0, w1, w2, w3 := w[:n], w[n:2*n], w[2*n:3*n], w[3*n:4*n]
	var s0, s1, s2, s3 int32
	c := 0
	for ; c+2 <= n; c += 2 {
		a, b := int32(x[c]), int32(x[c+1])
		s0 += a*int32(w0[c]) + b*int32(w0[c+1])
		s1 += a*int32(w1[c]) + b*int32(w1[c+1])
		s2 += a*int32(w2[c]) + b*int32(w2[c+1])
		s3 += a*int32(w3[c]) + b*int32(w3[c+1])
	}
	for ; c < n; c++ {
		a := int32(x[c])
		s0 += a * int32(w0[c])
		s1 += a * int32(w1[c])
		s2 += a * int32(w2[c])
		s3 += a * int32(w3[c])
	}
	return [4]int32{s0, s1, s2, s3}
}

// Tensors returns m as the two safetensors tensors Textlab stores an int8
// weight in: name+".weight" (I8, [Rows][Cols]) and name+".weight_scale"
// (F32, [Rows]).
func (m Matrix) Tensors(name string) []safetensors.Tensor {
	return []safetensors.Tensor{
		{Name: name + ".weight", Shape: []int{m.Rows, m.Cols}, DType: safetensors.I8, I8: m.Data},
		{Name: name + ".weight_scale", Shape: []int{m.Rows}, DType: safetensors.F32, F32: m.Scales},
	}
}

// FromTensors rebuilds a Matrix from the weight (I8, [rows][cols]) and
// scale (float, [rows]) tensors stored under name, checking their dtypes and
// shapes against each other and against the wanted shape.
func FromTensors(name string, weight, scale safetensors.Tensor, rows, cols int) (Matrix, error) {
	if weight.DType != safetensors.I8 {
		return Matrix{}, fmt.Errorf("tensor %q: dtype %s, want I8", name+".weight", weight.DType)
	}
	if len(weight.Shape) != 2 || weight.Shape[0] != rows || weight.Shape[1] != cols {
		return Matrix{}, fmt.Errorf("tensor %q: shape %v, want [%d %d]", name+".weight", weight.Shape, rows, cols)
	}
	if scale.DType != safetensors.F32 || len(scale.Shape) != 1 || scale.Shape[0] != rows {
		return Matrix{}, fmt.Errorf("tensor %q: %s shape %v, want F32 [%d]", name+".weight_scale", scale.DType, scale.Shape, rows)
	}
	if cols > MaxCols {
		return Matrix{}, fmt.Errorf("tensor %q: %d columns overflow the int32 accumulator (max %d)", name+".weight", cols, MaxCols)
	}
	return Matrix{Rows: rows, Cols: cols, Data: weight.I8, Scales: scale.F32}, nil
}
