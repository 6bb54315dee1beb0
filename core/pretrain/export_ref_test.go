//go:build ref && !js

package pretrain

import (
	"context"
	"encoding/json"
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"textlab/core/bert"
	"textlab/core/decoder"
	"textlab/core/train"
	"textlab/internal/reftest"
)

// readSafetensors is the Python that both reference models use to read a
// float32 model.safetensors into a state dict (no safetensors package).
const readSafetensors = `
import json, math, sys
import numpy as np
import torch
import torch.nn as nn

def read_safetensors(path):
    raw = open(path, "rb").read()
    n = int.from_bytes(raw[:8], "little")
    header = json.loads(raw[8:8 + n])
    body = raw[8 + n:]
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        assert e["dtype"] == "F32", (name, e["dtype"])
        a, b = e["data_offsets"]
        out[name] = torch.from_numpy(np.frombuffer(body[a:b], dtype="<f4").reshape(e["shape"]).copy())
    return out
`

// bertScript is a BERT for masked language modelling written from
// torch.nn modules, with Hugging Face's BertForMaskedLM module names so
// that the exported state dict loads by name; it prints the MLM logits of
// a padded batch.
const bertScript = readSafetensors + `
d = sys.argv[1]
cfg = json.load(open(d + "/config.json"))
H, V, nh = cfg["hidden_size"], cfg["vocab_size"], cfg["num_attention_heads"]
I, eps = cfg["intermediate_size"], cfg["layer_norm_eps"]
assert cfg["architectures"] == ["BertForMaskedLM"] and cfg["hidden_act"] == "gelu"

class SelfAttention(nn.Module):
    def __init__(self):
        super().__init__()
        self.query, self.key, self.value = nn.Linear(H, H), nn.Linear(H, H), nn.Linear(H, H)
    def forward(self, x, pad):
        B, T, _ = x.shape
        split = lambda t: t.view(B, T, nh, H // nh).transpose(1, 2)
        q, k, v = split(self.query(x)), split(self.key(x)), split(self.value(x))
        s = q @ k.transpose(-1, -2) / math.sqrt(H // nh)
        s = s.masked_fill(pad[:, None, None, :], float("-inf"))
        return (s.softmax(-1) @ v).transpose(1, 2).reshape(B, T, H)

class Dense(nn.Module):  # output.dense + output.LayerNorm
    def __init__(self, n_in):
        super().__init__()
        self.dense, self.LayerNorm = nn.Linear(n_in, H), nn.LayerNorm(H, eps=eps)

class Attention(nn.Module):
    def __init__(self):
        super().__init__()
        self.self, self.output = SelfAttention(), Dense(H)

class Intermediate(nn.Module):
    def __init__(self):
        super().__init__()
        self.dense = nn.Linear(H, I)

class Layer(nn.Module):
    def __init__(self):
        super().__init__()
        self.attention, self.intermediate, self.output = Attention(), Intermediate(), Dense(I)
    def forward(self, x, pad):
        a = self.attention.output
        x = a.LayerNorm(x + a.dense(self.attention.self(x, pad)))
        h = nn.functional.gelu(self.intermediate.dense(x))
        return self.output.LayerNorm(x + self.output.dense(h))

class Embeddings(nn.Module):
    def __init__(self):
        super().__init__()
        self.word_embeddings = nn.Embedding(V, H)
        self.position_embeddings = nn.Embedding(cfg["max_position_embeddings"], H)
        self.token_type_embeddings = nn.Embedding(cfg["type_vocab_size"], H)
        self.LayerNorm = nn.LayerNorm(H, eps=eps)

class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.layer = nn.ModuleList([Layer() for _ in range(cfg["num_hidden_layers"])])

class Bert(nn.Module):
    def __init__(self):
        super().__init__()
        self.embeddings, self.encoder = Embeddings(), Encoder()

class Transform(nn.Module):
    def __init__(self):
        super().__init__()
        self.dense, self.LayerNorm = nn.Linear(H, H), nn.LayerNorm(H, eps=eps)

class Predictions(nn.Module):
    def __init__(self):
        super().__init__()
        self.transform = Transform()
        self.bias = nn.Parameter(torch.zeros(V))

class Head(nn.Module):
    def __init__(self):
        super().__init__()
        self.predictions = Predictions()

class BertForMaskedLM(nn.Module):
    def __init__(self):
        super().__init__()
        self.bert, self.cls = Bert(), Head()
    def forward(self, ids, pad):
        e = self.bert.embeddings
        T = ids.shape[1]
        x = e.LayerNorm(e.word_embeddings(ids) + e.position_embeddings(torch.arange(T))[None] + e.token_type_embeddings(torch.zeros_like(ids)))
        for L in self.bert.encoder.layer:
            x = L(x, pad)
        t = self.cls.predictions.transform
        h = t.LayerNorm(nn.functional.gelu(t.dense(x)))
        # The decoder is tied to the word embeddings, as in BertForMaskedLM.
        return h @ e.word_embeddings.weight.T + self.cls.predictions.bias

m = BertForMaskedLM()
missing, unexpected = m.load_state_dict(read_safetensors(d + "/model.safetensors"), strict=False)
assert not missing and not unexpected, (missing, unexpected)
m.eval()
inp = json.load(sys.stdin)
with torch.no_grad():
    logits = m(torch.tensor(inp["ids"]), torch.tensor(inp["mask"]) == 0)
json.dump(logits.tolist(), sys.stdout)
`

// The Hugging Face encoder export, run by a BERT written from torch.nn
// modules, gives the MLM logits of the checkpoint's model in Go.
func TestHFEncoderTorchParity(t *testing.T) {
	f := getFixture(t, Encoder)
	ck := f.open(t)
	dir := t.TempDir()
	if _, err := ck.Export(dir, ExportOptions{Tokenizer: f.tokPath, Format: HF}); err != nil {
		t.Fatal(err)
	}
	m, err := ck.Encoder()
	if err != nil {
		t.Fatal(err)
	}
	// Held-out windows with a few masks, cut to different lengths and padded.
	vw := Windows{Stream: f.valid, Config: f.cfg}
	const B, T = 6, 32
	r := rand.New(rand.NewPCG(4, 5))
	ids, mask := make([][]int, B), make([][]int, B)
	inputs := make([]bert.Input, B)
	for b := range B {
		w := vw.Window(b)
		n := T - 3*b
		w = append(w[:n-1], f.cfg.Special.SEP)
		for range 3 {
			w[1+r.IntN(n-2)] = f.cfg.Special.Mask
		}
		inputs[b] = bert.Input{IDs: w}
		ids[b], mask[b] = make([]int, T), make([]int, T)
		for i, id := range w {
			ids[b][i], mask[b][i] = id, 1
		}
	}
	stdin, _ := json.Marshal(map[string]any{"ids": ids, "mask": mask})
	var ref [][][]float64
	if err := json.Unmarshal(reftest.RunPython(t, bertScript, stdin, dir), &ref); err != nil {
		t.Fatal(err)
	}
	got, err := m.Encode(context.Background(), inputs, bert.Options{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var worst, scale float64
	for b, in := range inputs {
		for i := range in.IDs {
			logits, err := m.MLMLogits(got[b].Hidden[i])
			if err != nil {
				t.Fatal(err)
			}
			for v, x := range logits {
				worst = max(worst, math.Abs(float64(x)-ref[b][i][v]))
				scale = max(scale, math.Abs(ref[b][i][v]))
			}
		}
	}
	t.Logf("MLM logits: max |Go - PyTorch| %.3g (largest logit %.3g)", worst, scale)
	if worst > 1e-4 {
		t.Errorf("MLM logits differ by %.3g, more than 1e-4", worst)
	}
}

// llamaScript is a Llama written from torch.nn modules as Hugging Face's
// LlamaForCausalLM computes it (RMSNorm, rotary embeddings on the two
// halves of each head with rotate_half, grouped-query attention, SwiGLU,
// tied or separate head), with its module names, so that the exported
// state dict loads by name; it prints the logits of every position.
const llamaScript = readSafetensors + `
d = sys.argv[1]
cfg = json.load(open(d + "/config.json"))
assert cfg["architectures"] == ["LlamaForCausalLM"] and cfg["hidden_act"] == "silu"
D, V, L = cfg["hidden_size"], cfg["vocab_size"], cfg["num_hidden_layers"]
NH, KV, HID, eps = cfg["num_attention_heads"], cfg["num_key_value_heads"], cfg["intermediate_size"], cfg["rms_norm_eps"]
HS = D // NH

class RMSNorm(nn.Module):
    def __init__(self):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(D))
    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * self.weight

def rotate_half(x):
    return torch.cat((-x[..., HS // 2:], x[..., :HS // 2]), dim=-1)

class Attention(nn.Module):
    def __init__(self):
        super().__init__()
        self.q_proj = nn.Linear(D, NH * HS, bias=False)
        self.k_proj = nn.Linear(D, KV * HS, bias=False)
        self.v_proj = nn.Linear(D, KV * HS, bias=False)
        self.o_proj = nn.Linear(NH * HS, D, bias=False)
    def forward(self, x, cos, sin):
        B, T, _ = x.shape
        q = self.q_proj(x).view(B, T, NH, HS).transpose(1, 2)
        k = self.k_proj(x).view(B, T, KV, HS).transpose(1, 2)
        v = self.v_proj(x).view(B, T, KV, HS).transpose(1, 2)
        q, k = q * cos + rotate_half(q) * sin, k * cos + rotate_half(k) * sin
        k, v = k.repeat_interleave(NH // KV, dim=1), v.repeat_interleave(NH // KV, dim=1)
        s = q @ k.transpose(-1, -2) / math.sqrt(HS)
        s = s.masked_fill(torch.triu(torch.ones(T, T, dtype=torch.bool), 1), float("-inf"))
        return self.o_proj((s.softmax(-1) @ v).transpose(1, 2).reshape(B, T, NH * HS))

class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.gate_proj = nn.Linear(D, HID, bias=False)
        self.up_proj = nn.Linear(D, HID, bias=False)
        self.down_proj = nn.Linear(HID, D, bias=False)
    def forward(self, x):
        return self.down_proj(nn.functional.silu(self.gate_proj(x)) * self.up_proj(x))

class Layer(nn.Module):
    def __init__(self):
        super().__init__()
        self.input_layernorm, self.self_attn = RMSNorm(), Attention()
        self.post_attention_layernorm, self.mlp = RMSNorm(), MLP()
    def forward(self, x, cos, sin):
        x = x + self.self_attn(self.input_layernorm(x), cos, sin)
        return x + self.mlp(self.post_attention_layernorm(x))

class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed_tokens = nn.Embedding(V, D)
        self.layers = nn.ModuleList([Layer() for _ in range(L)])
        self.norm = RMSNorm()

class LlamaForCausalLM(nn.Module):
    def __init__(self):
        super().__init__()
        self.model = Model()
        self.lm_head = nn.Linear(D, V, bias=False)
    def forward(self, ids):
        T = ids.shape[1]
        inv = 1.0 / (cfg["rope_theta"] ** (torch.arange(0, HS, 2, dtype=torch.float32) / HS))
        freqs = torch.outer(torch.arange(T, dtype=torch.float32), inv)
        emb = torch.cat((freqs, freqs), dim=-1)
        cos, sin = emb.cos(), emb.sin()
        x = self.model.embed_tokens(ids)
        for layer in self.model.layers:
            x = layer(x, cos, sin)
        return self.lm_head(self.model.norm(x))

m = LlamaForCausalLM()
missing, unexpected = m.load_state_dict(read_safetensors(d + "/model.safetensors"), strict=False)
if cfg["tie_word_embeddings"]:
    assert missing == ["lm_head.weight"], missing
    m.lm_head.weight = m.model.embed_tokens.weight
else:
    assert not missing, missing
assert not unexpected, unexpected
m.eval()
with torch.no_grad():
    logits = m(torch.tensor(json.load(sys.stdin)))
json.dump(logits.tolist(), sys.stdout)
`

// The Hugging Face decoder export (q and k permuted to the rotation of
// halves), run by a Llama written from torch.nn modules, gives the logits
// of the checkpoint's model in Go (llama2.c's rotation of pairs): the
// trained fixture (tied classifier), and a random model with grouped-query
// attention and its own classifier.
func TestHFDecoderTorchParity(t *testing.T) {
	f := getFixture(t, Decoder)
	gqa := f.cfg
	gqa.Heads, gqa.KVHeads, gqa.Dim, gqa.Hidden, gqa.Seed = 4, 2, 48, 96, 9
	gqaDir := t.TempDir()
	// Config.NewModel ties the classifier; core/train's Llama can have its own.
	lc := train.LlamaConfig{LlamaConfig: decoder.LlamaConfig{Dim: gqa.Dim, HiddenDim: gqa.Hidden, NLayers: gqa.Layers, NHeads: gqa.Heads,
		NKVHeads: gqa.KVHeads, VocabSize: gqa.Vocab, SeqLen: gqa.SeqLen}, SeparateClassifier: true, InitStd: 0.2}
	untied, err := train.NewLlama(lc, 9)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		ck   func(t *testing.T) *Checkpoint
	}{
		{"trained, tied", func(t *testing.T) *Checkpoint { return f.open(t) }},
		{"random, grouped-query, untied", func(t *testing.T) *Checkpoint {
			return &Checkpoint{Dir: gqaDir, State: State{Config: gqa}, Model: untied}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ck := tc.ck(t)
			dir := t.TempDir()
			if _, err := ck.Export(dir, ExportOptions{Tokenizer: f.tokPath, Format: HF}); err != nil {
				t.Fatal(err)
			}
			var cfg map[string]any
			json.Unmarshal(readExport(t, dir, "config.json"), &cfg)
			dec, err := ck.Decoder()
			if err != nil {
				t.Fatal(err)
			}
			tied := &dec.Weights.Classifier[0] == &dec.Weights.TokenEmbedding[0]
			if cfg["tie_word_embeddings"] != tied {
				t.Errorf("tie_word_embeddings %v, the model's classifier tied %v", cfg["tie_word_embeddings"], tied)
			}
			vw := Windows{Stream: f.valid, Config: f.cfg}
			seqs := [][]int{vw.Window(0), vw.Window(1), vw.Window(2)}
			stdin, _ := json.Marshal(seqs)
			var ref [][][]float64
			if err := json.Unmarshal(reftest.RunPython(t, llamaScript, stdin, dir), &ref); err != nil {
				t.Fatal(err)
			}
			var worst, scale float64
			for b, seq := range seqs {
				dec.Reset()
				for pos, id := range seq {
					for v, x := range dec.Forward(id, pos) {
						worst = max(worst, math.Abs(float64(x)-ref[b][pos][v]))
						scale = max(scale, math.Abs(ref[b][pos][v]))
					}
				}
			}
			t.Logf("logits: max |Go - PyTorch| %.3g (largest logit %.3g)", worst, scale)
			if worst > 1e-4 {
				t.Errorf("logits differ by %.3g, more than 1e-4", worst)
			}
		})
	}
}

// tokenizersScript encodes texts with @huggingface/tokenizers (the
// reference tokenizer) from a tokenizer.json.
const tokenizersScript = `
import { Tokenizer } from "@huggingface/tokenizers";
import fs from "node:fs";
const input = JSON.parse(fs.readFileSync(0, "utf8"));
const tok = new Tokenizer(JSON.parse(fs.readFileSync(input.tokenizer, "utf8")), {});
process.stdout.write(JSON.stringify(input.texts.map((t) => tok.encode(t).ids)));
`

// The exported tokenizer.json files tokenize, in Hugging Face's reference
// tokenizer, as Textlab's tokenizers do: the encoder's as its vocab.txt
// ([CLS] ... [SEP]), the decoder's as run.c's encode of tokenizer.bin
// (BOS first, byte fallback for characters outside the vocabulary).
func TestTokenizerJSONReference(t *testing.T) {
	texts := append(strings.Split(strings.TrimSpace(storyCorpus(40, 8)), "\n"),
		"The OLD cat sat on the [MASK] .", "naïve café, 42 times!", "émoji 😀 and 北京", "two  spaces", " leading", "x")
	for _, kind := range []Kind{Encoder, Decoder} {
		t.Run(string(kind), func(t *testing.T) {
			f := getFixture(t, kind)
			dir := t.TempDir()
			if _, err := f.open(t).Export(dir, ExportOptions{Tokenizer: f.tokPath, Format: HF}); err != nil {
				t.Fatal(err)
			}
			in, _ := json.Marshal(map[string]any{"tokenizer": filepath.Join(dir, "tokenizer.json"), "texts": texts})
			var ref [][]int
			if err := json.Unmarshal(reftest.RunNodeModule(t, tokenizersScript, in), &ref); err != nil {
				t.Fatal(err)
			}
			bad := 0
			for i, text := range texts {
				var got []int
				if kind == Encoder {
					e, err := f.wp.Encode(text, true)
					if err != nil {
						t.Fatal(err)
					}
					got = e.IDs
				} else {
					e, err := f.llama.Encode(text, true)
					if err != nil {
						t.Fatal(err)
					}
					got = e.IDs
				}
				if !slices.Equal(got, ref[i]) {
					bad++
					t.Errorf("%q: Textlab %v, Hugging Face %v", text, got, ref[i])
				}
			}
			t.Logf("%d of %d texts tokenized alike", len(texts)-bad, len(texts))
		})
	}
}
