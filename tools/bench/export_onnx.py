#!/usr/bin/python3
"""Export Textlab's benchmark models to ONNX for onnxruntime-web.

Run with Debian's Python (python3-torch, python3-onnx):

    /usr/bin/python3 tools/bench/export_onnx.py bert DIR
        reads DIR/config.json and DIR/model.safetensors (float32, written by
        Go's bert.WriteSafetensors) and writes DIR/model.onnx; when
        DIR/model-int8.safetensors exists (the same model after Go's
        bert.Quantize) it also writes DIR/model-int8.onnx, whose encoder
        Linear layers run as DynamicQuantizeLinear + MatMulInteger with
        Go's int8 weights and per-output-channel scales.

    /usr/bin/python3 tools/bench/export_onnx.py llama MODEL.bin OUT.onnx
        reads a llama2.c checkpoint and writes one decoder step with a
        key/value cache: inputs token [1] int64, pos [1] int64,
        past_k/past_v [n_layers, past, kv_dim]; outputs logits [vocab],
        present_k/present_v [n_layers, past+1, kv_dim].

    /usr/bin/python3 tools/bench/export_onnx.py llama MODEL.bin OUT.onnx INT8.safetensors INT8.onnx
        also writes INT8.onnx: the same step with every projection as
        DynamicQuantizeLinear + MatMulInteger with the int8 weights and
        scales Go's Llama.Quantize made (INT8.safetensors, written by
        Llama.WriteSafetensors); the classifier stays float32, as in Go.

The networks are built from torch modules (nn.Embedding, nn.Linear,
nn.LayerNorm) in the same order of operations as core/bert and
core/decoder, and exported with torch.onnx.export.
"""
import json
import struct
import sys

import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F
from onnx import helper, numpy_helper, TensorProto

OPSET = 17


def read_safetensors(path):
    raw = open(path, "rb").read()
    n = int.from_bytes(raw[:8], "little")
    header = json.loads(raw[8:8 + n])
    body = raw[8 + n:]
    dtypes = {"F32": "<f4", "I8": "i1"}
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        a, b = e["data_offsets"]
        arr = np.frombuffer(body[a:b], dtype=dtypes[e["dtype"]]).reshape(e["shape"]).copy()
        if name.startswith("bert."):  # BertForMaskedLM's prefix
            name = name[len("bert."):]
        out[name] = arr
    return out


class Bert(nn.Module):
    """BERT's post-LayerNorm encoder as core/bert runs it; returns the last
    hidden states."""

    def __init__(self, cfg, W):
        super().__init__()
        H, nh = cfg["hidden_size"], cfg["num_attention_heads"]
        eps = cfg["layer_norm_eps"]
        self.nh, self.hs = nh, H // nh

        def emb(name):
            t = torch.from_numpy(W[name])
            e = nn.Embedding(t.shape[0], t.shape[1])
            e.weight.data.copy_(t)
            return e

        def lin(prefix):
            w = torch.from_numpy(W[prefix + ".weight"])
            l = nn.Linear(w.shape[1], w.shape[0])
            l.weight.data.copy_(w)
            l.bias.data.copy_(torch.from_numpy(W[prefix + ".bias"]))
            return l

        def norm(prefix):
            n = nn.LayerNorm(H, eps=eps)
            n.weight.data.copy_(torch.from_numpy(W[prefix + ".weight"]))
            n.bias.data.copy_(torch.from_numpy(W[prefix + ".bias"]))
            return n

        self.word = emb("embeddings.word_embeddings.weight")
        self.pos = emb("embeddings.position_embeddings.weight")
        self.typ = emb("embeddings.token_type_embeddings.weight")
        self.norm = norm("embeddings.LayerNorm")
        self.layers = nn.ModuleList()
        for i in range(cfg["num_hidden_layers"]):
            p = "encoder.layer.%d." % i
            L = nn.Module()
            L.q, L.k, L.v = lin(p + "attention.self.query"), lin(p + "attention.self.key"), lin(p + "attention.self.value")
            L.o, L.norm1 = lin(p + "attention.output.dense"), norm(p + "attention.output.LayerNorm")
            L.up, L.down = lin(p + "intermediate.dense"), lin(p + "output.dense")
            L.norm2 = norm(p + "output.LayerNorm")
            self.layers.append(L)

    def forward(self, input_ids, attention_mask):
        B, T = input_ids.shape
        positions = torch.arange(T).unsqueeze(0)
        x = self.norm(self.word(input_ids) + self.pos(positions) + self.typ(torch.zeros_like(input_ids)))
        # additive mask: 0 for tokens, -inf-like for padding
        bias = (1.0 - attention_mask.to(torch.float32)).unsqueeze(1).unsqueeze(2) * -1e9

        def heads(t):
            return t.view(B, T, self.nh, self.hs).transpose(1, 2)

        for L in self.layers:
            q, k, v = heads(L.q(x)), heads(L.k(x)), heads(L.v(x))
            att = torch.softmax(q @ k.transpose(2, 3) / (self.hs ** 0.5) + bias, dim=-1)
            ctx = (att @ v).transpose(1, 2).reshape(B, T, self.nh * self.hs)
            x = L.norm1(x + L.o(ctx))
            x = L.norm2(x + L.down(F.gelu(L.up(x))))
        return x


def export_bert(d):
    cfg = json.load(open(d + "/config.json"))
    W = read_safetensors(d + "/model.safetensors")
    model = Bert(cfg, W).eval()
    ids = torch.ones(2, 8, dtype=torch.int64)
    mask = torch.ones(2, 8, dtype=torch.int64)
    with torch.no_grad():
        torch.onnx.export(model, (ids, mask), d + "/model.onnx", opset_version=OPSET,
                          input_names=["input_ids", "attention_mask"], output_names=["last_hidden_state"],
                          dynamic_axes={"input_ids": {0: "batch", 1: "seq"}, "attention_mask": {0: "batch", 1: "seq"},
                                        "last_hidden_state": {0: "batch", 1: "seq"}})
    try:
        Q = read_safetensors(d + "/model-int8.safetensors")
    except FileNotFoundError:
        return
    quantize_graph(d + "/model.onnx", d + "/model-int8.onnx", W, Q)


def quantize_graph(src, dst, W, Q):
    """Replace every MatMul whose weight is an encoder Linear's (found by
    value: the exported initializer is W transposed) by
    DynamicQuantizeLinear(x) -> MatMulInteger(xq, Wqᵀ, x_zero) -> Cast ->
    Mul(x_scale · w_scale), using Go's int8 weights and scales from Q."""
    g = onnx.load(src)
    inits = {i.name: i for i in g.graph.initializer}
    by_value = {}
    for name, w in W.items():
        if name.endswith(".weight") and name + "_scale" in Q:
            by_value[np.ascontiguousarray(w.T).tobytes()] = name
    nodes, replaced, drop = [], 0, set()
    for node in g.graph.node:
        if node.op_type == "MatMul" and node.input[1] in inits:
            arr = numpy_helper.to_array(inits[node.input[1]])
            name = by_value.get(np.ascontiguousarray(arr).tobytes())
            if name is not None:
                q = np.ascontiguousarray(Q[name].T)  # [in][out] int8
                s = Q[name + "_scale"].astype(np.float32)  # [out]
                base = name[:-len(".weight")]
                g.graph.initializer.extend([numpy_helper.from_array(q, base + ".wq"),
                                            numpy_helper.from_array(s, base + ".wscale")])
                drop.add(node.input[1])
                x, y = node.input[0], node.output[0]
                nodes += [
                    helper.make_node("DynamicQuantizeLinear", [x], [base + ".xq", base + ".xs", base + ".xz"]),
                    helper.make_node("MatMulInteger", [base + ".xq", base + ".wq", base + ".xz"], [base + ".acc"]),
                    helper.make_node("Cast", [base + ".acc"], [base + ".accf"], to=TensorProto.FLOAT),
                    helper.make_node("Mul", [base + ".xs", base + ".wscale"], [base + ".scale"]),
                    helper.make_node("Mul", [base + ".accf", base + ".scale"], [y]),
                ]
                replaced += 1
                continue
        nodes.append(node)
    want = sum(1 for n in W if n.endswith(".weight") and n + "_scale" in Q)
    if replaced != want:
        sys.exit("int8: replaced %d MatMuls, want %d" % (replaced, want))
    del g.graph.node[:]
    g.graph.node.extend(nodes)
    keep = [i for i in g.graph.initializer if i.name not in drop]
    del g.graph.initializer[:]
    g.graph.initializer.extend(keep)
    onnx.checker.check_model(g)
    onnx.save(g, dst)
    print("int8: %d Linear layers as MatMulInteger" % replaced, file=sys.stderr)


def read_llama2c(path):
    raw = open(path, "rb").read()
    dim, hidden, L, nh, nkv, vocab, seq = struct.unpack("<7i", raw[:28])
    shared = vocab > 0
    vocab = abs(vocab)
    hs = dim // nh
    kv = nkv * hs
    off = 28
    cfg = dict(dim=dim, hidden=hidden, L=L, nh=nh, nkv=nkv, vocab=vocab, seq=seq)

    def take(*shape):
        nonlocal off
        n = int(np.prod(shape))
        a = np.frombuffer(raw, dtype="<f4", count=n, offset=off).reshape(shape).copy()
        off += 4 * n
        return a

    W = {"emb": take(vocab, dim), "rms_att": take(L, dim), "wq": take(L, dim, dim), "wk": take(L, kv, dim),
         "wv": take(L, kv, dim), "wo": take(L, dim, dim), "rms_ffn": take(L, dim), "w1": take(L, hidden, dim),
         "w2": take(L, dim, hidden), "w3": take(L, hidden, dim), "rms_final": take(dim)}
    take(seq, hs // 2)  # freq_cis_real (unused, as in run.c)
    take(seq, hs // 2)  # freq_cis_imag
    W["wcls"] = W["emb"] if shared else take(vocab, dim)
    return cfg, W


class LlamaStep(nn.Module):
    """One position of llama2.c's forward (run.c's order), with the
    key/value cache as explicit inputs and outputs."""

    def __init__(self, cfg, W):
        super().__init__()
        self.c = cfg
        dim, hidden, nh, nkv = cfg["dim"], cfg["hidden"], cfg["nh"], cfg["nkv"]
        self.hs = dim // nh
        kv = nkv * self.hs

        def lin(w):
            l = nn.Linear(w.shape[1], w.shape[0], bias=False)
            l.weight.data.copy_(torch.from_numpy(w))
            return l

        self.emb = nn.Embedding(cfg["vocab"], dim)
        self.emb.weight.data.copy_(torch.from_numpy(W["emb"]))
        self.layers = nn.ModuleList()
        for l in range(cfg["L"]):
            m = nn.Module()
            m.att_norm = nn.Parameter(torch.from_numpy(W["rms_att"][l]))
            m.ffn_norm = nn.Parameter(torch.from_numpy(W["rms_ffn"][l]))
            m.wq, m.wk, m.wv, m.wo = lin(W["wq"][l]), lin(W["wk"][l]), lin(W["wv"][l]), lin(W["wo"][l])
            m.w1, m.w2, m.w3 = lin(W["w1"][l]), lin(W["w2"][l]), lin(W["w3"][l])
            self.layers.append(m)
        self.final_norm = nn.Parameter(torch.from_numpy(W["rms_final"]))
        self.cls = lin(W["wcls"])
        # rotary tables as run.c computes them: freq = 10000^(-j/head_size)
        # for the even offsets j within a head
        j = np.arange(0, self.hs, 2, dtype=np.float32)
        freq = 1.0 / np.power(np.float32(10000.0), j / np.float32(self.hs))
        ang = np.arange(cfg["seq"], dtype=np.float32)[:, None] * freq[None, :]
        self.register_buffer("cos", torch.from_numpy(np.cos(ang).astype(np.float32)))
        self.register_buffer("sin", torch.from_numpy(np.sin(ang).astype(np.float32)))

    @staticmethod
    def rmsnorm(x, w):
        return x * torch.rsqrt((x * x).mean(-1, keepdim=True) + 1e-5) * w

    def rope(self, t, c, s):
        t = t.view(-1, self.hs // 2, 2)
        a, b = t[..., 0], t[..., 1]
        return torch.stack([a * c - b * s, a * s + b * c], dim=-1).view(1, -1)

    def forward(self, token, pos, past_k, past_v):
        nh, nkv, hs = self.c["nh"], self.c["nkv"], self.hs
        x = self.emb(token)  # [1, dim]
        c, s = self.cos[pos], self.sin[pos]  # [1, hs/2]
        ks, vs = [], []
        for l, m in enumerate(self.layers):
            xb = self.rmsnorm(x, m.att_norm)
            q, k, v = self.rope(m.wq(xb), c, s), self.rope(m.wk(xb), c, s), m.wv(xb)
            kc = torch.cat([past_k[l], k], 0)  # [P+1, kv]
            vc = torch.cat([past_v[l], v], 0)
            ks.append(kc)
            vs.append(vc)
            P = kc.shape[0]
            kh = kc.view(P, nkv, 1, hs).expand(P, nkv, nh // nkv, hs).reshape(P, nh, hs).transpose(0, 1)
            vh = vc.view(P, nkv, 1, hs).expand(P, nkv, nh // nkv, hs).reshape(P, nh, hs).transpose(0, 1)
            att = torch.softmax((q.view(nh, 1, hs) @ kh.transpose(1, 2)) / (hs ** 0.5), dim=-1)  # [nh, 1, P]
            x = x + m.wo((att @ vh).reshape(1, nh * hs))
            xb = self.rmsnorm(x, m.ffn_norm)
            x = x + m.w2(F.silu(m.w1(xb)) * m.w3(xb))
        logits = self.cls(self.rmsnorm(x, self.final_norm)).view(-1)
        return logits, torch.stack(ks), torch.stack(vs)


def export_llama(path, out):
    cfg, W = read_llama2c(path)
    model = LlamaStep(cfg, W).eval()
    kv = cfg["nkv"] * (cfg["dim"] // cfg["nh"])
    past = torch.zeros(cfg["L"], 3, kv)
    with torch.no_grad():
        torch.onnx.export(model, (torch.tensor([5]), torch.tensor([3]), past, past), out, opset_version=OPSET,
                          input_names=["token", "pos", "past_k", "past_v"],
                          output_names=["logits", "present_k", "present_v"],
                          dynamic_axes={"past_k": {1: "past"}, "past_v": {1: "past"},
                                        "present_k": {1: "present"}, "present_v": {1: "present"}})


def quantize_llama(path, onnx_path, int8_safetensors, out):
    """Write out: the exported decoder step onnx_path with every projection
    (wq, wk, wv, wo, w1, w2, w3; not the classifier) as MatMulInteger with
    the int8 weights and scales of Go's Llama.Quantize, read from the
    safetensors Go wrote (Llama.WriteSafetensors names)."""
    cfg, W = read_llama2c(path)
    names = {"wq": "attention.wq", "wk": "attention.wk", "wv": "attention.wv", "wo": "attention.wo",
             "w1": "feed_forward.w1", "w2": "feed_forward.w2", "w3": "feed_forward.w3"}
    float_by_name = {}
    for key, name in names.items():
        for layer in range(cfg["L"]):
            float_by_name["layers.%d.%s.weight" % (layer, name)] = W[key][layer]
    quantize_graph(onnx_path, out, float_by_name, read_safetensors(int8_safetensors))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "bert":
        export_bert(sys.argv[2])
    elif len(sys.argv) in (4, 6) and sys.argv[1] == "llama":
        export_llama(sys.argv[2], sys.argv[3])
        if len(sys.argv) == 6:
            quantize_llama(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5])
    else:
        sys.exit(__doc__)
