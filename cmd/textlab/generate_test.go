package main

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"textlab/core/decoder"
	"textlab/core/llama2c"
)

var llamaRef = filepath.Join("..", "..", "..", "shared", "reference", "llama2c")

// TestGenerateReproducesRunC runs the command with run.c's settings for two
// reference files (outputs of run.c on stories260K.bin, see
// shared/reference/README.md) and compares the ids.
func TestGenerateReproducesRunC(t *testing.T) {
	model := filepath.Join(llamaRef, "stories260K.bin")
	tests := []struct {
		file string
		args []string
	}{
		{"greedy_256.ids", []string{"--temperature", "0"}},
		{"t0.8_p1.0_s7_256.ids", []string{"--temperature", "0.8", "--top-p", "1.0", "--seed", "7"}},
	}
	for _, tt := range tests {
		want, err := os.ReadFile(filepath.Join(llamaRef, tt.file))
		if err != nil {
			t.Fatal(err)
		}
		var out, errb bytes.Buffer
		args := append([]string{"generate", "--model", model, "--steps", "256", "--ids"}, tt.args...)
		if code := run(args, nil, &out, &errb); code != 0 {
			t.Fatalf("%s: exit %d: %s", tt.file, code, errb.String())
		}
		if got := strings.Fields(out.String()); strings.Join(got, " ") != strings.Join(strings.Fields(string(want)), " ") {
			t.Errorf("%s: ids differ from run.c's\n got %s\nwant %s", tt.file, out.String(), want)
		}
		if strings.Count(out.String(), "\n") != 1 {
			t.Errorf("%s: output is not one line", tt.file)
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
		{[]string{"generate", "--model", filepath.Join(llamaRef, "stories260K.bin"), "--tokenizer", filepath.Join(llamaRef, "tokenizer.bin")}, 1, "32000 pieces"},
	}
	for _, tt := range tests {
		var out, errb bytes.Buffer
		code := run(tt.args, nil, &out, &errb)
		if code != tt.code || !strings.Contains(errb.String(), tt.inStderr) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d mentioning %q", tt.args[1:], code, errb.String(), tt.code, tt.inStderr)
		}
	}
}
