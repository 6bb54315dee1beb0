//go:build ref && !js

package safetensors

import (
	"encoding/json"
	"math"
	"testing"

	"textlab/internal/reftest"
)

// writerScript builds a safetensors file by hand in Python, with tensors
// converted by PyTorch to float16, bfloat16, float32 and int8, and prints it
// (hex) together with the float32 bit patterns PyTorch gives back for each
// tensor (bits, because float16 overflows to infinity, which JSON lacks).
const writerScript = `
import json, struct, sys
import torch
torch.manual_seed(3)
src = torch.randn(5, 7) * 40
src[0, :4] = torch.tensor([1e-6, 70000.0, -0.0, 1/3])
tensors = {
    "half": src.to(torch.float16),
    "bf16": src.to(torch.bfloat16),
    "full": src,
    "int8": (src.clamp(-127, 127)).to(torch.int8),
}
names = {torch.float16: "F16", torch.bfloat16: "BF16", torch.float32: "F32", torch.int8: "I8"}
header, blobs, off = {"__metadata__": {"format": "pt"}}, [], 0
for k, t in tensors.items():
    b = t.contiguous().view(torch.uint8).numpy().tobytes() if t.dtype != torch.int8 else t.numpy().tobytes()
    header[k] = {"dtype": names[t.dtype], "shape": list(t.shape), "data_offsets": [off, off + len(b)]}
    blobs.append(b); off += len(b)
h = json.dumps(header).encode()
data = struct.pack("<Q", len(h)) + h + b"".join(blobs)
json.dump({"file": data.hex(), "bits": {k: t.float().view(torch.int32).flatten().tolist() for k, t in tensors.items()}}, sys.stdout)
`

func TestReadTorchDtypes(t *testing.T) {
	var ref struct {
		File string
		Bits map[string][]int32
	}
	if err := json.Unmarshal(reftest.RunPython(t, writerScript, nil), &ref); err != nil {
		t.Fatal(err)
	}
	data := make([]byte, len(ref.File)/2)
	for i := range data {
		var b byte
		for _, c := range ref.File[2*i : 2*i+2] {
			b <<= 4
			if c >= 'a' {
				b |= byte(c-'a') + 10
			} else {
				b |= byte(c - '0')
			}
		}
		data[i] = b
	}
	f, err := Read(data)
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range ref.Bits {
		got := f.Tensors[name]
		if got.Numel() != len(want) || len(got.Shape) != 2 {
			t.Fatalf("%s: shape %v for %d values", name, got.Shape, len(want))
		}
		for i, bits := range want {
			w := math.Float32frombits(uint32(bits))
			g := float32(0)
			if got.DType == I8 {
				g = float32(got.I8[i])
			} else {
				g = got.F32[i]
			}
			// PyTorch's conversion to float32 is exact, so ours must give the same bits.
			if math.Float32bits(g) != uint32(bits) {
				t.Errorf("%s[%d] = %v, PyTorch says %v", name, i, g, w)
			}
		}
	}
}
