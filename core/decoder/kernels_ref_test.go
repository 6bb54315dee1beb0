//go:build ref && !js && amd64

// x86-64 only, as llama2.c parity is: glibc on other processors computes
// powf by other instructions.

package decoder

import (
	"encoding/binary"
	"math"
	"testing"

	"textlab/internal/reftest"
)

// TestRopeFreqMatchesGlibc compares ropeFreq with run.c's
// 1.0f / powf(10000.0f, head_dim / (float)head_size) computed by the C
// library (Debian's python3, ctypes) for every head size that is a
// multiple of 8 up to 448 and every even head_dim below it.
func TestRopeFreqMatchesGlibc(t *testing.T) {
	const script = `
import ctypes, struct, sys
libm = ctypes.CDLL("libm.so.6")
libm.powf.restype, libm.powf.argtypes = ctypes.c_float, [ctypes.c_float, ctypes.c_float]
f32 = lambda v: struct.unpack("<f", struct.pack("<f", v))[0]
out = []
for hs in range(8, 449, 8):
    for hd in range(0, hs, 2):
        out.append(f32(1.0 / libm.powf(10000.0, f32(f32(hd) / f32(hs)))))
sys.stdout.buffer.write(struct.pack("<%df" % len(out), *out))
`
	out := reftest.RunPython(t, script, nil)
	k, bad := 0, 0
	for hs := 8; hs <= 448; hs += 8 {
		for hd := 0; hd < hs; hd += 2 {
			if 4*k+4 > len(out) {
				t.Fatalf("python wrote %d values, want more", len(out)/4)
			}
			want := math.Float32frombits(binary.LittleEndian.Uint32(out[4*k:]))
			if got := ropeFreq(hd, hs); got != want {
				bad++
				t.Errorf("head size %d, dim %d: ropeFreq %v, glibc %v", hs, hd, got, want)
			}
			k++
		}
	}
	if 4*k != len(out) {
		t.Fatalf("python wrote %d values, compared %d", len(out)/4, k)
	}
	t.Logf("%d frequencies compared, %d differ", k, bad)
}
