//go:build js && wasm

// Package simd runs the engine's hottest loops, int8 row products and
// float32 matrix products, as 128-bit WebAssembly SIMD kernels. Go emits
// no SIMD instructions, so the kernels are written in WebAssembly text
// (kernels.wat), assembled into static/simd.wasm, and instantiated by the
// worker with the Go module's own memory: they read and write Go's slices
// in place, reached through go:wasmimport functions the worker provides
// (static/worker.js).
//
// Install replaces core/quant's DotRows kernel and core/tensor's MatVec and
// batch matrix-product kernels when the worker loaded the module;
// otherwise the Go kernels stay, and everything still works, more slowly.
// DotRows and MatVec give the Go kernels' results bit for bit (MatVec keeps
// each row's sum in column order, so llama2.c's outputs are still
// reproduced exactly); the batch product sums in another order.
package simd

import (
	"syscall/js"
	"unsafe"

	"textlab/core/quant"
	"textlab/core/tensor"
)

// The kernels, as the worker provides them in its import object. Addresses
// are byte offsets into the Go module's memory.

//go:wasmimport textlab_simd dot_rows_i8
func dotRowsI8(dst, x, w unsafe.Pointer, rows, cols int32)

//go:wasmimport textlab_simd matvec_f32
func matVecF32(out, w, x unsafe.Pointer, rows, cols int32)

//go:wasmimport textlab_simd matmul_t_f32
func matMulTF32(out, x, w unsafe.Pointer, n, in, outDim int32)

// Available reports whether the worker loaded the SIMD module (it sets
// globalThis.textlabSimd to true once the kernels are callable).
func Available() bool {
	return js.Global().Get("textlabSimd").Truthy()
}

// Install makes core/quant and core/tensor use the SIMD kernels when they
// are available and reports whether it did.
func Install() bool {
	if !Available() {
		return false
	}
	quant.UseDotRowsKernel(DotRowsInt8)
	tensor.UseMatVecKernel(MatVec)
	tensor.UseMatMulKernel(MatMulT)
	return true
}

// DotRowsInt8 is quant.DotRows on the SIMD kernel: dst[r] = Σ_c x[c]·w[r·len(x)+c]
// in int32 for every r < len(dst). w must hold len(dst)·len(x) values.
func DotRowsInt8(dst []int32, x, w []int8) {
	rows, cols := len(dst), len(x)
	if rows == 0 {
		return
	}
	if cols == 0 {
		clear(dst)
		return
	}
	if len(w) < rows*cols {
		panic("simd.DotRowsInt8: w is shorter than len(dst)·len(x)")
	}
	dotRowsI8(unsafe.Pointer(&dst[0]), unsafe.Pointer(&x[0]), unsafe.Pointer(&w[0]), int32(rows), int32(cols))
}

// MatVec is tensor.MatVec on the SIMD kernel: out[r] = Σ_c w[r·cols+c]·x[c],
// each row summed in column order (four rows per vector), so the results
// are GoMatVec's bit for bit.
func MatVec(out, w, x []float32, rows, cols int) {
	if rows == 0 {
		return
	}
	if cols == 0 {
		clear(out[:rows])
		return
	}
	if len(out) < rows || len(w) < rows*cols || len(x) < cols {
		panic("simd.MatVec: a slice is shorter than its shape")
	}
	matVecF32(unsafe.Pointer(&out[0]), unsafe.Pointer(&w[0]), unsafe.Pointer(&x[0]), int32(rows), int32(cols))
}

// MatMulT sets out = x·Wᵀ for x [n][in] and W [outDim][in] on the SIMD
// kernel: each product keeps four partial sums, one per lane.
func MatMulT(out, x, w []float32, n, in, outDim int) {
	if n == 0 || outDim == 0 {
		return
	}
	if in == 0 {
		clear(out[:n*outDim])
		return
	}
	if len(out) < n*outDim || len(x) < n*in || len(w) < outDim*in {
		panic("simd.MatMulT: a slice is shorter than its shape")
	}
	matMulTF32(unsafe.Pointer(&out[0]), unsafe.Pointer(&x[0]), unsafe.Pointer(&w[0]), int32(n), int32(in), int32(outDim))
}
