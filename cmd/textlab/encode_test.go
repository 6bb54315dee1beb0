package main

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"textlab/core/bert"
)

// bertTestVocab is the vocabulary of the tiny model the command tests write.
var bertTestVocab = []string{"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]",
	"the", "cat", "sat", "on", "mat", "dog", "a", "##s", "ran", ".", "and"}

// writeBERTDir writes a tiny random BERT model folder (config.json,
// model.safetensors, vocab.txt) and returns its path and the model.
func writeBERTDir(t *testing.T, int8 bool) (string, *bert.Model) {
	t.Helper()
	cfg := bert.Config{VocabSize: len(bertTestVocab), HiddenSize: 16, NumAttentionHeads: 2,
		NumHiddenLayers: 2, IntermediateSize: 32, MaxPositionEmbeddings: 16}
	m, err := bert.NewRandom(cfg, 3, 0.3)
	if err != nil {
		t.Fatal(err)
	}
	if int8 {
		m.Quantize()
	}
	dir := t.TempDir()
	var st bytes.Buffer
	if err := m.WriteSafetensors(&st); err != nil {
		t.Fatal(err)
	}
	cj, err := m.Config.JSON()
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{
		"config.json":       cj,
		"model.safetensors": st.Bytes(),
		"vocab.txt":         []byte(strings.Join(bertTestVocab, "\n") + "\n"),
	} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir, m
}

func closeTo(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Abs(float64(a[i]-b[i])) > 1e-6 {
			return false
		}
	}
	return true
}

func TestEncodeCommand(t *testing.T) {
	for _, int8 := range []bool{false, true} {
		dir, m := writeBERTDir(t, int8)
		// "The cats sat." → [CLS] the cat ##s sat . [SEP]
		ids := []int{2, 5, 6, 12, 7, 14, 3}
		want, err := m.Encode(context.Background(), []bert.Input{{IDs: ids}}, bert.Options{Attentions: true}, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, pool := range []string{"cls", "mean"} {
			var out, errb bytes.Buffer
			code := run([]string{"encode", "--model", dir, "--text", "The cats sat.", "--pool", pool, "--attentions", "--json"}, nil, &out, &errb)
			if code != 0 {
				t.Fatalf("int8=%v: exit %d: %s", int8, code, errb.String())
			}
			var got encodeOutput
			if err := json.Unmarshal(out.Bytes(), &got); err != nil {
				t.Fatal(err)
			}
			if strings.Join(got.Tokens, " ") != "[CLS] the cat ##s sat . [SEP]" {
				t.Errorf("tokens %q", got.Tokens)
			}
			wantPooled := want[0].CLS
			if pool == "mean" {
				wantPooled = want[0].Mean
			}
			if !closeTo(got.Pooled, wantPooled) || len(got.Hidden) != 7 || !closeTo(got.Hidden[6], want[0].Hidden[6]) {
				t.Errorf("int8=%v pool=%s: JSON vectors differ from bert.Encode", int8, pool)
			}
			if len(got.Attentions) != 2 || len(got.Attentions[1]) != 2 || len(got.Attentions[1][1]) != 7 ||
				!closeTo(got.Attentions[1][1][3], want[0].Attentions[1][1][3]) {
				t.Errorf("int8=%v: attentions do not have shape [2][2][7][7] or differ", int8)
			}
		}
	}

	dir, _ := writeBERTDir(t, false)
	tests := []struct {
		name string
		args []string
		code int
		want string // substring of stdout (code 0) or stderr
	}{
		{"text output", []string{"--model", dir, "--text", "a dog ran", "--attentions"}, 0, "tokens (5): [CLS] a dog ran [SEP]\npooled (cls, 16 values):"},
		{"attention shape", []string{"--model", dir, "--text", "a dog ran", "--attentions"}, 0, "2 layers × 2 heads × 5 × 5"},
		{"no model", []string{"--text", "x"}, 2, "--model and --text are required"},
		{"bad pool", []string{"--model", dir, "--text", "x", "--pool", "max"}, 2, `--pool "max"`},
		{"missing folder", []string{"--model", filepath.Join(dir, "nope"), "--text", "x"}, 1, "config.json"},
	}
	for _, tt := range tests {
		var out, errb bytes.Buffer
		code := run(append([]string{"encode"}, tt.args...), nil, &out, &errb)
		got := out.String()
		if tt.code != 0 {
			got = errb.String()
		}
		if code != tt.code || !strings.Contains(got, tt.want) {
			t.Errorf("%s: exit %d, output %q; want exit %d and %q", tt.name, code, got, tt.code, tt.want)
		}
	}
}

func TestEncodeCommandBadFolder(t *testing.T) {
	dir, _ := writeBERTDir(t, false)
	// A vocabulary that does not match the model.
	os.WriteFile(filepath.Join(dir, "vocab.txt"), []byte("[PAD]\n[UNK]\n[CLS]\n[SEP]\n"), 0o644)
	var out, errb bytes.Buffer
	if code := run([]string{"encode", "--model", dir, "--text", "x"}, nil, &out, &errb); code != 1 ||
		!strings.Contains(errb.String(), "has 4 tokens but config.json says vocab_size 16") {
		t.Errorf("exit %d, stderr %q", code, errb.String())
	}
	// No vocabulary at all.
	os.Remove(filepath.Join(dir, "vocab.txt"))
	errb.Reset()
	if code := run([]string{"encode", "--model", dir, "--text", "x"}, nil, &out, &errb); code != 1 ||
		!strings.Contains(errb.String(), "no vocab.txt or tokenizer.json") {
		t.Errorf("exit %d, stderr %q", code, errb.String())
	}
}
