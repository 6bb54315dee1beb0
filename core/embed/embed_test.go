package embed

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func small(t testing.TB) *Vectors {
	t.Helper()
	v, err := Quantize([]string{"good", "bad", "film", "día"}, [][]float32{
		{1, 0, 0.5}, {-1, 0, 0.5}, {0, 2, 0}, {0.25, -0.5, 1},
	})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func encode(t testing.TB, v *Vectors) []byte {
	t.Helper()
	var b bytes.Buffer
	if _, err := v.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestRoundTripAndQuantization(t *testing.T) {
	words := []string{"a1", "b2", "zero"}
	vecs := [][]float32{{0.3, -1.27, 0.011}, {100, 3, -50}, {0, 0, 0}}
	v, err := Quantize(words, vecs)
	if err != nil {
		t.Fatal(err)
	}
	data := encode(t, v)
	if want := 16 + (1 + 2) + (1 + 2) + (1 + 4) + 3*(4+3); len(data) != want {
		t.Errorf("file is %d bytes, want %d", len(data), want)
	}
	w, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	if w.Dim() != 3 || w.Len() != 3 || !reflect.DeepEqual(w.Words(), words) {
		t.Fatalf("parsed dim %d, words %v", w.Dim(), w.Words())
	}
	for i, word := range words {
		got, ok := w.Lookup(word)
		if !ok {
			t.Fatalf("%q not found", word)
		}
		amax := 0.0
		for _, x := range vecs[i] {
			amax = max(amax, math.Abs(float64(x)))
		}
		for k, x := range vecs[i] {
			// Rounding error at most half a quantization step.
			if d := math.Abs(got[k] - float64(x)); d > amax/127/2*1.0001 {
				t.Errorf("%q[%d] = %v, want %v within %v", word, k, got[k], x, amax/254)
			}
		}
	}
	if _, ok := w.Lookup("missing"); ok {
		t.Error("Lookup found a word that is not in the table")
	}
}

func TestTransform(t *testing.T) {
	v := small(t)
	docs := []string{"Good FILM, good!", "a bad, bad x", "nothing known here", "", "Día de film"}
	f, err := v.Transform(context.Background(), docs, nil)
	if err != nil {
		t.Fatal(err)
	}
	if f.X.Rows != 5 || f.X.Cols != 3 {
		t.Fatalf("shape [%d %d], want [5 3]", f.X.Rows, f.X.Cols)
	}
	mean := func(words ...string) []float64 {
		out := make([]float64, 3)
		for _, w := range words {
			x, _ := v.Lookup(w)
			for k := range out {
				out[k] += x[k] / float64(len(words))
			}
		}
		return out
	}
	want := [][]float64{mean("good", "film", "good"), mean("bad", "bad"), {0, 0, 0}, {0, 0, 0}, mean("día", "film")}
	got := f.X.Dense()
	for i := range want {
		for k := range want[i] {
			if math.Abs(got[i][k]-want[i][k]) > 1e-12 {
				t.Errorf("document %d: row %v, want %v", i, got[i], want[i])
				break
			}
		}
	}
	// "x" and "a" are single characters, not tokens; "de" is unknown.
	if !reflect.DeepEqual(f.Empty, []int{2, 3}) || f.Known != 7 || f.Unknown != 4 {
		t.Errorf("empty %v, known %d, unknown %d; want [2 3], 7, 4", f.Empty, f.Known, f.Unknown)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := v.Transform(ctx, docs, nil); err == nil {
		t.Error("cancelled Transform: no error")
	}
}

func TestParseErrors(t *testing.T) {
	good := encode(t, small(t))
	edit := func(f func(b []byte) []byte) []byte { return f(append([]byte(nil), good...)) }
	put := func(off int, x uint32) func(b []byte) []byte {
		return func(b []byte) []byte { binary.LittleEndian.PutUint32(b[off:], x); return b }
	}
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "shorter than"},
		{"magic", edit(func(b []byte) []byte { b[0] = 'X'; return b }), "magic"},
		{"version", edit(put(4, 2)), "version"},
		{"dim 0", edit(put(8, 0)), "vector length"},
		{"huge dim", edit(put(8, 1<<20)), "vector length"},
		{"huge count", edit(put(12, 1<<31)), "do not fit"},
		{"truncated", good[:len(good)-1], "want"},
		{"trailing byte", append(append([]byte(nil), good...), 0), "want"},
		{"word past end", edit(func(b []byte) []byte { b[16] = 250; return b }), "past the end"},
		{"duplicate", edit(func(b []byte) []byte { copy(b[26:30], "good"); return b }), "twice"},
		{"empty word", edit(func(b []byte) []byte { b[16] = 0; return b }), "empty"},
		{"negative scale", edit(func(b []byte) []byte {
			off := len(b) - 4*(4+3)
			binary.LittleEndian.PutUint32(b[off:], math.Float32bits(-1))
			return b
		}), "bad scale"},
	}
	for _, tc := range tests {
		_, err := Parse(tc.data)
		if err == nil {
			t.Errorf("%s: no error", tc.name)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %q does not mention %q", tc.name, err, tc.want)
		}
	}
}

func TestQuantizeErrors(t *testing.T) {
	tests := []struct {
		name  string
		words []string
		vecs  [][]float32
	}{
		{"count mismatch", []string{"a"}, nil},
		{"duplicate", []string{"aa", "aa"}, [][]float32{{1}, {2}}},
		{"empty word", []string{""}, [][]float32{{1}}},
		{"long word", []string{strings.Repeat("x", 256)}, [][]float32{{1}}},
		{"ragged", []string{"aa", "bb"}, [][]float32{{1, 2}, {2}}},
		{"NaN", []string{"aa"}, [][]float32{{float32(math.NaN())}}},
		{"no dims", []string{"aa"}, [][]float32{{}}},
	}
	for _, tc := range tests {
		if _, err := Quantize(tc.words, tc.vecs); err == nil {
			t.Errorf("%s: no error", tc.name)
		}
	}
}

// TestShippedTable reads Textlab's default table and checks that it holds
// meaningful English vectors: related words are closer than unrelated ones.
func TestShippedTable(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "static", "models", "wink-glove-100d-int8.bin"))
	if err != nil {
		t.Fatal(err)
	}
	v, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	if v.Dim() != 100 || v.Len() < 30000 {
		t.Fatalf("dim %d, %d words; want 100 and at least 30000", v.Dim(), v.Len())
	}
	if !bytes.Equal(encode(t, v), data) {
		t.Error("writing the parsed table does not give the file back")
	}
	cos := func(a, b string) float64 {
		x, ok1 := v.Lookup(a)
		y, ok2 := v.Lookup(b)
		if !ok1 || !ok2 {
			t.Fatalf("%q or %q missing", a, b)
		}
		var xy, xx, yy float64
		for k := range x {
			xy += x[k] * y[k]
			xx += x[k] * x[k]
			yy += y[k] * y[k]
		}
		return xy / math.Sqrt(xx*yy)
	}
	for _, c := range [][3]string{{"king", "queen", "banana"}, {"democrat", "republican", "spaghetti"}, {"money", "cash", "river"}} {
		if near, far := cos(c[0], c[1]), cos(c[0], c[2]); near <= far+0.2 {
			t.Errorf("cos(%s, %s) = %.3f, not clearly above cos(%s, %s) = %.3f", c[0], c[1], near, c[0], c[2], far)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add(encode(f, small(f)))
	f.Add([]byte("TLWV\x01\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00"))
	good := encode(f, small(f))
	f.Add(good[:len(good)-1])                                                      // truncated
	f.Add([]byte("TLWV\x01\x00\x00\x00\x00\x10\x00\x00\xff\xff\xff\xff" + "more")) // 2^32-1 words of 4096 declared
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := Parse(data)
		if err != nil {
			return
		}
		// A table that parses writes back to the same bytes.
		if got := encode(t, v); !bytes.Equal(got, data) {
			t.Fatalf("round trip changed %d bytes into %d", len(data), len(got))
		}
		if _, err := v.Transform(context.Background(), []string{"some text"}, nil); err != nil && v.Dim() > 0 {
			t.Fatal(err)
		}
	})
}

func ExampleVectors_Transform() {
	v, _ := Quantize([]string{"good", "bad", "film"}, [][]float32{{1, 0}, {-1, 0}, {0, 1}})
	f, _ := v.Transform(context.Background(), []string{"Good film", "bad, BAD film", "unknown words"}, nil)
	for _, row := range f.X.Dense() {
		fmt.Printf("%.3f\n", row)
	}
	fmt.Println("no known word:", f.Empty, "known tokens:", f.Known, "unknown:", f.Unknown)
	// Output:
	// [0.500 0.500]
	// [-0.667 0.333]
	// [0.000 0.000]
	// no known word: [2] known tokens: 5 unknown: 2
}

func ExampleParse() {
	v, _ := Quantize([]string{"good", "film"}, [][]float32{{1, -0.5}, {0, 2}})
	var file bytes.Buffer
	v.WriteTo(&file)
	fmt.Println(file.Len(), "bytes")
	w, err := Parse(file.Bytes())
	if err != nil {
		panic(err)
	}
	x, _ := w.Lookup("good")
	// int8 steps of max|v|/127: -0.5 is stored as -64/127.
	fmt.Printf("%d words, dim %d, good = %.4f\n", w.Len(), w.Dim(), x)
	// Output:
	// 38 bytes
	// 2 words, dim 2, good = [1.0000 -0.5039]
}
