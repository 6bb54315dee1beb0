//go:build ref && !js

package bert

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"textlab/internal/reftest"
)

// torchScript loads the checkpoint written by the test into PyTorch's own
// modules (nn.Embedding, nn.LayerNorm, nn.TransformerEncoderLayer in
// post-LayerNorm form, nn.Linear/nn.GELU for the MLM head) and prints the
// last hidden states, every layer's attention probabilities (from
// nn.MultiheadAttention with need_weights=True) and the MLM logits.
const torchScript = `
import json, sys
import numpy as np
import torch
import torch.nn as nn

d = sys.argv[1]
cfg = json.load(open(d + "/config.json"))
raw = open(d + "/model.safetensors", "rb").read()
n = int.from_bytes(raw[:8], "little")
header = json.loads(raw[8:8 + n])
body = raw[8 + n:]
W = {}
for name, e in header.items():
    if name == "__metadata__":
        continue
    assert e["dtype"] == "F32", e
    a, b = e["data_offsets"]
    if name.startswith("bert."):  # BertForMaskedLM's prefix
        name = name[len("bert."):]
    W[name] = torch.from_numpy(np.frombuffer(body[a:b], dtype="<f4").reshape(e["shape"]).copy())

H, V, nh = cfg["hidden_size"], cfg["vocab_size"], cfg["num_attention_heads"]
I, eps = cfg["intermediate_size"], cfg["layer_norm_eps"]
torch.manual_seed(0)

def set_(p, t):
    assert p.shape == t.shape, (p.shape, t.shape)
    p.copy_(t)

with torch.no_grad():
    word = nn.Embedding(V, H); set_(word.weight, W["embeddings.word_embeddings.weight"])
    pos = nn.Embedding(cfg["max_position_embeddings"], H); set_(pos.weight, W["embeddings.position_embeddings.weight"])
    typ = nn.Embedding(cfg["type_vocab_size"], H); set_(typ.weight, W["embeddings.token_type_embeddings.weight"])
    norm = nn.LayerNorm(H, eps=eps)
    set_(norm.weight, W["embeddings.LayerNorm.weight"]); set_(norm.bias, W["embeddings.LayerNorm.bias"])
    layers = []
    for i in range(cfg["num_hidden_layers"]):
        p = "encoder.layer.%d." % i
        L = nn.TransformerEncoderLayer(H, nh, I, dropout=0.0, activation="gelu", layer_norm_eps=eps,
                                       batch_first=True, norm_first=False)
        s = p + "attention.self."
        set_(L.self_attn.in_proj_weight, torch.cat([W[s + "query.weight"], W[s + "key.weight"], W[s + "value.weight"]]))
        set_(L.self_attn.in_proj_bias, torch.cat([W[s + "query.bias"], W[s + "key.bias"], W[s + "value.bias"]]))
        set_(L.self_attn.out_proj.weight, W[p + "attention.output.dense.weight"])
        set_(L.self_attn.out_proj.bias, W[p + "attention.output.dense.bias"])
        set_(L.norm1.weight, W[p + "attention.output.LayerNorm.weight"])
        set_(L.norm1.bias, W[p + "attention.output.LayerNorm.bias"])
        set_(L.linear1.weight, W[p + "intermediate.dense.weight"]); set_(L.linear1.bias, W[p + "intermediate.dense.bias"])
        set_(L.linear2.weight, W[p + "output.dense.weight"]); set_(L.linear2.bias, W[p + "output.dense.bias"])
        set_(L.norm2.weight, W[p + "output.LayerNorm.weight"]); set_(L.norm2.bias, W[p + "output.LayerNorm.bias"])
        L.eval()
        layers.append(L)
    dense = nn.Linear(H, H)
    set_(dense.weight, W["cls.predictions.transform.dense.weight"]); set_(dense.bias, W["cls.predictions.transform.dense.bias"])
    hnorm = nn.LayerNorm(H, eps=eps)
    set_(hnorm.weight, W["cls.predictions.transform.LayerNorm.weight"]); set_(hnorm.bias, W["cls.predictions.transform.LayerNorm.bias"])
    decoder = nn.Linear(H, V)
    decoder.weight = word.weight  # tied, as BertForMaskedLM ties them
    set_(decoder.bias, W["cls.predictions.bias"])
    head = nn.Sequential(dense, nn.GELU(), hnorm, decoder).eval()

    inp = json.load(sys.stdin)
    ids = torch.tensor(inp["ids"]); types = torch.tensor(inp["types"])
    pad = torch.tensor(inp["mask"]) == 0  # True where padding
    T = ids.shape[1]
    x = norm(word(ids) + pos(torch.arange(T)).unsqueeze(0) + typ(types))
    atts = []
    for L in layers:
        _, a = L.self_attn(x, x, x, key_padding_mask=pad, need_weights=True, average_attn_weights=False)
        atts.append(a.tolist())
        x = L(x, src_key_padding_mask=pad)
    logits = head(x)
    json.dump({"hidden": x.tolist(), "attentions": atts, "logits": logits.tolist()}, sys.stdout)
`

func TestTorchParity(t *testing.T) {
	cfg := Config{VocabSize: 100, HiddenSize: 32, NumAttentionHeads: 4, NumHiddenLayers: 2,
		IntermediateSize: 64, MaxPositionEmbeddings: 40}
	// std 0.3 rather than BERT's 0.02 so attention is far from uniform and
	// every weight visibly changes the output.
	orig, err := NewRandom(cfg, 7, 0.3)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var st bytes.Buffer
	if err := orig.WriteSafetensors(&st); err != nil {
		t.Fatal(err)
	}
	cj, err := orig.Config.JSON()
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "model.safetensors"), st.Bytes(), 0o644)
	os.WriteFile(filepath.Join(dir, "config.json"), cj, 0o644)
	m, err := Load(cj, st.Bytes()) // Go runs from the same file PyTorch reads
	if err != nil {
		t.Fatal(err)
	}

	// 30 sequences of lengths 1..40 in one padded batch.
	r := rand.New(rand.NewPCG(11, 12))
	const B, T = 30, 40
	inputs := make([]Input, B)
	ids, types, mask := make([][]int, B), make([][]int, B), make([][]int, B)
	for b := range inputs {
		n := 1 + r.IntN(T)
		if b == 0 {
			n = T
		}
		in := Input{IDs: make([]int, n), TypeIDs: make([]int, n)}
		ids[b], types[b], mask[b] = make([]int, T), make([]int, T), make([]int, T)
		for i := 0; i < n; i++ {
			in.IDs[i] = r.IntN(cfg.VocabSize)
			if i > n/2 {
				in.TypeIDs[i] = 1
			}
			ids[b][i], types[b][i], mask[b][i] = in.IDs[i], in.TypeIDs[i], 1
		}
		inputs[b] = in
	}
	stdin, _ := json.Marshal(map[string]any{"ids": ids, "types": types, "mask": mask})
	var ref struct {
		Hidden     [][][]float64     // [b][t][h]
		Attentions [][][][][]float64 // [layer][b][head][q][k]
		Logits     [][][]float64     // [b][t][vocab]
	}
	if err := json.Unmarshal(reftest.RunPython(t, torchScript, stdin, dir), &ref); err != nil {
		t.Fatal(err)
	}
	got, err := m.Encode(context.Background(), inputs, Options{Attentions: true, BatchSize: B}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var maxHidden, maxAtt, maxLogit float64
	for b, in := range inputs {
		n := len(in.IDs)
		for i := 0; i < n; i++ {
			for e, v := range got[b].Hidden[i] {
				maxHidden = max(maxHidden, math.Abs(float64(v)-ref.Hidden[b][i][e]))
			}
			logits, err := m.MLMLogits(got[b].Hidden[i])
			if err != nil {
				t.Fatal(err)
			}
			for e, v := range logits {
				maxLogit = max(maxLogit, math.Abs(float64(v)-ref.Logits[b][i][e]))
			}
		}
		for l := range m.Layers {
			for h := 0; h < cfg.NumAttentionHeads; h++ {
				for i := 0; i < n; i++ {
					for j := 0; j < n; j++ {
						maxAtt = max(maxAtt, math.Abs(float64(got[b].Attentions[l][h][i][j])-ref.Attentions[l][b][h][i][j]))
					}
				}
			}
		}
	}
	t.Logf("max |Go - PyTorch|: hidden %.3g, attention probabilities %.3g, MLM logits %.3g", maxHidden, maxAtt, maxLogit)
	if maxHidden > 1e-4 || maxAtt > 1e-5 || maxLogit > 1e-4 {
		t.Errorf("differences above tolerance: hidden %.3g (1e-4), attention %.3g (1e-5), logits %.3g (1e-4)", maxHidden, maxAtt, maxLogit)
	}
}
