package quant

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"textlab/core/safetensors"
	"textlab/core/tensor"
)

func TestQuantizeRow(t *testing.T) {
	tests := []struct {
		x      []float32
		want   []int8
		wantSc float32
	}{
		{[]float32{1.27, -0.635, 0, 0.01}, []int8{127, -64, 0, 1}, 0.01},
		{[]float32{0, 0}, []int8{0, 0}, 0},
		{[]float32{-2}, []int8{-127}, 2.0 / 127},
	}
	for _, tt := range tests {
		dst := make([]int8, len(tt.x))
		sc := QuantizeRow(dst, tt.x)
		if math.Abs(float64(sc-tt.wantSc)) > 1e-7 {
			t.Errorf("QuantizeRow(%v) scale = %v, want %v", tt.x, sc, tt.wantSc)
		}
		for i := range dst {
			if dst[i] != tt.want[i] {
				t.Errorf("QuantizeRow(%v) = %v, want %v", tt.x, dst, tt.want)
				break
			}
		}
	}
}

func TestDotInt8(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 7, 8, 9, 64, 301} {
		a, b := make([]int8, n), make([]int8, n)
		var want int64
		for i := range a {
			a[i], b[i] = int8(r.IntN(255)-127), int8(r.IntN(255)-127)
			want += int64(a[i]) * int64(b[i])
		}
		if got := DotInt8(a, b); int64(got) != want {
			t.Errorf("n=%d: DotInt8 = %d, want %d", n, got, want)
		}
	}
}

func TestLinearApproximatesFloat(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	const n, in, out = 70, 96, 40 // n large enough to take the goroutine path
	w, b, x := randn(r, out*in), randn(r, out), randn(r, n*in)
	want := make([]float32, n*out)
	tensor.Linear(want, x, w, b, n, in, out)
	got := make([]float32, n*out)
	NewLinear(w, b, out, in).Forward(got, x, n)
	// Each product carries at most half a step of error in each factor, so
	// relative to the output's spread the error should stay around 1%.
	var num, den float64
	for i := range want {
		d := float64(got[i] - want[i])
		num += d * d
		den += float64(want[i]) * float64(want[i])
	}
	if rel := math.Sqrt(num / den); rel > 0.02 {
		t.Errorf("relative RMS error %.4f, want <= 0.02", rel)
	}
	// Dequantized weights are within half a step of the originals.
	m := QuantizeMatrix(w, out, in)
	dq := m.Dequantize()
	for i := range w {
		if math.Abs(float64(dq[i]-w[i])) > float64(m.Scales[i/in])/2+1e-7 {
			t.Fatalf("w[%d]: dequantized %v, original %v, scale %v", i, dq[i], w[i], m.Scales[i/in])
		}
	}
}

func TestTensorsRoundTrip(t *testing.T) {
	m := QuantizeMatrix([]float32{1, -2, 0.5, 4, 0, -1}, 2, 3)
	ts := m.Tensors("layer.dense")
	if ts[0].Name != "layer.dense.weight" || ts[1].Name != "layer.dense.weight_scale" {
		t.Fatalf("names %q %q", ts[0].Name, ts[1].Name)
	}
	got, err := FromTensors("layer.dense", ts[0], ts[1], 2, 3)
	if err != nil {
		t.Fatal(err)
	}
	if got.Scales[1] != m.Scales[1] || got.Data[3] != m.Data[3] {
		t.Errorf("round trip changed the matrix")
	}
	tests := []struct {
		w, s       safetensors.Tensor
		rows, cols int
		want       string
	}{
		{ts[1], ts[1], 2, 3, "dtype F32, want I8"},
		{ts[0], ts[1], 3, 2, "shape [2 3], want [3 2]"},
		{ts[0], ts[0], 2, 3, "weight_scale"},
	}
	for _, tt := range tests {
		if _, err := FromTensors("x", tt.w, tt.s, tt.rows, tt.cols); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("FromTensors error = %v, want %q", err, tt.want)
		}
	}
}

func randn(r *rand.Rand, n int) []float32 {
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(r.NormFloat64())
	}
	return x
}

func BenchmarkInt8Dot(b *testing.B) {
	r := rand.New(rand.NewPCG(5, 6))
	x, y := make([]int8, 768), make([]int8, 768)
	for i := range x {
		x[i], y[i] = int8(r.IntN(255)-127), int8(r.IntN(255)-127)
	}
	var s int32
	for b.Loop() {
		s += DotInt8(x, y)
	}
	_ = s
}

func BenchmarkFloat32Dot(b *testing.B) {
	r := rand.New(rand.NewPCG(5, 6))
	x, y := randn(r, 768), randn(r, 768)
	var s float32
	for b.Loop() {
		s += tensor.Dot(x, y)
	}
	_ = s
}

// TestLinearExact checks Forward against the int8 arithmetic done by hand
// (DotInt8 per row), for output widths that do and do not divide by four.
func TestLinearExact(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for _, od := range []int{1, 3, 4, 7, 12} {
		const n, in = 3, 13
		w, b, x := randn(r, od*in), randn(r, od), randn(r, n*in)
		l := NewLinear(w, b, od, in)
		got := make([]float32, n*od)
		l.Forward(got, x, n)
		xq := make([]int8, in)
		for i := 0; i < n; i++ {
			sx := QuantizeRow(xq, x[i*in:(i+1)*in])
			for o := 0; o < od; o++ {
				want := float32(DotInt8(xq, l.W.Data[o*in:(o+1)*in]))*sx*l.W.Scales[o] + b[o]
				if got[i*od+o] != want {
					t.Errorf("out %d: row %d col %d = %v, want %v", od, i, o, got[i*od+o], want)
				}
			}
		}
	}
}

func benchLinear(b *testing.B, int8 bool) {
	r := rand.New(rand.NewPCG(1, 1))
	const n, in, out = 64, 128, 512
	w, bias, x := randn(r, out*in), randn(r, out), randn(r, n*in)
	y := make([]float32, n*out)
	l := NewLinear(w, bias, out, in)
	for b.Loop() {
		if int8 {
			l.Forward(y, x, n)
		} else {
			tensor.Linear(y, x, w, bias, n, in, out)
		}
	}
}

// BenchmarkLinearInt8 is a 128→512 layer over 64 tokens in int8.
func BenchmarkLinearInt8(b *testing.B) { benchLinear(b, true) }

// BenchmarkLinearF32 is the same layer with tensor.Linear (gonum sgemm).
func BenchmarkLinearF32(b *testing.B) { benchLinear(b, false) }

func TestDotRows(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, tc := range []struct{ rows, cols int }{{0, 5}, {1, 0}, {1, 1}, {3, 17}, {4, 16}, {5, 33}, {9, 100}, {64, 288}} {
		x := make([]int8, tc.cols)
		w := make([]int8, tc.rows*tc.cols+3) // longer than needed
		for i := range x {
			x[i] = int8(rng.IntN(256) - 128)
		}
		for i := range w {
			w[i] = int8(rng.IntN(256) - 128)
		}
		got := make([]int32, tc.rows)
		DotRows(got, x, w)
		for r := range got {
			var want int32
			for c := range x {
				want += int32(x[c]) * int32(w[r*tc.cols+c])
			}
			if got[r] != want {
				t.Errorf("%dx%d row %d: %d, want %d", tc.rows, tc.cols, r, got[r], want)
			}
		}
	}
}
