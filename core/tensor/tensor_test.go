package tensor

import (
	"math"
	"testing"
)

func close32(a, b, tol float32) bool { return float32(math.Abs(float64(a-b))) <= tol }

func TestLinearMatchesNaive(t *testing.T) {
	for _, tc := range []struct{ n, in, out int }{{1, 3, 2}, {4, 5, 3}, {7, 16, 9}} {
		x := make([]float32, tc.n*tc.in)
		w := make([]float32, tc.out*tc.in)
		b := make([]float32, tc.out)
		for i := range x {
			x[i] = float32(i%7) - 3
		}
		for i := range w {
			w[i] = float32(i%5)*0.5 - 1
		}
		for i := range b {
			b[i] = float32(i)
		}
		got := make([]float32, tc.n*tc.out)
		Linear(got, x, w, b, tc.n, tc.in, tc.out)
		for r := 0; r < tc.n; r++ {
			for o := 0; o < tc.out; o++ {
				var want float32 = b[o]
				for k := 0; k < tc.in; k++ {
					want += x[r*tc.in+k] * w[o*tc.in+k]
				}
				if !close32(got[r*tc.out+o], want, 1e-4) {
					t.Fatalf("%v: out[%d][%d] = %v, want %v", tc, r, o, got[r*tc.out+o], want)
				}
			}
		}
	}
}

func TestSoftmax(t *testing.T) {
	tests := []struct {
		in, want []float32
	}{
		{[]float32{0, 0}, []float32{0.5, 0.5}},
		{[]float32{1000, 0}, []float32{1, 0}}, // no overflow
		{[]float32{1, 2, 3}, []float32{0.09003057, 0.24472847, 0.66524096}},
	}
	for _, tc := range tests {
		x := append([]float32(nil), tc.in...)
		Softmax(x)
		for i := range x {
			if !close32(x[i], tc.want[i], 1e-6) {
				t.Errorf("Softmax(%v) = %v, want %v", tc.in, x, tc.want)
				break
			}
		}
	}
}

func TestNorms(t *testing.T) {
	x := []float32{1, 2, 3, 4}
	ones := []float32{1, 1, 1, 1}
	zeros := make([]float32, 4)
	out := make([]float32, 4)
	LayerNorm(out, x, ones, zeros, 1e-12)
	// mean 2.5, variance 1.25 → (x-2.5)/1.1180340
	for i, want := range []float32{-1.3416408, -0.4472136, 0.4472136, 1.3416408} {
		if !close32(out[i], want, 1e-6) {
			t.Fatalf("LayerNorm = %v", out)
		}
	}
	RMSNorm(out, x, ones, 0)
	// mean square 7.5 → x/2.7386128
	for i, want := range []float32{0.36514837, 0.73029674, 1.0954451, 1.4605935} {
		if !close32(out[i], want, 1e-6) {
			t.Fatalf("RMSNorm = %v", out)
		}
	}
}

func TestActivations(t *testing.T) {
	tests := []struct {
		name string
		f    func([]float32)
		in   float32
		want float32 // from the closed forms, computed with Python's math module
	}{
		{"GELU(1)", GELU, 1, 0.8413447},
		{"GELU(-2)", GELU, -2, -0.04550026},
		{"GELUTanh(1)", GELUTanh, 1, 0.8411920},
		{"SiLU(1)", SiLU, 1, 0.7310586},
		{"SiLU(-3)", SiLU, -3, -0.1422776},
	}
	for _, tc := range tests {
		x := []float32{tc.in}
		tc.f(x)
		if !close32(x[0], tc.want, 1e-6) {
			t.Errorf("%s = %v, want %v", tc.name, x[0], tc.want)
		}
	}
}

// TestGELUAccuracy compares GELU (tabulated Φ) with x·½·erfc(−x/√2) in
// float64 on a dense grid over [-12, 12] and at the table's ends: at most
// one float32 ulp apart. (erfc, not 1 + erf, which cancels for negative x:
// at x = -12 it gives 0 instead of -2.1e-32.)
func TestGELUAccuracy(t *testing.T) {
	var xs []float32
	for x := -12.0; x <= 12; x += 1.0 / 1031 { // not a multiple of the table step
		xs = append(xs, float32(x))
	}
	xs = append(xs, -8, math.Nextafter32(-8, -9), 8, math.Nextafter32(8, 0), 0, float32(math.Copysign(0, -1)))
	got := append([]float32(nil), xs...)
	GELU(got)
	worst := 0.0
	for i, v := range xs {
		f := float64(v)
		want := float32(0.5 * f * math.Erfc(-f/math.Sqrt2))
		if got[i] == want {
			continue
		}
		ulp := math.Abs(float64(math.Nextafter32(want, float32(math.Inf(1))) - want))
		d := math.Abs(float64(got[i]-want)) / ulp
		worst = max(worst, d)
		if d > 1 {
			t.Errorf("GELU(%g) = %g, want %g (%.1f ulps)", v, got[i], want, d)
		}
	}
	t.Logf("%d values, worst %.1f ulp", len(xs), worst)
	nan := []float32{float32(math.NaN())}
	if GELU(nan); nan[0] == nan[0] {
		t.Errorf("GELU(NaN) = %v", nan[0])
	}
}

func TestCheckShape(t *testing.T) {
	tt := New(2, 3)
	if err := tt.CheckShape("w", 2, 3); err != nil {
		t.Fatal(err)
	}
	if err := tt.CheckShape("w", 3, 2); err == nil {
		t.Fatal("wrong shape accepted")
	}
}

// TestMatVecMatchesDot: MatVec's four-row kernel gives each row's Dot bit
// for bit (the order of every sum is the same), for row counts around the
// blocks of four.
func TestMatVecMatchesDot(t *testing.T) {
	for _, rows := range []int{1, 3, 4, 5, 8, 13} {
		const cols = 37
		w, x := make([]float32, rows*cols), make([]float32, cols)
		for i := range w {
			w[i] = float32(math.Sin(float64(i))) * float32(math.Exp2(float64(i%21-10)))
		}
		for i := range x {
			x[i] = float32(math.Cos(float64(i)))
		}
		out := make([]float32, rows)
		MatVec(out, w, x, rows, cols)
		for r := range rows {
			if want := Dot(x, w[r*cols:(r+1)*cols]); math.Float32bits(out[r]) != math.Float32bits(want) {
				t.Errorf("%d rows, row %d: %g, Dot %g", rows, r, out[r], want)
			}
		}
	}
}
