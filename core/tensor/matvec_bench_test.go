package tensor

import (
	"math/rand/v2"
	"testing"
)

// BenchmarkMatVec times MatVec's Go kernel on a llama 15M classifier step,
// 32,000 rows of 288, beside the one-row-at-a-time Dot loop.
func BenchmarkMatVec(b *testing.B) {
	const rows, cols = 32000, 288
	rng := rand.New(rand.NewPCG(1, 2))
	w, x := make([]float32, rows*cols), make([]float32, cols)
	for i := range w {
		w[i] = float32(rng.NormFloat64())
	}
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	out := make([]float32, rows)
	b.Run("GoMatVec", func(b *testing.B) {
		for b.Loop() {
			GoMatVec(out, w, x, rows, cols)
		}
		b.ReportMetric(float64(rows*cols)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GMAC/s")
	})
	b.Run("Dot per row", func(b *testing.B) {
		for b.Loop() {
			for r := range rows {
				out[r] = Dot(x, w[r*cols:(r+1)*cols])
			}
		}
		b.ReportMetric(float64(rows*cols)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GMAC/s")
	})
}
