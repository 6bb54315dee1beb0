package llama2c

import (
	"bytes"
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

// TestHugeDeclaredSizes: a checkpoint header that declares about 100 GB of
// weights, or a tokenizer that declares huge pieces, in a 1 KB file fails
// fast without allocating what it claims.
func TestHugeDeclaredSizes(t *testing.T) {
	// dim 8192, hidden 32768, 32 layers, vocab 100,000: tens of GB of float32.
	huge := append(header(8192, 32768, 32, 64, 64, 100000, 4096), make([]byte, 900)...)
	// The same with a vocabulary of 2^31-1.
	vocab := append(header(64, 128, 1, 4, 4, 1<<31-1, 32), make([]byte, 900)...)
	var good bytes.Buffer
	if err := tinyCheckpoint(t).Write(&good); err != nil {
		t.Fatal(err)
	}
	for name, in := range map[string][]byte{"100 GB of weights": huge, "2^31 tokens": vocab, "truncated": good.Bytes()[:good.Len()-1]} {
		var err error
		if n := allocated(func() { _, err = ParseCheckpoint(in) }); n > 1<<20 {
			t.Errorf("%s: ParseCheckpoint allocated %d bytes", name, n)
		}
		if err == nil {
			t.Errorf("%s: no error", name)
		}
	}

	le := func(v ...any) []byte {
		var b bytes.Buffer
		for _, x := range v {
			binary.Write(&b, binary.LittleEndian, x)
		}
		return b.Bytes()
	}
	for name, in := range map[string][]byte{
		"max_token_length 2^31":   le(int32(1<<31 - 1)),
		"piece of 2^31 bytes":     le(int32(16), float32(0), int32(1<<31-1), []byte("abc")),
		"piece past max length":   le(int32(16), float32(0), int32(1000), []byte("abc")),
		"truncated piece":         le(int32(16), float32(0), int32(8), []byte("abc")),
		"negative piece length":   le(int32(16), float32(0), int32(-1)),
		"truncated score, length": le(int32(16), float32(0)),
	} {
		var err error
		if n := allocated(func() { _, err = ReadTokenizer(bytes.NewReader(in)) }); n > 1<<20 {
			t.Errorf("%s: ReadTokenizer allocated %d bytes", name, n)
		}
		if err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
