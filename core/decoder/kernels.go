package decoder

import (
	"math"

	"textlab/core/quant"
	"textlab/core/tensor"
)

// The kernels below follow run.c's float32 arithmetic operation for
// operation, so results agree with llama2.c to the last bit where the C
// library's expf, powf, sinf and cosf round as Go's float64 functions do.

// matmul computes out = W·x for W of shape [d][n]: with the float32 w, or,
// when q is not nil, with the int8 q and x quantized into the scratch xq
// (at least n long), as matmulInt8 does.
func matmul(out, x, w []float32, q *quant.Matrix, n, d int, xq []int8) {
	if q != nil {
		matmulInt8(out, x, q, xq)
		return
	}
	tensor.MatVec(out, w, x, d, n)
}

// rmsnorm writes x / sqrt(mean(x²) + 1e-5) · weight into out (out may alias x).
func rmsnorm(out, x, weight []float32) {
	tensor.RMSNorm(out, x, weight, 1e-5)
}

// softmax replaces x with its softmax, as run.c computes it.
func softmax(x []float32) {
	tensor.Softmax(x)
}

// rope applies llama2.c's rotary position embedding in place: each pair
// (2i, 2i+1) of every head of q, and of k where k reaches, is rotated by the
// angle pos · 10000^(-(2i mod head_size)/head_size).
func rope(q, k []float32, pos, headSize int) {
	for i := 0; i < len(q); i += 2 {
		headDim := i % headSize
		freq := 1 / float32(math.Pow(10000, float64(float32(headDim)/float32(headSize))))
		val := float32(pos) * freq
		fcr := float32(math.Cos(float64(val)))
		fci := float32(math.Sin(float64(val)))
		rotate(q, i, fcr, fci)
		if i < len(k) {
			rotate(k, i, fcr, fci)
		}
	}
}

func rotate(vec []float32, i int, fcr, fci float32) {
	v0, v1 := vec[i], vec[i+1]
	vec[i] = v0*fcr - v1*fci
	vec[i+1] = v0*fci + v1*fcr
}
