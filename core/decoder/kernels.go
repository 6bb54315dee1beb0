package decoder

import (
	"math"

	"textlab/core/libmf"
	"textlab/core/quant"
	"textlab/core/tensor"
)

// The kernels below follow run.c's float32 arithmetic operation for
// operation, and take expf, sinf and cosf from libmf, which gives the bits
// of glibc's, so results agree with llama2.c built on x86-64 Linux to the
// last bit.

// matmul computes out = W·x for W of shape [d][n]: with the float32 w, or,
// when q is not nil, with the int8 q, x quantized into the scratch xq (at
// least n long) and the row sums in the scratch acc (int8Block long), as
// matmulInt8 does.
func matmul(out, x, w []float32, q *quant.Matrix, n, d int, xq []int8, acc []int32) {
	if q != nil {
		matmulInt8(out, x, q, xq, acc)
		return
	}
	tensor.MatVec(out, w, x, d, n)
}

// rmsnorm writes x / sqrt(mean(x²) + 1e-5) · weight into out (out may alias x).
func rmsnorm(out, x, weight []float32) {
	tensor.RMSNorm(out, x, weight, 1e-5)
}

// silu returns x·σ(x) as run.c computes it.
func silu(x float32) float32 {
	return x * (1 / (1 + libm.Exp(-x)))
}

// libm is the glibc build whose expf, sinf and cosf the kernels reproduce:
// the one x86-64 processors with FMA run.
var libm = libmf.FMA

// ropeAngles writes into cs, for the pairs (2i, 2i+1) of one head
// (len(cs) = head_size), the cosine and sine of the angle
// pos · 10000^(-2i/head_size), as run.c computes them. They are the same
// for every head and layer at one position, so Forward computes them once.
func ropeAngles(cs []float32, pos int) {
	headSize := len(cs)
	for i := 0; i < headSize; i += 2 {
		val := float32(pos) * ropeFreq(i, headSize)
		cs[i], cs[i+1] = libm.Cos(val), libm.Sin(val)
	}
}

// rope applies llama2.c's rotary position embedding in place: each pair
// (2i, 2i+1) of every head of q, and of k where k reaches, is rotated by
// the angle whose cosine and sine ropeAngles put in cs.
func rope(q, k, cs []float32) {
	headSize := len(cs)
	for i := 0; i < len(q); i += 2 {
		j := i % headSize
		fcr, fci := cs[j], cs[j+1]
		rotate(q, i, fcr, fci)
		if i < len(k) {
			rotate(k, i, fcr, fci)
		}
	}
}

// ropeFreq returns run.c's 1/10000^(headDim/headSize) in float32. Go's
// float64 pow rounded to float32 equals glibc's powf here for every head
// size that is a multiple of 8 up to 448 (checked in kernels_ref_test.go;
// of all even sizes up to 512, 14 pairs such as 150/64 differ by one ulp).
func ropeFreq(headDim, headSize int) float32 {
	return 1 / float32(math.Pow(10000, float64(float32(headDim)/float32(headSize))))
}

func rotate(vec []float32, i int, fcr, fci float32) {
	v0, v1 := vec[i], vec[i+1]
	vec[i] = v0*fcr - v1*fci
	vec[i+1] = v0*fci + v1*fcr
}
