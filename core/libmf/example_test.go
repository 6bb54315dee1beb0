package libmf_test

import (
	"fmt"
	"math"

	"textlab/core/libmf"
)

// A C program's softmax calls expf; reproducing it exactly in Go takes the
// same bits, which Go's float64 exp rounded to float32 does not always give.
func Example() {
	x := math.Float32frombits(0x4202422f) // 32.564632
	fmt.Printf("glibc expf (FMA build):  %#08x\n", math.Float32bits(libmf.FMA.Exp(x)))
	fmt.Printf("glibc expf (baseline):   %#08x\n", math.Float32bits(libmf.Plain.Exp(x)))
	fmt.Printf("sin(1) cos(1): %.7f %.7f\n", libmf.FMA.Sin(1), libmf.FMA.Cos(1))
	// Output:
	// glibc expf (FMA build):  0x56fc9f1c
	// glibc expf (baseline):   0x56fc9f1b
	// sin(1) cos(1): 0.8414710 0.5403023
}
