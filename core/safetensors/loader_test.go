package safetensors

import (
	"bytes"
	"math"
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
		// Textlab's int8 tables: one F32 scale per row beside the I8 values.
		"emb":            {Name: "emb", Shape: []int{2, 3}, DType: I8, I8: []int8{127, -64, 0, 1, 2, -127}},
		"emb_scale":      {Name: "emb_scale", Shape: []int{2}, DType: F32, F32: []float32{0.5, 0.25}},
		"bert.e":         {Name: "bert.e", Shape: []int{1, 2}, DType: I8, I8: []int8{2, -4}},
		"bert.e_scale":   {Name: "bert.e_scale", Shape: []int{1}, DType: F32, F32: []float32{0.125}},
		"vec":            {Name: "vec", Shape: []int{2}, DType: I8, I8: []int8{10, -20}},
		"vec_scale":      {Name: "vec_scale", Shape: []int{}, DType: F32, F32: []float32{0.5}},
		"flat":           {Name: "flat", Shape: []int{2, 2}, DType: I8, I8: []int8{1, 2, 3, 4}},
		"flat_scale":     {Name: "flat_scale", Shape: []int{4}, DType: F32, F32: []float32{1, 1, 1, 1}},
		"neg":            {Name: "neg", Shape: []int{1, 1}, DType: I8, I8: []int8{1}},
		"neg_scale":      {Name: "neg_scale", Shape: []int{1}, DType: F32, F32: []float32{-1}},
		"nan":            {Name: "nan", Shape: []int{1, 1}, DType: I8, I8: []int8{1}},
		"nan_scale":      {Name: "nan_scale", Shape: []int{1}, DType: F32, F32: []float32{float32(math.NaN())}},
		"i8scale":        {Name: "i8scale", Shape: []int{1, 1}, DType: I8, I8: []int8{1}},
		"i8scale_scale":  {Name: "i8scale_scale", Shape: []int{1}, DType: I8, FileDType: I8, I8: []int8{1}},
		"short":          {Name: "short", Shape: []int{2, 2}, DType: I8, I8: []int8{1, 2, 3}},
		"short_scale":    {Name: "short_scale", Shape: []int{2}, DType: F32, F32: []float32{1, 1}},
		"scalar":         {Name: "scalar", Shape: []int{}, DType: I8, I8: []int8{1}},
		"scalar_scale":   {Name: "scalar_scale", Shape: []int{}, DType: F32, F32: []float32{1}},
		"noscale.weight": {Name: "noscale.weight", Shape: []int{1, 1}, DType: I8, I8: []int8{1}},
		"f16":            {Name: "f16", Shape: []int{1}, DType: F32, FileDType: F16, F32: []float32{1.5}},
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
		{"float16 read as float32", nil, "f16", []int{1}, []float32{1.5}, ""},
		{"int8 rows times their scales", nil, "emb", []int{2, 3}, []float32{63.5, -32, 0, 0.25, 0.5, -31.75}, ""},
		{"int8 found under a prefix, scales beside it", []string{"bert."}, "e", []int{1, 2}, []float32{0.25, -0.5}, ""},
		{"int8 vector with a scalar scale", nil, "vec", []int{2}, []float32{5, -10}, ""},
		{"int8 without scales", nil, "q", []int{1}, nil, `tensor "q": int8 without its scales "q_scale"`},
		{"int8 .weight without .weight_scale", nil, "noscale.weight", []int{1, 1}, nil, `int8 without its scales "noscale.weight_scale"`},
		{"int8 with the wrong shape", nil, "emb", []int{3, 2}, nil, `tensor "emb": shape [2 3] does not match config (want [3 2])`},
		{"one scale per value, not per row", nil, "flat", []int{2, 2}, nil, `tensor "flat_scale": F32 shape [4], want F32 [2]`},
		{"negative scale", nil, "neg", []int{1, 1}, nil, `tensor "neg_scale": scale 0 is -1`},
		{"NaN scale", nil, "nan", []int{1, 1}, nil, `scale 0 is NaN`},
		{"int8 scales", nil, "i8scale", []int{1, 1}, nil, `tensor "i8scale_scale": I8 shape [1], want F32 [1]`},
		{"values missing (built in memory)", nil, "short", []int{2, 2}, nil, `3 int8 values and 2 scales for shape [2 2]`},
		{"int8 scalar", nil, "scalar", []int{}, nil, `an int8 scalar cannot be dequantized per row`},
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

// An int8 table written to a file and read back dequantizes to the values
// Textlab's quantization stands for: within half a step (scale/2) of the
// float32 original.
func TestLoaderInt8File(t *testing.T) {
	orig := []float32{0.5, -1, 0.25, 0, 3, -2.5, 1e-3, 2}
	rows, cols := 2, 4
	q := make([]int8, len(orig))
	scales := make([]float32, rows)
	for r := range rows {
		row := orig[r*cols : (r+1)*cols]
		var m float32
		for _, v := range row {
			m = max(m, float32(math.Abs(float64(v))))
		}
		scales[r] = m / 127
		for c, v := range row {
			q[r*cols+c] = int8(math.Round(float64(v / scales[r])))
		}
	}
	var buf bytes.Buffer
	err := Write(&buf, []Tensor{
		{Name: "tok_embeddings.weight", Shape: []int{rows, cols}, DType: I8, I8: q},
		{Name: "tok_embeddings.weight_scale", Shape: []int{rows}, F32: scales},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	f, err := Read(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	ld := Loader{File: f}
	got := ld.Float("tok_embeddings.weight", rows, cols)
	if ld.Err != nil {
		t.Fatal(ld.Err)
	}
	for i, v := range got {
		if d := math.Abs(float64(v - orig[i])); d > float64(scales[i/cols])/2 {
			t.Errorf("value %d: %v, want %v within %v", i, v, orig[i], scales[i/cols]/2)
		}
	}
}
