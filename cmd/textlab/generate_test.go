package main

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"textlab/core/decoder"
	"textlab/core/llama2c"
	"textlab/core/tokenize/bpe"
	"textlab/internal/reftest/runc"
)

// TestGenerateReproducesRunC runs the command with run.c's settings for the
// four reference files (outputs of run.c on stories260K.bin, package
// runc) and compares the ids.
func TestGenerateReproducesRunC(t *testing.T) {
	model := runc.Path(t, "stories260K.bin")
	for _, ref := range runc.Runs {
		var out, errb bytes.Buffer
		args := []string{"generate", "--model", model, "--steps", strconv.Itoa(runc.Steps), "--ids",
			"--temperature", fmt.Sprint(ref.Temperature), "--top-p", fmt.Sprint(ref.TopP), "--seed", fmt.Sprint(ref.Seed)}
		if code := run(args, nil, &out, &errb); code != 0 {
			t.Fatalf("%s: exit %d: %s", ref.File, code, errb.String())
		}
		if got, want := strings.Join(strings.Fields(out.String()), " "), runc.Join(runc.IDs(t, ref.File)); got != want {
			t.Errorf("%s: ids differ from run.c's\n got %s\nwant %s", ref.File, got, want)
		}
		if strings.Count(out.String(), "\n") != 1 {
			t.Errorf("%s: output is not one line", ref.File)
		}
	}
}

// writeTinyModel writes a random-free tiny checkpoint and a matching
// tokenizer (pieces "<unk>", "\n<s>\n", "\n</s>\n", " ", then "a".."z",
// then pairs) into dir as model.bin and tokenizer.bin.
func writeTinyModel(t *testing.T, dir string) {
	t.Helper()
	pieces := []string{"<unk>", "\n<s>\n", "\n</s>\n", " "}
	for c := 'a'; c <= 'z'; c++ {
		pieces = append(pieces, string(c), " "+string(c))
	}
	cfg := decoder.LlamaConfig{Dim: 8, HiddenDim: 16, NLayers: 1, NHeads: 2, NKVHeads: 2, VocabSize: len(pieces), SeqLen: 16}
	v := float32(0)
	vals := func(n int) []float32 {
		s := make([]float32, n)
		for i := range s {
			v += 0.37
			s[i] = float32(int(v*100)%97)/97 - 0.5
		}
		return s
	}
	emb := vals(cfg.VocabSize * cfg.Dim)
	w := decoder.LlamaWeights{TokenEmbedding: emb, Classifier: emb, RMSFinal: vals(8),
		Layers: []decoder.LlamaLayer{{RMSAtt: vals(8), Wq: vals(64), Wk: vals(64), Wv: vals(64), Wo: vals(64),
			RMSFFN: vals(8), W1: vals(128), W2: vals(128), W3: vals(128)}}}
	var mb bytes.Buffer
	if err := (&llama2c.Checkpoint{Config: cfg, Weights: w, Shared: true}).Write(&mb); err != nil {
		t.Fatal(err)
	}
	var tb bytes.Buffer
	binary.Write(&tb, binary.LittleEndian, int32(6))
	for i, p := range pieces {
		binary.Write(&tb, binary.LittleEndian, float32(-i))
		binary.Write(&tb, binary.LittleEndian, int32(len(p)))
		tb.WriteString(p)
	}
	if err := os.WriteFile(filepath.Join(dir, "model.bin"), mb.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "tokenizer.bin"), tb.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestGenerateText checks that the text printed is the decoding of the ids
// printed with --ids for the same settings, prompt included.
func TestGenerateText(t *testing.T) {
	dir := t.TempDir()
	writeTinyModel(t, dir)
	common := []string{"generate", "--model", dir, "--prompt", "ab", "--steps", "10", "--seed", "3"}
	var text, ids, errb bytes.Buffer
	if code := run(common, nil, &text, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if code := run(append(common, "--ids"), nil, &ids, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	f, err := os.Open(filepath.Join(dir, "tokenizer.bin"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tok, err := llama2c.ReadTokenizer(f)
	if err != nil {
		t.Fatal(err)
	}
	var idList []int
	for _, s := range strings.Fields(ids.String()) {
		var id int
		for _, c := range s {
			id = id*10 + int(c-'0')
		}
		idList = append(idList, id)
	}
	if len(idList) == 0 || len(idList) > 10 {
		t.Fatalf("--ids printed %d ids, want 1..10 (one per position)", len(idList))
	}
	if want := tok.Decode(idList) + "\n"; text.String() != want {
		t.Errorf("text %q, decoding of the ids %q", text.String(), want)
	}
	if !strings.HasPrefix(text.String(), "ab") {
		t.Errorf("text %q does not start with the prompt", text.String())
	}
}

func TestGenerateErrors(t *testing.T) {
	dir := t.TempDir()
	writeTinyModel(t, dir)
	tests := []struct {
		args     []string
		code     int
		inStderr string
	}{
		{[]string{"generate"}, 2, "--model is required"},
		{[]string{"generate", "--model", dir, "--top-p", "1.5"}, 2, "--top-p"},
		{[]string{"generate", "--model", dir, "--temperature", "-1"}, 2, "--temperature"},
		{[]string{"generate", "--model", dir, "--seed", "0"}, 2, "--seed"},
		{[]string{"generate", "--model", filepath.Join(dir, "missing.bin")}, 1, "missing.bin"},
		{[]string{"generate", "--model", filepath.Join(dir, "tokenizer.bin"), "--ids"}, 1, "llama2c checkpoint"},
		{[]string{"generate", "--model", runc.Path(t, "stories260K.bin"), "--tokenizer", runc.Path(t, "tokenizer.bin")}, 1, "32000 pieces"},
	}
	for _, tt := range tests {
		var out, errb bytes.Buffer
		code := run(tt.args, nil, &out, &errb)
		if code != tt.code || !strings.Contains(errb.String(), tt.inStderr) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d mentioning %q", tt.args[1:], code, errb.String(), tt.code, tt.inStderr)
		}
	}
}

// gpt2ByteRunes is GPT-2's byte-level alphabet: printable bytes stand for
// themselves, the others for 256, 257, ... in byte order.
func gpt2ByteRunes() []rune {
	var runes []rune
	n := 0
	for b := 0; b < 256; b++ {
		if b >= '!' && b <= '~' || b >= 0xA1 && b <= 0xAC || b >= 0xAE && b <= 0xFF {
			runes = append(runes, rune(b))
		} else {
			runes = append(runes, rune(256+n))
			n++
		}
	}
	return runes
}

// writeTinyGPT2 writes a random GPT-2 (vocab 260: the 256 byte symbols,
// "Ġt", "he", "Ġthe", then <|endoftext|>) as a Hugging Face folder:
// config.json, model.safetensors, vocab.json and merges.txt.
func writeTinyGPT2(t *testing.T, dir string, quantization string) *decoder.GPT2 {
	t.Helper()
	vocab := map[string]int{}
	for i, r := range gpt2ByteRunes() {
		vocab[string(r)] = i
	}
	for _, tok := range []string{"Ġt", "he", "Ġthe", "<|endoftext|>"} {
		vocab[tok] = len(vocab)
	}
	cfg := decoder.GPT2Config{VocabSize: len(vocab), NEmbd: 16, NHead: 2, NLayer: 2, NPositions: 32, Quantization: quantization}
	m, err := decoder.NewRandomGPT2(cfg, 9, 0.3)
	if err != nil {
		t.Fatal(err)
	}
	cj, err := m.Config.JSON()
	if err != nil {
		t.Fatal(err)
	}
	var wb bytes.Buffer
	if err := m.WriteSafetensors(&wb); err != nil {
		t.Fatal(err)
	}
	vj, err := json.Marshal(vocab)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{"config.json": cj, "model.safetensors": wb.Bytes(), "vocab.json": vj,
		"merges.txt": []byte("#version: 0.2\nĠ t\nh e\nĠt he\n")}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return m
}

func parseIDs(t *testing.T, s string) []int {
	t.Helper()
	var ids []int
	for _, f := range strings.Fields(s) {
		id, err := strconv.Atoi(f)
		if err != nil {
			t.Fatalf("--ids output %q: %v", s, err)
		}
		ids = append(ids, id)
	}
	return ids
}

// TestGenerateGPT2 generates from a tiny random GPT-2 folder, float32 and
// int8: the same seed gives the same ids, another seed other ids, the text
// is the decoding of the ids (prompt included), and the prompt's ids come
// first.
func TestGenerateGPT2(t *testing.T) {
	for _, q := range []string{"", "int8"} {
		dir := t.TempDir()
		writeTinyGPT2(t, dir, q)
		common := []string{"generate", "--model", dir, "--prompt", "the the", "--steps", "20", "--temperature", "0.9", "--top-k", "50", "--top-p", "0.95"}
		gen := func(extra ...string) string {
			var out, errb bytes.Buffer
			if code := run(append(append([]string{}, common...), extra...), nil, &out, &errb); code != 0 {
				t.Fatalf("%q %v: exit %d: %s", q, extra, code, errb.String())
			}
			return out.String()
		}
		a, b, c := gen("--seed", "5", "--ids"), gen("--seed", "5", "--ids"), gen("--seed", "6", "--ids")
		if a != b {
			t.Errorf("%q: same seed, different ids:\n%s%s", q, a, b)
		}
		if a == c {
			t.Errorf("%q: seeds 5 and 6 gave the same ids %s", q, a)
		}
		ids := parseIDs(t, a)
		// "the the" is "t", "he", "Ġthe": 116, 257, 258.
		if len(ids) < 3 || ids[0] != 116 || ids[1] != 257 || ids[2] != 258 || len(ids) > 20 {
			t.Errorf("%q: ids %v: want the prompt's [116 257 258] first, at most 20 in all (one per position)", q, ids)
		}
		vb, _ := os.ReadFile(filepath.Join(dir, "vocab.json"))
		mb, _ := os.ReadFile(filepath.Join(dir, "merges.txt"))
		tok, err := bpe.Load(bytes.NewReader(vb), bytes.NewReader(mb), bpe.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if text, want := gen("--seed", "5"), tok.Decode(ids)+"\n"; text != want {
			t.Errorf("%q: text %q, decoding of the ids %q", q, text, want)
		}
	}
}

// TestGenerateInt8Flag checks --int8 on a GPT-2 folder: the ids equal those
// of the same model written as an int8 checkpoint.
func TestGenerateInt8Flag(t *testing.T) {
	floatDir, int8Dir := t.TempDir(), t.TempDir()
	writeTinyGPT2(t, floatDir, "")
	writeTinyGPT2(t, int8Dir, "int8")
	gen := func(args ...string) string {
		var out, errb bytes.Buffer
		if code := run(append([]string{"generate", "--steps", "25", "--ids", "--seed", "3", "--top-k", "10"}, args...), nil, &out, &errb); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errb.String())
		}
		return out.String()
	}
	if a, b := gen("--model", floatDir, "--int8"), gen("--model", int8Dir); a != b {
		t.Errorf("--int8 gave %s, the int8 checkpoint %s", a, b)
	}
}

// TestGenerateLlamaSafetensors writes stories260K as Textlab's Llama
// safetensors folder and checks that greedy generation from it still gives
// run.c's ids (greedy_256.ids, see shared/reference/README.md).
func TestGenerateLlamaSafetensors(t *testing.T) {
	data, err := os.ReadFile(runc.Path(t, "stories260K.bin"))
	if err != nil {
		t.Fatal(err)
	}
	m, err := llama2c.LoadModel(data)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cj, err := m.ConfigJSON()
	if err != nil {
		t.Fatal(err)
	}
	var wb bytes.Buffer
	if err := m.WriteSafetensors(&wb); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "config.json"), cj, 0o644)
	os.WriteFile(filepath.Join(dir, "model.safetensors"), wb.Bytes(), 0o644)
	want, err := os.ReadFile(runc.Path(t, "greedy_256.ids"))
	if err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	if code := run([]string{"generate", "--model", dir, "--steps", "256", "--temperature", "0", "--ids"}, nil, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if got := strings.Join(strings.Fields(out.String()), " "); got != strings.Join(strings.Fields(string(want)), " ") {
		t.Errorf("ids differ from run.c's greedy ids\n got %s\nwant %s", got, want)
	}
}

func TestGenerateGPT2Errors(t *testing.T) {
	dir := t.TempDir()
	writeTinyGPT2(t, dir, "")
	noTok := t.TempDir()
	for _, name := range []string{"config.json", "model.safetensors"} {
		data, _ := os.ReadFile(filepath.Join(dir, name))
		os.WriteFile(filepath.Join(noTok, name), data, 0o644)
	}
	badCfg := t.TempDir()
	data, _ := os.ReadFile(filepath.Join(dir, "model.safetensors"))
	os.WriteFile(filepath.Join(badCfg, "model.safetensors"), data, 0o644)
	os.WriteFile(filepath.Join(badCfg, "config.json"), []byte(`{"model_type": "gpt2", "vocab_size": 260, "n_embd": 24, "n_head": 2, "n_layer": 2, "n_positions": 32}`), 0o644)
	tests := []struct {
		args     []string
		inStderr string
	}{
		{[]string{"generate", "--model", noTok}, "no GPT-2 tokenizer"},
		{[]string{"generate", "--model", badCfg, "--ids"}, `tensor "wte.weight": shape [260 16] does not match config (want [260 24])`},
	}
	for _, tt := range tests {
		var out, errb bytes.Buffer
		if code := run(tt.args, nil, &out, &errb); code != 1 || !strings.Contains(errb.String(), tt.inStderr) {
			t.Errorf("%v: exit %d, stderr %q; want exit 1 mentioning %q", tt.args[1:], code, errb.String(), tt.inStderr)
		}
	}
	// Without a tokenizer, --ids and no prompt still work.
	var out, errb bytes.Buffer
	if code := run([]string{"generate", "--model", noTok, "--ids", "--steps", "5"}, nil, &out, &errb); code != 0 {
		t.Errorf("--ids without a tokenizer: exit %d: %s", code, errb.String())
	}
}
