package safetensors

import (
	"reflect"
	"strings"
	"testing"
)

func TestLoader(t *testing.T) {
	f := &File{Tensors: map[string]Tensor{
		"w":            {Name: "w", Shape: []int{2}, DType: F32, F32: []float32{1, 2}},
		"bert.b":       {Name: "bert.b", Shape: []int{1}, DType: F32, F32: []float32{3}},
		"model.bert.b": {Name: "model.bert.b", Shape: []int{1}, DType: F32, F32: []float32{4}},
		"q":            {Name: "q", Shape: []int{1}, DType: I8, FileDType: I8, I8: []int8{5}},
	}}
	for _, tc := range []struct {
		name     string
		prefixes []string
		tensor   string
		shape    []int
		want     []float32
		wantErr  string
	}{
		{"bare name", nil, "w", []int{2}, []float32{1, 2}, ""},
		{"prefix", []string{"bert."}, "b", []int{1}, []float32{3}, ""},
		{"first prefix wins", []string{"model.bert.", "bert."}, "b", []int{1}, []float32{4}, ""},
		{"missing without prefix", nil, "b", []int{1}, nil, `tensor "b": missing`},
		{"wrong shape names the stored tensor", []string{"bert."}, "b", []int{2}, nil, `tensor "bert.b": shape [1] does not match config (want [2])`},
		{"wrong rank", nil, "w", []int{1, 2}, nil, "does not match config"},
		{"not float", nil, "q", []int{1}, nil, `tensor "q": dtype I8, want a float type`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ld := Loader{File: f, Prefixes: tc.prefixes}
			got := ld.Float(tc.tensor, tc.shape...)
			if tc.wantErr != "" {
				if got != nil || ld.Err == nil || !strings.Contains(ld.Err.Error(), tc.wantErr) {
					t.Fatalf("got %v, error %v; want nil and %q", got, ld.Err, tc.wantErr)
				}
				// The first error stays and later reads give nil.
				first := ld.Err
				if ld.Float("w", 2) != nil || ld.Err != first {
					t.Errorf("after an error: Err %v, want %v kept", ld.Err, first)
				}
				return
			}
			if ld.Err != nil || !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got %v, error %v; want %v", got, ld.Err, tc.want)
			}
			if !ld.Has(tc.tensor) {
				t.Errorf("Has(%q) is false", tc.tensor)
			}
		})
	}
}
