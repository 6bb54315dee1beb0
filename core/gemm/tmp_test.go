package gemm

import "testing"

func BenchmarkTmp(b *testing.B) {
	s := benchShape{"", false, true, 256, 256, 256}
	a, lda, bm, ldb, c := s.operands()
	b.Run("sgemm", func(b *testing.B) {
		for b.Loop() {
			Sgemm(s.transA, s.transB, s.m, s.n, s.k, 1, a, lda, bm, ldb, 0, c, s.n)
		}
		b.ReportMetric(2*float64(s.m*s.n*s.k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
	})
	b.Run("ref", func(b *testing.B) {
		for b.Loop() {
			Reference(s.transA, s.transB, s.m, s.n, s.k, 1, a, lda, bm, ldb, 0, c, s.n)
		}
		b.ReportMetric(2*float64(s.m*s.n*s.k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
	})
}

func TestTmpAllocs(t *testing.T) {
	for _, sh := range [][3]int{{64, 64, 64}, {300, 300, 300}, {1000, 1000, 1000}} {
		s := benchShape{"", false, true, sh[0], sh[1], sh[2]}
		a, lda, bm, ldb, c := s.operands()
		for _, th := range []int{1, 2} {
			SetThreads(th)
			n := testing.AllocsPerRun(10, func() {
				Sgemm(s.transA, s.transB, s.m, s.n, s.k, 1, a, lda, bm, ldb, 0, c, s.n)
			})
			t.Logf("%v threads=%d allocs=%v", sh, th, n)
		}
	}
	SetThreads(0)
}
