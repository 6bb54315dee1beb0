package gemm

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"
)

// benchShape is one product a training step runs, named by its role.
type benchShape struct {
	role           string
	transA, transB bool
	m, n, k        int
}

// trainingShapes are the products of a small BERT or decoder step with 32
// sequences of 128 tokens (4096 rows), hidden size 256, feed-forward 1024,
// a vocabulary-sized 8192 output, and attention with 64-wide heads.
var trainingShapes = []benchShape{
	{"forward x·Wᵀ", false, true, 4096, 256, 256},
	{"forward x·Wᵀ", false, true, 4096, 1024, 256},
	{"forward x·Wᵀ", false, true, 4096, 256, 1024},
	{"forward x·Wᵀ", false, true, 4096, 8192, 256},
	{"backward dY·W", false, false, 4096, 256, 256},
	{"backward dY·W", false, false, 4096, 256, 1024},
	{"backward dY·W", false, false, 4096, 1024, 256},
	{"weights dYᵀ·X", true, false, 256, 256, 4096},
	{"weights dYᵀ·X", true, false, 1024, 256, 4096},
	{"weights dYᵀ·X", true, false, 256, 1024, 4096},
	{"attention Q·Kᵀ", false, true, 128, 128, 64},
	{"attention P·V", false, false, 128, 64, 128},
}

func (s benchShape) String() string {
	op := func(t bool, x string) string {
		if t {
			return x + "ᵀ"
		}
		return x
	}
	return fmt.Sprintf("%dx%dx%d_%s%s", s.m, s.n, s.k, op(s.transA, "A"), op(s.transB, "B"))
}

// operands returns A, B and C for s with tight leading dimensions.
func (s benchShape) operands() (a []float32, lda int, b []float32, ldb int, c []float32) {
	rng := rand.New(rand.NewPCG(1, 1))
	fill := func(n int) []float32 {
		x := make([]float32, n)
		for i := range x {
			x[i] = 2*rng.Float32() - 1
		}
		return x
	}
	lda, ldb = s.k, s.n
	if s.transA {
		lda = s.m
	}
	if s.transB {
		ldb = s.k
	}
	return fill(s.m * s.k), lda, fill(s.k * s.n), ldb, fill(s.m * s.n)
}

// BenchmarkSgemm measures the training shapes on one goroutine and on
// GOMAXPROCS, in GFLOP/s (2·m·n·k per product).
func BenchmarkSgemm(b *testing.B) {
	for _, s := range trainingShapes {
		for _, threads := range []int{1, runtime.GOMAXPROCS(0)} {
			b.Run(fmt.Sprintf("%s/threads=%d", s, threads), func(b *testing.B) {
				benchSgemm(b, s, threads)
			})
		}
	}
}

func benchSgemm(b *testing.B, s benchShape, threads int) {
	a, lda, bm, ldb, c := s.operands()
	defer SetThreads(SetThreads(threads))
	beta := float32(0)
	if s.transA {
		beta = 1 // weight gradients accumulate
	}
	Sgemm(s.transA, s.transB, s.m, s.n, s.k, 1, a, lda, bm, ldb, beta, c, s.n)
	b.ResetTimer()
	for b.Loop() {
		Sgemm(s.transA, s.transB, s.m, s.n, s.k, 1, a, lda, bm, ldb, beta, c, s.n)
	}
	b.ReportMetric(2*float64(s.m)*float64(s.n)*float64(s.k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

// BenchmarkMicro measures each micro-kernel alone on packed panels that fit
// in the L1 and L2 caches: the ceiling Sgemm can approach.
func BenchmarkMicro(b *testing.B) {
	for _, kn := range kernels {
		b.Run(kn.name, func(b *testing.B) { benchMicro(b, kn.micro, kn.mr, kn.nr) })
	}
}

func benchMicro(b *testing.B, micro func(kc int, a, b, c []float32, ldc int, alpha, beta float32), mr, nr int) {
	const kc, panels = 256, 16
	ap := make([]float32, kc*mr)
	bp := make([]float32, panels*kc*nr)
	c := make([]float32, mr*panels*nr)
	for b.Loop() {
		for j := 0; j < panels; j++ {
			micro(kc, ap, bp[j*kc*nr:], c[j*nr:], panels*nr, 1, 1)
		}
	}
	b.ReportMetric(2*float64(mr*nr*kc*panels)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}
