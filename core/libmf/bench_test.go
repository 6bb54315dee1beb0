package libmf

import (
	"math"
	"testing"
)

// The benchmarks time each function over 4096 arguments in [-16, 16) beside
// its peer from Go's math package (float64, rounded to float32), so the
// ratio of the two is what to read: natively math.FMA is one instruction,
// under WebAssembly it is emulated in software.

var benchArgs = func() []float32 {
	xs := make([]float32, 4096)
	for i := range xs {
		xs[i] = float32(i)/128 - 16
	}
	return xs
}()

var sink float32

func benchmark(b *testing.B, f func(float32) float32) {
	for b.Loop() {
		for _, x := range benchArgs {
			sink += f(x)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(benchArgs)), "ns/call")
}

func BenchmarkExp(b *testing.B) {
	b.Run("libmf.FMA", func(b *testing.B) { benchmark(b, FMA.Exp) })
	b.Run("libmf.Plain", func(b *testing.B) { benchmark(b, Plain.Exp) })
	b.Run("math.Exp", func(b *testing.B) {
		benchmark(b, func(x float32) float32 { return float32(math.Exp(float64(x))) })
	})
}

func BenchmarkSin(b *testing.B) {
	b.Run("libmf.FMA", func(b *testing.B) { benchmark(b, FMA.Sin) })
	b.Run("libmf.Plain", func(b *testing.B) { benchmark(b, Plain.Sin) })
	b.Run("math.Sin", func(b *testing.B) {
		benchmark(b, func(x float32) float32 { return float32(math.Sin(float64(x))) })
	})
}
