//go:build ignore

// gen_amd64.go writes asm_amd64.s and asm_amd64.go: the amd64 micro-kernels,
// the transposing pack (transpose8) and the row copy (copyRows). It exists
// because an mr×nr register block written by hand is hundreds of lines of
// the same two instructions. Run `go generate ./core/gemm/` after changing
// it; asm_amd64.go declares what asm_amd64.s defines, for go vet to check.
package main

import (
	"bytes"
	"fmt"
	"go/format"
	"log"
	"os"
	"strings"
)

// kernelSpec is one micro-kernel: an mr×(nv·lanes) block of C kept in
// registers while kc rank-1 updates stream through it.
type kernelSpec struct {
	isa   string // "AVX2" (ymm, 16 registers) or "AVX512" (zmm, 32 registers)
	mr    int    // rows of C per call
	nv    int    // vectors of C per row
	unrol int    // k steps per loop iteration
}

func (s kernelSpec) lanes() int {
	if s.isa == "AVX512" {
		return 16
	}
	return 8
}

func (s kernelSpec) nr() int { return s.nv * s.lanes() }

func (s kernelSpec) name() string { return fmt.Sprintf("kern%s_%dx%d", s.isa, s.mr, s.nr()) }

func (s kernelSpec) reg(i int) string {
	if s.isa == "AVX512" {
		return fmt.Sprintf("Z%d", i)
	}
	return fmt.Sprintf("Y%d", i)
}

// kernels lists what gets generated; kernel_amd64.go says which are used.
var kernels = []kernelSpec{
	{isa: "AVX2", mr: 6, nv: 2, unrol: 4},
	{isa: "AVX512", mr: 12, nv: 2, unrol: 2},
	{isa: "AVX512", mr: 14, nv: 2, unrol: 2}, // the alternative measured in BenchmarkMicroVariants
}

type writer struct{ bytes.Buffer }

func (w *writer) op(format string, args ...any) {
	fmt.Fprintf(&w.Buffer, "\t"+format+"\n", args...)
}

func (w *writer) label(l string) { fmt.Fprintf(&w.Buffer, "%s:\n", l) }

// kernel writes
//
//	func name(kc int, a, b, c *float32, ldc int, alpha, beta float32)
//
// a is packed as kc groups of mr floats (A's column p for rows 0..mr-1), b as
// kc groups of nr floats (B's row p for columns 0..nr-1); c points at C's
// top-left element of the block and ldc is C's leading dimension in floats.
// It sets c = alpha·acc + beta·c with acc = Σ_p a_p ⊗ b_p summed in order p =
// 0, 1, ..., kc-1 by one FMA per product; the two products and the sum of
// the epilogue are rounded separately (no FMA), the same operations the Go
// edge-tile code does. When beta is ±0, c is not read.
func kernel(w *writer, s kernelSpec) {
	nacc := s.mr * s.nv
	vb := nacc // first B register
	nb := s.nv
	vt := vb + nb // broadcast / temporary registers
	nregs := 16
	if s.isa == "AVX512" {
		nregs = 32
	}
	ntmp := nregs - vt
	if ntmp < 1 {
		log.Fatalf("%s: %d accumulators and %d B registers leave no temporary", s.name(), nacc, nb)
	}
	vecBytes := s.lanes() * 4
	fmt.Fprintf(&w.Buffer, "// func %s(kc int, a, b, c *float32, ldc int, alpha, beta float32)\n", s.name())
	fmt.Fprintf(&w.Buffer, "TEXT ·%s(SB), NOSPLIT, $0-48\n", s.name())
	w.op("MOVQ kc+0(FP), CX")
	w.op("MOVQ a+8(FP), SI")
	w.op("MOVQ b+16(FP), DI")
	w.op("MOVQ c+24(FP), DX")
	w.op("MOVQ ldc+32(FP), R8")
	w.op("SHLQ $2, R8")
	for i := 0; i < nacc; i++ {
		r := s.reg(i)
		if s.isa == "AVX512" {
			w.op("VPXORD %s, %s, %s", r, r, r)
		} else {
			w.op("VXORPS %s, %s, %s", r, r, r)
		}
	}
	// Ask for the lines of C now, so that the epilogue finds them in the
	// cache instead of waiting on memory (a few percent when C is large).
	w.op("MOVQ DX, R9")
	for i := 0; i < s.mr; i++ {
		for off := 0; off < s.nr()*4; off += 64 {
			w.op("PREFETCHT0 %d(R9)", off)
		}
		w.op("PREFETCHT0 %d(R9)", s.nr()*4-1) // the last line, when C's row is not aligned
		if i < s.mr-1 {
			w.op("ADDQ R8, R9")
		}
	}
	step := func(off int) {
		// off is the k step within the unrolled iteration.
		for v := 0; v < s.nv; v++ {
			w.op("VMOVUPS %d(DI), %s", (off*s.nr()+v*s.lanes())*4, s.reg(vb+v))
		}
		for i := 0; i < s.mr; i++ {
			aoff := (off*s.mr + i) * 4
			t := s.reg(vt + i%ntmp)
			w.op("VBROADCASTSS %d(SI), %s", aoff, t)
			for v := 0; v < s.nv; v++ {
				w.op("VFMADD231PS %s, %s, %s", s.reg(vb+v), t, s.reg(i*s.nv+v))
			}
		}
	}
	if s.unrol > 1 {
		w.op("CMPQ CX, $%d", s.unrol)
		w.op("JLT %s_tail", s.name())
		w.label(s.name() + "_loop")
		for u := 0; u < s.unrol; u++ {
			step(u)
		}
		w.op("ADDQ $%d, SI", s.unrol*s.mr*4)
		w.op("ADDQ $%d, DI", s.unrol*s.nr()*4)
		w.op("SUBQ $%d, CX", s.unrol)
		w.op("CMPQ CX, $%d", s.unrol)
		w.op("JGE %s_loop", s.name())
		w.label(s.name() + "_tail")
	}
	w.op("TESTQ CX, CX")
	w.op("JE %s_epilogue", s.name())
	w.label(s.name() + "_one")
	step(0)
	w.op("ADDQ $%d, SI", s.mr*4)
	w.op("ADDQ $%d, DI", s.nr()*4)
	w.op("DECQ CX")
	w.op("JNE %s_one", s.name())
	w.label(s.name() + "_epilogue")
	t := s.reg(vt)
	w.op("VBROADCASTSS alpha+40(FP), %s", t)
	for i := 0; i < nacc; i++ {
		w.op("VMULPS %s, %s, %s", t, s.reg(i), s.reg(i))
	}
	w.op("MOVL beta+44(FP), AX")
	w.op("ANDL $0x7fffffff, AX")
	w.op("JZ %s_store", s.name())
	w.op("VBROADCASTSS beta+44(FP), %s", t)
	for i := 0; i < s.mr; i++ {
		for v := 0; v < s.nv; v++ {
			u := s.reg(vb + v)
			w.op("VMULPS %d(DX), %s, %s", v*vecBytes, t, u)
			w.op("VADDPS %s, %s, %s", u, s.reg(i*s.nv+v), s.reg(i*s.nv+v))
			w.op("VMOVUPS %s, %d(DX)", s.reg(i*s.nv+v), v*vecBytes)
		}
		if i < s.mr-1 {
			w.op("ADDQ R8, DX")
		}
	}
	w.op("VZEROUPPER")
	w.op("RET")
	w.label(s.name() + "_store")
	for i := 0; i < s.mr; i++ {
		for v := 0; v < s.nv; v++ {
			w.op("VMOVUPS %s, %d(DX)", s.reg(i*s.nv+v), v*vecBytes)
		}
		if i < s.mr-1 {
			w.op("ADDQ R8, DX")
		}
	}
	w.op("VZEROUPPER")
	w.op("RET")
	w.WriteString("\n")
}

// transpose writes
//
//	func transpose8(dst *float32, ldd int, src *float32, lds int, rows, nblk int)
//
// which reads rows (0..8) rows of src, 8·nblk floats each, rows lds floats
// apart, and writes them transposed: for each of the 8·nblk columns p, 8
// floats at dst + p·ldd (the rows, then zeros for rows missing).
func transpose(w *writer) {
	w.WriteString("// func transpose8(dst *float32, ldd int, src *float32, lds int, rows, nblk int)\n")
	w.WriteString("TEXT ·transpose8(SB), NOSPLIT, $0-48\n")
	w.op("MOVQ dst+0(FP), DI")
	w.op("MOVQ ldd+8(FP), R11")
	w.op("SHLQ $2, R11")
	w.op("LEAQ (R11)(R11*2), R12") // 3·ldd
	w.op("MOVQ src+16(FP), SI")
	w.op("MOVQ lds+24(FP), R8")
	w.op("SHLQ $2, R8")
	w.op("LEAQ (R8)(R8*2), R9")  // 3·lds
	w.op("LEAQ (SI)(R8*4), R10") // row 4
	w.op("MOVQ rows+32(FP), BX")
	w.op("MOVQ nblk+40(FP), CX")
	w.op("TESTQ CX, CX")
	w.op("JE transpose8_done")
	w.label("transpose8_loop")
	for i := 0; i < 8; i++ {
		w.op("VXORPS Y%d, Y%d, Y%d", i, i, i)
	}
	addr := []string{"(SI)", "(SI)(R8*1)", "(SI)(R8*2)", "(SI)(R9*1)", "(R10)", "(R10)(R8*1)", "(R10)(R8*2)", "(R10)(R9*1)"}
	for i := 0; i < 8; i++ {
		w.op("CMPQ BX, $%d", i)
		w.op("JLE transpose8_loaded")
		w.op("VMOVUPS %s, Y%d", addr[i], i)
	}
	w.label("transpose8_loaded")
	// Pairs of rows interleaved: t[2q] = lo(r2q, r2q+1), t[2q+1] = hi(...).
	for q := 0; q < 4; q++ {
		w.op("VUNPCKLPS Y%d, Y%d, Y%d", 2*q+1, 2*q, 8+2*q)
		w.op("VUNPCKHPS Y%d, Y%d, Y%d", 2*q+1, 2*q, 9+2*q)
	}
	// Quads: u0 = cols 0|4 of rows 0-3, u1 = 1|5, u2 = 2|6, u3 = 3|7; the
	// same for rows 4-7 in u4..u7 (registers 0..7 are free again).
	w.op("VSHUFPS $0x44, Y10, Y8, Y0")
	w.op("VSHUFPS $0xEE, Y10, Y8, Y1")
	w.op("VSHUFPS $0x44, Y11, Y9, Y2")
	w.op("VSHUFPS $0xEE, Y11, Y9, Y3")
	w.op("VSHUFPS $0x44, Y14, Y12, Y4")
	w.op("VSHUFPS $0xEE, Y14, Y12, Y5")
	w.op("VSHUFPS $0x44, Y15, Y13, Y6")
	w.op("VSHUFPS $0xEE, Y15, Y13, Y7")
	// Columns: p and p+4 from the low and high 128-bit halves.
	for q := 0; q < 4; q++ {
		w.op("VPERM2F128 $0x20, Y%d, Y%d, Y%d", 4+q, q, 8+q)
		w.op("VPERM2F128 $0x31, Y%d, Y%d, Y%d", 4+q, q, 12+q)
	}
	dst := []string{"(DI)", "(DI)(R11*1)", "(DI)(R11*2)", "(DI)(R12*1)"}
	for q := 0; q < 4; q++ {
		w.op("VMOVUPS Y%d, %s", 8+q, dst[q])
	}
	w.op("LEAQ (DI)(R11*4), DI")
	for q := 0; q < 4; q++ {
		w.op("VMOVUPS Y%d, %s", 12+q, dst[q])
	}
	w.op("LEAQ (DI)(R11*4), DI")
	w.op("ADDQ $32, SI")
	w.op("ADDQ $32, R10")
	w.op("DECQ CX")
	w.op("JNE transpose8_loop")
	w.label("transpose8_done")
	w.op("VZEROUPPER")
	w.op("RET")
}

// copyRows writes
//
//	func copyRows(dst *float32, ldd int, src *float32, lds int, w, n int)
//
// which copies n rows of w >= 4 floats from src (rows lds floats apart) to
// dst (rows ldd floats apart), 8 floats at a time and the last 8 (or 4)
// overlapping the ones before.
func copyRows(w *writer) {
	w.WriteString("// func copyRows(dst *float32, ldd int, src *float32, lds int, w, n int)\n")
	w.WriteString("TEXT ·copyRows(SB), NOSPLIT, $0-48\n")
	w.op("MOVQ dst+0(FP), DI")
	w.op("MOVQ ldd+8(FP), R8")
	w.op("SHLQ $2, R8")
	w.op("MOVQ src+16(FP), SI")
	w.op("MOVQ lds+24(FP), R9")
	w.op("SHLQ $2, R9")
	w.op("MOVQ w+32(FP), DX")
	w.op("SHLQ $2, DX") // bytes per row
	w.op("MOVQ n+40(FP), CX")
	w.op("TESTQ CX, CX")
	w.op("JE copyRows_done")
	w.op("CMPQ DX, $32")
	w.op("JLT copyRows_small")
	w.op("LEAQ -32(DX), R10") // the last 8 floats
	w.label("copyRows_row")
	w.op("XORQ AX, AX")
	w.label("copyRows_chunk")
	w.op("LEAQ 32(AX), R11")
	w.op("CMPQ R11, DX")
	w.op("JGT copyRows_tail")
	w.op("VMOVUPS (SI)(AX*1), Y0")
	w.op("VMOVUPS Y0, (DI)(AX*1)")
	w.op("MOVQ R11, AX")
	w.op("JMP copyRows_chunk")
	w.label("copyRows_tail")
	w.op("CMPQ AX, DX")
	w.op("JEQ copyRows_next")
	w.op("VMOVUPS (SI)(R10*1), Y0")
	w.op("VMOVUPS Y0, (DI)(R10*1)")
	w.label("copyRows_next")
	w.op("ADDQ R9, SI")
	w.op("ADDQ R8, DI")
	w.op("DECQ CX")
	w.op("JNE copyRows_row")
	w.op("VZEROUPPER")
	w.op("RET")
	w.label("copyRows_small")
	w.op("LEAQ -16(DX), R10") // the last 4 floats
	w.label("copyRows_smallrow")
	w.op("VMOVUPS (SI), X0")
	w.op("VMOVUPS (SI)(R10*1), X1")
	w.op("VMOVUPS X0, (DI)")
	w.op("VMOVUPS X1, (DI)(R10*1)")
	w.op("ADDQ R9, SI")
	w.op("ADDQ R8, DI")
	w.op("DECQ CX")
	w.op("JNE copyRows_smallrow")
	w.label("copyRows_done")
	w.op("VZEROUPPER")
	w.op("RET")
	w.WriteString("\n")
}

func main() {
	var s writer
	s.WriteString("// Code generated by gen_amd64.go; DO NOT EDIT.\n\n//go:build !purego\n\n#include \"textflag.h\"\n\n")
	var g strings.Builder
	g.WriteString("// Code generated by gen_amd64.go; DO NOT EDIT.\n\n//go:build !purego\n\npackage gemm\n\n")
	for _, k := range kernels {
		kernel(&s, k)
		fmt.Fprintf(&g, "// %s is an %s micro-kernel for a %d×%d block of C (see gen_amd64.go).\n//\n//go:noescape\nfunc %s(kc int, a, b, c *float32, ldc int, alpha, beta float32)\n\n", k.name(), k.isa, k.mr, k.nr(), k.name())
	}
	copyRows(&s)
	transpose(&s)
	g.WriteString("// copyRows copies n rows of w >= 4 floats from src (rows lds floats\n// apart) to dst (rows ldd floats apart) (see gen_amd64.go).\n//\n//go:noescape\nfunc copyRows(dst *float32, ldd int, src *float32, lds int, w, n int)\n\n")
	g.WriteString("// transpose8 transposes rows (at most 8) rows of 8·nblk floats from src\n// (rows lds floats apart) into 8·nblk rows of 8 floats at dst (ldd floats\n// apart), zeros standing for missing rows (see gen_amd64.go).\n//\n//go:noescape\nfunc transpose8(dst *float32, ldd int, src *float32, lds int, rows, nblk int)\n")
	src, err := format.Source([]byte(g.String()))
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile("asm_amd64.s", s.Bytes(), 0o644); err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile("asm_amd64.go", src, 0o644); err != nil {
		log.Fatal(err)
	}
}
