//go:build ref && !js

package static

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestSIMDModuleIsCurrent assembles wasm/simd/kernels.wat with wabt's
// wat2wasm (installed by `make deps`) and compares it with the committed
// simd.wasm: run `make simd` after editing the kernels.
func TestSIMDModuleIsCurrent(t *testing.T) {
	out := filepath.Join(t.TempDir(), "simd.wasm")
	if msg, err := exec.Command("wat2wasm", filepath.Join("..", "wasm", "simd", "kernels.wat"), "-o", out).CombinedOutput(); err != nil {
		t.Fatalf("wat2wasm: %v\n%s (run `make deps`)", err, msg)
	}
	want, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("simd.wasm")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("static/simd.wasm (%d bytes) differs from kernels.wat assembled (%d bytes): run `make simd`", len(got), len(want))
	}
}
