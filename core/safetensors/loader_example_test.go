package safetensors_test

import (
	"bytes"
	"fmt"

	"textlab/core/safetensors"
)

// A checkpoint saved from a wrapper model names its tensors "bert.…"; the
// loader finds them by their bare names and checks each shape, keeping the
// first error.
func ExampleLoader() {
	var buf bytes.Buffer
	err := safetensors.Write(&buf, []safetensors.Tensor{
		{Name: "bert.pooler.bias", Shape: []int{2}, DType: safetensors.F32, F32: []float32{0.5, -1}},
	}, nil)
	if err != nil {
		panic(err)
	}
	f, err := safetensors.Read(buf.Bytes())
	if err != nil {
		panic(err)
	}
	ld := safetensors.Loader{File: f, Prefixes: []string{"bert."}}
	fmt.Println(ld.Float("pooler.bias", 2), ld.Err)
	ld.Float("pooler.bias", 3)
	fmt.Println(ld.Err != nil)
	// Output:
	// [0.5 -1] <nil>
	// true
}
