package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestTokenize(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	vocabTxt := write("vocab.txt", "[PAD]\n[UNK]\n[CLS]\n[SEP]\nhello\nworld\n!\n")
	wpJSON := write("wp.json", `{"pre_tokenizer":{"type":"BertPreTokenizer"},"normalizer":{"type":"BertNormalizer","lowercase":true},
"model":{"type":"WordPiece","unk_token":"[UNK]","vocab":{"[PAD]":0,"[UNK]":1,"[CLS]":2,"[SEP]":3,"hello":4,"world":5,"!":6}}}`)
	bpeJSON := write("bpe.json", `{"pre_tokenizer":{"type":"ByteLevel"},"model":{"type":"BPE","vocab":{"h":0,"i":1,"hi":2,"Ġ":3,"Ġhi":4},"merges":["h i","Ġ hi"]}}`)
	encoder := write("encoder.json", `{"h":0,"i":1,"hi":2,"Ġ":3,"Ġhi":4}`)
	merges := write("vocab.bpe", "#version: 0.2\nh i\nĠ hi\n")
	bin := write("tokenizer.bin", "\x05\x00\x00")
	tests := []struct {
		name  string
		args  []string
		stdin string
		code  int
		out   string // exact stdout when code is 0, else a substring of stderr
	}{
		{"vocab.txt", []string{"--vocab", vocabTxt}, "Hello world!\nhello\n", 0, "4 5 6\n4\n"},
		{"special", []string{"--vocab", vocabTxt, "--special"}, "hello xyz\n", 0, "2 4 1 3\n"},
		{"pair", []string{"--vocab", vocabTxt, "--pair", "--special"}, "hello\tworld\n", 0, "2 4 3 5 3\n"},
		{"pair without TAB", []string{"--vocab", vocabTxt, "--pair"}, "hello world\n", 1, "line 1: no TAB"},
		{"wordpiece tokenizer.json", []string{"--vocab", wpJSON, "--special"}, "WORLD\n", 0, "2 5 3\n"},
		{"bpe tokenizer.json", []string{"--vocab", bpeJSON}, "hi hi\n\n", 0, "2 4\n\n"},
		{"gpt-2 files", []string{"--vocab", encoder, "--merges", merges}, "hihi hi\n", 0, "2 2 4\n"},
		{"vocab.json without merges", []string{"--vocab", encoder}, "", 2, "needs --merges"},
		{"pair with bpe", []string{"--vocab", bpeJSON, "--pair"}, "", 2, "--pair needs"},
		{"no vocab", nil, "", 2, "--vocab is required"},
		{"missing file", []string{"--vocab", filepath.Join(dir, "nope.txt")}, "", 1, "no such file"},
		{"bad tokenizer.bin", []string{"--vocab", bin}, "", 1, "tokenizer.bin"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := run(append([]string{"tokenize"}, tt.args...), strings.NewReader(tt.stdin), &out, &errb)
			if code != tt.code {
				t.Fatalf("exit %d, want %d; stderr %q", code, tt.code, errb.String())
			}
			if code == 0 && out.String() != tt.out {
				t.Errorf("stdout %q, want %q", out.String(), tt.out)
			}
			if code != 0 && !strings.Contains(errb.String(), tt.out) {
				t.Errorf("stderr %q, want it to contain %q", errb.String(), tt.out)
			}
		})
	}
}

// TestTokenizeLlama2c encodes with the reference tokenizer.bin and checks
// against prompts.ids, run.c's own encoding of prompts.txt (with BOS).
func TestTokenizeLlama2c(t *testing.T) {
	ref := filepath.Join("..", "..", "..", "shared", "reference", "llama2c")
	prompts, err := os.ReadFile(filepath.Join(ref, "prompts.txt"))
	if err != nil {
		t.Skipf("reference data missing: %v", err)
	}
	want, err := os.ReadFile(filepath.Join(ref, "prompts.ids"))
	if err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	code := run([]string{"tokenize", "--vocab", filepath.Join(ref, "tokenizer.bin"), "--special"}, bytes.NewReader(prompts), &out, &errb)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	gotLines := strings.Split(strings.TrimRight(out.String(), "\n"), "\n")
	wantLines := strings.Split(strings.TrimRight(string(want), "\n"), "\n")
	if len(gotLines) != len(wantLines) {
		t.Fatalf("%d output lines, want %d", len(gotLines), len(wantLines))
	}
	for i := range wantLines {
		if strings.Join(strings.Fields(gotLines[i]), " ") != strings.Join(strings.Fields(wantLines[i]), " ") {
			t.Errorf("line %d: got %s, want %s (run.c)", i+1, gotLines[i], wantLines[i])
		}
	}
}
