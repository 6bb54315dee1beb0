//go:build bench

package gemm

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// numpyServer is the Python side of TestVersusNumPy: it reads lines
// "transA transB m n k seconds", times numpy.matmul (NumPy's BLAS sgemm,
// writing into a preallocated C, so beta = 0) on that shape for about that
// long, and answers with the GFLOP/s of each timed batch.
const numpyServer = `
import ctypes, sys, time
import numpy as np
try:
    blas = ctypes.CDLL("libblas.so.3")
    blas.openblas_get_config.restype = ctypes.c_char_p
    info = blas.openblas_get_config().decode()
except Exception as e:
    info = "BLAS: " + str(e)
print("numpy %s, %s" % (np.__version__, info), flush=True)
rng = np.random.default_rng(1)
for line in sys.stdin:
    ta, tb, m, n, k, secs = line.split()
    ta, tb, m, n, k, secs = ta == "1", tb == "1", int(m), int(n), int(k), float(secs)
    a = rng.uniform(-1, 1, (k, m) if ta else (m, k)).astype(np.float32)
    b = rng.uniform(-1, 1, (n, k) if tb else (k, n)).astype(np.float32)
    A = a.T if ta else a
    B = b.T if tb else b
    C = np.empty((m, n), np.float32)
    np.matmul(A, B, out=C)
    t0 = time.perf_counter(); np.matmul(A, B, out=C); one = time.perf_counter() - t0
    batch = max(1, int(0.002 / max(one, 1e-7)))
    rates = []
    end = time.perf_counter() + secs
    while time.perf_counter() < end or not rates:
        t0 = time.perf_counter()
        for _ in range(batch):
            np.matmul(A, B, out=C)
        rates.append(2.0 * m * n * k * batch / (time.perf_counter() - t0) / 1e9)
    print(" ".join("%.3f" % r for r in rates), flush=True)
`

// numpyProc is one running numpyServer with its BLAS on a fixed number of
// threads.
type numpyProc struct {
	cmd  *exec.Cmd
	in   io.WriteCloser
	out  *bufio.Scanner
	info string
}

func startNumPy(t *testing.T, threads int) *numpyProc {
	t.Helper()
	python := "/usr/bin/python3" // Debian's, which has numpy (see docs/DESIGN.md)
	cmd := exec.Command(python, "-c", numpyServer)
	n := strconv.Itoa(threads)
	cmd.Env = append(os.Environ(), "OPENBLAS_NUM_THREADS="+n, "OMP_NUM_THREADS="+n, "MKL_NUM_THREADS="+n)
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Skipf("%s: %v (apt-get install -y python3-numpy)", python, err)
	}
	p := &numpyProc{cmd: cmd, in: in, out: bufio.NewScanner(out)}
	if !p.out.Scan() {
		t.Fatalf("%s with numpy did not start (apt-get install -y python3-numpy)", python)
	}
	p.info = p.out.Text()
	return p
}

func (p *numpyProc) rates(t *testing.T, s benchShape, secs float64) []float64 {
	t.Helper()
	b := func(x bool) int {
		if x {
			return 1
		}
		return 0
	}
	fmt.Fprintf(p.in, "%d %d %d %d %d %g\n", b(s.transA), b(s.transB), s.m, s.n, s.k, secs)
	if !p.out.Scan() {
		t.Fatalf("numpy gave no answer for %v: %v", s, p.out.Err())
	}
	var r []float64
	for _, f := range strings.Fields(p.out.Text()) {
		v, err := strconv.ParseFloat(f, 64)
		if err != nil {
			t.Fatal(err)
		}
		r = append(r, v)
	}
	return r
}

func (p *numpyProc) close() {
	p.in.Close()
	p.cmd.Wait()
}

// goRates times Sgemm on s (beta = 0, like numpy.matmul) on threads
// goroutines for about secs seconds, in batches of at least 2 ms, and
// returns the GFLOP/s of each batch.
func goRates(s benchShape, threads int, secs float64) []float64 {
	a, lda, b, ldb, c := s.operands()
	defer SetThreads(SetThreads(threads))
	run := func() {
		Sgemm(s.transA, s.transB, s.m, s.n, s.k, 1, a, lda, b, ldb, 0, c, s.n)
	}
	run()
	t0 := time.Now()
	run()
	batch := max(1, int(2*time.Millisecond/max(time.Since(t0), 100*time.Nanosecond)))
	flops := 2 * float64(s.m) * float64(s.n) * float64(s.k) * float64(batch)
	var rates []float64
	end := time.Now().Add(time.Duration(secs * float64(time.Second)))
	for len(rates) == 0 || time.Now().Before(end) {
		t0 := time.Now()
		for range batch {
			run()
		}
		rates = append(rates, flops/time.Since(t0).Seconds()/1e9)
	}
	return rates
}

func median(x []float64) float64 {
	x = slices.Clone(x)
	slices.Sort(x)
	if len(x)%2 == 1 {
		return x[len(x)/2]
	}
	return (x[len(x)/2-1] + x[len(x)/2]) / 2
}

func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	return strings.TrimSpace(string(b))
}

// TestVersusNumPy prints Sgemm's speed next to NumPy's (its BLAS sgemm) on
// the training shapes, with 1 thread and with all of them. Go and NumPy
// take turns on each shape (rounds of GEMM_VS_SECONDS, default 0.4 s each,
// GEMM_VS_ROUNDS rounds, default 3) so that both see the same load; each
// column is the median of the batches timed. GEMM_VS_KERNEL=avx2 (or go)
// measures that kernel instead of the one Sgemm chose. Run it with
//
//	go test -tags bench -run VersusNumPy -v -timeout 30m ./core/gemm/
func TestVersusNumPy(t *testing.T) {
	secs := 0.4
	if v, err := strconv.ParseFloat(os.Getenv("GEMM_VS_SECONDS"), 64); err == nil && v > 0 {
		secs = v
	}
	rounds := 3
	if v, err := strconv.Atoi(os.Getenv("GEMM_VS_ROUNDS")); err == nil && v > 0 {
		rounds = v
	}
	if name := os.Getenv("GEMM_VS_KERNEL"); name != "" {
		saved := active
		defer func() { active = saved }()
		for _, kn := range kernels {
			if kn.name == name {
				active = kn
			}
		}
		if active.name != name {
			t.Fatalf("GEMM_VS_KERNEL=%s: this machine has no such kernel", name)
		}
	}
	all := runtime.GOMAXPROCS(0)
	threadCounts := []int{1}
	if all > 1 {
		threadCounts = append(threadCounts, all)
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "date: %s\nload average before: %s\n", time.Now().UTC().Format("2006-01-02 15:04 MST"), loadavg())
	fmt.Fprintf(&sb, "Go %s %s/%s, Sgemm kernel %q, GOMAXPROCS %d\n", runtime.Version(), runtime.GOOS, runtime.GOARCH, active.name, all)
	procs := map[int]*numpyProc{}
	for _, th := range threadCounts {
		procs[th] = startNumPy(t, th)
		defer procs[th].close()
	}
	fmt.Fprintf(&sb, "%s\n\n", procs[1].info)
	fmt.Fprintf(&sb, "| product | shape m×n×k | threads | Go GFLOP/s | NumPy GFLOP/s | Go / NumPy |\n")
	fmt.Fprintf(&sb, "| --- | --- | ---: | ---: | ---: | ---: |\n")
	for _, s := range trainingShapes {
		for _, th := range threadCounts {
			var goR, npR []float64
			for range rounds {
				goR = append(goR, goRates(s, th, secs)...)
				npR = append(npR, procs[th].rates(t, s, secs)...)
			}
			g, n := median(goR), median(npR)
			fmt.Fprintf(&sb, "| %s | %s | %d | %.1f | %.1f | %.2f |\n", s.role, s, th, g, n, g/n)
		}
	}
	fmt.Fprintf(&sb, "\nload average after: %s\n", loadavg())
	t.Log("\n" + sb.String())
}
