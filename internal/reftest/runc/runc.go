// Package runc describes the outputs of llama2.c's run.c kept in
// shared/reference/llama2c (see its README.md) and loads them for tests:
// the stories260K.bin checkpoint and the ids run.c printed for four
// settings. It only reads files, so tests can use it natively and under
// js/wasm.
package runc

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"textlab/core/decoder"
	"textlab/core/llama2c"
	"textlab/internal/reftest"
)

// Run is one reference generation: run.c on stories260K.bin from BOS with
// -n 256 and these flags.
type Run struct {
	File        string  // the .ids file holding what run.c printed
	Temperature float32 // -t
	TopP        float32 // -p
	Seed        uint64  // -s
}

// Runs lists the reference generations: greedy, two seeded nucleus runs
// and one seeded plain multinomial run.
var Runs = []Run{
	{"greedy_256.ids", 0, 0.9, 1},
	{"t1.0_p0.9_s42_256.ids", 1.0, 0.9, 42},
	{"t0.8_p1.0_s7_256.ids", 0.8, 1.0, 7},
	{"t1.3_p0.5_s1234567_256.ids", 1.3, 0.5, 1234567},
}

// Steps is run.c's -n for every run.
const Steps = 256

// Dir returns shared/reference/llama2c beside the module's checkout.
func Dir(t testing.TB) string {
	t.Helper()
	return reftest.Shared(t, "llama2c")
}

// Path returns the path of a file of the reference folder.
func Path(t testing.TB, name string) string {
	t.Helper()
	return filepath.Join(Dir(t), name)
}

// Checkpoint returns the bytes of stories260K.bin.
func Checkpoint(t testing.TB) []byte {
	t.Helper()
	data, err := os.ReadFile(Path(t, "stories260K.bin"))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// Model returns stories260K.bin loaded as a float32 decoder.Llama.
func Model(t testing.TB) *decoder.Llama {
	t.Helper()
	m, err := llama2c.LoadModel(Checkpoint(t))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// IDs returns the ids of a reference file, in order.
func IDs(t testing.TB, file string) []int {
	t.Helper()
	data, err := os.ReadFile(Path(t, file))
	if err != nil {
		t.Fatal(err)
	}
	var ids []int
	for _, f := range strings.Fields(string(data)) {
		id, err := strconv.Atoi(f)
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		ids = append(ids, id)
	}
	return ids
}

// Join formats ids as run.c prints them: space-separated.
func Join(ids []int) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = strconv.Itoa(id)
	}
	return strings.Join(s, " ")
}
