//go:build ref && !js

package decoder_test

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"

	"textlab/internal/reftest"
)

// gpt2Torch builds GPT-2 from torch modules, with the weights parsed by hand
// from the safetensors file Textlab wrote (json header + numpy frombuffer;
// transformers is not installed), and prints the logits of every position
// of each sequence, running the whole sequence at once (no cache).
const gpt2Torch = `
import json, struct, sys
import numpy as np
import torch
from torch import nn

cfg = json.load(open(sys.argv[1]))
raw = open(sys.argv[2], "rb").read()
n = struct.unpack("<Q", raw[:8])[0]
header = json.loads(raw[8:8 + n])
body = raw[8 + n:]
W = {}
for name, e in header.items():
    if name == "__metadata__":
        continue
    assert e["dtype"] == "F32", (name, e["dtype"])
    a, b = e["data_offsets"]
    W[name] = torch.from_numpy(np.frombuffer(body[a:b], dtype="<f4").copy().reshape(e["shape"]))

d, H, L = cfg["n_embd"], cfg["n_head"], cfg["n_layer"]
inner = cfg.get("n_inner") or 4 * d
eps = cfg["layer_norm_epsilon"]
assert cfg["activation_function"] == "gelu_new"

def layer_norm(prefix):
    ln = nn.LayerNorm(d, eps=eps)
    ln.weight.data, ln.bias.data = W[prefix + ".weight"], W[prefix + ".bias"]
    return ln

def conv1d(prefix, fin, fout):
    # Hugging Face's Conv1D stores [in, out]; nn.Linear wants [out, in].
    lin = nn.Linear(fin, fout)
    assert tuple(W[prefix + ".weight"].shape) == (fin, fout)
    lin.weight.data = W[prefix + ".weight"].t().contiguous()
    lin.bias.data = W[prefix + ".bias"]
    return lin

wte = nn.Embedding(cfg["vocab_size"], d); wte.weight.data = W["wte.weight"]
wpe = nn.Embedding(cfg["n_positions"], d); wpe.weight.data = W["wpe.weight"]
gelu = nn.GELU(approximate="tanh")
blocks = []
for i in range(L):
    p = "h.%d." % i
    blocks.append(dict(ln1=layer_norm(p + "ln_1"), attn=conv1d(p + "attn.c_attn", d, 3 * d),
                       proj=conv1d(p + "attn.c_proj", d, d), ln2=layer_norm(p + "ln_2"),
                       fc=conv1d(p + "mlp.c_fc", d, inner), mproj=conv1d(p + "mlp.c_proj", inner, d)))
ln_f = layer_norm("ln_f")

def forward(ids):
    T = len(ids)
    x = wte(torch.tensor(ids)) + wpe(torch.arange(T))
    mask = torch.triu(torch.ones(T, T, dtype=torch.bool), diagonal=1)
    hs = d // H
    for b in blocks:
        q, k, v = b["attn"](b["ln1"](x)).split(d, dim=-1)
        q, k, v = (t.view(T, H, hs).transpose(0, 1) for t in (q, k, v))
        att = (q @ k.transpose(-1, -2)) / (hs ** 0.5)
        att = att.masked_fill(mask, float("-inf")).softmax(dim=-1)
        y = (att @ v).transpose(0, 1).reshape(T, d)
        x = x + b["proj"](y)
        x = x + b["mproj"](gelu(b["fc"](b["ln2"](x))))
    return ln_f(x) @ wte.weight.t()  # tied LM head

with torch.no_grad():
    out = [forward(ids).tolist() for ids in json.load(sys.stdin)]
json.dump(out, sys.stdout)
`

// TestGPT2MatchesPyTorch writes a random GPT-2 (vocab 97, n_embd 32, 4
// heads, 2 layers, n_positions 64) with WriteSafetensors and compares the
// logits of Forward, run one position at a time with the KV cache, against
// PyTorch's full-sequence forward at every position.
func TestGPT2MatchesPyTorch(t *testing.T) {
	m := newTinyGPT2(t, 7)
	cfgJSON, weights := writeGPT2(t, m)
	dir := t.TempDir()
	cfgPath, wPath := filepath.Join(dir, "config.json"), filepath.Join(dir, "model.safetensors")
	if err := os.WriteFile(cfgPath, cfgJSON, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(wPath, weights, 0o644); err != nil {
		t.Fatal(err)
	}
	seqs := [][]int{{0}, {96, 5, 5, 5, 12, 80, 1}, make([]int, 64)}
	for i := range seqs[2] {
		seqs[2][i] = (i*37 + 11) % 97 // all 64 positions
	}
	in, _ := json.Marshal(seqs)
	var want [][][]float64
	if err := json.Unmarshal(reftest.RunPython(t, gpt2Torch, in, cfgPath, wPath), &want); err != nil {
		t.Fatal(err)
	}
	for s, seq := range seqs {
		m.Reset()
		var worst float64
		for pos, tok := range seq {
			got := m.Forward(tok, pos)
			for i, v := range got {
				worst = math.Max(worst, math.Abs(float64(v)-want[s][pos][i]))
			}
		}
		t.Logf("sequence %d (%d tokens): max |Textlab - PyTorch| = %.3g", s, len(seq), worst)
		if worst > 1e-4 {
			t.Errorf("sequence %d: max difference %.3g > 1e-4", s, worst)
		}
	}
}
