//go:build ref && !js

package nn

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"textlab/internal/reftest"
)

// torchLayers computes, for every case it reads from stdin, a layer's
// output with PyTorch's own operations (F.linear, F.embedding,
// F.layer_norm, F.gelu, F.silu, F.cross_entropy, and attention written out
// with tensor products, masked_fill and softmax; RoPE angles in float64
// from the formula), then the gradients of Σ out·R (of the loss for
// cross-entropy) by autograd, in the dtype each case names.
const torchLayers = `
import json, math, sys
import torch
import torch.nn.functional as F

def attention(T, c, I, dt):
    B, L, D, H, KV = c["batch"], c["len"], c["dim"], c["heads"], c["kv_heads"]
    hs = D // H
    x = T["x"].reshape(B, L, D)
    proj = lambda n, t: F.linear(t, T[n + ".W"], T.get(n + ".B"))
    q = proj("Wq", x).view(B, L, H, hs)
    k = proj("Wk", x).view(B, L, KV, hs)
    v = proj("Wv", x).view(B, L, KV, hs)
    if c["rope"]:
        freq = 10000.0 ** (-torch.arange(0, hs, 2, dtype=torch.float64) / hs)
        ang = torch.arange(L, dtype=torch.float64)[:, None] * freq[None, :]
        cos = ang.cos().to(dt)[None, :, None, :]
        sin = ang.sin().to(dt)[None, :, None, :]
        def rot(t):
            a, b = t[..., 0::2], t[..., 1::2]
            return torch.stack([a * cos - b * sin, a * sin + b * cos], dim=-1).flatten(-2)
        q, k = rot(q), rot(k)
    k = k.repeat_interleave(H // KV, dim=2)
    v = v.repeat_interleave(H // KV, dim=2)
    q, k, v = (t.transpose(1, 2) for t in (q, k, v))
    s = q @ k.transpose(-1, -2) / math.sqrt(hs)
    pos = torch.arange(L)
    lens = torch.tensor(I["lengths"])
    allowed = (pos[None, None, :] < lens[:, None, None]).expand(B, L, L)
    if c["causal"]:
        allowed = allowed & (pos[None, :, None] >= pos[None, None, :])
    p = s.masked_fill(~allowed[:, None], float("-inf")).softmax(-1)
    ctx = (p @ v).transpose(1, 2).reshape(B, L, D)
    ctx = ctx * (pos[None, :] < lens[:, None]).to(dt)[..., None]  # padding queries: zero
    return proj("Wo", ctx)

def forward(case, T, dt):
    c, I, kind = case["config"], case["ints"], case["layer"]
    if kind == "linear":
        return F.linear(T["x"], T["W"], T.get("B"))
    if kind == "embedding":
        return F.embedding(torch.tensor(I["ids"]), T["Table"])
    if kind == "layernorm":
        return F.layer_norm(T["x"], (c["dim"],), T["Weight"], T["Bias"], c["eps"])
    if kind == "rmsnorm":
        x = T["x"]
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + c["eps"]) * T["Weight"]
    if kind == "gelu":
        return F.gelu(T["x"])
    if kind == "gelu_tanh":
        return F.gelu(T["x"], approximate="tanh")
    if kind == "silu":
        return F.silu(T["x"])
    if kind == "swiglu":
        x = T["x"]
        return F.linear(F.silu(F.linear(x, T["W1"])) * F.linear(x, T["W3"]), T["W2"])
    if kind == "attention":
        return attention(T, c, I, dt)
    if kind == "cross_entropy":
        tg = torch.tensor(I["targets"])
        w = torch.tensor(c["weights"], dtype=dt) * (tg >= 0).to(dt)
        ce = F.cross_entropy(T["logits"], tg.clamp(min=0), reduction="none")
        return ((ce * w).sum() / w.sum()).reshape(1)
    raise ValueError(kind)

results = []
for case in json.load(sys.stdin):
    dt = {"float32": torch.float32, "float64": torch.float64}[case["dtype"]]
    T = {n: torch.tensor(t["data"], dtype=dt).reshape(t["shape"]).requires_grad_(True)
         for n, t in case["tensors"].items()}
    out = forward(case, T, dt)
    R = torch.tensor(case["R"], dtype=dt).reshape(out.shape)
    (out * R).sum().backward()
    results.append({"out": out.detach().flatten().tolist(),
                    "grads": {n: t.grad.flatten().tolist() for n, t in T.items()}})
json.dump(results, sys.stdout)
`

// refTensor is a tensor as the script reads it.
type refTensor struct {
	Shape []int     `json:"shape"`
	Data  []float32 `json:"data"`
}

// refCase is one layer to run in Go and in PyTorch: its kind and config
// for the script, the differentiable tensors (values and Go's gradients),
// integer inputs, and Go's forward and backward.
type refCase struct {
	name     string
	layer    string
	config   map[string]any
	tensors  []checked
	shapes   map[string][]int
	ints     map[string][]int
	forward  func() []float32
	backward func(dout []float32)
}

// refCases builds the layers of the parity test from seeded random values.
func refCases() []refCase {
	r := rand.New(rand.NewPCG(11, 12))
	var cases []refCase

	for _, bias := range []bool{true, false} {
		const n, in, out = 5, 7, 6
		l, g := randomLinear(r, in, out, bias)
		x, dx, y := randn(r, n*in, 0, 1), make([]float32, n*in), make([]float32, n*out)
		t := append([]checked{{"x", x, dx}}, linearTensors("", &l, &g)...)
		cases = append(cases, refCase{
			name: fmt.Sprintf("Linear bias=%v", bias), layer: "linear", tensors: t,
			shapes:   map[string][]int{"x": {n, in}, "W": {out, in}, "B": {out}},
			forward:  func() []float32 { l.Forward(y, x, n); return y },
			backward: func(dy []float32) { l.Backward(dx, dy, x, n, &g) },
		})
	}

	{
		e, _ := NewEmbedding(6, 4)
		g, _ := NewEmbedding(6, 4)
		fill(r, e.Table, 0, 1)
		ids := []int{3, 0, 3, 5, 1, 3}
		y := make([]float32, len(ids)*4)
		cases = append(cases, refCase{
			name: "Embedding", layer: "embedding", tensors: []checked{{"Table", e.Table, g.Table}},
			shapes: map[string][]int{"Table": {6, 4}}, ints: map[string][]int{"ids": ids},
			forward:  func() []float32 { e.Forward(y, ids); return y },
			backward: func(dy []float32) { e.Backward(dy, ids, &g) },
		})
	}

	{
		const n, d = 6, 10
		l, _ := NewLayerNorm(d, 1e-12)
		g, _ := NewLayerNorm(d, 1e-12)
		fill(r, l.Weight, 1, 0.3)
		fill(r, l.Bias, 0, 0.3)
		x, dx, y := randn(r, n*d, 0.4, 2), make([]float32, n*d), make([]float32, n*d)
		var st NormState
		cases = append(cases, refCase{
			name: "LayerNorm", layer: "layernorm", config: map[string]any{"dim": d, "eps": 1e-12},
			tensors:  []checked{{"x", x, dx}, {"Weight", l.Weight, g.Weight}, {"Bias", l.Bias, g.Bias}},
			shapes:   map[string][]int{"x": {n, d}, "Weight": {d}, "Bias": {d}},
			forward:  func() []float32 { l.Forward(y, x, n, &st); return y },
			backward: func(dy []float32) { l.Backward(dx, dy, x, n, &st, &g) },
		})
	}

	{
		const n, d = 6, 10
		l, _ := NewRMSNorm(d, 1e-5)
		g, _ := NewRMSNorm(d, 1e-5)
		fill(r, l.Weight, 1, 0.3)
		x, dx, y := randn(r, n*d, 0.2, 1), make([]float32, n*d), make([]float32, n*d)
		var st NormState
		cases = append(cases, refCase{
			name: "RMSNorm", layer: "rmsnorm", config: map[string]any{"dim": d, "eps": 1e-5},
			tensors:  []checked{{"x", x, dx}, {"Weight", l.Weight, g.Weight}},
			shapes:   map[string][]int{"x": {n, d}, "Weight": {d}},
			forward:  func() []float32 { l.Forward(y, x, n, &st); return y },
			backward: func(dy []float32) { l.Backward(dx, dy, x, n, &st, &g) },
		})
	}

	for _, act := range []struct {
		layer string
		f     func(y, x []float32)
		b     func(dx, dy, x []float32)
	}{{"gelu", GELU, GELUBackward}, {"gelu_tanh", GELUTanh, GELUTanhBackward}, {"silu", SiLU, SiLUBackward}} {
		x := randn(r, 64, 0, 2.5)
		dx, y := make([]float32, len(x)), make([]float32, len(x))
		cases = append(cases, refCase{
			name: act.layer, layer: act.layer, tensors: []checked{{"x", x, dx}},
			shapes:   map[string][]int{"x": {len(x)}},
			forward:  func() []float32 { act.f(y, x); return y },
			backward: func(dy []float32) { act.b(dx, dy, x) },
		})
	}

	{
		const n, d, h = 5, 8, 12
		f, _ := NewSwiGLU(d, h)
		g, _ := NewSwiGLU(d, h)
		for _, l := range []*Linear{&f.W1, &f.W2, &f.W3} {
			fill(r, l.W, 0, 0.5)
		}
		x, dx, y := randn(r, n*d, 0, 1), make([]float32, n*d), make([]float32, n*d)
		var st SwiGLUState
		cases = append(cases, refCase{
			name: "SwiGLU", layer: "swiglu",
			tensors:  []checked{{"x", x, dx}, {"W1", f.W1.W, g.W1.W}, {"W2", f.W2.W, g.W2.W}, {"W3", f.W3.W, g.W3.W}},
			shapes:   map[string][]int{"x": {n, d}, "W1": {h, d}, "W2": {d, h}, "W3": {h, d}},
			forward:  func() []float32 { f.Forward(y, x, n, &st); return y },
			backward: func(dy []float32) { f.Backward(dx, dy, x, n, &st, &g) },
		})
	}

	for _, ac := range []struct {
		cfg AttentionConfig
		s   Seqs
	}{
		{AttentionConfig{Dim: 16, Heads: 4, Bias: true}, Seqs{Batch: 3, Len: 6, Lengths: []int{6, 3, 1}}},
		{AttentionConfig{Dim: 16, Heads: 4, Causal: true}, Seqs{Batch: 2, Len: 5, Lengths: []int{5, 4}}},
		{AttentionConfig{Dim: 16, Heads: 4, KVHeads: 2, Causal: true, RoPE: true}, Seqs{Batch: 3, Len: 7, Lengths: []int{7, 5, 2}}},
		{AttentionConfig{Dim: 24, Heads: 3, KVHeads: 1, RoPE: true, Bias: true}, Seqs{Batch: 2, Len: 6}},
	} {
		cfg := ac.cfg.withDefaults()
		a, _ := NewAttention(cfg)
		g, _ := NewAttention(cfg)
		for _, l := range []*Linear{&a.Wq, &a.Wk, &a.Wv, &a.Wo} {
			fill(r, l.W, 0, 0.4)
			if l.B != nil {
				fill(r, l.B, 0, 0.3)
			}
		}
		s := ac.s
		n := s.Rows()
		x, dx, y := randn(r, n*cfg.Dim, 0, 1), make([]float32, n*cfg.Dim), make([]float32, n*cfg.Dim)
		t := []checked{{"x", x, dx}}
		t = append(t, linearTensors("Wq.", &a.Wq, &g.Wq)...)
		t = append(t, linearTensors("Wk.", &a.Wk, &g.Wk)...)
		t = append(t, linearTensors("Wv.", &a.Wv, &g.Wv)...)
		t = append(t, linearTensors("Wo.", &a.Wo, &g.Wo)...)
		kv := cfg.KVDim()
		lengths := s.Lengths
		if lengths == nil {
			lengths = make([]int, s.Batch)
			for i := range lengths {
				lengths[i] = s.Len
			}
		}
		var st AttentionState
		cases = append(cases, refCase{
			name: fmt.Sprintf("Attention %+v", cfg), layer: "attention",
			config: map[string]any{"batch": s.Batch, "len": s.Len, "dim": cfg.Dim, "heads": cfg.Heads,
				"kv_heads": cfg.KVHeads, "causal": cfg.Causal, "rope": cfg.RoPE},
			tensors: t,
			shapes: map[string][]int{"x": {n, cfg.Dim}, "Wq.W": {cfg.Dim, cfg.Dim}, "Wq.B": {cfg.Dim},
				"Wk.W": {kv, cfg.Dim}, "Wk.B": {kv}, "Wv.W": {kv, cfg.Dim}, "Wv.B": {kv},
				"Wo.W": {cfg.Dim, cfg.Dim}, "Wo.B": {cfg.Dim}},
			ints:     map[string][]int{"lengths": lengths},
			forward:  func() []float32 { a.Forward(y, x, s, &st); return y },
			backward: func(dy []float32) { a.Backward(dx, dy, x, s, &st, &g) },
		})
	}

	{
		const n, c = 7, 9
		logits := randn(r, n*c, 0, 3)
		grad := make([]float32, n*c)
		targets := []int{0, 8, -100, 4, 4, 2, 7}
		weights := []float32{1, 0.5, 1, 2, 0, 1, 3}
		cases = append(cases, refCase{
			name: "CrossEntropy", layer: "cross_entropy", config: map[string]any{"weights": weights},
			tensors: []checked{{"logits", logits, grad}}, shapes: map[string][]int{"logits": {n, c}},
			ints:    map[string][]int{"targets": targets},
			forward: func() []float32 { return []float32{CrossEntropy(nil, logits, targets, weights, n, c)} },
			backward: func(dy []float32) {
				CrossEntropy(grad, logits, targets, weights, n, c)
				for i := range grad {
					grad[i] *= dy[0]
				}
			},
		})
	}
	return cases
}

// relErr returns max|got - want| relative to max|want|, or to floor when
// that is larger: a gradient that is zero in exact arithmetic (a key bias,
// which the softmax cancels) is float32 noise, measured against the scale
// of the layer's other gradients (the test's floor is 1% of the largest).
func relErr(got []float32, want []float64, floor float64) float64 {
	var maxDiff, maxRef float64
	for i, w := range want {
		maxDiff = max(maxDiff, math.Abs(float64(got[i])-w))
		maxRef = max(maxRef, math.Abs(w))
	}
	return maxDiff / max(maxRef, floor, 1e-30)
}

// maxAbs returns the largest magnitude among the values of all of vs.
func maxAbs(vs map[string][]float64) float64 {
	m := 0.0
	for _, v := range vs {
		for _, x := range v {
			m = max(m, math.Abs(x))
		}
	}
	return m
}

// TestTorchParity runs every layer forward and backward in Go and in
// PyTorch (float32 and float64) on the same values and compares the
// outputs and the gradients of the inputs and of every parameter.
// Measured: at most 7e-7 relative, except the key bias of bidirectional
// attention, whose gradient is 0 in exact arithmetic: its float32 noise is
// 1.2e-5 of the floor (1% of the largest gradient).
func TestTorchParity(t *testing.T) {
	cases := refCases()
	r := rand.New(rand.NewPCG(13, 14))
	type jsonCase struct {
		Layer   string               `json:"layer"`
		Config  map[string]any       `json:"config"`
		Tensors map[string]refTensor `json:"tensors"`
		Ints    map[string][]int     `json:"ints"`
		R       []float32            `json:"R"`
		DType   string               `json:"dtype"`
	}
	var in []jsonCase
	outs := make([][]float32, len(cases))
	for i, c := range cases {
		outs[i] = append([]float32(nil), c.forward()...)
		R := randn(r, len(outs[i]), 0, 1)
		for _, tc := range c.tensors {
			clear(tc.grad)
		}
		c.backward(R)
		ts := map[string]refTensor{}
		for _, tc := range c.tensors {
			ts[tc.name] = refTensor{c.shapes[tc.name], tc.value}
		}
		for _, dt := range []string{"float32", "float64"} {
			in = append(in, jsonCase{c.layer, c.config, ts, c.ints, R, dt})
		}
	}
	stdin, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	var res []struct {
		Out   []float64            `json:"out"`
		Grads map[string][]float64 `json:"grads"`
	}
	if err := json.Unmarshal(reftest.RunPython(t, torchLayers, stdin), &res); err != nil {
		t.Fatal(err)
	}
	for i, c := range cases {
		for j, dt := range []string{"float32", "float64"} {
			ref := res[2*i+j]
			floor := 1e-2 * maxAbs(ref.Grads)
			worst := relErr(outs[i], ref.Out, 0)
			name := "output"
			for _, tc := range c.tensors {
				if e := relErr(tc.grad, ref.Grads[tc.name], floor); e > worst {
					worst, name = e, "gradient of "+tc.name
				}
			}
			t.Logf("%s vs torch %s: largest relative difference %.2g (%s)", c.name, dt, worst, name)
			if worst > 1e-4 {
				t.Errorf("%s vs torch %s: %s differs by %.3g relative", c.name, dt, name, worst)
			}
		}
	}
}
