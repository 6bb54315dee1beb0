package gemm_test

import (
	"fmt"

	"textlab/core/gemm"
)

// A linear layer's forward pass: two tokens with three input features,
// times a PyTorch-layout weight matrix [out][in] with two outputs, is
// x·Wᵀ, so B is transposed.
func ExampleSgemm() {
	x := []float32{ // [tokens][in]
		1, 2, 3,
		4, 5, 6,
	}
	w := []float32{ // [out][in]
		1, 0, -1,
		0.5, 0.5, 0.5,
	}
	y := make([]float32, 2*2) // [tokens][out]
	gemm.Sgemm(false, true, 2, 2, 3, 1, x, 3, w, 3, 0, y, 2)
	fmt.Println(y[0:2])
	fmt.Println(y[2:4])
	// Output:
	// [-2 3]
	// [-2 7.5]
}
