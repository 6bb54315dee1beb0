// Package llama2c reads and writes the files of Andrej Karpathy's llama2.c:
// model checkpoints in the legacy float32 layout (model.bin) and the
// SentencePiece-derived vocabulary (tokenizer.bin), whose Tokenizer encodes
// and decodes exactly as run.c does.
//
// A checkpoint is a header of seven little-endian int32 values (dim,
// hidden_dim, n_layers, n_heads, n_kv_heads, vocab_size, seq_len; a negative
// vocab_size means the classifier is stored separately instead of shared
// with the token embedding), followed by float32 tensors in this order:
// token_embedding, rms_att, wq, wk, wv, wo, rms_ffn, w1, w2, w3, rms_final,
// freq_cis_real, freq_cis_imag, and wcls when not shared.
package llama2c

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"

	"textlab/core/decoder"
)

const headerSize = 7 * 4

// maxParams bounds the number of float32 values a checkpoint may declare,
// so an absurd header is rejected before any arithmetic can overflow.
const maxParams = 1 << 40

// Checkpoint is a llama2.c model file in memory.
type Checkpoint struct {
	Config  decoder.LlamaConfig
	Weights decoder.LlamaWeights
	// Shared reports whether the classifier is the token embedding (a
	// positive vocab_size in the header). When writing, Shared is honoured
	// only if Weights.Classifier equals the token embedding.
	Shared bool
	// FreqCisReal and FreqCisImag are the precomputed rotary tables
	// ([seq_len][head_size/2] each) that the legacy layout stores and run.c
	// skips. When nil, Write computes them as llama2.c's export does.
	FreqCisReal, FreqCisImag []float32
}

// Model returns a decoder.Llama running the checkpoint's weights (shared,
// not copied).
func (c *Checkpoint) Model() (*decoder.Llama, error) {
	return decoder.NewLlama(c.Config, c.Weights)
}

// LoadModel parses a llama2.c checkpoint and returns the model running its
// weights: ParseCheckpoint, then Model.
func LoadModel(data []byte) (*decoder.Llama, error) {
	ck, err := ParseCheckpoint(data)
	if err != nil {
		return nil, err
	}
	return ck.Model()
}

// ReadCheckpoint reads a whole llama2.c checkpoint from r.
func ReadCheckpoint(r io.Reader) (*Checkpoint, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("llama2c checkpoint: %w", err)
	}
	return ParseCheckpoint(data)
}

// tensorSpec names one tensor of the file and its number of values.
type tensorSpec struct {
	name string
	n    int
}

// layout lists the tensors of a checkpoint in file order.
func layout(c decoder.LlamaConfig, shared bool) []tensorSpec {
	dim, hid, L, kv, hs := c.Dim, c.HiddenDim, c.NLayers, c.KVDim(), c.HeadSize()
	specs := []tensorSpec{
		{"token_embedding", c.VocabSize * dim},
		{"rms_att", L * dim},
		{"wq", L * dim * dim},
		{"wk", L * kv * dim},
		{"wv", L * kv * dim},
		{"wo", L * dim * dim},
		{"rms_ffn", L * dim},
		{"w1", L * hid * dim},
		{"w2", L * dim * hid},
		{"w3", L * hid * dim},
		{"rms_final", dim},
		{"freq_cis_real", c.SeqLen * hs / 2},
		{"freq_cis_imag", c.SeqLen * hs / 2},
	}
	if !shared {
		specs = append(specs, tensorSpec{"wcls", c.VocabSize * dim})
	}
	return specs
}

// ParseCheckpoint decodes a llama2.c checkpoint held in data. Every size is
// checked against len(data) before anything is allocated; errors name the
// tensor and the problem. The float values are copied out of data.
func ParseCheckpoint(data []byte) (*Checkpoint, error) {
	if len(data) < headerSize {
		return nil, fmt.Errorf("llama2c checkpoint: %d bytes, shorter than the %d-byte header", len(data), headerSize)
	}
	var h [7]int
	for i := range h {
		h[i] = int(int32(binary.LittleEndian.Uint32(data[4*i:])))
	}
	shared := h[5] > 0
	vocab := h[5]
	if vocab < 0 {
		vocab = -vocab
	}
	cfg := decoder.LlamaConfig{Dim: h[0], HiddenDim: h[1], NLayers: h[2], NHeads: h[3], NKVHeads: h[4], VocabSize: vocab, SeqLen: h[6]}
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("llama2c checkpoint header: %w", err)
	}
	// Sum the sizes in float64: products of int32 header values must never
	// wrap around before they are compared with the file length.
	names := []string{"token_embedding", "rms_att", "wq", "wk", "wv", "wo", "rms_ffn", "w1", "w2", "w3", "rms_final", "freq_cis_real", "freq_cis_imag"}
	if !shared {
		names = append(names, "wcls")
	}
	var total float64
	for _, n := range names {
		total += sizeOf(cfg, n)
	}
	have := (len(data) - headerSize) / 4
	if total > maxParams || total > float64(have) {
		return nil, truncated(cfg, names, have)
	}
	specs := layout(cfg, shared)
	ck := &Checkpoint{Config: cfg, Shared: shared}
	floats := make([]float32, int(total))
	for i := range floats {
		floats[i] = math.Float32frombits(binary.LittleEndian.Uint32(data[headerSize+4*i:]))
	}
	if extra := len(data) - headerSize - 4*len(floats); extra != 0 {
		return nil, fmt.Errorf("llama2c checkpoint: %d bytes after the last tensor (%s); the header does not match the file", extra, specs[len(specs)-1].name)
	}
	t := map[string][]float32{}
	for _, s := range specs {
		t[s.name], floats = floats[:s.n:s.n], floats[s.n:]
	}
	w := &ck.Weights
	w.TokenEmbedding = t["token_embedding"]
	w.RMSFinal = t["rms_final"]
	w.Classifier = t["token_embedding"]
	if !shared {
		w.Classifier = t["wcls"]
	}
	ck.FreqCisReal, ck.FreqCisImag = t["freq_cis_real"], t["freq_cis_imag"]
	dim, hid, kv := cfg.Dim, cfg.HiddenDim, cfg.KVDim()
	layer := func(name string, l, n int) []float32 { return t[name][l*n : (l+1)*n : (l+1)*n] }
	w.Layers = make([]decoder.LlamaLayer, cfg.NLayers)
	for l := range w.Layers {
		w.Layers[l] = decoder.LlamaLayer{
			RMSAtt: layer("rms_att", l, dim),
			Wq:     layer("wq", l, dim*dim),
			Wk:     layer("wk", l, kv*dim),
			Wv:     layer("wv", l, kv*dim),
			Wo:     layer("wo", l, dim*dim),
			RMSFFN: layer("rms_ffn", l, dim),
			W1:     layer("w1", l, hid*dim),
			W2:     layer("w2", l, dim*hid),
			W3:     layer("w3", l, hid*dim),
		}
	}
	return ck, nil
}

// sizeOf computes a tensor's number of values in float64, so absurd
// headers cannot overflow.
func sizeOf(c decoder.LlamaConfig, name string) float64 {
	dim, hid, L, kv := float64(c.Dim), float64(c.HiddenDim), float64(c.NLayers), float64(c.KVDim())
	switch name {
	case "token_embedding", "wcls":
		return float64(c.VocabSize) * dim
	case "rms_att", "rms_ffn":
		return L * dim
	case "wq", "wo":
		return L * dim * dim
	case "wk", "wv":
		return L * kv * dim
	case "w1", "w2", "w3":
		return L * hid * dim
	case "rms_final":
		return dim
	default: // freq_cis_real, freq_cis_imag
		return float64(c.SeqLen) * float64(c.HeadSize()/2)
	}
}

// truncated reports the first tensor that does not fit in have values.
func truncated(c decoder.LlamaConfig, names []string, have int) error {
	var off float64
	for _, name := range names {
		n := sizeOf(c, name)
		if off+n > float64(have) {
			return fmt.Errorf("llama2c checkpoint: tensor %q needs %.0f values at offset %.0f, but the file holds only %d after the header (truncated file, or a header that does not match it: %+v)",
				name, n, off, have, c)
		}
		off += n
	}
	return errors.New("llama2c checkpoint: the header declares more parameters than supported")
}

// Write writes the checkpoint to w in the legacy float32 layout. The
// classifier is written separately (negative vocab_size) unless Shared is
// set and Weights.Classifier is the token embedding.
func (c *Checkpoint) Write(w io.Writer) error {
	cfg := c.Config
	if err := cfg.Validate(); err != nil {
		return fmt.Errorf("llama2c write: %w", err)
	}
	if err := c.Weights.Check(cfg); err != nil {
		return fmt.Errorf("llama2c write: %w", err)
	}
	shared := c.Shared && sameSlice(c.Weights.Classifier, c.Weights.TokenEmbedding)
	vocab := int32(cfg.VocabSize)
	if !shared {
		vocab = -vocab
	}
	hdr := []int32{int32(cfg.Dim), int32(cfg.HiddenDim), int32(cfg.NLayers), int32(cfg.NHeads), int32(cfg.NKVHeads), vocab, int32(cfg.SeqLen)}
	if err := binary.Write(w, binary.LittleEndian, hdr); err != nil {
		return fmt.Errorf("llama2c write header: %w", err)
	}
	re, im := c.FreqCisReal, c.FreqCisImag
	if want := cfg.SeqLen * cfg.HeadSize() / 2; len(re) != want || len(im) != want {
		re, im = freqCis(cfg)
	}
	ls := c.Weights.Layers
	perLayer := func(get func(l decoder.LlamaLayer) []float32) [][]float32 {
		out := make([][]float32, len(ls))
		for i, l := range ls {
			out[i] = get(l)
		}
		return out
	}
	parts := []struct {
		name string
		data [][]float32
	}{
		{"token_embedding", [][]float32{c.Weights.TokenEmbedding}},
		{"rms_att", perLayer(func(l decoder.LlamaLayer) []float32 { return l.RMSAtt })},
		{"wq", perLayer(func(l decoder.LlamaLayer) []float32 { return l.Wq })},
		{"wk", perLayer(func(l decoder.LlamaLayer) []float32 { return l.Wk })},
		{"wv", perLayer(func(l decoder.LlamaLayer) []float32 { return l.Wv })},
		{"wo", perLayer(func(l decoder.LlamaLayer) []float32 { return l.Wo })},
		{"rms_ffn", perLayer(func(l decoder.LlamaLayer) []float32 { return l.RMSFFN })},
		{"w1", perLayer(func(l decoder.LlamaLayer) []float32 { return l.W1 })},
		{"w2", perLayer(func(l decoder.LlamaLayer) []float32 { return l.W2 })},
		{"w3", perLayer(func(l decoder.LlamaLayer) []float32 { return l.W3 })},
		{"rms_final", [][]float32{c.Weights.RMSFinal}},
		{"freq_cis_real", [][]float32{re}},
		{"freq_cis_imag", [][]float32{im}},
	}
	if !shared {
		parts = append(parts, struct {
			name string
			data [][]float32
		}{"wcls", [][]float32{c.Weights.Classifier}})
	}
	buf := make([]byte, 0, 1<<16)
	for _, p := range parts {
		for _, d := range p.data {
			for len(d) > 0 {
				n := min(len(d), cap(buf)/4)
				buf = buf[:0]
				for _, v := range d[:n] {
					buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(v))
				}
				if _, err := w.Write(buf); err != nil {
					return fmt.Errorf("llama2c write tensor %q: %w", p.name, err)
				}
				d = d[n:]
			}
		}
	}
	return nil
}

func sameSlice(a, b []float32) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}

// freqCis computes the rotary tables as llama2.c's export.py does:
// cos and sin of t · 10000^(-2i/head_size) for t < seq_len, i < head_size/2.
func freqCis(c decoder.LlamaConfig) (re, im []float32) {
	hs := c.HeadSize()
	re = make([]float32, c.SeqLen*hs/2)
	im = make([]float32, len(re))
	for t := 0; t < c.SeqLen; t++ {
		for i := 0; i < hs/2; i++ {
			f := float32(1 / math.Pow(10000, float64(float32(2*i)/float32(hs))))
			a := float64(float32(t) * f)
			re[t*hs/2+i] = float32(math.Cos(a))
			im[t*hs/2+i] = float32(math.Sin(a))
		}
	}
	return re, im
}
