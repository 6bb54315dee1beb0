//go:build ref && !js && amd64

// These comparisons exist on x86-64 only: libmf reproduces glibc's two
// x86-64 builds, and glibc on other processors (aarch64 rounds with its own
// instructions) is a different program.

package libmf

import (
	"encoding/binary"
	"math"
	"math/rand/v2"
	"testing"

	"textlab/internal/reftest"
)

// glibcScript reads float32 arguments from stdin and writes, for each, the
// float32 results of the C library's expf, sinf and cosf, little-endian.
const glibcScript = `
import ctypes, struct, sys
libm = ctypes.CDLL("libm.so.6")
funcs = [libm.expf, libm.sinf, libm.cosf]
for f in funcs:
    f.restype, f.argtypes = ctypes.c_float, [ctypes.c_float]
data = sys.stdin.buffer.read()
xs = struct.unpack("<%df" % (len(data) // 4), data)
out = [f(x) for x in xs for f in funcs]
sys.stdout.buffer.write(struct.pack("<%df" % len(out), *out))
`

// TestMatchesGlibc compares Exp, Sin and Cos bit for bit with the C
// library under Debian's python3 (ctypes), on random bit patterns, on
// arguments where the functions are used (|x| < 130), and on the arguments
// that tell glibc's two x86-64 builds apart; once as the machine runs it
// (the FMA build on processors with FMA) and once with the baseline build
// forced by GLIBC_TUNABLES. The exhaustive version of this comparison, all
// 2^32 arguments, is TestExhaustive (make test-libmf-exhaustive).
func TestMatchesGlibc(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	xs := []float32{0, 1, -1, 88, 88.7, -103.9, 120, -120, 1e30, -1e30}
	for _, b := range variantWitnesses {
		xs = append(xs, math.Float32frombits(b))
	}
	for range 100_000 {
		xs = append(xs, math.Float32frombits(rng.Uint32()))
		xs = append(xs, float32(rng.Float64()*260-130))
	}
	in := make([]byte, 4*len(xs))
	for i, x := range xs {
		binary.LittleEndian.PutUint32(in[4*i:], math.Float32bits(x))
	}
	machine := Plain
	if cpuHasFMA(t) {
		machine = FMA
	}
	for _, tc := range []struct {
		name     string
		tunables string
		want     Variant
	}{
		{"as the machine runs it", "", machine},
		{"baseline build", "glibc.cpu.hwcaps=-AVX2,-FMA", Plain},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("GLIBC_TUNABLES", tc.tunables)
			out := reftest.RunPython(t, glibcScript, in)
			if len(out) != 12*len(xs) {
				t.Fatalf("python wrote %d bytes, want %d", len(out), 12*len(xs))
			}
			names := []string{"exp", "sin", "cos"}
			funcs := []func(float32) float32{tc.want.Exp, tc.want.Sin, tc.want.Cos}
			bad := 0
			for i, x := range xs {
				for j, f := range funcs {
					want := binary.LittleEndian.Uint32(out[4*(3*i+j):])
					got := math.Float32bits(f(x))
					if got != want && !(isNaN(got) && isNaN(want)) {
						if bad++; bad <= 10 {
							t.Errorf("%s(%g) [%#08x]: got %#08x, glibc %#08x", names[j], x, math.Float32bits(x), got, want)
						}
					}
				}
			}
			t.Logf("%d arguments × 3 functions, %d differ from glibc (FMA=%v)", len(xs), bad, tc.want.FMA)
		})
	}
}

func isNaN(bits uint32) bool { return bits&0x7fffffff > 0x7f800000 }
