package gemm

import (
	"sync"
	"sync/atomic"
)

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

	bufsB   sync.Pool // *[]float32: packed blocks of B
	bufsA   sync.Pool // *[]float32: packed blocks of A when it is transposed
	scratch sync.Pool // *scratch: one goroutine's packed A panel and edge tile
}

// scratch is what one goroutine needs besides the shared packed B block.
type scratch struct {
	a    []float32 // one packed panel of A: kc groups of mr floats
	tile []float32 // an mr×nr block of C at the bottom or right edge
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

// gemm computes C = alpha·op(A)·op(B) + beta·C (see Sgemm) on up to threads
// goroutines; m, n and k are positive.
func (kn *kernel) gemm(threads int, transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	mr, nr := kn.mr, kn.nr
	// Block sizes depend on the shapes only (never on threads), and split
	// k and n into nearly equal blocks rather than full ones and a runt.
	nkb := ceilDiv(k, kn.kc)
	kc := roundUp(ceilDiv(k, nkb), 8)
	nnb := ceilDiv(n, kn.nc)
	nc := roundUp(ceilDiv(n, nnb), nr)
	// A transposed is packed a block of mc rows at a time, by all
	// goroutines together (see packRows); otherwise each goroutine packs
	// the panel it is about to use.
	mc := roundUp(m, mr)
	if transA {
		mc = min(mc, max(1, maxPackedA/(mr*kc))*mr)
	}
	threads = max(1, min(threads, ceilDiv(m, mr)))

	bufB := kn.getBuf(&kn.bufsB, kc*nc)
	defer kn.bufsB.Put(bufB)
	packedB := *bufB
	var packedA []float32
	if transA {
		bufA := kn.getBuf(&kn.bufsA, kc*mc)
		defer kn.bufsA.Put(bufA)
		packedA = *bufA
	}
	ws := make([]*scratch, threads)
	for w := range ws {
		ws[w] = kn.getScratch(kc)
	}
	defer func() {
		for _, s := range ws {
			kn.scratch.Put(s)
		}
	}()

	for jc := 0; jc < n; jc += nc {
		nb := min(nc, n-jc)
		panelsB := ceilDiv(nb, nr)
		for pc := 0; pc < k; pc += kc {
			kb := min(kc, k-pc)
			bet := beta
			if pc > 0 {
				bet = 1 // later k blocks add to what the first one wrote
			}
			// Pack op(B)[pc:pc+kb, jc:jc+nb] as panels of nr columns.
			if transB {
				parallel(threads, panelsB, func(_, j int) {
					j0 := jc + j*nr
					kn.packT(packedB[j*kb*nr:(j+1)*kb*nr], nr, b[j0*ldb+pc:], ldb, min(nr, jc+nb-j0), kb)
				})
			} else {
				parallel(threads, ceilDiv(kb, packRowsChunk), func(_, q int) {
					kn.packR(packedB, nr, b[pc*ldb+jc:], ldb, nb, kb, q*packRowsChunk, min(kb, (q+1)*packRowsChunk))
				})
			}
			for ic := 0; ic < m; ic += mc {
				mb := min(mc, m-ic)
				if transA {
					parallel(threads, ceilDiv(kb, packRowsChunk), func(_, q int) {
						kn.packR(packedA, mr, a[pc*lda+ic:], lda, mb, kb, q*packRowsChunk, min(kb, (q+1)*packRowsChunk))
					})
				}
				// Each panel of mr rows of op(A) times every panel of B.
				parallel(threads, ceilDiv(mb, mr), func(w, i int) {
					s := ws[w]
					i0 := ic + i*mr
					rows := min(mr, m-i0)
					pa := s.a
					if transA {
						pa = packedA[i*kb*mr : (i+1)*kb*mr]
					} else {
						kn.packT(s.a, mr, a[i0*lda+pc:], lda, rows, kb)
					}
					for j := 0; j < panelsB; j++ {
						j0 := jc + j*nr
						cols := min(nr, jc+nb-j0)
						pb := packedB[j*kb*nr : (j+1)*kb*nr]
						cij := c[i0*ldc+j0:]
						if rows == mr && cols == nr {
							kn.micro(kb, pa, pb, cij, ldc, alpha, bet)
							continue
						}
						// An edge block: compute it whole into the tile, then
						// combine the part inside C exactly as micro would.
						kn.micro(kb, pa, pb, s.tile, nr, 1, 0)
						combine(cij, ldc, s.tile, nr, rows, cols, alpha, bet)
					}
				})
			}
		}
	}
}

// maxPackedA bounds the packed block of a transposed A, in floats (1 MiB).
const maxPackedA = 1 << 18

// packRowsChunk is how many rows of a matrix one call of packRows packs.
const packRowsChunk = 32

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

// parallel calls fn(w, i) for i = 0..n-1 on up to threads goroutines, w
// naming the goroutine (0..threads-1), and returns when all calls have.
func parallel(threads, n int, fn func(w, i int)) {
	if threads > n {
		threads = n
	}
	if threads <= 1 {
		for i := 0; i < n; i++ {
			fn(0, i)
		}
		return
	}
	var next atomic.Int64
	run := func(w int) {
		for {
			i := int(next.Add(1) - 1)
			if i >= n {
				return
			}
			fn(w, i)
		}
	}
	var wg sync.WaitGroup
	for w := 1; w < threads; w++ {
		wg.Go(func() { run(w) })
	}
	run(0)
	wg.Wait()
}

// getBuf returns a buffer of size floats from pool, or a new one.
func (kn *kernel) getBuf(pool *sync.Pool, size int) *[]float32 {
	if p, ok := pool.Get().(*[]float32); ok && cap(*p) >= size {
		*p = (*p)[:size]
		return p
	}
	buf := make([]float32, size)
	return &buf
}

// getScratch returns one goroutine's scratch for k blocks up to kc deep.
func (kn *kernel) getScratch(kc int) *scratch {
	s, _ := kn.scratch.Get().(*scratch)
	if s == nil {
		s = &scratch{tile: make([]float32, kn.mr*kn.nr)}
	}
	if cap(s.a) < kc*kn.mr+packSlack {
		s.a = make([]float32, kn.kc*kn.mr+packSlack)
	}
	return s
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
