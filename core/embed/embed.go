// Package embed turns documents into features by averaging pretrained word
// vectors: each document becomes the mean of the vectors of its known
// words, a dense feature vector that the classifiers take like any other
// feature matrix.
//
// Documents are tokenized as scikit-learn's default analyzer does
// (lowercase, then the token pattern (?u)\b\w\w+\b; see core/vectorize).
// Words without a vector are skipped; a document with no known word gets
// the zero vector and is listed in the result, so nothing is dropped
// silently.
//
// # File format
//
// The vectors are stored int8-quantized, one scale per vector, in a small
// binary file (all integers little-endian):
//
//	offset 0   magic "TLWV"
//	offset 4   uint32 version, 1
//	offset 8   uint32 dim, the vector length (1 to 4096)
//	offset 12  uint32 count, the number of words
//	offset 16  count words, each a uint8 byte length (1 to 255) followed
//	           by that many bytes of UTF-8; no word twice
//	then       count vectors in word order, each a float32 scale (finite,
//	           not negative) followed by dim int8 values
//
// Value i of a vector is q[i] * scale. The file ends right after the last
// vector. Textlab's default table, static/models/wink-glove-100d-int8.bin,
// is made by tools/make-embeddings.mjs (see static/models/README.md).
package embed

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"unicode/utf8"

	"textlab/core/sparse"
	"textlab/core/vectorize"
)

const (
	magic   = "TLWV"
	version = 1
	maxDim  = 4096
	header  = 16
)

// Vectors is a table of int8-quantized word vectors.
type Vectors struct {
	dim    int
	words  []string
	index  map[string]int
	scales []float32
	q      []int8 // count x dim
}

// Quantize builds a table from words and their float vectors, all of the
// same length: each vector is stored as int8 values q = round(v/scale) with
// scale = max|v|/127. It returns an error for an empty, too long (over 255
// bytes), invalid UTF-8 or repeated word, or vectors of differing or
// unsupported length or with non-finite values.
func Quantize(words []string, vecs [][]float32) (*Vectors, error) {
	if len(words) != len(vecs) {
		return nil, fmt.Errorf("embed: %d words but %d vectors", len(words), len(vecs))
	}
	dim := 0
	if len(vecs) > 0 {
		dim = len(vecs[0])
	}
	if len(vecs) > 0 && (dim < 1 || dim > maxDim) {
		return nil, fmt.Errorf("embed: vector length %d not in [1, %d]", dim, maxDim)
	}
	v := &Vectors{dim: dim, index: make(map[string]int, len(words)), scales: make([]float32, len(words)), q: make([]int8, len(words)*dim)}
	for i, w := range words {
		if err := v.addWord(w); err != nil {
			return nil, err
		}
		if len(vecs[i]) != dim {
			return nil, fmt.Errorf("embed: word %q: vector length %d, want %d", w, len(vecs[i]), dim)
		}
		amax := 0.0
		for _, x := range vecs[i] {
			if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
				return nil, fmt.Errorf("embed: word %q: non-finite value %v", w, x)
			}
			amax = max(amax, math.Abs(float64(x)))
		}
		scale := float32(amax / 127)
		v.scales[i] = scale
		if scale == 0 {
			continue
		}
		for k, x := range vecs[i] {
			r := math.Round(float64(x) / float64(scale))
			v.q[i*dim+k] = int8(max(-127, min(127, r)))
		}
	}
	return v, nil
}

func (v *Vectors) addWord(w string) error {
	switch {
	case len(w) == 0:
		return fmt.Errorf("embed: word %d is empty", len(v.words))
	case len(w) > 255:
		return fmt.Errorf("embed: word %d is %d bytes long, the limit is 255", len(v.words), len(w))
	case !utf8.ValidString(w):
		return fmt.Errorf("embed: word %d is not valid UTF-8", len(v.words))
	}
	if _, dup := v.index[w]; dup {
		return fmt.Errorf("embed: word %q appears twice", w)
	}
	v.index[w] = len(v.words)
	v.words = append(v.words, w)
	return nil
}

// Parse reads a table in the format described in the package comment.
// Every size is checked against the data's length before anything is
// allocated.
func Parse(data []byte) (*Vectors, error) {
	if len(data) < header {
		return nil, fmt.Errorf("embed: file is %d bytes, shorter than the %d-byte header", len(data), header)
	}
	if string(data[:4]) != magic {
		return nil, fmt.Errorf("embed: bad magic %q, want %q", data[:4], magic)
	}
	if ver := binary.LittleEndian.Uint32(data[4:]); ver != version {
		return nil, fmt.Errorf("embed: format version %d, want %d", ver, version)
	}
	dim64 := uint64(binary.LittleEndian.Uint32(data[8:]))
	count64 := uint64(binary.LittleEndian.Uint32(data[12:]))
	if dim64 < 1 || dim64 > maxDim {
		return nil, fmt.Errorf("embed: header: vector length %d not in [1, %d]", dim64, maxDim)
	}
	// Each word takes at least 2 bytes and each vector 4+dim.
	if rest := uint64(len(data) - header); count64*(2+4+dim64) > rest {
		return nil, fmt.Errorf("embed: header: %d words of length %d do not fit in %d bytes", count64, dim64, rest)
	}
	dim, count := int(dim64), int(count64)
	v := &Vectors{dim: dim, index: make(map[string]int, count), words: make([]string, 0, count)}
	off := header
	for i := 0; i < count; i++ {
		if off >= len(data) {
			return nil, fmt.Errorf("embed: word %d: file ends at byte %d", i, off)
		}
		n := int(data[off])
		off++
		if off+n > len(data) {
			return nil, fmt.Errorf("embed: word %d at byte %d: %d bytes, past the end of the file", i, off-1, n)
		}
		if err := v.addWord(string(data[off : off+n])); err != nil {
			return nil, fmt.Errorf("%w (at byte %d)", err, off-1)
		}
		off += n
	}
	if want := count * (4 + dim); len(data)-off != want {
		return nil, fmt.Errorf("embed: vectors at byte %d: %d bytes, want %d for %d vectors of length %d", off, len(data)-off, want, count, dim)
	}
	v.scales = make([]float32, count)
	v.q = make([]int8, count*dim)
	for i := 0; i < count; i++ {
		s := math.Float32frombits(binary.LittleEndian.Uint32(data[off:]))
		if s < 0 || math.IsNaN(float64(s)) || math.IsInf(float64(s), 0) {
			return nil, fmt.Errorf("embed: vector %d (%q): bad scale %v", i, v.words[i], s)
		}
		v.scales[i] = s
		off += 4
		for k := 0; k < dim; k++ {
			v.q[i*dim+k] = int8(data[off+k])
		}
		off += dim
	}
	return v, nil
}

// Read reads all of r and parses it (see Parse).
func Read(r io.Reader) (*Vectors, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("embed: %w", err)
	}
	return Parse(data)
}

// WriteTo writes the table in the format described in the package comment.
func (v *Vectors) WriteTo(w io.Writer) (int64, error) {
	var b bytes.Buffer
	b.WriteString(magic)
	binary.Write(&b, binary.LittleEndian, [3]uint32{version, uint32(v.dim), uint32(len(v.words))})
	for _, word := range v.words {
		b.WriteByte(byte(len(word)))
		b.WriteString(word)
	}
	for i, s := range v.scales {
		binary.Write(&b, binary.LittleEndian, math.Float32bits(s))
		for _, q := range v.q[i*v.dim : (i+1)*v.dim] {
			b.WriteByte(byte(q))
		}
	}
	return b.WriteTo(w)
}

// Dim returns the vector length.
func (v *Vectors) Dim() int { return v.dim }

// Len returns the number of words.
func (v *Vectors) Len() int { return len(v.words) }

// Words returns the words in table order (shared storage: do not modify).
func (v *Vectors) Words() []string { return v.words }

// Lookup returns the (dequantized) vector of word and whether it is known.
func (v *Vectors) Lookup(word string) ([]float64, bool) {
	i, ok := v.index[word]
	if !ok {
		return nil, false
	}
	out := make([]float64, v.dim)
	v.addTo(out, i)
	return out, true
}

// addTo adds vector i to dst.
func (v *Vectors) addTo(dst []float64, i int) {
	s := float64(v.scales[i])
	for k, q := range v.q[i*v.dim : (i+1)*v.dim] {
		dst[k] += float64(q) * s
	}
}

// Features is the result of Transform.
type Features struct {
	// X has one row per document and Dim columns: the mean of the vectors
	// of the document's known tokens (every occurrence counts).
	X *sparse.Matrix
	// Empty lists the documents (by index) with no known token; their
	// rows are zero.
	Empty []int
	// Known and Unknown count the tokens with and without a vector.
	Known, Unknown int
}

// Transform averages the word vectors of each document. progress (may be
// nil) is called every 256 documents and at the end; Transform returns
// ctx's error when ctx is cancelled.
func (v *Vectors) Transform(ctx context.Context, docs []string, progress func(fraction float64, message string)) (*Features, error) {
	if v == nil || v.dim == 0 {
		return nil, errors.New("embed: empty vector table")
	}
	f := &Features{}
	rows := make([][]float64, len(docs))
	for d, doc := range docs {
		if d%256 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			if progress != nil && d > 0 {
				progress(float64(d)/float64(len(docs)), fmt.Sprintf("%d of %d documents", d, len(docs)))
			}
		}
		row := make([]float64, v.dim)
		n := 0
		for _, tok := range vectorize.Tokenize(vectorize.Lower(doc)) {
			i, ok := v.index[tok]
			if !ok {
				f.Unknown++
				continue
			}
			v.addTo(row, i)
			n++
		}
		f.Known += n
		if n == 0 {
			f.Empty = append(f.Empty, d)
		} else {
			for k := range row {
				row[k] /= float64(n)
			}
		}
		rows[d] = row
	}
	X, err := sparse.FromDense(rows)
	if err != nil {
		return nil, err
	}
	if len(docs) == 0 {
		X.Cols = v.dim
	}
	f.X = X
	if progress != nil {
		progress(1, fmt.Sprintf("%d documents, %d without a known word", len(docs), len(f.Empty)))
	}
	return f, nil
}
