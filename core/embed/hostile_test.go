package embed

import (
	"encoding/binary"
	"runtime"
	"testing"
)

// TestHugeDeclaredSizes: a header that declares 2^32-1 words of length
// 4096 in a 1 KB file fails without allocating them.
func TestHugeDeclaredSizes(t *testing.T) {
	in := make([]byte, 1024)
	copy(in, magic)
	binary.LittleEndian.PutUint32(in[4:], version)
	binary.LittleEndian.PutUint32(in[8:], 4096)
	binary.LittleEndian.PutUint32(in[12:], 1<<32-1)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err := Parse(in)
	runtime.ReadMemStats(&after)
	if err == nil {
		t.Fatal("no error")
	}
	if n := after.TotalAlloc - before.TotalAlloc; n > 1<<20 {
		t.Errorf("Parse allocated %d bytes for a 1 KB file", n)
	}
}
