//go:build !purego

package gemm

import "testing"

// BenchmarkMicroVariants compares the generated AVX-512 kernels that
// kernel_amd64.go can use, alone on packed panels in cache.
func BenchmarkMicroVariants(b *testing.B) {
	if len(kernels) < 3 {
		b.Skip("no AVX-512")
	}
	wrap := func(f func(kc int, a, b, c *float32, ldc int, alpha, beta float32)) func(kc int, a, b, c []float32, ldc int, alpha, beta float32) {
		return func(kc int, a, b, c []float32, ldc int, alpha, beta float32) {
			f(kc, &a[0], &b[0], &c[0], ldc, alpha, beta)
		}
	}
	for _, v := range []struct {
		name   string
		f      func(kc int, a, b, c *float32, ldc int, alpha, beta float32)
		mr, nr int
	}{
		{"14x32", kernAVX512_14x32, 14, 32},
		{"12x32", kernAVX512_12x32, 12, 32},
		{"avx2-6x16", kernAVX2_6x16, 6, 16},
	} {
		b.Run(v.name, func(b *testing.B) { benchMicro(b, wrap(v.f), v.mr, v.nr) })
	}
}
