package pretrain

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"textlab/core/bert"
	"textlab/core/decoder"
	"textlab/core/llama2c"
	"textlab/core/safetensors"
	"textlab/core/tokenize/wordpiece"
)

// encoderHF is Hugging Face's BertForMaskedLM in float32, with the
// tokenizer as vocab.txt and tokenizer.json.
func (c *Checkpoint) encoderHF(vocab []byte) ([]namedFile, error) {
	m, err := c.Encoder()
	if err != nil {
		return nil, err
	}
	var st bytes.Buffer
	if err := m.WriteSafetensors(&st); err != nil {
		return nil, err
	}
	cfg, err := m.Config.JSON()
	if err != nil {
		return nil, err
	}
	if _, err := bert.Load(cfg, st.Bytes()); err != nil {
		return nil, fmt.Errorf("pretrain: the exported encoder does not load: %w", err)
	}
	tokJSON, err := WordPieceJSON(vocab)
	if err != nil {
		return nil, err
	}
	tokCfg, err := json.MarshalIndent(map[string]any{
		"tokenizer_class": "BertTokenizer", "do_lower_case": true, "strip_accents": nil, "tokenize_chinese_chars": true,
		"model_max_length": m.Config.MaxPositionEmbeddings,
		"unk_token":        "[UNK]", "sep_token": "[SEP]", "pad_token": "[PAD]", "cls_token": "[CLS]", "mask_token": "[MASK]",
	}, "", "  ")
	if err != nil {
		return nil, err
	}
	return []namedFile{{"config.json", cfg}, {"model.safetensors", st.Bytes()}, {"vocab.txt", vocab},
		{"tokenizer.json", tokJSON}, {"tokenizer_config.json", tokCfg}}, nil
}

// WordPieceJSON returns a Hugging Face tokenizer.json for a vocab.txt of
// Textlab's uncased WordPiece (as wordpiece.LoadVocab reads it with the
// zero Options): BertNormalizer (clean-up, Chinese characters split,
// lowercase, accents stripped with it), BertPreTokenizer, the WordPiece
// model with "##" continuations, and [CLS] A [SEP] (B [SEP]) around the
// text. The special tokens found in the vocabulary ([PAD], [UNK], [CLS],
// [SEP], [MASK]) are added tokens, matched before normalization.
func WordPieceJSON(vocabTxt []byte) ([]byte, error) {
	tok, err := wordpiece.LoadVocab(bytes.NewReader(vocabTxt), wordpiece.Options{})
	if err != nil {
		return nil, err
	}
	vocab := map[string]int{}
	for id := range tok.VocabSize() {
		vocab[tok.Token(id)] = id
	}
	var added []map[string]any
	for _, s := range []string{"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"} {
		if id, ok := vocab[s]; ok {
			added = append(added, map[string]any{"id": id, "content": s, "single_word": false, "lstrip": false,
				"rstrip": false, "normalized": false, "special": true})
		}
	}
	sort.Slice(added, func(i, j int) bool { return added[i]["id"].(int) < added[j]["id"].(int) })
	for _, s := range []string{"[UNK]", "[CLS]", "[SEP]"} {
		if _, ok := vocab[s]; !ok {
			return nil, fmt.Errorf("pretrain: the vocabulary has no %s", s)
		}
	}
	special := func(s string, typ int) map[string]any {
		return map[string]any{"SpecialToken": map[string]any{"id": s, "type_id": typ}}
	}
	seq := func(s string, typ int) map[string]any {
		return map[string]any{"Sequence": map[string]any{"id": s, "type_id": typ}}
	}
	j := map[string]any{
		"version":      "1.0",
		"truncation":   nil,
		"padding":      nil,
		"added_tokens": added,
		"normalizer": map[string]any{"type": "BertNormalizer", "clean_text": true, "handle_chinese_chars": true,
			"strip_accents": nil, "lowercase": true},
		"pre_tokenizer": map[string]any{"type": "BertPreTokenizer"},
		"post_processor": map[string]any{
			"type":   "TemplateProcessing",
			"single": []any{special("[CLS]", 0), seq("A", 0), special("[SEP]", 0)},
			"pair":   []any{special("[CLS]", 0), seq("A", 0), special("[SEP]", 0), seq("B", 1), special("[SEP]", 1)},
			"special_tokens": map[string]any{
				"[CLS]": map[string]any{"id": "[CLS]", "ids": []int{vocab["[CLS]"]}, "tokens": []string{"[CLS]"}},
				"[SEP]": map[string]any{"id": "[SEP]", "ids": []int{vocab["[SEP]"]}, "tokens": []string{"[SEP]"}},
			},
		},
		"decoder": map[string]any{"type": "WordPiece", "prefix": "##", "cleanup": true},
		"model": map[string]any{"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
			"max_input_chars_per_word": 100, "vocab": vocab},
	}
	return json.MarshalIndent(j, "", " ")
}

// decoderHF is Hugging Face's LlamaForCausalLM in float32, with the
// tokenizer as tokenizer.json and as llama2.c's tokenizer.bin.
//
// llama2.c (and Textlab) rotate the pairs (2i, 2i+1) of each query and key
// head; Hugging Face's Llama rotates the halves (i, i+head_size/2). The
// same model in Hugging Face's layout has the rows of wq and wk permuted
// within each head (see halvesRows); everything else is renamed only.
func (c *Checkpoint) decoderHF(tokBin []byte) ([]namedFile, error) {
	m, err := c.Decoder()
	if err != nil {
		return nil, err
	}
	st, cfg, err := LlamaHF(m)
	if err != nil {
		return nil, err
	}
	tok, err := llama2c.ReadTokenizer(bytes.NewReader(tokBin))
	if err != nil {
		return nil, err
	}
	tokJSON, err := LlamaTokenizerJSON(tok)
	if err != nil {
		return nil, err
	}
	tokCfg, err := json.MarshalIndent(map[string]any{
		"tokenizer_class": "LlamaTokenizerFast", "add_bos_token": true, "add_eos_token": false,
		"bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>", "model_max_length": m.Config.SeqLen,
	}, "", "  ")
	if err != nil {
		return nil, err
	}
	return []namedFile{{"config.json", cfg}, {"model.safetensors", st}, {"tokenizer.json", tokJSON},
		{"tokenizer_config.json", tokCfg}, {"tokenizer.bin", tokBin}}, nil
}

// LlamaHF returns a float32 Llama model as Hugging Face's
// LlamaForCausalLM: model.safetensors (model.embed_tokens,
// model.layers.N.{input_layernorm, self_attn.{q,k,v,o}_proj,
// post_attention_layernorm, mlp.{gate,up,down}_proj}, model.norm, and
// lm_head unless tied) and config.json (rms_norm_eps 1e-5, rope_theta
// 10000, as llama2.c).
func LlamaHF(m *decoder.Llama) (weights, config []byte, err error) {
	if m.Quantized() {
		return nil, nil, fmt.Errorf("pretrain: a Hugging Face export is float32; the model is int8")
	}
	c := m.Config
	w := &m.Weights
	dim, hid, kv, hs := c.Dim, c.HiddenDim, c.KVDim(), c.HeadSize()
	tied := &w.Classifier[0] == &w.TokenEmbedding[0]
	var ts []safetensors.Tensor
	add := func(name string, data []float32, shape ...int) {
		ts = append(ts, safetensors.Tensor{Name: name, Shape: shape, F32: data})
	}
	add("model.embed_tokens.weight", w.TokenEmbedding, c.VocabSize, dim)
	for i, l := range w.Layers {
		p := fmt.Sprintf("model.layers.%d.", i)
		add(p+"input_layernorm.weight", l.RMSAtt, dim)
		add(p+"self_attn.q_proj.weight", halvesRows(l.Wq, c.NHeads, hs, dim), dim, dim)
		add(p+"self_attn.k_proj.weight", halvesRows(l.Wk, c.NKVHeads, hs, dim), kv, dim)
		add(p+"self_attn.v_proj.weight", l.Wv, kv, dim)
		add(p+"self_attn.o_proj.weight", l.Wo, dim, dim)
		add(p+"post_attention_layernorm.weight", l.RMSFFN, dim)
		add(p+"mlp.gate_proj.weight", l.W1, hid, dim)
		add(p+"mlp.up_proj.weight", l.W3, hid, dim)
		add(p+"mlp.down_proj.weight", l.W2, dim, hid)
	}
	add("model.norm.weight", w.RMSFinal, dim)
	if !tied {
		add("lm_head.weight", w.Classifier, c.VocabSize, dim)
	}
	var st bytes.Buffer
	if err := safetensors.Write(&st, ts, map[string]string{"format": "pt"}); err != nil {
		return nil, nil, err
	}
	cfg, err := json.MarshalIndent(map[string]any{
		"architectures": []string{"LlamaForCausalLM"}, "model_type": "llama",
		"hidden_size": dim, "intermediate_size": hid, "num_hidden_layers": c.NLayers,
		"num_attention_heads": c.NHeads, "num_key_value_heads": c.NKVHeads, "head_dim": hs,
		"vocab_size": c.VocabSize, "max_position_embeddings": c.SeqLen,
		"rms_norm_eps": 1e-5, "rope_theta": 10000.0, "hidden_act": "silu", "attention_bias": false, "mlp_bias": false,
		"tie_word_embeddings": tied, "bos_token_id": llama2c.BOS, "eos_token_id": llama2c.EOS,
		"torch_dtype": "float32", "initializer_range": 0.02,
	}, "", "  ")
	if err != nil {
		return nil, nil, err
	}
	return st.Bytes(), cfg, nil
}

// halvesRows permutes the rows of a query or key projection ([heads ·
// headSize][cols]) from llama2.c's pairwise rotation to Hugging Face's
// rotation of halves: within each head, row 2i+p (pair i, member p) moves
// to row p·headSize/2 + i. This is the permutation of Hugging Face's
// convert_llama_weights_to_hf.py (view(heads, headSize/2, 2, cols),
// transpose(1, 2)).
func halvesRows(w []float32, heads, headSize, cols int) []float32 {
	out := make([]float32, len(w))
	half := headSize / 2
	for h := range heads {
		for i := range half {
			for p := range 2 {
				src := (h*headSize + 2*i + p) * cols
				dst := (h*headSize + p*half + i) * cols
				copy(out[dst:dst+cols], w[src:src+cols])
			}
		}
	}
	return out
}

// LlamaTokenizerJSON returns a Hugging Face tokenizer.json that encodes as
// the llama2.c tokenizer tok does (run.c's encode): a BPE model with byte
// fallback over the same pieces, with "▁" for the space (SentencePiece's
// convention), a normalizer that puts "▁" before the text and for every
// space, no pre-tokenizer (the whole text is one word, as in run.c), and
// <s> before the text. The merges come from the scores as Hugging Face's
// SentencePiece converter makes them: every split of a piece into two
// pieces, ranked by the piece's score (highest first). run.c merges the
// best-scoring pair, leftmost first; Hugging Face the best-ranked pair,
// leftmost first: the same choice, except where two different splits of
// one piece are both possible at once in a word.
func LlamaTokenizerJSON(tok *llama2c.Tokenizer) ([]byte, error) {
	const space = "▁"
	vocab := map[string]int{}
	hf := make([]string, len(tok.Pieces))
	for id, p := range tok.Pieces {
		if strings.Contains(p, space) {
			return nil, fmt.Errorf("pretrain: piece %d %q holds %q, which a tokenizer.json uses for the space", id, p, space)
		}
		hf[id] = strings.ReplaceAll(p, " ", space)
		if _, dup := vocab[hf[id]]; dup {
			return nil, fmt.Errorf("pretrain: piece %q appears twice", p)
		}
		vocab[hf[id]] = id
	}
	type merge struct {
		left, right string
		score       float32
		l, r        int
	}
	var merges []merge
	for id, p := range hf {
		if id <= llama2c.EOS || isByteToken(p) {
			continue
		}
		for i := range p {
			if i == 0 || !utf8.RuneStart(p[i]) {
				continue
			}
			l, okl := vocab[p[:i]]
			r, okr := vocab[p[i:]]
			if okl && okr {
				merges = append(merges, merge{p[:i], p[i:], tok.Scores[id], l, r})
			}
		}
	}
	sort.SliceStable(merges, func(i, j int) bool {
		a, b := merges[i], merges[j]
		if a.score != b.score {
			return a.score > b.score
		}
		if a.l != b.l {
			return a.l < b.l
		}
		return a.r < b.r
	})
	ms := make([][2]string, len(merges))
	for i, m := range merges {
		ms[i] = [2]string{m.left, m.right}
	}
	added := []map[string]any{}
	for id, s := range []string{"<unk>", "<s>", "</s>"} {
		if hf[id] != s {
			return nil, fmt.Errorf("pretrain: id %d is %q, want llama2.c's %q", id, hf[id], s)
		}
		added = append(added, map[string]any{"id": id, "content": s, "single_word": false, "lstrip": false,
			"rstrip": false, "normalized": false, "special": true})
	}
	j := map[string]any{
		"version":      "1.0",
		"truncation":   nil,
		"padding":      nil,
		"added_tokens": added,
		"normalizer": map[string]any{"type": "Sequence", "normalizers": []any{
			map[string]any{"type": "Prepend", "prepend": space},
			map[string]any{"type": "Replace", "pattern": map[string]any{"String": " "}, "content": space},
		}},
		"pre_tokenizer": nil,
		"post_processor": map[string]any{
			"type":   "TemplateProcessing",
			"single": []any{map[string]any{"SpecialToken": map[string]any{"id": "<s>", "type_id": 0}}, map[string]any{"Sequence": map[string]any{"id": "A", "type_id": 0}}},
			"pair": []any{map[string]any{"SpecialToken": map[string]any{"id": "<s>", "type_id": 0}}, map[string]any{"Sequence": map[string]any{"id": "A", "type_id": 0}},
				map[string]any{"SpecialToken": map[string]any{"id": "<s>", "type_id": 1}}, map[string]any{"Sequence": map[string]any{"id": "B", "type_id": 1}}},
			"special_tokens": map[string]any{"<s>": map[string]any{"id": "<s>", "ids": []int{llama2c.BOS}, "tokens": []string{"<s>"}}},
		},
		"decoder": map[string]any{"type": "Sequence", "decoders": []any{
			map[string]any{"type": "Replace", "pattern": map[string]any{"String": space}, "content": " "},
			map[string]any{"type": "ByteFallback"},
			map[string]any{"type": "Fuse"},
			map[string]any{"type": "Strip", "content": " ", "start": 1, "stop": 0},
		}},
		"model": map[string]any{"type": "BPE", "dropout": nil, "unk_token": "<unk>", "continuing_subword_prefix": nil,
			"end_of_word_suffix": nil, "fuse_unk": true, "byte_fallback": true, "ignore_merges": false,
			"vocab": vocab, "merges": ms},
	}
	return json.MarshalIndent(j, "", " ")
}

// isByteToken reports whether p is a byte-fallback piece <0xNN>.
func isByteToken(p string) bool {
	return len(p) == 6 && strings.HasPrefix(p, "<0x") && p[5] == '>'
}
