package libmf

import (
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
)

func TestSpecialValues(t *testing.T) {
	inf := float32(math.Inf(1))
	nan := float32(math.NaN())
	tests := []struct {
		name string
		f    func(Variant, float32) float32
		x    float32
		want float32
	}{
		{"exp(0)", Variant.Exp, 0, 1},
		{"exp(-0)", Variant.Exp, float32(math.Copysign(0, -1)), 1},
		{"exp(+Inf)", Variant.Exp, inf, inf},
		{"exp(-Inf)", Variant.Exp, -inf, 0},
		{"exp overflows above 88.72", Variant.Exp, 88.73, inf},
		{"exp underflows below -103.98", Variant.Exp, -104, 0},
		{"exp(1)", Variant.Exp, 1, float32(math.E)},
		{"sin(0)", Variant.Sin, 0, 0},
		{"sin of a tiny x is x", Variant.Sin, 1e-5, 1e-5},
		{"sin(+Inf)", Variant.Sin, inf, nan},
		{"cos(0)", Variant.Cos, 0, 1},
		{"cos of a tiny x is 1", Variant.Cos, -1e-5, 1},
		{"cos(-Inf)", Variant.Cos, -inf, nan},
		{"sin(π/2)", Variant.Sin, math.Pi / 2, 1},
		{"cos(π)", Variant.Cos, math.Pi, -1},
	}
	for _, v := range []Variant{FMA, Plain} {
		for _, tt := range tests {
			got := tt.f(v, tt.x)
			same := math.Float32bits(got) == math.Float32bits(tt.want) || (got != got && tt.want != tt.want)
			if !same {
				t.Errorf("FMA=%v %s = %v, want %v", v.FMA, tt.name, got, tt.want)
			}
		}
		if got := v.Exp(nan); got == got {
			t.Errorf("FMA=%v exp(NaN) = %v, want NaN", v.FMA, got)
		}
	}
}

// TestWithinOneUlp checks every function against Go's float64 functions
// over arguments from tiny to huge: glibc's float32 routines are within
// 0.56 ulp of the exact value, so the two never differ by more than one ulp.
func TestWithinOneUlp(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	funcs := []struct {
		name string
		f    func(Variant, float32) float32
		ref  func(float64) float64
		lim  float32 // largest |x| tried
	}{
		{"exp", Variant.Exp, math.Exp, 103},
		{"sin", Variant.Sin, math.Sin, 1e30},
		{"cos", Variant.Cos, math.Cos, 1e30},
	}
	for _, v := range []Variant{FMA, Plain} {
		for _, fn := range funcs {
			for range 200_000 {
				// log-uniform magnitudes cover the reduction paths evenly.
				x := float32(math.Exp(rng.Float64()*math.Log(float64(fn.lim)*1e8)) / 1e8)
				if rng.IntN(2) == 0 {
					x = -x
				}
				got, want := fn.f(v, x), float32(fn.ref(float64(x)))
				if d := ulps(got, want); d > 1 {
					t.Fatalf("FMA=%v %s(%g) = %g, Go %g: %d ulps apart", v.FMA, fn.name, x, got, want, d)
				}
			}
		}
	}
}

// variantWitnesses are arguments for which glibc 2.36's two x86-64 builds
// give different results (found by running both on all 2^32 arguments):
// exp for the first two, sin for the third, cos for the fourth.
var variantWitnesses = []uint32{0x4202422f, 0xc27c65d9, 0x4255b0a9, 0x418a3adb}

// TestVariantsDiffer checks that FMA and Plain tell glibc's builds apart
// where they differ.
func TestVariantsDiffer(t *testing.T) {
	funcs := []func(Variant, float32) float32{Variant.Exp, Variant.Exp, Variant.Sin, Variant.Cos}
	for i, bits := range variantWitnesses {
		x := math.Float32frombits(bits)
		if f, p := funcs[i](FMA, x), funcs[i](Plain, x); f == p {
			t.Errorf("argument %#08x: FMA and Plain both give %g", bits, f)
		}
	}
}

func TestTables(t *testing.T) {
	for i, bits := range exp2Table {
		got := math.Float64frombits(bits + uint64(i)<<(52-expBits))
		if want := math.Exp2(float64(i) / expN); math.Abs(got-want) > want*0x1p-52 {
			t.Errorf("exp2Table[%d] gives %v, want 2^(%d/32) = %v", i, got, i, want)
		}
	}
	// Successive windows of 4/π overlap by 24 bits, and the fourth is
	// 4/π·2^31.
	for i := 1; i < len(invPio4); i++ {
		if invPio4[i]>>8 != invPio4[i-1]&0xffffff {
			t.Errorf("invPio4[%d] = %#x does not continue invPio4[%d] = %#x", i, invPio4[i], i-1, invPio4[i-1])
		}
	}
	if got, want := float64(invPio4[3])/(1<<31), 4/math.Pi; math.Abs(got-want) > 1e-9 {
		t.Errorf("invPio4[3]/2^31 = %v, want 4/π = %v", got, want)
	}
}

func ulps(a, b float32) int64 {
	if a == b {
		return 0
	}
	ia, ib := int64(math.Float32bits(a)), int64(math.Float32bits(b))
	if (ia < 0x80000000) != (ib < 0x80000000) {
		return math.MaxInt64 // opposite signs
	}
	if ia > ib {
		return ia - ib
	}
	return ib - ia
}

// cpuHasFMA reports whether the processor advertises fused multiply-add,
// which makes glibc pick its FMA build.
func cpuHasFMA(t *testing.T) bool {
	info, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		t.Fatalf("cannot tell which glibc build runs: %v", err)
	}
	for _, line := range strings.Split(string(info), "\n") {
		if strings.HasPrefix(line, "flags") {
			for _, f := range strings.Fields(line) {
				if f == "fma" {
					return true
				}
			}
			return false
		}
	}
	return false
}
