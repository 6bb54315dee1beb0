package nn

import (
	"fmt"
	"math"

	"textlab/core/gemm"
	"textlab/core/libmf"
	"textlab/core/tensor"
)

// AttentionConfig describes a multi-head self-attention layer.
type AttentionConfig struct {
	Dim     int  // model width: the input, the output, and Heads·HeadSize
	Heads   int  // query heads
	KVHeads int  // key/value heads, dividing Heads (grouped-query attention); 0 means Heads
	Causal  bool // position t attends only to positions 0..t (a decoder); otherwise to all
	RoPE    bool // rotate queries and keys by their position, as llama2.c does
	Bias    bool // the four projections have biases (BERT: yes; LLaMA: no)
}

// withDefaults fills KVHeads.
func (c AttentionConfig) withDefaults() AttentionConfig {
	if c.KVHeads == 0 {
		c.KVHeads = c.Heads
	}
	return c
}

// Validate reports the first size that does not describe an attention
// layer: non-positive sizes, heads not dividing the width, key/value heads
// not dividing the query heads, or an odd head size with RoPE.
func (c AttentionConfig) Validate() error {
	c = c.withDefaults()
	if err := checkSizes("Attention", size{"dim", c.Dim}, size{"heads", c.Heads}, size{"kv heads", c.KVHeads}); err != nil {
		return err
	}
	if c.Dim%c.Heads != 0 {
		return fmt.Errorf("nn: Attention heads %d do not divide dim %d", c.Heads, c.Dim)
	}
	if c.KVHeads > c.Heads || c.Heads%c.KVHeads != 0 {
		return fmt.Errorf("nn: Attention kv heads %d do not divide heads %d", c.KVHeads, c.Heads)
	}
	if c.RoPE && (c.Dim/c.Heads)%2 != 0 {
		return fmt.Errorf("nn: Attention head size %d is odd; rotary embeddings rotate pairs", c.Dim/c.Heads)
	}
	return nil
}

// HeadSize returns the width of one head, Dim/Heads.
func (c AttentionConfig) HeadSize() int { return c.Dim / c.Heads }

// KVDim returns the width of the keys (and values) of one position,
// KVHeads·HeadSize.
func (c AttentionConfig) KVDim() int { return c.withDefaults().KVHeads * c.HeadSize() }

// Attention is multi-head scaled dot-product self-attention with its four
// projections. Query head h reads key/value head h/(Heads/KVHeads), heads
// are consecutive blocks of HeadSize columns, and scores are scaled by
// 1/√HeadSize.
//
// Padding: in sequence b, only the first Seqs.Length(b) positions are keys;
// queries at padding positions attend to nothing, so their output before
// Wo is zero (after Wo it is Wo's bias).
//
// RoPE follows llama2.c: in every head, the pair (2i, 2i+1) of a query or
// key at position t is rotated by the angle t·10000^(-2i/HeadSize). The
// cosines and sines come from package libmf (glibc's cosf and sinf bits),
// as in core/decoder, so a decoder assembled from this layer keeps its
// values.
type Attention struct {
	AttentionConfig        // KVHeads is never 0 in a layer made by NewAttention
	Wq              Linear // [Dim][Dim] queries
	Wk, Wv          Linear // [KVDim][Dim] keys and values
	Wo              Linear // [Dim][Dim] output projection
}

// AttentionState keeps an attention forward pass for the backward pass,
// and the backward pass's scratch. Rows are positions (Seqs.Rows() of them).
type AttentionState struct {
	Q    []float32 // [rows][Dim] queries, rotated when RoPE is set
	K, V []float32 // [rows][KVDim] keys (rotated when RoPE is set) and values
	// Probs holds the attention probabilities [Batch][Heads][Len][Len]
	// (query rows, key columns): 0 for keys a query may not see and for
	// padding queries.
	Probs []float32
	Ctx   []float32 // [rows][Dim] each head's weighted sum of values, heads side by side (Wo's input)
	RoPE  []float32 // [Len][HeadSize] cos and sin of each position's angles, pair by pair
	// Backward scratch: gradients of Q, K, V, Ctx, and of one head's scores ([Len][Len]).
	DQ, DK, DV, DCtx, DScores []float32
}

// NewAttention returns an attention layer with zero weights.
func NewAttention(c AttentionConfig) (Attention, error) {
	if err := c.Validate(); err != nil {
		return Attention{}, err
	}
	c = c.withDefaults()
	a := Attention{AttentionConfig: c}
	a.Wq, _ = NewLinear(c.Dim, c.Dim, c.Bias)
	a.Wk, _ = NewLinear(c.Dim, c.KVDim(), c.Bias)
	a.Wv, _ = NewLinear(c.Dim, c.KVDim(), c.Bias)
	a.Wo, _ = NewLinear(c.Dim, c.Dim, c.Bias)
	return a, nil
}

// Forward sets out ([rows][Dim]) to the attention of the rows of x over the
// sequences s describes (s must be valid; see Seqs.Validate).
func (a *Attention) Forward(out, x []float32, s Seqs, st *AttentionState) {
	n, T, hs := s.Rows(), s.Len, a.HeadSize()
	st.Q, st.Ctx = resize(st.Q, n*a.Dim), resize(st.Ctx, n*a.Dim)
	st.K, st.V = resize(st.K, n*a.KVDim()), resize(st.V, n*a.KVDim())
	st.Probs = resize(st.Probs, s.Batch*a.Heads*T*T)
	// Project every position to its query, key and value.
	a.Wq.Forward(st.Q, x, n)
	a.Wk.Forward(st.K, x, n)
	a.Wv.Forward(st.V, x, n)
	// Rotate queries and keys by their positions.
	if a.RoPE {
		st.RoPE = ropeTable(st.RoPE, T, hs)
		rotateRows(st.Q, a.Dim, hs, T, st.RoPE, false)
		rotateRows(st.K, a.KVDim(), hs, T, st.RoPE, false)
	}
	// Each head of each sequence: softmax(q·kᵀ/√d) over the visible keys, times v.
	for b := 0; b < s.Batch; b++ {
		a.attend(st, b, T, s.Length(b))
	}
	// Mix the heads: output projection.
	a.Wo.Forward(out, st.Ctx, n)
}

// attend computes the probabilities and weighted values of every head of
// sequence b (rows b·T .. b·T+T-1), whose first L positions are real.
func (a *Attention) attend(st *AttentionState, b, T, L int) {
	D, kvD, hs := a.Dim, a.KVDim(), a.HeadSize()
	scale := float32(1 / math.Sqrt(float64(hs)))
	for h := 0; h < a.Heads; h++ {
		kvh := h / (a.Heads / a.KVHeads) // the key/value head this query head reads
		q := st.Q[b*T*D+h*hs:]
		k := st.K[b*T*kvD+kvh*hs:]
		v := st.V[b*T*kvD+kvh*hs:]
		ctx := st.Ctx[b*T*D+h*hs:]
		p := st.Probs[(b*a.Heads+h)*T*T : (b*a.Heads+h+1)*T*T]
		// Scores of the real queries against the real keys.
		gemm.Sgemm(false, true, L, L, hs, scale, q, D, k, kvD, 0, p, T)
		// Softmax over the keys each query sees; the other keys, and padding queries, get 0.
		for i := 0; i < T; i++ {
			row := p[i*T : (i+1)*T]
			keys := a.visibleKeys(i, L)
			tensor.Softmax(row[:keys])
			clear(row[keys:])
		}
		// Weighted sum of the values; padding queries get zeros.
		gemm.Sgemm(false, false, L, hs, L, 1, p, T, v, kvD, 0, ctx, D)
		for i := L; i < T; i++ {
			clear(ctx[i*D : i*D+hs])
		}
	}
}

// visibleKeys returns how many keys (a prefix) query i of a sequence of L
// real positions sees: all L, i+1 when causal, none for a padding query.
func (a *Attention) visibleKeys(i, L int) int {
	switch {
	case i >= L:
		return 0
	case a.Causal:
		return i + 1
	default:
		return L
	}
}

// Backward takes dout for the forward pass that st holds (input x, batch s)
// and adds ∂loss/∂x to dx (unless nil) and the projections' gradients to grad.
func (a *Attention) Backward(dx, dout, x []float32, s Seqs, st *AttentionState, grad *Attention) {
	n, T, hs := s.Rows(), s.Len, a.HeadSize()
	st.DQ, st.DCtx = resize(st.DQ, n*a.Dim), resize(st.DCtx, n*a.Dim)
	st.DK, st.DV = resize(st.DK, n*a.KVDim()), resize(st.DV, n*a.KVDim())
	st.DScores = resize(st.DScores, T*T)
	clear(st.DQ)
	clear(st.DK)
	clear(st.DV)
	clear(st.DCtx)
	// Output projection.
	a.Wo.Backward(st.DCtx, dout, st.Ctx, n, &grad.Wo)
	// Each head of each sequence: through the weighted sum, the softmax and the scores.
	for b := 0; b < s.Batch; b++ {
		a.attendBackward(st, b, T, s.Length(b), st.DScores)
	}
	// Rotate the gradients of queries and keys back.
	if a.RoPE {
		rotateRows(st.DQ, a.Dim, hs, T, st.RoPE, true)
		rotateRows(st.DK, a.KVDim(), hs, T, st.RoPE, true)
	}
	// Projections.
	a.Wq.Backward(dx, st.DQ, x, n, &grad.Wq)
	a.Wk.Backward(dx, st.DK, x, n, &grad.Wk)
	a.Wv.Backward(dx, st.DV, x, n, &grad.Wv)
}

// attendBackward adds the gradients of sequence b's queries, keys and
// values, given those of its heads' outputs (st.DCtx); ds is [T][T] scratch.
func (a *Attention) attendBackward(st *AttentionState, b, T, L int, ds []float32) {
	D, kvD, hs := a.Dim, a.KVDim(), a.HeadSize()
	scale := float32(1 / math.Sqrt(float64(hs)))
	for h := 0; h < a.Heads; h++ {
		kvh := h / (a.Heads / a.KVHeads)
		q, dq := st.Q[b*T*D+h*hs:], st.DQ[b*T*D+h*hs:]
		k, dk := st.K[b*T*kvD+kvh*hs:], st.DK[b*T*kvD+kvh*hs:]
		v, dv := st.V[b*T*kvD+kvh*hs:], st.DV[b*T*kvD+kvh*hs:]
		dctx := st.DCtx[b*T*D+h*hs:]
		p := st.Probs[(b*a.Heads+h)*T*T : (b*a.Heads+h+1)*T*T]
		// Weighted sum: dP = dCtx·vᵀ, dV += Pᵀ·dCtx.
		gemm.Sgemm(false, true, L, L, hs, 1, dctx, D, v, kvD, 0, ds, T)
		gemm.Sgemm(true, false, L, hs, L, 1, p, T, dctx, D, 1, dv, kvD)
		// Softmax: dS = P ⊙ (dP - Σ_keys P·dP), row by row (0 where P is 0).
		for i := 0; i < L; i++ {
			pr, dr := p[i*T:i*T+L], ds[i*T:i*T+L]
			var dot float64
			for j, pv := range pr {
				dot += float64(pv) * float64(dr[j])
			}
			for j, pv := range pr {
				dr[j] = pv * (dr[j] - float32(dot))
			}
		}
		// Scores: dQ += dS·k/√d, dK += dSᵀ·q/√d.
		gemm.Sgemm(false, false, L, hs, L, scale, ds, T, k, kvD, 1, dq, D)
		gemm.Sgemm(true, false, L, hs, L, scale, ds, T, q, D, 1, dk, kvD)
	}
}

// ropeTable returns cs filled for positions 0..T-1 with the cosine and sine
// of llama2.c's rotary angles, cs[t·hs+2i], cs[t·hs+2i+1] for pair i, as
// core/decoder computes them (float32 angle, libmf's cosf and sinf).
func ropeTable(cs []float32, T, hs int) []float32 {
	cs = resize(cs, T*hs)
	for i := 0; i < hs; i += 2 {
		freq := 1 / float32(math.Pow(10000, float64(float32(i)/float32(hs))))
		for t := 0; t < T; t++ {
			angle := float32(t) * freq
			cs[t*hs+i], cs[t*hs+i+1] = libmf.FMA.Cos(angle), libmf.FMA.Sin(angle)
		}
	}
	return cs
}

// rotateRows rotates every pair (2i, 2i+1) of every head of each row of x
// (rows of width w, heads of hs, row r at position r mod T) by its
// position's angle from cs, or by minus that angle when inverse is set
// (the transpose of the rotation, for the backward pass).
func rotateRows(x []float32, w, hs, T int, cs []float32, inverse bool) {
	for r := 0; r*w < len(x); r++ {
		c := cs[(r%T)*hs : (r%T+1)*hs]
		row := x[r*w : (r+1)*w]
		for i := 0; i < w; i += 2 {
			cos, sin := c[i%hs], c[i%hs+1]
			if inverse {
				sin = -sin
			}
			v0, v1 := row[i], row[i+1]
			row[i] = v0*cos - v1*sin
			row[i+1] = v0*sin + v1*cos
		}
	}
}
