//go:build exhaustive && !js && amd64

package libmf

import (
	"bufio"
	"bytes"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"testing"
)

// glibcHashes is a C program that prints, for each block of 2^20
// consecutive float32 bit patterns, an FNV-1a hash of the results of expf
// (argument 0), sinf (1) or cosf (2) over the block; NaNs hash as one value.
const glibcHashes = `#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
int main(int argc, char **argv) {
	int which = atoi(argv[1]);
	for (uint64_t block = 0; block < 4096; block++) {
		uint64_t h = 1469598103934665603ULL;
		for (uint64_t j = 0; j < (1 << 20); j++) {
			uint32_t b = (uint32_t)(block << 20 | j), o;
			float x, y;
			memcpy(&x, &b, 4);
			y = which == 0 ? expf(x) : which == 1 ? sinf(x) : cosf(x);
			memcpy(&o, &y, 4);
			if (y != y) o = 0x7fc00000;
			h = (h ^ o) * 1099511628211ULL;
		}
		printf("%llu\n", (unsigned long long)h);
	}
	return 0;
}
`

// TestExhaustive compares Exp, Sin and Cos with the C library on all 2^32
// float32 arguments, in both of glibc's x86-64 builds. It needs a C
// compiler and takes minutes: run it with `make test-libmf-exhaustive`.
func TestExhaustive(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "hashes.c")
	bin := filepath.Join(dir, "hashes")
	if err := os.WriteFile(src, []byte(glibcHashes), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("cc", "-O2", "-o", bin, src, "-lm").CombinedOutput(); err != nil {
		t.Fatalf("compiling the C helper: %v\n%s", err, out)
	}
	names := []string{"exp", "sin", "cos"}
	for _, tc := range []struct {
		tunables string
		v        Variant
	}{{"", FMA}, {"glibc.cpu.hwcaps=-AVX2,-FMA", Plain}} {
		if tc.v.FMA && !cpuHasFMA(t) {
			t.Fatal("this processor has no FMA: glibc's FMA build cannot be compared here")
		}
		funcs := []func(float32) float32{tc.v.Exp, tc.v.Sin, tc.v.Cos}
		for which, f := range funcs {
			cmd := exec.Command(bin, strconv.Itoa(which))
			cmd.Env = append(os.Environ(), "GLIBC_TUNABLES="+tc.tunables)
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("%s: %v", names[which], err)
			}
			var want []uint64
			sc := bufio.NewScanner(bytes.NewReader(out))
			for sc.Scan() {
				h, err := strconv.ParseUint(sc.Text(), 10, 64)
				if err != nil {
					t.Fatal(err)
				}
				want = append(want, h)
			}
			got := blockHashes(f)
			if len(want) != len(got) {
				t.Fatalf("%s: C printed %d hashes, want %d", names[which], len(want), len(got))
			}
			for b := range got {
				if got[b] != want[b] {
					t.Errorf("FMA=%v %s differs from glibc for some argument in %#08x..%#08x", tc.v.FMA, names[which], b<<20, b<<20|0xfffff)
				}
			}
			t.Logf("FMA=%v %s: %d blocks of 2^20 arguments compared", tc.v.FMA, names[which], len(got))
		}
	}
}

// blockHashes hashes f's results over all float32 arguments as glibcHashes
// does, spreading the blocks over the processors.
func blockHashes(f func(float32) float32) []uint64 {
	hashes := make([]uint64, 4096)
	var wg sync.WaitGroup
	next := make(chan int)
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for b := range next {
				h := uint64(1469598103934665603)
				for j := range uint32(1 << 20) {
					y := f(math.Float32frombits(uint32(b)<<20 | j))
					o := math.Float32bits(y)
					if y != y {
						o = 0x7fc00000
					}
					h = (h ^ uint64(o)) * 1099511628211
				}
				hashes[b] = h
			}
		})
	}
	for b := range hashes {
		next <- b
	}
	close(next)
	wg.Wait()
	return hashes
}
