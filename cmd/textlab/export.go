package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"textlab/core/bert"
	"textlab/core/decoder"
	"textlab/core/llama2c"
	"textlab/core/pretrain"
	"textlab/core/tokenize/wordpiece"
)

func init() {
	register(command{
		name:    "export",
		summary: "export a pretrained checkpoint (int8 for the browser, Hugging Face, llama2.c), with its model card",
		run:     runExport,
	})
}

// runExport implements
//
//	textlab export --checkpoint DIR --out DIR [--model encoder|decoder] [--format textlab|hf|llama2c]
//	               [--tokenizer FILE] [--card [--corpus DIR] [--name NAME] [--eval-windows N] [--seed N]]
//
// --checkpoint is a folder `textlab pretrain` wrote (checkpoint.safetensors,
// and the token streams train.u16 and valid.u16 that --card evaluates on).
// The formats: textlab, int8 for the browser (config.json,
// model.safetensors, vocab.txt or tokenizer.bin; at most 8 MB); hf,
// Hugging Face float32 (BertForMaskedLM or LlamaForCausalLM, with
// tokenizer.json); llama2c, llama2.c's model.bin and tokenizer.bin
// (decoder only). --card evaluates the exported model on the held-out
// stream and writes README.md, loss.svg and card.json beside it.
func runExport(args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("export", stderr)
	ckDir := fs.String("checkpoint", "", "`DIR` of a textlab pretrain run (checkpoint.safetensors, train.u16, valid.u16)")
	out := fs.String("out", "", "`DIR` to write the model to")
	kind := fs.String("model", "", "encoder or decoder: checked against the checkpoint (default: the checkpoint's)")
	format := fs.String("format", "textlab", "textlab (int8, for the browser), hf (Hugging Face, float32) or llama2c (decoder: model.bin)")
	tokPath := fs.String("tokenizer", "", "the run's vocab.txt or tokenizer.bin `FILE` (default: build/tokenizers/vocab.txt or tokenizer.bin)")
	card := fs.Bool("card", false, "evaluate the exported model and write its model card (README.md, loss.svg, card.json)")
	corpus := fs.String("corpus", "build/corpus", "corpus `DIR` of the run, with manifest.json (for --card)")
	name := fs.String("name", "", "the model's name on its card (default: textlab-encoder or textlab-decoder)")
	windows := fs.Int("eval-windows", 0, "held-out windows the card's evaluation reads (0: all)")
	seed := fs.Uint64("seed", 1, "seed of the card's masking and samples")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *ckDir == "" || *out == "" {
		return fmt.Errorf("%w: --checkpoint and --out are required", errUsage)
	}
	switch pretrain.Format(*format) {
	case pretrain.Textlab, pretrain.HF, pretrain.Llama2c:
	default:
		return fmt.Errorf("%w: --format %q: want textlab, hf or llama2c", errUsage, *format)
	}
	st, err := pretrain.ReadState(*ckDir)
	if err != nil {
		return err
	}
	k := st.Config.Kind
	if *kind != "" && pretrain.Kind(*kind) != k {
		return fmt.Errorf("%w: --model %s, but the checkpoint in %s is a %s", errUsage, *kind, *ckDir, k)
	}
	if *tokPath == "" {
		*tokPath = filepath.Join("build", "tokenizers", "vocab.txt")
		if k == pretrain.Decoder {
			*tokPath = filepath.Join("build", "tokenizers", "tokenizer.bin")
		}
	}
	ck, err := pretrain.OpenCheckpoint(*ckDir)
	if err != nil {
		return err
	}
	ex, err := ck.Export(*out, pretrain.ExportOptions{Format: pretrain.Format(*format), Tokenizer: *tokPath})
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "export: %s at step %d of %d as %s in %s:\n", k, ck.State.Step, ck.State.Config.Steps, ex.Format, ex.Dir)
	for _, f := range ex.Files {
		fmt.Fprintf(stderr, "  %-22s %12d bytes  sha256 %s\n", f.Name, f.Bytes, f.SHA256)
	}
	limit := ""
	if ex.Format == pretrain.Textlab {
		limit = fmt.Sprintf(" (the browser's limit: %d)", pretrain.MaxBrowserBytes)
	}
	fmt.Fprintf(stderr, "  %-22s %12d bytes%s\n", "total", ex.Total, limit)
	if *card {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		c, err := exportCard(ctx, ck, ex, *tokPath, *corpus, pretrain.EvalOptions{Windows: *windows, Seed: *seed}, stderr)
		if err != nil {
			return err
		}
		c.Name = *name
		if c.Name == "" {
			c.Name = "textlab-" + string(k)
		}
		c.Command = []string{"textlab export " + strings.Join(args, " ")}
		if err := pretrain.WriteCard(*out, *c); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "export: model card in %s\n", filepath.Join(*out, pretrain.CardReadme))
	}
	return json.NewEncoder(stdout).Encode(ex)
}

// exportCard gathers a model card's facts: the inputs with their sha256,
// the corpus manifest, the git commit, and the evaluation of the exported
// model on the run's held-out stream.
func exportCard(ctx context.Context, ck *pretrain.Checkpoint, ex *pretrain.Exported, tokPath, corpus string, opt pretrain.EvalOptions, stderr io.Writer) (*pretrain.Card, error) {
	st := ck.State
	c := &pretrain.Card{State: st, Export: ex, Commit: gitCommit()}
	for _, p := range ck.Model.Params() {
		c.Params += len(p.Value)
	}
	// The streams the run trained on, as `textlab pretrain` left them.
	key, _ := json.Marshal(st.Inputs)
	if b, err := os.ReadFile(filepath.Join(ck.Dir, "streams.json")); err != nil || !bytes.Equal(b, key) {
		return nil, fmt.Errorf("%s: no token streams made from the run's inputs (streams.json); run `textlab pretrain` with the same inputs first", ck.Dir)
	}
	trainData, err := readStream(filepath.Join(ck.Dir, "train.u16"))
	if err != nil {
		return nil, err
	}
	validData, err := readStream(filepath.Join(ck.Dir, "valid.u16"))
	if err != nil {
		return nil, err
	}
	c.TrainTokens, c.ValidTokens = len(trainData), len(validData)
	// Every input with its path, checked against what the run recorded.
	manifestPath := filepath.Join(corpus, "manifest.json")
	for _, path := range []string{filepath.Join(corpus, "train.txt"), filepath.Join(corpus, "valid.txt"), manifestPath, tokPath,
		filepath.Join(ck.Dir, pretrain.CheckpointFile)} {
		sum, size, err := pretrain.FileSHA256(path)
		if errors.Is(err, os.ErrNotExist) && path == manifestPath {
			fmt.Fprintf(stderr, "export: %s is missing; the card will not describe the corpus\n", path)
			continue
		}
		if err != nil {
			return nil, err
		}
		if want, ok := st.Inputs[filepath.Base(path)]; ok && want != sum {
			return nil, fmt.Errorf("%s (sha256 %s) is not the file the run was trained on (%s)", path, sum, want)
		}
		c.Inputs = append(c.Inputs, pretrain.FileSum{Name: path, Bytes: size, SHA256: sum})
	}
	if m, err := pretrain.ReadManifest(manifestPath); err == nil {
		c.Corpus = m
	}
	tokData, err := os.ReadFile(tokPath)
	if err != nil {
		return nil, err
	}
	last := time.Now()
	opt.Progress = func(done, total int) {
		if time.Since(last) >= 10*time.Second || done == total {
			last = time.Now()
			fmt.Fprintf(stderr, "evaluating: %d of %d held-out windows\n", done, total)
		}
	}
	start := time.Now()
	if st.Config.Kind == pretrain.Encoder {
		tok, err := wordpiece.LoadVocab(bytes.NewReader(tokData), wordpiece.Options{})
		if err != nil {
			return nil, err
		}
		m, err := exportedEncoder(ck, ex)
		if err != nil {
			return nil, err
		}
		if c.Encoder, err = pretrain.EvaluateEncoder(ctx, m, tok, trainData, validData, st.Config, opt); err != nil {
			return nil, err
		}
		fmt.Fprintf(stderr, "evaluation (%s): masked-token top-1 %.1f%%, top-5 %.1f%% (most frequent tokens: %.1f%%, %.1f%%)\n",
			time.Since(start).Round(time.Second), 100*c.Encoder.Top1, 100*c.Encoder.Top5, 100*c.Encoder.BaselineTop1, 100*c.Encoder.BaselineTop5)
		return c, nil
	}
	tok, err := llama2c.ReadTokenizer(bytes.NewReader(tokData))
	if err != nil {
		return nil, err
	}
	m, err := exportedDecoder(ck, ex)
	if err != nil {
		return nil, err
	}
	if c.Decoder, err = pretrain.EvaluateDecoder(ctx, m, tok, trainData, validData, st.Config, opt); err != nil {
		return nil, err
	}
	fmt.Fprintf(stderr, "evaluation (%s): perplexity %.2f (bigram %.2f, unigram %.2f)\n", time.Since(start).Round(time.Second),
		c.Decoder.Perplexity, c.Decoder.Bigram.Perplexity, c.Decoder.Unigram.Perplexity)
	return c, nil
}

// exportedEncoder loads the encoder Export wrote (its weights as shipped).
func exportedEncoder(ck *pretrain.Checkpoint, ex *pretrain.Exported) (*bert.Model, error) {
	cfg, err1 := os.ReadFile(filepath.Join(ex.Dir, "config.json"))
	w, err2 := os.ReadFile(filepath.Join(ex.Dir, "model.safetensors"))
	if err := errors.Join(err1, err2); err != nil {
		return nil, err
	}
	return bert.Load(cfg, w)
}

// exportedDecoder loads the decoder Export wrote, or for the Hugging Face
// layout (which Textlab does not read) the checkpoint's float32 decoder,
// which holds the same weights.
func exportedDecoder(ck *pretrain.Checkpoint, ex *pretrain.Exported) (decoder.Model, error) {
	switch ex.Format {
	case pretrain.Llama2c:
		b, err := os.ReadFile(filepath.Join(ex.Dir, "model.bin"))
		if err != nil {
			return nil, err
		}
		return llama2c.LoadModel(b)
	case pretrain.HF:
		return ck.Decoder()
	}
	cfg, err1 := os.ReadFile(filepath.Join(ex.Dir, "config.json"))
	w, err2 := os.ReadFile(filepath.Join(ex.Dir, "model.safetensors"))
	if err := errors.Join(err1, err2); err != nil {
		return nil, err
	}
	return decoder.LoadLlama(cfg, w)
}

// gitCommit returns `git rev-parse HEAD` of the working folder, with a note
// when tracked files have uncommitted changes, or "unknown".
func gitCommit() string {
	out, err := exec.Command("git", "rev-parse", "HEAD").Output()
	if err != nil {
		return "unknown (not a git checkout)"
	}
	commit := strings.TrimSpace(string(out))
	if st, err := exec.Command("git", "status", "--porcelain", "--untracked-files=no").Output(); err == nil && len(bytes.TrimSpace(st)) > 0 {
		commit += " (with uncommitted changes to tracked files)"
	}
	return commit
}
