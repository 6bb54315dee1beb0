//go:build ref && !js

package train

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"testing"

	"textlab/core/bert"
	"textlab/core/decoder"
	"textlab/internal/reftest"
)

// torchModels builds, from the JSON on stdin, the same networks as this
// package, written independently with PyTorch modules: BERT from
// nn.Embedding, nn.LayerNorm and nn.TransformerEncoderLayer (post-LN, GELU,
// no dropout) with the MLM head (dense, GELU, LayerNorm, decoder tied to the
// word embeddings) or a classifier on [CLS] or the masked mean; LLaMA from
// nn.Embedding, nn.Linear, an RMSNorm module, rotary embeddings of pairs,
// grouped-query attention by repeat_interleave and a SwiGLU feed-forward.
// It loads the weights by their checkpoint names, computes the loss and
// prints it with the gradient of every parameter, under the same names.
const torchModels = `
import json, math, sys
import torch
import torch.nn as nn
import torch.nn.functional as F

class RMSNorm(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(d))
    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-5) * self.weight

class Bert(nn.Module):
    def __init__(self, c):
        super().__init__()
        H, eps = c["hidden_size"], c["layer_norm_eps"]
        self.word = nn.Embedding(c["vocab_size"], H)
        self.pos = nn.Embedding(c["max_position_embeddings"], H)
        self.typ = nn.Embedding(c["type_vocab_size"], H)
        self.norm = nn.LayerNorm(H, eps=eps)
        self.layers = nn.ModuleList([
            nn.TransformerEncoderLayer(H, c["num_attention_heads"], c["intermediate_size"], dropout=0.0,
                                       activation="gelu", layer_norm_eps=eps, batch_first=True, norm_first=False)
            for _ in range(c["num_hidden_layers"])])
        self.task = c["task"]
        if self.task == "mlm":
            self.dense = nn.Linear(H, H)
            self.hnorm = nn.LayerNorm(H, eps=eps)
            self.bias = nn.Parameter(torch.zeros(c["vocab_size"]))
        else:
            self.pooling = c["pooling"]
            self.classifier = nn.Linear(H, c["classes"])

    def names(self):
        H = self.norm.weight.shape[0]
        m = {"bert.embeddings.word_embeddings.weight": self.word.weight,
             "bert.embeddings.position_embeddings.weight": self.pos.weight,
             "bert.embeddings.token_type_embeddings.weight": self.typ.weight,
             "bert.embeddings.LayerNorm.weight": self.norm.weight,
             "bert.embeddings.LayerNorm.bias": self.norm.bias}
        for i, L in enumerate(self.layers):
            p = "bert.encoder.layer.%d." % i
            for j, part in enumerate(["query", "key", "value"]):
                m[p + "attention.self." + part + ".weight"] = (L.self_attn.in_proj_weight, j * H, (j + 1) * H)
                m[p + "attention.self." + part + ".bias"] = (L.self_attn.in_proj_bias, j * H, (j + 1) * H)
            m[p + "attention.output.dense.weight"] = L.self_attn.out_proj.weight
            m[p + "attention.output.dense.bias"] = L.self_attn.out_proj.bias
            m[p + "attention.output.LayerNorm.weight"] = L.norm1.weight
            m[p + "attention.output.LayerNorm.bias"] = L.norm1.bias
            m[p + "intermediate.dense.weight"] = L.linear1.weight
            m[p + "intermediate.dense.bias"] = L.linear1.bias
            m[p + "output.dense.weight"] = L.linear2.weight
            m[p + "output.dense.bias"] = L.linear2.bias
            m[p + "output.LayerNorm.weight"] = L.norm2.weight
            m[p + "output.LayerNorm.bias"] = L.norm2.bias
        if self.task == "mlm":
            m["cls.predictions.transform.dense.weight"] = self.dense.weight
            m["cls.predictions.transform.dense.bias"] = self.dense.bias
            m["cls.predictions.transform.LayerNorm.weight"] = self.hnorm.weight
            m["cls.predictions.transform.LayerNorm.bias"] = self.hnorm.bias
            m["cls.predictions.bias"] = self.bias
        else:
            m["classifier.weight"] = self.classifier.weight
            m["classifier.bias"] = self.classifier.bias
        return m

    def loss(self, b):
        ids, types = b["ids"], b["types"]
        B, T = ids.shape
        pad = torch.arange(T)[None, :] >= b["lengths"][:, None]
        x = self.norm(self.word(ids) + self.pos(torch.arange(T))[None] + self.typ(types))
        for L in self.layers:
            x = L(x, src_key_padding_mask=pad)
        if self.task == "mlm":
            h = self.hnorm(F.gelu(self.dense(x)))
            logits = F.linear(h, self.word.weight, self.bias)
            return F.cross_entropy(logits.reshape(B * T, -1), b["targets"].reshape(-1), ignore_index=-1)
        if self.pooling == "cls":
            pooled = x[:, 0]
        else:
            keep = (~pad).to(x.dtype)[..., None]
            pooled = (x * keep).sum(1) / keep.sum(1)
        return F.cross_entropy(self.classifier(pooled), b["labels"])

class Block(nn.Module):
    def __init__(self, c):
        super().__init__()
        D, Hd = c["dim"], c["hidden_dim"]
        self.h, self.kv = c["n_heads"], c["n_kv_heads"]
        hs = D // self.h
        self.rms_att, self.rms_ffn = RMSNorm(D), RMSNorm(D)
        self.wq = nn.Linear(D, D, bias=False)
        self.wk = nn.Linear(D, self.kv * hs, bias=False)
        self.wv = nn.Linear(D, self.kv * hs, bias=False)
        self.wo = nn.Linear(D, D, bias=False)
        self.w1 = nn.Linear(D, Hd, bias=False)
        self.w2 = nn.Linear(Hd, D, bias=False)
        self.w3 = nn.Linear(D, Hd, bias=False)

    def forward(self, x, cos, sin, allowed):
        B, T, D = x.shape
        hs = D // self.h
        h = self.rms_att(x)
        q = self.wq(h).view(B, T, self.h, hs)
        k = self.wk(h).view(B, T, self.kv, hs)
        v = self.wv(h).view(B, T, self.kv, hs)
        def rope(t):
            a, b = t[..., 0::2], t[..., 1::2]
            return torch.stack([a * cos - b * sin, a * sin + b * cos], dim=-1).flatten(-2)
        q, k = rope(q), rope(k)
        k = k.repeat_interleave(self.h // self.kv, dim=2)
        v = v.repeat_interleave(self.h // self.kv, dim=2)
        q, k, v = (t.transpose(1, 2) for t in (q, k, v))
        att = (q @ k.transpose(-1, -2) / math.sqrt(hs)).masked_fill(~allowed, float("-inf")).softmax(-1)
        x = x + self.wo((att @ v).transpose(1, 2).reshape(B, T, D))
        h = self.rms_ffn(x)
        return x + self.w2(F.silu(self.w1(h)) * self.w3(h))

class Llama(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        self.tok = nn.Embedding(c["vocab_size"], c["dim"])
        self.layers = nn.ModuleList([Block(c) for _ in range(c["n_layers"])])
        self.norm = RMSNorm(c["dim"])
        self.wcls = nn.Linear(c["dim"], c["vocab_size"], bias=False) if c["separate"] else None

    def names(self):
        m = {"token_embedding": self.tok.weight, "rms_final": self.norm.weight}
        for i, L in enumerate(self.layers):
            for n in ["rms_att", "rms_ffn"]:
                m["layers.%d.%s" % (i, n)] = getattr(L, n).weight
            for n in ["wq", "wk", "wv", "wo", "w1", "w2", "w3"]:
                m["layers.%d.%s" % (i, n)] = getattr(L, n).weight
        if self.wcls is not None:
            m["wcls"] = self.wcls.weight
        return m

    def loss(self, b):
        ids = b["ids"]
        B, T = ids.shape
        hs = self.c["dim"] // self.c["n_heads"]
        freq = 1.0 / (10000.0 ** (torch.arange(0, hs, 2).float() / hs))
        ang = torch.outer(torch.arange(T).float(), freq)
        dt = self.tok.weight.dtype
        cos, sin = ang.cos().to(dt)[None, :, None, :], ang.sin().to(dt)[None, :, None, :]
        pos = torch.arange(T)
        allowed = (pos[None, :, None] >= pos[None, None, :]) & (pos[None, None, :] < b["lengths"][:, None, None])
        x = self.tok(ids)
        for L in self.layers:
            x = L(x, cos, sin, allowed[:, None])
        x = self.norm(x)
        logits = self.wcls(x) if self.wcls is not None else F.linear(x, self.tok.weight)
        return F.cross_entropy(logits.reshape(B * T, -1), b["targets"].reshape(-1), ignore_index=-1)

out = []
for case in json.load(sys.stdin):
    dt = {"float32": torch.float32, "float64": torch.float64}[case["dtype"]]
    c = case["config"]
    model = (Bert(c) if c["model"] == "bert" else Llama(c)).to(dt)
    names = model.names()
    with torch.no_grad():
        for n, data in case["params"].items():
            t = names[n]
            if isinstance(t, tuple):
                t, a, z = t
                t[a:z].copy_(torch.tensor(data, dtype=dt).reshape(t[a:z].shape))
            else:
                t.copy_(torch.tensor(data, dtype=dt).reshape(t.shape))
    b = {k: torch.tensor(v) for k, v in case["batch"].items() if v is not None}
    b["ids"] = b["ids"].reshape(len(b["lengths"]), -1)
    for k in ["types", "targets"]:
        if k in b:
            b[k] = b[k].reshape(b["ids"].shape)
    if "types" not in b:
        b["types"] = torch.zeros_like(b["ids"])
    loss = model.loss(b)
    loss.backward()
    grads = {}
    for n in case["params"]:
        t = names[n]
        if isinstance(t, tuple):
            t, a, z = t
            grads[n] = t.grad[a:z].flatten().tolist()
        else:
            grads[n] = t.grad.flatten().tolist()
    out.append({"loss": loss.item(), "grads": grads})
json.dump(out, sys.stdout)
`

// parityBERT is the encoder of the parity tests.
var parityBERT = bert.Config{VocabSize: 97, HiddenSize: 32, NumHiddenLayers: 2, NumAttentionHeads: 4,
	IntermediateSize: 64, MaxPositionEmbeddings: 16, TypeVocabSize: 2, LayerNormEps: 1e-12}

// parityLlama is the decoder of the parity tests: 4 query heads share 2
// key/value heads.
var parityLlama = decoder.LlamaConfig{Dim: 32, HiddenDim: 64, NLayers: 2, NHeads: 4, NKVHeads: 2, VocabSize: 97, SeqLen: 16}

type jsonBatch struct {
	IDs     []int `json:"ids"`
	Types   []int `json:"types"`
	Lengths []int `json:"lengths"`
	Targets []int `json:"targets"`
	Labels  []int `json:"labels"`
}

// TestTorchModelParity compares the loss and the gradient of every
// trained parameter tensor of each model with the PyTorch networks of
// torchModels, in float32 and float64, on batches of 3 sequences padded to
// 16. Errors are max|Go - torch| over a tensor relative to its largest
// torch value (at least 1% of the model's largest gradient, for the key
// biases whose gradient is 0 in exact arithmetic). Measured: at most about
// 3e-6 (float32).
func TestTorchModelParity(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	seqBatch := func(lo, first, last int) *Batch {
		seqs := randomSeqs(r, 3, 5, 12, lo, 97, first, last)
		seqs[0] = randomSeqs(r, 1, 16, 16, lo, 97, first, last)[0] // one full sequence, two padded
		b, err := NewBatch(seqs, 0)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	type modelCase struct {
		name   string
		model  Model
		batch  *Batch
		config map[string]any
	}
	bertCfg := func(task, pooling string, classes int) map[string]any {
		c := parityBERT
		return map[string]any{"model": "bert", "task": task, "pooling": pooling, "classes": classes,
			"vocab_size": c.VocabSize, "hidden_size": c.HiddenSize, "num_hidden_layers": c.NumHiddenLayers,
			"num_attention_heads": c.NumAttentionHeads, "intermediate_size": c.IntermediateSize,
			"max_position_embeddings": c.MaxPositionEmbeddings, "type_vocab_size": c.TypeVocabSize,
			"layer_norm_eps": c.LayerNormEps}
	}
	llamaCfg := func(separate bool) map[string]any {
		c := parityLlama
		return map[string]any{"model": "llama", "dim": c.Dim, "hidden_dim": c.HiddenDim, "n_layers": c.NLayers,
			"n_heads": c.NHeads, "n_kv_heads": c.NKVHeads, "vocab_size": c.VocabSize, "separate": separate}
	}
	var cases []modelCase
	{
		m, err := NewBERT(BERTConfig{Config: parityBERT, InitStd: 0.2}, 31)
		if err != nil {
			t.Fatal(err)
		}
		b := seqBatch(4, 1, 2)
		b.Types = make([]int, len(b.IDs))
		for i := range b.Types {
			b.Types[i] = r.IntN(2)
		}
		if _, err := MaskTokens(b, MaskConfig{MaskID: 3, Vocab: 97, Special: []int{0, 1, 2, 3}}, r); err != nil {
			t.Fatal(err)
		}
		cases = append(cases, modelCase{"BERT MLM", m, b, bertCfg("mlm", "", 0)})
	}
	for _, p := range []struct {
		pooling Pooling
		name    string
		freeze  int
	}{{PoolCLS, "cls", 0}, {PoolMean, "mean", 1}} {
		m, err := NewBERT(BERTConfig{Config: parityBERT, Task: Classify, Classes: 3, Pooling: p.pooling, FreezeLayers: p.freeze, InitStd: 0.2}, 32)
		if err != nil {
			t.Fatal(err)
		}
		b := seqBatch(4, 1, 2)
		b.Labels = []int{2, 0, 1}
		cases = append(cases, modelCase{"BERT classifier, pooling " + p.name, m, b, bertCfg("classify", p.name, 3)})
	}
	for _, separate := range []bool{false, true} {
		m, err := NewLlama(LlamaConfig{LlamaConfig: parityLlama, SeparateClassifier: separate, InitStd: 0.2}, 33)
		if err != nil {
			t.Fatal(err)
		}
		b := seqBatch(0, 1, -1)
		b.SetNextTokenTargets()
		name := "Llama, tied classifier"
		if separate {
			name = "Llama, separate classifier"
		}
		cases = append(cases, modelCase{name, m, b, llamaCfg(separate)})
	}

	type jsonCase struct {
		DType  string               `json:"dtype"`
		Config map[string]any       `json:"config"`
		Params map[string][]float32 `json:"params"`
		Batch  jsonBatch            `json:"batch"`
	}
	var in []jsonCase
	losses := make([]float32, len(cases))
	for i, c := range cases {
		if bm, ok := c.model.(*BERT); ok {
			perturb(bm.params(true), 41, 0.1)
		} else {
			perturb(c.model.Params(), 41, 0.1)
		}
		params := map[string][]float32{}
		all := c.model.Params()
		if bm, ok := c.model.(*BERT); ok {
			all = bm.params(true) // frozen tensors too: PyTorch needs every weight
		}
		for _, p := range all {
			params[p.Name] = p.Value
			clear(p.Grad)
		}
		var err error
		if losses[i], err = c.model.Forward(c.batch); err != nil {
			t.Fatal(err)
		}
		c.model.Backward()
		jb := jsonBatch{c.batch.IDs, c.batch.Types, c.batch.Lengths, c.batch.Targets, c.batch.Labels}
		for _, dt := range []string{"float32", "float64"} {
			in = append(in, jsonCase{dt, c.config, params, jb})
		}
	}
	stdin, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	var res []struct {
		Loss  float64              `json:"loss"`
		Grads map[string][]float64 `json:"grads"`
	}
	if err := json.Unmarshal(reftest.RunPython(t, torchModels, stdin), &res); err != nil {
		t.Fatal(err)
	}
	for i, c := range cases {
		for j, dt := range []string{"float32", "float64"} {
			ref := res[2*i+j]
			lossErr := math.Abs(float64(losses[i])-ref.Loss) / math.Abs(ref.Loss)
			floor := 0.0
			for _, g := range ref.Grads {
				for _, v := range g {
					floor = max(floor, 1e-2*math.Abs(v))
				}
			}
			worst, worstName := 0.0, ""
			trained := c.model.Params()
			for _, p := range trained {
				e := relErr64(p.Grad, ref.Grads[p.Name], floor)
				if e > worst {
					worst, worstName = e, p.Name
				}
			}
			t.Logf("%s vs torch %s: loss %.6f (torch %.6f, relative %.1g); %d gradient tensors, largest relative difference %.2g (%s)",
				c.name, dt, losses[i], ref.Loss, lossErr, len(trained), worst, worstName)
			if lossErr > 1e-5 || worst > 1e-4 {
				t.Errorf("%s vs torch %s: loss differs by %.3g relative, gradient of %s by %.3g", c.name, dt, lossErr, worstName, worst)
			}
		}
	}
	// A frozen model leaves its frozen gradients untouched.
	frozen := cases[2].model.(*BERT)
	for _, v := range frozen.Grads.Layers[0].Intermediate.W {
		if v != 0 {
			t.Fatal("the frozen layer 0 has gradients")
		}
	}
}

// relErr64 returns max|got - want| relative to max|want| (at least floor).
func relErr64(got []float32, want []float64, floor float64) float64 {
	var d, m float64
	for i, w := range want {
		d = max(d, math.Abs(float64(got[i])-w))
		m = max(m, math.Abs(w))
	}
	return d / max(m, floor, 1e-30)
}

// torchAdamW runs torch.optim.AdamW with two parameter groups (weight
// decay and none) and torch.nn.utils.clip_grad_norm_ over the steps on
// stdin, in float32, and prints the parameters after each step and the
// norms clip_grad_norm_ returned.
const torchAdamW = `
import json, sys
import torch
inp = json.load(sys.stdin)
params = [torch.tensor(p, dtype=torch.float32, requires_grad=True) for p in inp["values"]]
groups = [{"params": [params[i] for i in g["params"]], "weight_decay": g["weight_decay"]} for g in inp["groups"]]
opt = torch.optim.AdamW(groups, lr=0.1, betas=(inp["beta1"], inp["beta2"]), eps=inp["eps"])
out = {"values": [], "norms": []}
for step in inp["steps"]:
    for p, g in zip(params, step["grads"]):
        p.grad = torch.tensor(g, dtype=torch.float32)
    norm = torch.nn.utils.clip_grad_norm_(params, inp["clip"])
    for g in opt.param_groups:
        g["lr"] = step["lr"]
    opt.step()
    out["norms"].append(norm.item())
    out["values"].append([p.detach().tolist() for p in params])
json.dump(out, sys.stdout)
`

// TestTorchAdamW compares four steps of AdamW, with a decayed and an
// undecayed group, gradients clipped to norm 1 and the learning rate of a
// warm-up and cosine schedule, with torch.optim.AdamW. Measured: at most
// 6e-8 apart (1e-6 allowed).
func TestTorchAdamW(t *testing.T) {
	r := rand.New(rand.NewPCG(51, 52))
	kinds := []Kind{Weight, Bias, Scale, Embedding, Weight}
	params := make([]Param, len(kinds))
	var values [][]float32
	for i, k := range kinds {
		n := 3 + 4*i
		params[i] = Param{Name: k.String() + string(rune('a'+i)), Kind: k, Value: make([]float32, n), Grad: make([]float32, n)}
		for j := range params[i].Value {
			params[i].Value[j] = float32(r.NormFloat64())
		}
		values = append(values, append([]float32(nil), params[i].Value...))
	}
	groups := DecayGroups(params, 0.1, false)
	index := map[string]int{}
	for i, p := range params {
		index[p.Name] = i
	}
	type jsonGroup struct {
		Params      []int   `json:"params"`
		WeightDecay float64 `json:"weight_decay"`
	}
	type jsonStep struct {
		Grads [][]float32 `json:"grads"`
		LR    float64     `json:"lr"`
	}
	in := struct {
		Values [][]float32 `json:"values"`
		Groups []jsonGroup `json:"groups"`
		Steps  []jsonStep  `json:"steps"`
		Beta1  float64     `json:"beta1"`
		Beta2  float64     `json:"beta2"`
		Eps    float64     `json:"eps"`
		Clip   float64     `json:"clip"`
	}{Values: values, Beta1: 0.9, Beta2: 0.95, Eps: 1e-8, Clip: 1}
	for _, g := range groups {
		jg := jsonGroup{WeightDecay: g.WeightDecay}
		for _, p := range g.Params {
			jg.Params = append(jg.Params, index[p.Name])
		}
		in.Groups = append(in.Groups, jg)
	}
	opt := AdamW{Beta1: 0.9, Beta2: 0.95}
	sched := Schedule{PeakLR: 0.05, MinLR: 0.005, WarmupSteps: 2, TotalSteps: 4}
	var goValues [][][]float32
	var goNorms []float64
	for step := 0; step < 4; step++ {
		js := jsonStep{LR: sched.LR(step)}
		for _, p := range params {
			for j := range p.Grad {
				p.Grad[j] = float32(r.NormFloat64() * 0.5)
			}
			js.Grads = append(js.Grads, append([]float32(nil), p.Grad...))
		}
		in.Steps = append(in.Steps, js)
		goNorms = append(goNorms, ClipGradNorm(params, 1))
		if err := opt.Step(groups, js.LR); err != nil {
			t.Fatal(err)
		}
		var vs [][]float32
		for _, p := range params {
			vs = append(vs, append([]float32(nil), p.Value...))
		}
		goValues = append(goValues, vs)
	}
	stdin, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	var res struct {
		Values [][][]float64 `json:"values"`
		Norms  []float64     `json:"norms"`
	}
	if err := json.Unmarshal(reftest.RunPython(t, torchAdamW, stdin), &res); err != nil {
		t.Fatal(err)
	}
	worst := 0.0
	for s := range goValues {
		if d := math.Abs(goNorms[s]-res.Norms[s]) / res.Norms[s]; d > 1e-6 {
			t.Errorf("step %d: gradient norm %v, torch %v", s, goNorms[s], res.Norms[s])
		}
		for i := range goValues[s] {
			for j, v := range goValues[s][i] {
				worst = max(worst, math.Abs(float64(v)-res.Values[s][i][j]))
			}
		}
	}
	t.Logf("largest difference from torch.optim.AdamW over 4 steps: %.2g", worst)
	if worst > 1e-6 {
		t.Errorf("parameters differ from torch.optim.AdamW by %.3g", worst)
	}
}
