// Package gemm provides the float32 matrix products that training spends its
// time in: C = alpha·op(A)·op(B) + beta·C for row-major matrices, where op
// is the identity or the transpose. Forward passes use A·Bᵀ (activations
// times PyTorch-layout weights), backward passes A·B (gradient of the
// input) and Aᵀ·B (gradient of the weights).
//
// Sgemm is the entry point; Reference is the plain Go definition it is
// tested against. Faster kernels (amd64 assembly, several cores) live
// behind Sgemm and never change what it computes beyond float32 rounding.
package gemm

// Sgemm sets C = alpha·op(A)·op(B) + beta·C, with C of shape [m][n] stored
// row-major with leading dimension ldc (ldc >= n). op(A) is [m][k]: A is
// [m][k] with leading dimension lda when transA is false, and [k][m] when it
// is true. op(B) is [k][n]: B is [k][n] with leading dimension ldb when
// transB is false, and [n][k] when it is true. When beta is 0, C is not
// read (it may hold NaNs).
func Sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	Reference(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
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
