package quant_test

import (
	"fmt"

	"textlab/core/quant"
)

func ExampleLinear() {
	// A 2×3 layer: W·x + b with W quantized per row to int8.
	w := []float32{
		0.5, -1.0, 0.25,
		2.0, 0.0, -2.0,
	}
	l := quant.NewLinear(w, []float32{0.1, 0}, 2, 3)
	fmt.Println(l.W.Data, l.W.Scales)
	out := make([]float32, 2)
	l.Forward(out, []float32{1, 2, 3}, 1)
	fmt.Printf("int8:  %.3f\n", out)
	fmt.Printf("exact: [%.3f %.3f]\n", 0.5-2+0.75+0.1, 2.0-6)
	// Output:
	// [64 -127 32 127 0 -127] [0.007874016 0.015748031]
	// int8:  [-0.652 -4.016]
	// exact: [-0.650 -4.000]
}
