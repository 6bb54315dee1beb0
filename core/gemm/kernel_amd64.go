//go:build !purego

package gemm

import "golang.org/x/sys/cpu"

//go:generate go run gen_amd64.go

// kernelAVX512 uses a 12×32 block of C: 24 zmm accumulators, two for the
// row of B, the rest for broadcasts of A. On AMD Zen 4 it measured as fast
// as 14×32 (28 accumulators) on the training shapes and wastes less at the
// edge of 128- and 256-row products. A 12×384 panel of A (18 KiB) stays in
// the 32 KiB L1 cache while the panels of a 384×2048 block of B (3 MiB)
// stream past it from L2 and L3: blocks of B that fit in L2 (384×512)
// measured up to 10% slower, as A is then packed again for every 512
// columns of C.
var kernelAVX512 = &kernel{
	name: "avx512", mr: 12, nr: 32, kc: 384, nc: 2048,
	micro: func(kc int, a, b, c []float32, ldc int, alpha, beta float32) {
		_, _, _ = a[12*kc-1], b[32*kc-1], c[11*ldc+31]
		kernAVX512_12x32(kc, &a[0], &b[0], &c[0], ldc, alpha, beta)
	},
	packT: packTAVX,
	packR: packRowsAVX,
}

// kernelAVX2 uses a 6×16 block of C: 12 ymm accumulators, two for the row
// of B, two for broadcasts of A; block sizes as for kernelAVX512.
var kernelAVX2 = &kernel{
	name: "avx2", mr: 6, nr: 16, kc: 384, nc: 2048,
	micro: func(kc int, a, b, c []float32, ldc int, alpha, beta float32) {
		_, _, _ = a[6*kc-1], b[16*kc-1], c[5*ldc+15]
		kernAVX2_6x16(kc, &a[0], &b[0], &c[0], ldc, alpha, beta)
	},
	packT: packTAVX,
	packR: packRowsAVX,
}

func init() {
	if cpu.X86.HasAVX2 && cpu.X86.HasFMA {
		kernels = append([]*kernel{kernelAVX2}, kernels...)
		if cpu.X86.HasAVX512F {
			kernels = append([]*kernel{kernelAVX512}, kernels...)
		}
	}
	active = kernels[0]
}

// packTAVX is packT with 8×8 transposes in AVX registers. Groups of 8 rows
// go from the last to the first, so that when w is not a multiple of 8 the
// zeros a partial group writes into the next column's first rows are
// overwritten by the full group written after it.
func packTAVX(dst []float32, w int, src []float32, lds, rows, cols int) {
	c8 := cols &^ 7
	if c8 > 0 {
		last := (w - 1) &^ 7
		_ = dst[(c8-1)*w+last+7] // the furthest transpose8 writes
		for g := last; g >= 0; g -= 8 {
			r := min(8, max(0, rows-g))
			if r > 0 {
				_ = src[(g+r-1)*lds+c8-1]
			}
			transpose8(&dst[g], w, &src[min(g, max(rows-1, 0))*lds], lds, r, c8/8)
		}
	}
	for p := c8; p < cols; p++ {
		d := dst[p*w : p*w+w]
		for i := 0; i < rows; i++ {
			d[i] = src[i*lds+p]
		}
		clear(d[rows:])
	}
}

// packRowsAVX is packRows with the whole panels copied by copyRows.
func packRowsAVX(dst []float32, w int, src []float32, lds, width, kb, p0, p1 int) {
	full := width / w
	if full > 0 && p1 > p0 {
		_ = src[(p1-1)*lds+full*w-1]
		_ = dst[(full-1)*kb*w+(p1-1)*w+w-1]
		for p := p0; p < p1; p++ {
			copyRows(&dst[p*w], kb*w, &src[p*lds], w, w, full)
		}
	}
	if rest := width - full*w; rest > 0 {
		for p := p0; p < p1; p++ {
			d := dst[full*kb*w+p*w : full*kb*w+p*w+w]
			copy(d, src[p*lds+full*w:p*lds+width])
			clear(d[rest:])
		}
	}
}
