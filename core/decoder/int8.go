package decoder

import (
	"fmt"
	"slices"

	"textlab/core/quant"
)

// Int8 decoders
//
// Quantize converts every projection of the transformer blocks (Llama's
// wq, wk, wv, wo, w1, w2, w3; GPT-2's c_attn, attn.c_proj, c_fc and
// mlp.c_proj) to symmetric int8 with one float32 scale per output row
// (package textlab/core/quant). The token and position embeddings, the
// norms, the biases and the output head (the classifier, or GPT-2's tied
// wte) stay float32: they are a small share of the work per token in the
// small models Textlab runs, and the head's logits are what the samplers
// read, so keeping it exact keeps the sampled distribution closest to the
// float model's. At run time each activation vector is quantized to int8
// with its own scale before every product, and the products accumulate in
// int32.

// int8Block is how many rows matmulInt8 sums per quant.DotRows call.
const int8Block = 64

// matmulInt8 computes out = W·x for the int8 matrix q ([d][n]): x is
// quantized into xq with one scale, each row's int32 dot product
// (quant.DotRows, int8Block rows per call, into acc) is scaled back by both
// scales.
func matmulInt8(out, x []float32, q *quant.Matrix, xq []int8, acc []int32) {
	n := q.Cols
	xq = xq[:n]
	sx := quant.QuantizeRow(xq, x[:n])
	for r := 0; r < q.Rows; r += int8Block {
		block := acc[:min(int8Block, q.Rows-r)]
		quant.DotRows(block, xq, q.Data[r*n:])
		for i, a := range block {
			out[r+i] = float32(a) * sx * q.Scales[r+i]
		}
	}
}

// checkMatrix checks a [out][in] weight held as float32 w or, when q is
// not nil, as int8 q.
func checkMatrix(name string, w []float32, q *quant.Matrix, out, in int) error {
	if q == nil {
		if len(w) != out*in {
			return fmt.Errorf("tensor %q: %d values, want %d ([%d %d])", name, len(w), out*in, out, in)
		}
		return nil
	}
	if q.Rows != out || q.Cols != in || len(q.Data) != out*in || len(q.Scales) != out {
		return fmt.Errorf("tensor %q: int8 shape [%d %d] with %d values and %d scales, want [%d %d]",
			name, q.Rows, q.Cols, len(q.Data), len(q.Scales), out, in)
	}
	if in > quant.MaxCols {
		return fmt.Errorf("tensor %q: %d columns overflow the int32 accumulator (max %d)", name, in, quant.MaxCols)
	}
	return nil
}

// quantize returns the int8 version of the [out][in] float matrix w, or q
// unchanged when the weight is already int8.
func quantize(w []float32, q *quant.Matrix, out, in int) *quant.Matrix {
	if q != nil {
		return q
	}
	m := quant.QuantizeMatrix(w, out, in)
	return &m
}

// Quantize converts the projections of every block to int8 (see the
// comment on int8 above); embeddings, norms and the classifier stay
// float32. It replaces the layers' weights: other models sharing them (the
// float32 slices of a checkpoint) are not changed.
func (m *Llama) Quantize() {
	c := m.Config
	dim, hid, kv := c.Dim, c.HiddenDim, c.KVDim()
	m.Weights.Layers = slices.Clone(m.Weights.Layers)
	for i := range m.Weights.Layers {
		l := &m.Weights.Layers[i]
		q := *l.int8()
		l.Int8 = &LlamaInt8{
			Wq: quantize(l.Wq, q.Wq, dim, dim),
			Wk: quantize(l.Wk, q.Wk, kv, dim),
			Wv: quantize(l.Wv, q.Wv, kv, dim),
			Wo: quantize(l.Wo, q.Wo, dim, dim),
			W1: quantize(l.W1, q.W1, hid, dim),
			W2: quantize(l.W2, q.W2, dim, hid),
			W3: quantize(l.W3, q.W3, hid, dim),
		}
		l.Wq, l.Wk, l.Wv, l.Wo, l.W1, l.W2, l.W3 = nil, nil, nil, nil, nil, nil, nil
	}
}

// Quantized reports whether the model's projections are int8.
func (m *Llama) Quantized() bool {
	return len(m.Weights.Layers) > 0 && m.Weights.Layers[0].Int8 != nil
}

// Quantize converts c_attn, attn.c_proj, mlp.c_fc and mlp.c_proj of every
// block to int8 (see the comment on int8 above); embeddings, LayerNorms,
// biases and the tied LM head stay float32. Config.Quantization becomes
// "int8".
func (m *GPT2) Quantize() {
	m.Weights.Layers = slices.Clone(m.Weights.Layers)
	for i := range m.Weights.Layers {
		L := &m.Weights.Layers[i]
		for _, l := range []*Linear{&L.Attn, &L.AttnProj, &L.FC, &L.Proj} {
			l.Q = quantize(l.W, l.Q, l.Out, l.In)
			l.W = nil
		}
	}
	m.Config.Quantization = "int8"
}
