package gemm

import "sync"

// kernel is one way to compute Sgemm: a micro-kernel for an mr×nr block of
// C, the block sizes it is driven with, and the packing routine that suits
// the machine.
type kernel struct {
	name   string
	mr, nr int
	kc     int // largest k block; a multiple of 8
	nc     int // largest block of columns of C; a multiple of nr

	// micro sets the mr×nr block c (leading dimension ldc) to
	// alpha·Σ_p a[p·mr+i]·b[p·nr+j] + beta·c, the sum over p = 0..kc-1 in
	// order, alpha·sum and beta·c rounded separately before they are added,
	// and c not read when beta is 0.
	micro func(kc int, a, b, c []float32, ldc int, alpha, beta float32)

	// packT sets dst[p·w+i] = src[i·lds+p] for p < cols, i < rows, and
	// dst[p·w+i] = 0 for rows <= i < w. It may write up to 8 floats past
	// dst[(cols-1)·w+w-1] when w is not a multiple of 8.
	packT func(dst []float32, w int, src []float32, lds, rows, cols int)

	// packR is packRows, perhaps faster.
	packR func(dst []float32, w int, src []float32, lds, width, kb, p0, p1 int)

	jobs sync.Pool // *job: buffers kept from one call to the next
}

// packSlack is how far packT may write past the panel it fills.
const packSlack = 8

// active is the kernel Sgemm uses: the fastest this machine runs.
// kernels lists every kernel this machine runs, fastest first; tests
// switch active to each.
var (
	active  = goKernel
	kernels = []*kernel{goKernel}
)

// combine sets c = alpha·t + beta·c for a rows×cols block, rounding each
// product before the sum (no fused multiply-add), like the micro-kernels.
func combine(c []float32, ldc int, t []float32, ldt, rows, cols int, alpha, beta float32) {
	for i := 0; i < rows; i++ {
		ci := c[i*ldc : i*ldc+cols]
		ti := t[i*ldt : i*ldt+cols]
		if beta == 0 {
			for j, v := range ti {
				ci[j] = alpha * v
			}
			continue
		}
		for j, v := range ti {
			ci[j] = float32(alpha*v) + float32(beta*ci[j])
		}
	}
}

// packRows packs rows p0..p1-1 of the kb×width matrix src (leading
// dimension lds) into panels of w columns: panel q is kb groups of w floats,
// dst[q·kb·w + p·w + i] = src[p·lds + q·w + i], zeros past the width. It
// packs op(A) when A is transposed and op(B) when B is not: reading whole
// rows in order lets the hardware prefetcher stream them, where one panel
// at a time would read a few floats from each of kb distant rows.
func packRows(dst []float32, w int, src []float32, lds, width, kb, p0, p1 int) {
	full := width / w
	for p := p0; p < p1; p++ {
		row := src[p*lds : p*lds+width]
		for q := 0; q < full; q++ {
			copy(dst[q*kb*w+p*w:q*kb*w+p*w+w], row[q*w:q*w+w])
		}
		if rest := width - full*w; rest > 0 {
			d := dst[full*kb*w+p*w : full*kb*w+p*w+w]
			copy(d, row[full*w:])
			clear(d[rest:])
		}
	}
}

// packTGo is packT in plain Go.
func packTGo(dst []float32, w int, src []float32, lds, rows, cols int) {
	for i := 0; i < rows; i++ {
		for p, v := range src[i*lds : i*lds+cols] {
			dst[p*w+i] = v
		}
	}
	for p := 0; p < cols; p++ {
		clear(dst[p*w+rows : p*w+w])
	}
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }

func roundUp(a, b int) int { return ceilDiv(a, b) * b }

// goKernel is the plain Go kernel: every platform has it, js/wasm and the
// purego build tag use it.
var goKernel = &kernel{name: "go", mr: 4, nr: 4, kc: 256, nc: 1024, micro: microGo, packT: packTGo, packR: packRows}

// microGo is kernel.micro for a 4×4 block in plain Go.
func microGo(kc int, a, b, c []float32, ldc int, alpha, beta float32) {
	a = a[:4*kc]
	b = b[:4*kc]
	var c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33 float32
	for p := 0; p < kc; p++ {
		ap := (*[4]float32)(a[4*p:])
		bp := (*[4]float32)(b[4*p:])
		b0, b1, b2, b3 := bp[0], bp[1], bp[2], bp[3]
		a0 := ap[0]
		c00 += a0 * b0
		c01 += a0 * b1
		c02 += a0 * b2
		c03 += a0 * b3
		a1 := ap[1]
		c10 += a1 * b0
		c11 += a1 * b1
		c12 += a1 * b2
		c13 += a1 * b3
		a2 := ap[2]
		c20 += a2 * b0
		c21 += a2 * b1
		c22 += a2 * b2
		c23 += a2 * b3
		a3 := ap[3]
		c30 += a3 * b0
		c31 += a3 * b1
		c32 += a3 * b2
		c33 += a3 * b3
	}
	acc := [4][4]float32{
		{c00, c01, c02, c03},
		{c10, c11, c12, c13},
		{c20, c21, c22, c23},
		{c30, c31, c32, c33},
	}
	for i := range acc {
		ci := (*[4]float32)(c[i*ldc:])
		if beta == 0 {
			for j, v := range acc[i] {
				ci[j] = alpha * v
			}
			continue
		}
		for j, v := range acc[i] {
			ci[j] = float32(alpha*v) + float32(beta*ci[j])
		}
	}
}
