package quant

// DotRows sets dst[r] = Σ_c x[c]·w[r·len(x)+c] in int32 for every
// r < len(dst): the int8 products of x with len(dst) consecutive rows of w.
// w must hold at least len(dst)·len(x) values.
//
// The products are exact, so every kernel gives the same result; the Go
// kernel is used unless an engine installed a faster one with
// UseDotRowsKernel.
func DotRows(dst []int32, x, w []int8) {
	if len(w) < len(dst)*len(x) {
		panic("quant.DotRows: w is shorter than len(dst)·len(x)")
	}
	dotRows(dst, x, w)
}

var dotRows = dotRowsGo

// UseDotRowsKernel replaces the kernel behind DotRows (the WebAssembly
// engine installs a SIMD one) and returns the previous kernel. The kernel
// must compute exactly what DotRows documents; it is called only with
// valid lengths. Install kernels before any computation starts: the
// replacement is not synchronised with running calls.
func UseDotRowsKernel(k func(dst []int32, x, w []int8)) (previous func(dst []int32, x, w []int8)) {
	previous = dotRows
	dotRows = k
	return previous
}

// GoDotRows is the Go kernel behind DotRows, for comparing other kernels
// with it.
func GoDotRows(dst []int32, x, w []int8) {
	if len(w) < len(dst)*len(x) {
		panic("quant.GoDotRows: w is shorter than len(dst)·len(x)")
	}
	dotRowsGo(dst, x, w)
}

// dotRowsGo takes four rows at a time (dot4), so every value of x loaded
// serves four products, then the remaining rows one by one.
func dotRowsGo(dst []int32, x, w []int8) {
	n := len(x)
	r := 0
	for ; r+4 <= len(dst); r += 4 {
		acc := dot4(x, w[r*n:(r+4)*n], n)
		copy(dst[r:r+4], acc[:])
	}
	for ; r < len(dst); r++ {
		dst[r] = DotInt8(x, w[r*n:(r+1)*n])
	}
}
