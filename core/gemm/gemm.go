// Package gemm provides the float32 matrix products that training spends its
// time in: C = alpha·op(A)·op(B) + beta·C for row-major matrices, where op
// is the identity or the transpose. Forward passes use A·Bᵀ (activations
// times PyTorch-layout weights), backward passes A·B (gradient of the
// input) and Aᵀ·B (gradient of the weights).
//
// Sgemm is the entry point; Reference is the plain Go definition it is
// tested against. Faster kernels (amd64 assembly, several cores) live
// behind Sgemm and never change what it computes beyond float32 rounding.
//
// # How Sgemm computes
//
// Sgemm follows the GotoBLAS/BLIS scheme. C is cut into blocks of at most
// nc columns and the k dimension into blocks of at most kc; for each pair,
// the block of op(B) is copied ("packed") into panels of nr columns laid out
// in the order the micro-kernel reads them, then every panel of mr rows of
// op(A) is packed in turn and multiplied by each B panel, the mr×nr block of
// C staying in vector registers for the whole k block. The micro-kernel is
// chosen once at start-up: AVX-512 (12×32 block) or AVX2 with FMA (6×16) on
// amd64, plain Go (4×4) elsewhere and under the purego build tag.
//
// # Determinism
//
// Every element of C is computed by one goroutine, the k products summed in
// an order fixed by the shapes and the micro-kernel alone, so C holds the
// same bits whatever SetThreads says and however the goroutines are
// scheduled. Different micro-kernels (machines) may differ in the last bits.
package gemm

import (
	"fmt"
	"runtime"
	"sync/atomic"
)

// Sgemm sets C = alpha·op(A)·op(B) + beta·C, with C of shape [m][n] stored
// row-major with leading dimension ldc (ldc >= n). op(A) is [m][k]: A is
// [m][k] with leading dimension lda when transA is false, and [k][m] when it
// is true. op(B) is [k][n]: B is [k][n] with leading dimension ldb when
// transB is false, and [n][k] when it is true. When beta is 0, C is not
// read (it may hold NaNs).
//
// Sgemm panics if a dimension is negative, a leading dimension is smaller
// than its matrix's width, or a slice is too short for its matrix. It uses
// up to SetThreads goroutines, one when the product is small.
func Sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	check(transA, transB, m, n, k, len(a), lda, len(b), ldb, len(c), ldc)
	if m == 0 || n == 0 {
		return
	}
	if k == 0 {
		// C = alpha·0 + beta·C: nothing to multiply.
		Reference(transA, transB, m, n, 0, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	active.gemm(threadsFor(m, n, k), transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// Reference is Sgemm's definition in plain Go, one output at a time with
// the k products summed in order: the reference for the fast kernels.
func Reference(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var sum float32
			for p := 0; p < k; p++ {
				var x, y float32
				if transA {
					x = a[p*lda+i]
				} else {
					x = a[i*lda+p]
				}
				if transB {
					y = b[j*ldb+p]
				} else {
					y = b[p*ldb+j]
				}
				sum += x * y
			}
			if beta == 0 {
				c[i*ldc+j] = alpha * sum
			} else {
				c[i*ldc+j] = alpha*sum + beta*c[i*ldc+j]
			}
		}
	}
}

// threadSetting is what SetThreads stored; 0 means runtime.GOMAXPROCS(0).
var threadSetting atomic.Int64

// SetThreads sets how many goroutines Sgemm may use and returns the previous
// setting. n < 1 restores the default, runtime.GOMAXPROCS(0) read at each
// call, and the default is reported as 0, so
//
//	defer gemm.SetThreads(gemm.SetThreads(1))
//
// runs a function single-threaded and then restores whatever was set. The
// setting never changes the result, only the time it takes.
func SetThreads(n int) int {
	if n < 1 {
		n = 0
	}
	return int(threadSetting.Swap(int64(n)))
}

// minParallelFlops is the smallest product (2·m·n·k floating-point
// operations) worth handing to other goroutines: below it, waking them
// costs more than they save.
const minParallelFlops = 8 << 20

// threadsFor returns how many goroutines an m×n×k product gets.
func threadsFor(m, n, k int) int {
	if 2*float64(m)*float64(n)*float64(k) < minParallelFlops {
		return 1
	}
	t := int(threadSetting.Load())
	if t < 1 {
		t = runtime.GOMAXPROCS(0)
	}
	return t
}

// check panics unless the arguments describe matrices that fit their slices.
func check(transA, transB bool, m, n, k, la, lda, lb, ldb, lc, ldc int) {
	if m < 0 || n < 0 || k < 0 {
		panic(fmt.Sprintf("gemm: negative dimension m=%d n=%d k=%d", m, n, k))
	}
	fits := func(name string, rows, cols, length, ld int) {
		if ld < max(cols, 1) {
			panic(fmt.Sprintf("gemm: ld%s=%d is smaller than the %d columns of %s", name, ld, cols, name))
		}
		if rows > 0 && cols > 0 && length < (rows-1)*ld+cols {
			panic(fmt.Sprintf("gemm: %s has %d elements, a %d×%d matrix with leading dimension %d needs %d", name, length, rows, cols, ld, (rows-1)*ld+cols))
		}
	}
	if transA {
		fits("a", k, m, la, lda)
	} else {
		fits("a", m, k, la, lda)
	}
	if transB {
		fits("b", n, k, lb, ldb)
	} else {
		fits("b", k, n, lb, ldb)
	}
	fits("c", m, n, lc, ldc)
}
