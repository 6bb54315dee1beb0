//go:build !amd64 || purego

package gemm

// Only the plain Go kernel (goKernel) exists here.
