package safetensors

import (
	"bytes"
	"encoding/binary"
	"math"
	"strings"
	"testing"
)

// build assembles a safetensors file from a raw JSON header and data bytes.
func build(header string, data []byte) []byte {
	b := make([]byte, 8)
	binary.LittleEndian.PutUint64(b, uint64(len(header)))
	b = append(b, header...)
	return append(b, data...)
}

func TestRoundTrip(t *testing.T) {
	in := []Tensor{
		{Name: "w", Shape: []int{2, 3}, F32: []float32{1, -2, 3.5, 0, float32(math.Inf(1)), -1e-30}},
		{Name: "q", Shape: []int{4}, DType: I8, I8: []int8{-127, 0, 5, 127}},
		{Name: "scalar", Shape: []int{}, F32: []float32{42}},
		{Name: "empty", Shape: []int{0, 5}, F32: []float32{}},
		{Name: "empty2", Shape: []int{1 << 40, 0}, DType: I8, I8: []int8{}},
	}
	var buf bytes.Buffer
	if err := Write(&buf, in, map[string]string{"format": "pt"}); err != nil {
		t.Fatal(err)
	}
	if n := binary.LittleEndian.Uint64(buf.Bytes()); (n+8)%8 != 0 {
		t.Errorf("data starts at %d, not 8-byte aligned", n+8)
	}
	f, err := Read(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if f.Metadata["format"] != "pt" {
		t.Errorf("metadata = %v", f.Metadata)
	}
	if got := strings.Join(f.Names(), ","); got != "empty,empty2,q,scalar,w" {
		t.Errorf("names = %s", got)
	}
	for _, want := range in {
		got := f.Tensors[want.Name]
		if len(got.Shape) != len(want.Shape) || got.Numel() != want.Numel() {
			t.Errorf("%s: shape %v, want %v", want.Name, got.Shape, want.Shape)
		}
		if want.DType == I8 {
			if got.DType != I8 || !equalI8(got.I8, want.I8) {
				t.Errorf("%s: got %v %v, want %v", want.Name, got.DType, got.I8, want.I8)
			}
			continue
		}
		if got.DType != F32 || len(got.F32) != len(want.F32) {
			t.Fatalf("%s: got %v %v", want.Name, got.DType, got.F32)
		}
		for i := range want.F32 {
			if math.Float32bits(got.F32[i]) != math.Float32bits(want.F32[i]) {
				t.Errorf("%s[%d] = %v, want %v", want.Name, i, got.F32[i], want.F32[i])
			}
		}
	}
}

func equalI8(a, b []int8) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestHalfFormats(t *testing.T) {
	// Bit patterns and values from the IEEE 754 binary16 and bfloat16 definitions.
	f16 := []uint16{0x3C00, 0xC000, 0x7BFF, 0x0001, 0x8000, 0x7C00, 0x3555}
	f16want := []float32{1, -2, 65504, 5.9604645e-08, float32(math.Copysign(0, -1)), float32(math.Inf(1)), 0.33325195}
	bf16 := []uint16{0x3F80, 0xC040, 0x0000}
	bf16want := []float32{1, -3, 0}
	data := make([]byte, 2*(len(f16)+len(bf16)))
	for i, v := range append(f16, bf16...) {
		binary.LittleEndian.PutUint16(data[2*i:], v)
	}
	header := `{"a":{"dtype":"F16","shape":[7],"data_offsets":[0,14]},"b":{"dtype":"BF16","shape":[3],"data_offsets":[14,20]}}`
	f, err := Read(build(header, data))
	if err != nil {
		t.Fatal(err)
	}
	check := func(name string, want []float32) {
		got := f.Tensors[name]
		if got.DType != F32 || got.FileDType == F32 {
			t.Errorf("%s: dtype %s, file dtype %s", name, got.DType, got.FileDType)
		}
		for i := range want {
			if math.Float32bits(got.F32[i]) != math.Float32bits(want[i]) {
				t.Errorf("%s[%d] = %v, want %v", name, i, got.F32[i], want[i])
			}
		}
	}
	check("a", f16want)
	check("b", bf16want)
	if v := HalfToFloat32(0x7E00); !math.IsNaN(float64(v)) {
		t.Errorf("0x7E00 = %v, want NaN", v)
	}
}

func TestReadErrors(t *testing.T) {
	eight := make([]byte, 8)
	tests := []struct {
		name string
		file []byte
		want string
	}{
		{"short", []byte{1, 2, 3}, "shorter than"},
		{"header past end", func() []byte { b := build("{}", nil); b[0] = 200; return b }(), "exceeds the 2 bytes"},
		{"header over limit", func() []byte { b := build("{}", nil); b[6] = 1; return b }(), "exceeds the limit"},
		{"not json", build("[1]", nil), "not a JSON object"},
		{"bad dtype", build(`{"x":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}}`, eight), `tensor "x": unsupported dtype "I64"`},
		{"offsets count", build(`{"x":{"dtype":"F32","shape":[1],"data_offsets":[0]}}`, eight), `tensor "x": data_offsets has 1`},
		{"offsets outside", build(`{"x":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}`, eight), `tensor "x": data_offsets [0 16] outside`},
		{"reversed", build(`{"x":{"dtype":"F32","shape":[0],"data_offsets":[4,0]}}`, eight), "outside"},
		{"shape mismatch", build(`{"x":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}`, eight), `tensor "x": shape [3] of F32 needs 12 bytes`},
		{"negative dim", build(`{"x":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}`, eight), "negative dimension"},
		{"giant shape", build(`{"x":{"dtype":"I8","shape":[4294967296,4294967296],"data_offsets":[0,8]}}`, eight), "larger than the file"},
		{"overlap", build(`{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"y":{"dtype":"I8","shape":[2],"data_offsets":[3,5]}}`, eight), `"x" and "y" overlap`},
		{"bad metadata", build(`{"__metadata__":{"a":1}}`, nil), "__metadata__"},
		{"bad entry", build(`{"x":{"dtype":"F32","shape":"no","data_offsets":[0,4]}}`, eight), `tensor "x": bad header entry`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Read(tt.file)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Read error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestWriteErrors(t *testing.T) {
	tests := []struct {
		name    string
		tensors []Tensor
		want    string
	}{
		{"count", []Tensor{{Name: "a", Shape: []int{3}, F32: []float32{1}}}, `tensor "a": 1 values for shape [3]`},
		{"dup", []Tensor{{Name: "a", Shape: []int{1}, F32: []float32{1}}, {Name: "a", Shape: []int{1}, F32: []float32{1}}}, "twice"},
		{"reserved", []Tensor{{Name: "__metadata__"}}, "__metadata__"},
	}
	for _, tt := range tests {
		err := Write(&bytes.Buffer{}, tt.tensors, nil)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: Write error = %v, want %q", tt.name, err, tt.want)
		}
	}
}

func FuzzRead(f *testing.F) {
	var buf bytes.Buffer
	Write(&buf, []Tensor{
		{Name: "w", Shape: []int{2, 2}, F32: []float32{1, 2, 3, 4}},
		{Name: "q", Shape: []int{3}, DType: I8, I8: []int8{1, -1, 0}},
	}, map[string]string{"k": "v"})
	f.Add(buf.Bytes())
	f.Add(build(`{"a":{"dtype":"F16","shape":[2],"data_offsets":[0,4]},"b":{"dtype":"BF16","shape":[1],"data_offsets":[4,6]}}`, make([]byte, 6)))
	f.Add([]byte{})
	f.Add(buf.Bytes()[:buf.Len()-3])                                                                             // truncated
	f.Add(build(`{"x":{"dtype":"F32","shape":[25000000000],"data_offsets":[0,100000000000]}}`, make([]byte, 8))) // 100 GB declared
	f.Add([]byte{0, 0xe8, 0x76, 0x48, 0x17, 0, 0, 0})                                                            // a 100 GB header length
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Read(data)
		if err != nil {
			return
		}
		// Whatever reads must write back and read again to the same tensors.
		var ts []Tensor
		for _, n := range file.Names() {
			ts = append(ts, file.Tensors[n])
		}
		var out bytes.Buffer
		if err := Write(&out, ts, file.Metadata); err != nil {
			t.Fatalf("rewrite: %v", err)
		}
		again, err := Read(out.Bytes())
		if err != nil {
			t.Fatalf("reread: %v", err)
		}
		if len(again.Tensors) != len(file.Tensors) {
			t.Fatalf("reread %d tensors, want %d", len(again.Tensors), len(file.Tensors))
		}
	})
}
