package safetensors_test

import (
	"bytes"
	"fmt"

	"textlab/core/safetensors"
)

func Example() {
	var buf bytes.Buffer
	err := safetensors.Write(&buf, []safetensors.Tensor{
		{Name: "dense.weight", Shape: []int{2, 2}, F32: []float32{1, 2, 3, 4}},
		{Name: "dense.weight_scale", Shape: []int{2}, F32: []float32{0.5, 0.25}},
	}, map[string]string{"format": "pt"})
	if err != nil {
		fmt.Println(err)
		return
	}
	f, err := safetensors.Read(buf.Bytes())
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, name := range f.Names() {
		t := f.Tensors[name]
		fmt.Println(name, t.DType, t.Shape, t.F32)
	}
	// Output:
	// dense.weight F32 [2 2] [1 2 3 4]
	// dense.weight_scale F32 [2] [0.5 0.25]
}
