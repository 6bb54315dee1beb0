package main

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"textlab/core/bert"
	"textlab/core/decoder"
	"textlab/core/llama2c"
	"textlab/core/pretrain"
	"textlab/core/sample"
	"textlab/core/tokenize/wordpiece"
	"textlab/core/tokentrain"
)

// exportCorpus is seeded lines from a small grammar.
func exportCorpus(lines int, seed uint64) string {
	r := rand.New(rand.NewPCG(seed, 5))
	pick := func(ws ...string) string { return ws[r.IntN(len(ws))] }
	var b strings.Builder
	for range lines {
		b.WriteString("the " + pick("old", "black", "happy") + " " + pick("cat", "dog") + " " + pick("sat", "slept") +
			" on the " + pick("mat", "roof") + " . " + pick("rain", "snow") + " fell over the " + pick("town", "river") + " .\n")
	}
	return b.String()
}

// pretrainedRun is a tiny run made with `textlab pretrain`: its corpus
// folder, tokenizer file and run folder.
type pretrainedRun struct {
	corpus, tok, dir string
	args             []string // the pretrain command line
}

var (
	runsOnce sync.Once
	runs     map[pretrain.Kind]*pretrainedRun
	runsErr  error
)

// getRun returns the tiny pretraining run of kind, made once for the
// package's tests.
func getRun(t *testing.T, kind pretrain.Kind) *pretrainedRun {
	t.Helper()
	runsOnce.Do(func() { runs, runsErr = makeRuns() })
	if runsErr != nil {
		t.Fatal(runsErr)
	}
	return runs[kind]
}

func makeRuns() (map[pretrain.Kind]*pretrainedRun, error) {
	root, err := os.MkdirTemp("", "textlab-export-test-*")
	if err != nil {
		return nil, err
	}
	corpus := filepath.Join(root, "corpus")
	os.MkdirAll(corpus, 0o755)
	trainText := exportCorpus(300, 1)
	if err := os.WriteFile(filepath.Join(corpus, "train.txt"), []byte(trainText), 0o644); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(corpus, "valid.txt"), []byte(exportCorpus(30, 2)), 0o644); err != nil {
		return nil, err
	}
	manifest := `{"description": "a test corpus", "seed": 3, "valid_percent": 10, "total_words": 5000,
		"sources": [{"name": "grammar", "registry": "test", "package": "exportCorpus", "version": "1", "license": "CC0", "what": "cats and rain", "words": 5000, "valid_words": 500}]}`
	if err := os.WriteFile(filepath.Join(corpus, "manifest.json"), []byte(manifest), 0o644); err != nil {
		return nil, err
	}
	ctx := context.Background()
	wc := tokentrain.Counter{}
	lc := tokentrain.Counter{Split: tokentrain.SplitLlama}
	for _, l := range strings.Split(trainText, "\n") {
		wc.Add(l)
		lc.Add(l)
	}
	vocab, err := tokentrain.TrainWordPiece(ctx, wc.Words(), tokentrain.WordPieceConfig{VocabSize: 80, Alphabet: "a"}, nil)
	if err != nil {
		return nil, err
	}
	vocabPath := filepath.Join(root, "vocab.txt")
	if err := os.WriteFile(vocabPath, []byte(strings.Join(vocab, "\n")+"\n"), 0o644); err != nil {
		return nil, err
	}
	lv, err := tokentrain.TrainLlama(ctx, lc.Words(), tokentrain.LlamaConfig{VocabSize: tokentrain.LlamaFirstPiece + 50, Alphabet: " "}, nil)
	if err != nil {
		return nil, err
	}
	var bin bytes.Buffer
	if _, err := lv.WriteTo(&bin); err != nil {
		return nil, err
	}
	binPath := filepath.Join(root, "tokenizer.bin")
	if err := os.WriteFile(binPath, bin.Bytes(), 0o644); err != nil {
		return nil, err
	}
	out := map[pretrain.Kind]*pretrainedRun{}
	for kind, tok := range map[pretrain.Kind]string{pretrain.Encoder: vocabPath, pretrain.Decoder: binPath} {
		r := &pretrainedRun{corpus: corpus, tok: tok, dir: filepath.Join(root, string(kind))}
		var stdout, stderr bytes.Buffer
		args := []string{"pretrain", "--kind", string(kind), "--corpus", corpus, "--tokenizer", tok, "--out", r.dir,
			"--dim", "16", "--layers", "2", "--heads", "2", "--hidden", "32", "--seq", "48", "--batch", "4",
			"--steps", "30", "--warmup", "3", "--lr", "1e-2", "--eval-every", "10", "--eval-windows", "4"}
		if code := run(args, nil, &stdout, &stderr); code != 0 {
			return nil, &exitError{code, stderr.String()}
		}
		r.args = args
		out[kind] = r
	}
	return out, nil
}

type exitError struct {
	code   int
	stderr string
}

func (e *exitError) Error() string { return "exit " + strconv.Itoa(e.code) + ": " + e.stderr }

// textlab runs a command line and returns its standard output.
func textlab(t *testing.T, args ...string) string {
	t.Helper()
	var out, errb bytes.Buffer
	if code := run(args, nil, &out, &errb); code != 0 {
		t.Fatalf("textlab %s: exit %d: %s", strings.Join(args, " "), code, errb.String())
	}
	return out.String()
}

// The Hugging Face encoder folder gives `textlab fill` and `textlab encode`
// the results of the checkpoint's own model, with vocab.txt or with
// tokenizer.json alone.
func TestExportHFEncoderReadBack(t *testing.T) {
	r := getRun(t, pretrain.Encoder)
	out := t.TempDir()
	textlab(t, "export", "--model", "encoder", "--checkpoint", r.dir, "--format", "hf", "--tokenizer", r.tok, "--out", out)
	ck, err := pretrain.OpenCheckpoint(r.dir)
	if err != nil {
		t.Fatal(err)
	}
	m, err := ck.Encoder()
	if err != nil {
		t.Fatal(err)
	}
	vocab, _ := os.ReadFile(r.tok)
	tok, err := wordpiece.LoadVocab(bytes.NewReader(vocab), wordpiece.Options{})
	if err != nil {
		t.Fatal(err)
	}
	const text = "the old [MASK] sat on the [MASK] ."
	enc, _ := tok.Encode(text, true)
	maskID, _ := tok.ID("[MASK]")
	want, err := m.FillMask(context.Background(), bert.Input{IDs: enc.IDs}, maskID, 5)
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := tok.Encode("snow fell over the river .", true)
	wantVec, err := m.Encode(context.Background(), []bert.Input{{IDs: plain.IDs}}, bert.Options{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		remove string
	}{{"vocab.txt", ""}, {"tokenizer.json alone", "vocab.txt"}} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.remove != "" {
				os.Remove(filepath.Join(out, tc.remove))
			}
			var got []fillMask
			if err := json.Unmarshal([]byte(textlab(t, "fill", "--model", out, "--text", text, "--json")), &got); err != nil {
				t.Fatal(err)
			}
			if len(got) != len(want) {
				t.Fatalf("%d masks, want %d", len(got), len(want))
			}
			for i := range got {
				for j, c := range got[i].Top {
					w := want[i].Top[j]
					if c.ID != w.ID || c.Token != tok.Token(w.ID) || c.Prob != w.Prob {
						t.Errorf("mask %d candidate %d: %+v, want %+v", i, j, c, w)
					}
				}
			}
			var enc encodeOutput
			if err := json.Unmarshal([]byte(textlab(t, "encode", "--model", out, "--text", "snow fell over the river .", "--json", "--pool", "mean")), &enc); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(enc.Pooled, wantVec[0].Mean) {
				t.Errorf("pooled vector differs from the checkpoint model's")
			}
		})
	}
}

// `textlab generate` continues a prompt greedily from the exported
// llama2.c model.bin as the checkpoint's own decoder does, and from the
// int8 folder as the int8 model loaded in Go does.
func TestExportDecoderGenerate(t *testing.T) {
	r := getRun(t, pretrain.Decoder)
	ck, err := pretrain.OpenCheckpoint(r.dir)
	if err != nil {
		t.Fatal(err)
	}
	bin, _ := os.ReadFile(r.tok)
	tok, err := llama2c.ReadTokenizer(bytes.NewReader(bin))
	if err != nil {
		t.Fatal(err)
	}
	const prompt, steps = "the old cat", 20
	enc, _ := tok.Encode(prompt, true)
	greedy := func(m decoder.Model) string {
		ids, err := decoder.Generate(context.Background(), m, enc.IDs, steps, sample.NewRunC(0, 0.9, 1).Sample, nil)
		if err != nil {
			t.Fatal(err)
		}
		var s []string
		for _, id := range ids {
			s = append(s, strconv.Itoa(id))
		}
		return strings.Join(s, " ")
	}
	for _, tc := range []struct {
		format string
		files  []string
	}{
		{"llama2c", []string{"model.bin", "tokenizer.bin"}},
		{"textlab", []string{"config.json", "model.safetensors", "tokenizer.bin"}},
	} {
		t.Run(tc.format, func(t *testing.T) {
			out := t.TempDir()
			textlab(t, "export", "--checkpoint", r.dir, "--format", tc.format, "--tokenizer", r.tok, "--out", out)
			for _, f := range tc.files {
				if _, err := os.Stat(filepath.Join(out, f)); err != nil {
					t.Error(err)
				}
			}
			var want string
			if tc.format == "llama2c" {
				m, err := ck.Decoder()
				if err != nil {
					t.Fatal(err)
				}
				want = greedy(m)
			} else {
				cfg, _ := os.ReadFile(filepath.Join(out, "config.json"))
				w, _ := os.ReadFile(filepath.Join(out, "model.safetensors"))
				m, err := decoder.LoadLlama(cfg, w)
				if err != nil {
					t.Fatal(err)
				}
				want = greedy(m)
			}
			got := strings.TrimSpace(textlab(t, "generate", "--model", out, "--prompt", prompt, "--temperature", "0", "--steps", strconv.Itoa(steps), "--ids"))
			if got != want {
				t.Errorf("textlab generate: %s\nthe model in Go: %s", got, want)
			}
		})
	}
}

// --card evaluates the exported model on the run's held-out stream and
// writes README.md, loss.svg and card.json; the inputs are checked against
// the run's.
func TestExportCard(t *testing.T) {
	for _, kind := range []pretrain.Kind{pretrain.Encoder, pretrain.Decoder} {
		t.Run(string(kind), func(t *testing.T) {
			r := getRun(t, kind)
			out := t.TempDir()
			stdout := textlab(t, "export", "--checkpoint", r.dir, "--tokenizer", r.tok, "--out", out, "--card", "--corpus", r.corpus, "--eval-windows", "3")
			var ex pretrain.Exported
			if err := json.Unmarshal([]byte(stdout), &ex); err != nil || ex.Total == 0 || ex.Total > pretrain.MaxBrowserBytes {
				t.Fatalf("output %q (%v)", stdout, err)
			}
			readme, err := os.ReadFile(filepath.Join(out, "README.md"))
			if err != nil {
				t.Fatal(err)
			}
			var card pretrain.Card
			b, _ := os.ReadFile(filepath.Join(out, "card.json"))
			if err := json.Unmarshal(b, &card); err != nil {
				t.Fatal(err)
			}
			if card.Name != "textlab-"+string(kind) || card.Corpus == nil || card.Corpus.Sources[0].Name != "grammar" ||
				len(card.Inputs) != 5 || card.Commit == "" || card.TrainTokens == 0 {
				t.Errorf("card %+v", card)
			}
			if kind == pretrain.Encoder && (card.Encoder == nil || card.Encoder.Windows != 3) ||
				kind == pretrain.Decoder && (card.Decoder == nil || card.Decoder.Windows != 3 || math.IsNaN(card.Decoder.Perplexity)) {
				t.Errorf("evaluation %+v %+v", card.Encoder, card.Decoder)
			}
			for _, want := range []string{"# textlab-" + string(kind), "| grammar | exportCorpus (test) | 1 | CC0 |", "loss.svg", "textlab export --checkpoint"} {
				if !strings.Contains(string(readme), want) {
					t.Errorf("README.md lacks %q", want)
				}
			}
		})
	}
	// A corpus file other than the run's is refused.
	r := getRun(t, pretrain.Decoder)
	other := t.TempDir()
	for _, f := range []string{"train.txt", "valid.txt"} {
		os.WriteFile(filepath.Join(other, f), []byte("something else\n"), 0o644)
	}
	var out, errb bytes.Buffer
	code := run([]string{"export", "--checkpoint", r.dir, "--tokenizer", r.tok, "--out", t.TempDir(), "--card", "--corpus", other}, nil, &out, &errb)
	if code != 1 || !strings.Contains(errb.String(), "is not the file the run was trained on") {
		t.Errorf("other corpus: exit %d, %s", code, errb.String())
	}
}

func TestExportUsage(t *testing.T) {
	r := getRun(t, pretrain.Encoder)
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"export", "--out", "x"}, 2, "--checkpoint and --out are required"},
		{[]string{"export", "--checkpoint", r.dir, "--out", t.TempDir(), "--format", "onnx"}, 2, `--format "onnx"`},
		{[]string{"export", "--checkpoint", r.dir, "--out", t.TempDir(), "--model", "decoder"}, 2, "the checkpoint in"},
		{[]string{"export", "--checkpoint", r.dir, "--out", t.TempDir(), "--format", "llama2c", "--tokenizer", r.tok}, 1, "is for decoders"},
		{[]string{"export", "--checkpoint", t.TempDir(), "--out", t.TempDir()}, 1, "checkpoint.safetensors"},
	} {
		var out, errb bytes.Buffer
		if code := run(tc.args, nil, &out, &errb); code != tc.code || !strings.Contains(errb.String(), tc.want) {
			t.Errorf("%v: exit %d, %q; want %d and %q", tc.args, code, errb.String(), tc.code, tc.want)
		}
	}
}

// Running a finished pretraining run again leaves its checkpoint as it is
// (make models runs every step of the recipe each time).
func TestPretrainCompleteRunUntouched(t *testing.T) {
	r := getRun(t, pretrain.Decoder)
	ckPath := filepath.Join(r.dir, pretrain.CheckpointFile)
	before, _, err := pretrain.FileSHA256(ckPath)
	if err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	if code := run(r.args, nil, &out, &errb); code != 0 || !strings.Contains(errb.String(), "is complete") {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	after, _, _ := pretrain.FileSHA256(ckPath)
	if before != after {
		t.Errorf("the checkpoint changed")
	}
	st, err := pretrain.ReadState(r.dir)
	if err != nil || st.Sittings != 1 {
		t.Errorf("state %+v, %v; want 1 sitting", st, err)
	}
}
