package gemm

import (
	"sync"
	"sync/atomic"
)

// A job is one Sgemm call on its way through the loops: its arguments,
// block sizes and buffers, and the block of the loops it is at. The
// caller's goroutine runs the loops; at each step that can be shared
// (packing a block, multiplying the panels of A), it hands the same job to
// idle workers and all of them take items from one counter. Which
// goroutine computes an element of C changes from run to run; how it is
// computed does not.
type job struct {
	kn             *kernel
	transA, transB bool
	m, n, k        int
	alpha, beta    float32
	a, b, c        []float32
	lda, ldb, ldc  int
	threads        int

	kc, nc, mc int // block sizes for this shape
	packedB    []float32
	packedA    []float32 // when A is transposed
	scratch    []scratch // one per goroutine

	// The block being worked on: columns jc..jc+nb of C (panelsB panels),
	// k range pc..pc+kb, rows ic..ic+mb; bet is beta for its first k
	// block, then 1.
	jc, nb, panelsB int
	pc, kb          int
	ic, mb          int
	bet             float32

	next atomic.Int64   // the next item of the current step
	done sync.WaitGroup // workers still on the current step
}

// scratch is what one goroutine needs besides the job's shared buffers.
type scratch struct {
	a    []float32 // one packed panel of A: kc groups of mr floats
	tile []float32 // an mr×nr block of C at the bottom or right edge
}

// The steps a job shares out.
const (
	stepPackBT = iota // pack panel i of a transposed B
	stepPackBN        // pack rows i·packRowsChunk... of B
	stepPackAT        // pack rows i·packRowsChunk... of a transposed A
	stepPanels        // multiply panel i of A by every panel of B
)

// maxPackedA bounds the packed block of a transposed A, in floats (1 MiB).
const maxPackedA = 1 << 18

// packRowsChunk is how many rows of a matrix one item of stepPackBN or
// stepPackAT packs.
const packRowsChunk = 32

// gemm computes C = alpha·op(A)·op(B) + beta·C (see Sgemm) on up to threads
// goroutines; m, n and k are positive.
func (kn *kernel) gemm(threads int, transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	j, _ := kn.jobs.Get().(*job)
	if j == nil {
		j = &job{kn: kn}
	}
	defer kn.jobs.Put(j)
	defer j.release()
	j.transA, j.transB = transA, transB
	j.m, j.n, j.k = m, n, k
	j.alpha, j.beta = alpha, beta
	j.a, j.b, j.c = a, b, c
	j.lda, j.ldb, j.ldc = lda, ldb, ldc

	mr, nr := kn.mr, kn.nr
	// Block sizes depend on the shapes only (never on threads), and split
	// k and n into nearly equal blocks rather than full ones and a runt.
	nkb := ceilDiv(k, kn.kc)
	j.kc = roundUp(ceilDiv(k, nkb), 8)
	nnb := ceilDiv(n, kn.nc)
	j.nc = roundUp(ceilDiv(n, nnb), nr)
	// A transposed is packed a block of mc rows at a time by all
	// goroutines together (see packRows); otherwise each goroutine packs
	// the panel it is about to use.
	j.mc = roundUp(m, mr)
	if transA {
		j.mc = min(j.mc, max(1, maxPackedA/(mr*j.kc))*mr)
	}
	j.threads = max(1, min(threads, ceilDiv(m, mr)))

	j.packedB = grow(j.packedB, j.kc*j.nc)
	if transA {
		j.packedA = grow(j.packedA, j.kc*j.mc)
	}
	for len(j.scratch) < j.threads {
		j.scratch = append(j.scratch, scratch{})
	}
	for w := range j.threads {
		s := &j.scratch[w]
		s.a = grow(s.a, j.kc*mr+packSlack)
		s.tile = grow(s.tile, mr*nr)
	}

	for j.jc = 0; j.jc < n; j.jc += j.nc {
		j.nb = min(j.nc, n-j.jc)
		j.panelsB = ceilDiv(j.nb, nr)
		for j.pc = 0; j.pc < k; j.pc += j.kc {
			j.kb = min(j.kc, k-j.pc)
			j.bet = beta
			if j.pc > 0 {
				j.bet = 1 // later k blocks add to what the first one wrote
			}
			// Pack op(B)[pc:pc+kb, jc:jc+nb] as panels of nr columns.
			if transB {
				j.run(stepPackBT, j.panelsB)
			} else {
				j.run(stepPackBN, ceilDiv(j.kb, packRowsChunk))
			}
			for j.ic = 0; j.ic < m; j.ic += j.mc {
				j.mb = min(j.mc, m-j.ic)
				if transA {
					j.run(stepPackAT, ceilDiv(j.kb, packRowsChunk))
				}
				j.run(stepPanels, ceilDiv(j.mb, mr))
			}
		}
	}
}

// release drops the job's references to the caller's matrices, so that a
// pooled job does not keep them alive.
func (j *job) release() {
	j.a, j.b, j.c = nil, nil, nil
}

// grow returns x resized to n, reallocated only when too small.
func grow(x []float32, n int) []float32 {
	if cap(x) < n {
		return make([]float32, n)
	}
	return x[:n]
}

// run does items 0..n-1 of step, sharing them with up to threads-1
// workers, and returns when all are done.
func (j *job) run(step, n int) {
	helpers := min(j.threads, n) - 1
	if helpers <= 0 {
		for i := range n {
			j.do(step, 0, i)
		}
		return
	}
	startWorkers(helpers)
	j.next.Store(0)
	j.done.Add(helpers)
	for w := 1; w <= helpers; w++ {
		workQueue <- task{j: j, step: step, n: n, w: w}
	}
	j.work(step, 0, n)
	j.done.Wait()
}

// work does items of step until none are left; w names the goroutine.
func (j *job) work(step, w, n int) {
	for {
		i := int(j.next.Add(1) - 1)
		if i >= n {
			return
		}
		j.do(step, w, i)
	}
}

// do does item i of step on goroutine w.
func (j *job) do(step, w, i int) {
	kn := j.kn
	mr, nr := kn.mr, kn.nr
	switch step {
	case stepPackBT:
		j0 := j.jc + i*nr
		kn.packT(j.packedB[i*j.kb*nr:(i+1)*j.kb*nr], nr, j.b[j0*j.ldb+j.pc:], j.ldb, min(nr, j.jc+j.nb-j0), j.kb)
	case stepPackBN:
		kn.packR(j.packedB, nr, j.b[j.pc*j.ldb+j.jc:], j.ldb, j.nb, j.kb, i*packRowsChunk, min(j.kb, (i+1)*packRowsChunk))
	case stepPackAT:
		kn.packR(j.packedA, mr, j.a[j.pc*j.lda+j.ic:], j.lda, j.mb, j.kb, i*packRowsChunk, min(j.kb, (i+1)*packRowsChunk))
	case stepPanels:
		j.panel(&j.scratch[w], i)
	}
}

// panel multiplies panel i of A (rows ic+i·mr...) by every panel of B.
func (j *job) panel(s *scratch, i int) {
	kn := j.kn
	mr, nr, kb := kn.mr, kn.nr, j.kb
	i0 := j.ic + i*mr
	rows := min(mr, j.m-i0)
	pa := s.a
	if j.transA {
		pa = j.packedA[i*kb*mr : (i+1)*kb*mr]
	} else {
		kn.packT(s.a, mr, j.a[i0*j.lda+j.pc:], j.lda, rows, kb)
	}
	for q := 0; q < j.panelsB; q++ {
		j0 := j.jc + q*nr
		cols := min(nr, j.jc+j.nb-j0)
		pb := j.packedB[q*kb*nr : (q+1)*kb*nr]
		cij := j.c[i0*j.ldc+j0:]
		if rows == mr && cols == nr {
			kn.micro(kb, pa, pb, cij, j.ldc, j.alpha, j.bet)
			continue
		}
		// An edge block: compute it whole into the tile, then combine the
		// part inside C exactly as micro would.
		kn.micro(kb, pa, pb, s.tile, nr, 1, 0)
		combine(cij, j.ldc, s.tile, nr, rows, cols, j.alpha, j.bet)
	}
}

// A task asks a worker to help with a step of a job.
type task struct {
	j       *job
	step, n int
	w       int // the worker's scratch in the job
}

// workQueue carries tasks to the workers, which live as long as the
// program and wait here when idle.
var workQueue = make(chan task, 256)

// workers is how many worker goroutines exist.
var (
	workersMu sync.Mutex
	workers   int
)

// startWorkers makes sure at least n workers exist.
func startWorkers(n int) {
	workersMu.Lock()
	defer workersMu.Unlock()
	for ; workers < n; workers++ {
		go func() {
			for t := range workQueue {
				t.j.work(t.step, t.w, t.n)
				t.j.done.Done()
			}
		}()
	}
}
