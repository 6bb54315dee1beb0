package safetensors

import (
	"encoding/binary"
	"runtime"
	"testing"
)

// allocated returns the bytes f allocates.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestHugeDeclaredSizes: headers that declare a 100 GB tensor or header in a
// file of at most 1 KB fail fast, allocating nothing near what they claim.
func TestHugeDeclaredSizes(t *testing.T) {
	hugeLen := make([]byte, 16)
	binary.LittleEndian.PutUint64(hugeLen, 100e9)
	tests := map[string][]byte{
		"100 GB tensor":       build(`{"x":{"dtype":"F32","shape":[25000000000],"data_offsets":[0,100000000000]}}`, make([]byte, 8)),
		"100 GB shape":        build(`{"x":{"dtype":"F32","shape":[25000000000],"data_offsets":[0,8]}}`, make([]byte, 8)),
		"100 GB header":       hugeLen,
		"header past end":     build(`{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`, nil)[:20],
		"truncated body":      build(`{"x":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}`, make([]byte, 8)),
		"offsets wrap around": build(`{"x":{"dtype":"I8","shape":[2],"data_offsets":[18446744073709551615,1]}}`, make([]byte, 8)),
	}
	for name, in := range tests {
		if len(in) > 1024 {
			t.Fatalf("%s: test file is %d bytes", name, len(in))
		}
		var err error
		if n := allocated(func() { _, err = Read(in) }); n > 1<<20 {
			t.Errorf("%s: Read allocated %d bytes for a %d-byte file", name, n, len(in))
		}
		if err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
