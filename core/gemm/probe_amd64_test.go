//go:build !purego

package gemm

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestProbeConfigs (temporary) interleaves kernel configurations
// GEMM_CONFIGS="name:mr:kc:nc,..." over GEMM_PROBE shapes, best of rounds.
func TestProbeConfigs(t *testing.T) {
	spec := os.Getenv("GEMM_CONFIGS")
	if spec == "" {
		t.Skip()
	}
	threads, _ := strconv.Atoi(os.Getenv("GEMM_THREADS"))
	defer SetThreads(SetThreads(max(threads, 1)))
	micro := map[string]func(kc int, a, b, c *float32, ldc int, alpha, beta float32){
		"14x32": kernAVX512_14x32, "12x32": kernAVX512_12x32, "avx2": kernAVX2_6x16,
	}
	var cfgs []*kernel
	for _, c := range strings.Split(spec, ",") {
		f := strings.Split(c, ":")
		mr, _ := strconv.Atoi(f[1])
		nr, _ := strconv.Atoi(f[2])
		kc, _ := strconv.Atoi(f[3])
		nc, _ := strconv.Atoi(f[4])
		fn := micro[f[0]]
		cfgs = append(cfgs, &kernel{name: c, mr: mr, nr: nr, kc: kc, nc: nc, packT: packTAVX, packR: packRowsAVX,
			micro: func(kc int, a, b, c []float32, ldc int, alpha, beta float32) {
				fn(kc, &a[0], &b[0], &c[0], ldc, alpha, beta)
			}})
	}
	rounds, _ := strconv.Atoi(os.Getenv("GEMM_ROUNDS"))
	rounds = max(rounds, 5)
	for _, s := range trainingShapes {
		if p := os.Getenv("GEMM_PROBE"); p != "all" && !strings.Contains(p, s.String()) {
			continue
		}
		a, lda, bm, ldb, c := s.operands()
		_ = runtime.LockOSThread
		best := make([]float64, len(cfgs))
		for r := 0; r < rounds; r++ {
			for i, kn := range cfgs {
				t0 := time.Now()
				c0 := threadCPU()
				n := 0
				for time.Since(t0) < 3*time.Millisecond {
					kn.gemm(max(threads, 1), s.transA, s.transB, s.m, s.n, s.k, 1, a, lda, bm, ldb, 0, c, s.n)
					n++
				}
				best[i] = max(best[i], 2*float64(s.m*s.n*s.k)*float64(n)/time.Since(t0).Seconds()/1e9)
				_ = c0
			}
		}
		fmt.Printf("%-22s", s)
		for i := range cfgs {
			fmt.Printf(" %s=%.1f", cfgs[i].name, best[i])
		}
		fmt.Println()
	}
}

func threadCPU() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(1, &ru) // RUSAGE_THREAD
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func BenchmarkTranspose8(b *testing.B) {
	src := make([]float32, 14*256)
	dst := make([]float32, 14*256+8)
	for b.Loop() {
		packTAVX(dst, 14, src, 256, 14, 256)
	}
	b.ReportMetric(float64(14*256*b.N)/b.Elapsed().Seconds()/1e9, "Gelem/s")
}

func BenchmarkPackRows(b *testing.B) {
	src := make([]float32, 256*256)
	dst := make([]float32, 256*256*2)
	for b.Loop() {
		packRowsAVX(dst, 14, src, 256, 252, 256, 0, 256)
	}
	b.ReportMetric(float64(252*256*b.N)/b.Elapsed().Seconds()/1e9, "Gelem/s")
}
