//go:build js && wasm

package simd

import (
	"math/rand/v2"
	"testing"

	"textlab/core/quant"
	"textlab/core/tensor"
)

// BenchmarkDotRows times one int8 product of a 288-value activation with
// 768 weight rows (a llama 15M feed-forward projection), SIMD beside Go.
func BenchmarkDotRows(b *testing.B) {
	const rows, cols = 768, 288
	rng := rand.New(rand.NewPCG(1, 1))
	x := make([]int8, cols)
	w := make([]int8, rows*cols)
	for i := range w {
		w[i] = int8(rng.IntN(255) - 127)
	}
	for i := range x {
		x[i] = int8(rng.IntN(255) - 127)
	}
	dst := make([]int32, rows)
	for _, k := range []struct {
		name string
		f    func(dst []int32, x, w []int8)
	}{{"simd", DotRowsInt8}, {"go", quant.GoDotRows}} {
		b.Run(k.name, func(b *testing.B) {
			for b.Loop() {
				k.f(dst, x, w)
			}
			b.ReportMetric(float64(rows*cols)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GMAC/s")
		})
	}
}

// BenchmarkMatMulT times x·Wᵀ for 64 tokens of width 256 and a 1024×256
// weight (a bert-mini feed-forward layer), SIMD beside gonum's sgemm.
func BenchmarkMatMulT(b *testing.B) {
	const n, in, od = 64, 256, 1024
	rng := rand.New(rand.NewPCG(2, 2))
	x, w := randFloats(rng, n*in), randFloats(rng, od*in)
	out := make([]float32, n*od)
	for _, k := range []struct {
		name string
		f    func(out, x, w []float32, n, in, od int)
	}{{"simd", MatMulT}, {"gonum", tensor.GoMatMulT}} {
		b.Run(k.name, func(b *testing.B) {
			for b.Loop() {
				k.f(out, x, w, n, in, od)
			}
			b.ReportMetric(float64(n*in*od)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GMAC/s")
		})
	}
}

// BenchmarkMatVec times the llama 15M classifier step, 32,000 rows of 288,
// SIMD (bit-exact, rows in lanes) beside Go.
func BenchmarkMatVec(b *testing.B) {
	const rows, cols = 32000, 288
	rng := rand.New(rand.NewPCG(3, 3))
	w, x := randFloats(rng, rows*cols), randFloats(rng, cols)
	out := make([]float32, rows)
	for _, k := range []struct {
		name string
		f    func(out, w, x []float32, rows, cols int)
	}{{"simd", MatVec}, {"go", tensor.GoMatVec}} {
		b.Run(k.name, func(b *testing.B) {
			for b.Loop() {
				k.f(out, w, x, rows, cols)
			}
			b.ReportMetric(float64(rows*cols)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GMAC/s")
		})
	}
}
