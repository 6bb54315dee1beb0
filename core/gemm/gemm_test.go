package gemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"testing"
)

// withKernel runs f once for every kernel this machine has (plain Go
// always; AVX2 and AVX-512 where the CPU has them), with Sgemm switched to it.
func withKernel(t *testing.T, f func(t *testing.T)) {
	t.Helper()
	saved := active
	defer func() { active = saved }()
	for _, kn := range kernels {
		active = kn
		t.Run(kn.name, f)
	}
}

// operands holds random matrices for one product: a and b as Sgemm reads
// them (transposed or not, with leading dimensions lda and ldb), c as the
// starting C, and the padding beyond each row of C filled with a sentinel.
type operands struct {
	transA, transB bool
	m, n, k        int
	a, b, c        []float32
	lda, ldb, ldc  int
}

const sentinel = float32(-12345.5)

func newOperands(rng *rand.Rand, transA, transB bool, m, n, k, pad int) *operands {
	o := &operands{transA: transA, transB: transB, m: m, n: n, k: k}
	rowsA, colsA := m, k
	if transA {
		rowsA, colsA = k, m
	}
	rowsB, colsB := k, n
	if transB {
		rowsB, colsB = n, k
	}
	o.lda, o.ldb, o.ldc = max(colsA+pad, 1), max(colsB+pad, 1), max(n+pad, 1)
	o.a = randomMatrix(rng, rowsA, colsA, o.lda)
	o.b = randomMatrix(rng, rowsB, colsB, o.ldb)
	o.c = randomMatrix(rng, m, n, o.ldc)
	for i := 0; i < m; i++ {
		for j := n; j < o.ldc && i*o.ldc+j < len(o.c); j++ {
			o.c[i*o.ldc+j] = sentinel
		}
	}
	return o
}

// randomMatrix returns rows×cols values in [-1, 1) with leading dimension
// ld, the padding left as NaN so that reading it shows in the result.
func randomMatrix(rng *rand.Rand, rows, cols, ld int) []float32 {
	if rows == 0 || cols == 0 {
		return nil
	}
	x := make([]float32, (rows-1)*ld+cols)
	for i := range x {
		if i%ld < cols {
			x[i] = 2*rng.Float32() - 1
		} else {
			x[i] = float32(math.NaN())
		}
	}
	return x
}

func (o *operands) at(x []float32, ld int, trans bool, i, j int) float32 {
	if trans {
		return x[j*ld+i]
	}
	return x[i*ld+j]
}

// compare runs Sgemm and Reference on copies of C and fails t unless every
// element agrees within float32 rounding: both sum k products, so each is
// within about k·2⁻²⁴ of the exact result relative to alpha·Σ|a·b| + |beta·c|.
func (o *operands) compare(t *testing.T, alpha, beta float32) {
	t.Helper()
	want := append([]float32(nil), o.c...)
	got := append([]float32(nil), o.c...)
	if beta == 0 {
		for i := range got {
			if got[i] != sentinel {
				got[i] = float32(math.NaN()) // beta = 0: C must not be read
			}
		}
	}
	Reference(o.transA, o.transB, o.m, o.n, o.k, alpha, o.a, o.lda, o.b, o.ldb, beta, want, o.ldc)
	Sgemm(o.transA, o.transB, o.m, o.n, o.k, alpha, o.a, o.lda, o.b, o.ldb, beta, got, o.ldc)
	const u = 1.0 / (1 << 24)
	for i := 0; i < o.m; i++ {
		for j := 0; j < o.ldc && i*o.ldc+j < len(got); j++ {
			idx := i*o.ldc + j
			if j >= o.n {
				if got[idx] != sentinel {
					t.Fatalf("C[%d][%d] beyond the %d columns was written: %v", i, j, o.n, got[idx])
				}
				continue
			}
			var mag float64
			for p := 0; p < o.k; p++ {
				mag += math.Abs(float64(o.at(o.a, o.lda, o.transA, i, p)) * float64(o.at(o.b, o.ldb, o.transB, p, j)))
			}
			mag = math.Abs(float64(alpha))*mag + math.Abs(float64(beta)*float64(o.c[idx]))
			tol := float64(2*o.k+4)*u*mag + 1e-30
			if d := math.Abs(float64(got[idx]) - float64(want[idx])); !(d <= tol) {
				t.Fatalf("C[%d][%d] = %v, want %v (|diff| %.3g > tolerance %.3g)", i, j, got[idx], want[idx], d, tol)
			}
		}
	}
}

// shapes are the m×n×k products every kernel is checked on: odd sizes
// around the register blocks (4×4, 6×16, 12×32), zero sizes, k = 1, k
// blocks (kc = 256 or 384) and column blocks (nc = 1024 or 2048) split
// unevenly.
var shapes = func() [][3]int {
	s := [][3]int{
		{0, 0, 0}, {0, 5, 3}, {5, 0, 3}, {5, 3, 0}, {1, 1, 1},
		{7, 9, 1}, {33, 65, 1}, {1, 67, 13}, {67, 1, 13},
		{14, 32, 8}, {28, 64, 16}, {6, 16, 256}, {15, 33, 257},
		{13, 31, 520}, {20, 1100, 9}, {9, 2100, 20}, {300, 257, 129},
	}
	for x := 1; x <= 67; x += 2 {
		s = append(s, [3]int{x, 68 - x, 1 + (3*x)%67})
	}
	return s
}()

func TestSgemm(t *testing.T) {
	withKernel(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(1, 2))
		for _, sh := range shapes {
			for _, trans := range [][2]bool{{false, false}, {false, true}, {true, false}, {true, true}} {
				for _, pad := range []int{0, 3} {
					if pad > 0 && sh[0]*sh[1]*sh[2] > 1e6 {
						continue // the large shape once is enough
					}
					o := newOperands(rng, trans[0], trans[1], sh[0], sh[1], sh[2], pad)
					for _, alpha := range []float32{1, -0.5} {
						for _, beta := range []float32{0, 1, 0.25} {
							name := fmt.Sprintf("%dx%dx%d/tA=%v,tB=%v/pad=%d/alpha=%v,beta=%v", sh[0], sh[1], sh[2], trans[0], trans[1], pad, alpha, beta)
							t.Run(name, func(t *testing.T) { o.compare(t, alpha, beta) })
						}
					}
				}
			}
		}
	})
}

// TestDeterministic checks that C has the same bits whatever the number of
// goroutines, on products large enough to be split.
func TestDeterministic(t *testing.T) {
	withKernel(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(3, 4))
		for _, sh := range [][3]int{{300, 257, 129}, {200, 300, 600}, {97, 1100, 64}, {40, 2200, 64}} {
			for _, trans := range [][2]bool{{false, false}, {false, true}, {true, false}, {true, true}} {
				o := newOperands(rng, trans[0], trans[1], sh[0], sh[1], sh[2], 1)
				var first []float32
				for _, threads := range []int{1, 2, 3, 8} {
					old := SetThreads(threads)
					got := append([]float32(nil), o.c...)
					Sgemm(o.transA, o.transB, o.m, o.n, o.k, 0.75, o.a, o.lda, o.b, o.ldb, 0.5, got, o.ldc)
					SetThreads(old)
					if first == nil {
						first = got
						continue
					}
					for i := range got {
						if math.Float32bits(got[i]) != math.Float32bits(first[i]) {
							t.Fatalf("%v tA=%v tB=%v: %d threads give C[%d] = %v, 1 thread %v", sh, trans[0], trans[1], threads, i, got[i], first[i])
						}
					}
				}
			}
		}
	})
}

// TestConcurrentCalls checks that Sgemm calls from several goroutines at
// once, sharing the worker goroutines, each get the bits of a lone call.
func TestConcurrentCalls(t *testing.T) {
	withKernel(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(5, 6))
		ops := make([]*operands, 6)
		want := make([][]float32, len(ops))
		for i := range ops {
			ops[i] = newOperands(rng, i%2 == 0, i%3 == 0, 150+10*i, 200, 300, 0)
			want[i] = append([]float32(nil), ops[i].c...)
			o := ops[i]
			Sgemm(o.transA, o.transB, o.m, o.n, o.k, 1, o.a, o.lda, o.b, o.ldb, 1, want[i], o.ldc)
		}
		defer SetThreads(SetThreads(3))
		got := make([][]float32, len(ops))
		var wg sync.WaitGroup
		for i, o := range ops {
			got[i] = append([]float32(nil), o.c...)
			wg.Go(func() {
				for range 3 {
					copy(got[i], o.c)
					Sgemm(o.transA, o.transB, o.m, o.n, o.k, 1, o.a, o.lda, o.b, o.ldb, 1, got[i], o.ldc)
				}
			})
		}
		wg.Wait()
		for i := range ops {
			for e := range got[i] {
				if math.Float32bits(got[i][e]) != math.Float32bits(want[i][e]) {
					t.Fatalf("product %d: C[%d] = %v, a lone call gives %v", i, e, got[i][e], want[i][e])
				}
			}
		}
	})
}

func TestSetThreads(t *testing.T) {
	old := SetThreads(3)
	defer SetThreads(old)
	if got := SetThreads(-1); got != 3 {
		t.Errorf("SetThreads returned %d, want the 3 set before", got)
	}
	if got := SetThreads(3); got != 0 {
		t.Errorf("SetThreads returned %d, want 0 (the default) after SetThreads(-1)", got)
	}
}

func TestSgemmPanics(t *testing.T) {
	a := make([]float32, 6)
	for _, tc := range []struct {
		name string
		f    func()
	}{
		{"negative m", func() { Sgemm(false, false, -1, 2, 3, 1, a, 3, a, 2, 0, a, 2) }},
		{"lda below k", func() { Sgemm(false, false, 2, 2, 3, 1, a, 2, a, 2, 0, a, 2) }},
		{"short b", func() { Sgemm(false, false, 2, 2, 3, 1, a, 3, a[:5], 2, 0, a, 2) }},
		{"short c", func() { Sgemm(false, false, 2, 3, 3, 1, a, 3, a, 3, 0, a[:5], 3) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("no panic")
				}
			}()
			tc.f()
		})
	}
}

// FuzzSgemm compares every kernel with Reference on shapes and scalars the
// fuzzer picks.
func FuzzSgemm(f *testing.F) {
	f.Add(uint8(5), uint8(17), uint8(33), uint8(0), int8(2), int8(1), uint64(1))
	f.Add(uint8(15), uint8(40), uint8(3), uint8(3), int8(-1), int8(0), uint64(2))
	f.Fuzz(func(t *testing.T, m, n, k, flags uint8, alpha, beta int8, seed uint64) {
		rng := rand.New(rand.NewPCG(seed, 7))
		o := newOperands(rng, flags&1 != 0, flags&2 != 0, int(m%80), int(n%80), int(k%80), int(flags>>2)%4)
		saved := active
		defer func() { active = saved }()
		for _, kn := range kernels {
			active = kn
			o.compare(t, float32(alpha)/4, float32(beta)/4)
		}
	})
}
