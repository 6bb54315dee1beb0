//go:build js && wasm

package simd

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"textlab/core/decoder"
	"textlab/core/quant"
	"textlab/core/sample"
	"textlab/core/tensor"
	"textlab/internal/reftest/runc"
)

// The tests run under Node with the kernels loaded (wasm/simd/exec); they
// fail rather than skip when the kernels are missing.
func TestAvailable(t *testing.T) {
	if !Available() {
		t.Fatal("the SIMD kernels are not loaded: run with -exec=wasm/simd/exec")
	}
}

// shapes cover the vector loops' remainders: lengths below, at and past
// 16 (int8) and 4 (float32), and row counts past the blocks of four.
var shapes = []struct{ rows, cols int }{
	{1, 1}, {1, 3}, {2, 15}, {3, 16}, {4, 17}, {5, 31}, {7, 64}, {8, 100}, {13, 288}, {64, 768}, {4, 0},
}

func TestDotRowsInt8MatchesGo(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, sh := range shapes {
		x := make([]int8, sh.cols)
		w := make([]int8, sh.rows*sh.cols)
		for i := range x {
			x[i] = int8(rng.IntN(256) - 128)
		}
		for i := range w {
			w[i] = int8(rng.IntN(256) - 128)
		}
		got := make([]int32, sh.rows)
		want := make([]int32, sh.rows)
		for i := range got {
			got[i] = -1 // must be overwritten
		}
		DotRowsInt8(got, x, w)
		quant.GoDotRows(want, x, w)
		for r := range want {
			if got[r] != want[r] {
				t.Errorf("%dx%d row %d: SIMD %d, Go %d", sh.rows, sh.cols, r, got[r], want[r])
			}
		}
	}
}

func TestMatMulTMatchesGo(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{1, 2, 5} {
		for _, sh := range shapes {
			in, od := sh.cols, sh.rows
			if in == 0 {
				continue // gonum's sgemm rejects empty rows
			}
			x := randFloats(rng, n*in)
			w := randFloats(rng, od*in)
			got := make([]float32, n*od)
			for i := range got {
				got[i] = float32(math.NaN()) // must be overwritten
			}
			want := make([]float32, n*od)
			MatMulT(got, x, w, n, in, od)
			tensor.GoMatMulT(want, x, w, n, in, od)
			for i := range want {
				// Sums of in products of values in [-1, 1): rounding
				// differences stay far below in·2^-20.
				if d := math.Abs(float64(got[i] - want[i])); d > float64(in+1)*0x1p-20 || got[i] != got[i] {
					t.Errorf("n=%d %dx%d out[%d]: SIMD %g, Go %g", n, od, in, i, got[i], want[i])
				}
			}
		}
	}
}

// TestInstall checks that core's kernels are replaced, and that the
// replaced paths give the Go results.
func TestInstall(t *testing.T) {
	if !Install() {
		t.Fatal("Install found no kernels")
	}
	defer quant.UseDotRowsKernel(quant.GoDotRows)
	defer tensor.UseMatVecKernel(tensor.GoMatVec)
	defer tensor.UseMatMulKernel(tensor.GoMatMulT)
	rng := rand.New(rand.NewPCG(5, 6))
	w := randFloats(rng, 20*30)
	x := randFloats(rng, 3*30)
	l := quant.NewLinear(w, nil, 20, 30)
	got := make([]float32, 3*20)
	l.Forward(got, x, 3)
	quant.UseDotRowsKernel(quant.GoDotRows)
	want := make([]float32, 3*20)
	l.Forward(want, x, 3)
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("int8 Linear with SIMD: out[%d] = %g, Go %g", i, got[i], want[i])
		}
	}
}

func randFloats(rng *rand.Rand, n int) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(rng.Float64()*2 - 1)
	}
	return v
}

// TestMatVecIsBitExact: the SIMD MatVec must give Go's bits, which is what
// keeps llama2.c parity and the same text in the browser and on the
// command line.
func TestMatVecIsBitExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, sh := range shapes {
		w := randFloats(rng, sh.rows*sh.cols)
		x := randFloats(rng, sh.cols)
		for i := range x { // magnitudes far apart make rounding order visible
			x[i] *= float32(math.Exp2(float64(rng.IntN(20) - 10)))
		}
		got := make([]float32, sh.rows)
		want := make([]float32, sh.rows)
		for i := range got {
			got[i] = float32(math.NaN())
		}
		MatVec(got, w, x, sh.rows, sh.cols)
		tensor.GoMatVec(want, w, x, sh.rows, sh.cols)
		for r := range want {
			if math.Float32bits(got[r]) != math.Float32bits(want[r]) {
				t.Errorf("%dx%d row %d: SIMD %g, Go %g", sh.rows, sh.cols, r, got[r], want[r])
			}
		}
	}
}

// TestRunCParityWithSIMD generates with llama2.c's sampler on the
// reference checkpoint with the SIMD kernels installed, float32 and int8:
// float32 must still print run.c's tokens (package runc, every
// reference run), and int8 the tokens of the Go kernels.
func TestRunCParityWithSIMD(t *testing.T) {
	m, m8 := runc.Model(t), runc.Model(t)
	m8.Quantize()
	generate := func(m *decoder.Llama, run runc.Run) string {
		s := sample.NewRunC(run.Temperature, run.TopP, run.Seed)
		ids, err := decoder.Generate(context.Background(), m, nil, runc.Steps, s.Sample, nil)
		if err != nil {
			t.Fatal(err)
		}
		return runc.Join(ids)
	}
	for _, run := range runc.Runs {
		goInt8 := generate(m8, run)
		if !Install() {
			t.Fatal("Install found no kernels")
		}
		got, gotInt8 := generate(m, run), generate(m8, run)
		quant.UseDotRowsKernel(quant.GoDotRows)
		tensor.UseMatVecKernel(tensor.GoMatVec)
		tensor.UseMatMulKernel(tensor.GoMatMulT)
		if want := runc.Join(runc.IDs(t, run.File)); got != want {
			t.Errorf("%s: float32 with SIMD kernels differs from run.c:\n got %s\nwant %s", run.File, got, want)
		}
		if gotInt8 != goInt8 {
			t.Errorf("%s: int8 with SIMD kernels differs from the Go kernels:\n got %s\nwant %s", run.File, gotInt8, goInt8)
		}
	}
}

// TestMatMulTRowsAgree: a row's results do not depend on the batch it is
// in (pairs of rows, an odd last row, single outputs all sum alike), so a
// sequence encodes the same alone or batched.
func TestMatMulTRowsAgree(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	const n, in, od = 5, 37, 11
	x, w := randFloats(rng, n*in), randFloats(rng, od*in)
	all := make([]float32, n*od)
	MatMulT(all, x, w, n, in, od)
	one := make([]float32, od)
	for i := range n {
		MatMulT(one, x[i*in:(i+1)*in], w, 1, in, od)
		for j := range one {
			if math.Float32bits(one[j]) != math.Float32bits(all[i*od+j]) {
				t.Errorf("row %d, output %d: %g alone, %g in the batch", i, j, one[j], all[i*od+j])
			}
		}
	}
}
