package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"textlab/core/llama2c"
	"textlab/core/pretrain"
	"textlab/core/tokenize/wordpiece"
)

func init() {
	register(command{
		name:    "pretrain",
		summary: "pretrain the built-in encoder or decoder on a corpus (hours; resumable)",
		run:     runPretrain,
	})
}

// runPretrain implements
//
//	textlab pretrain --kind encoder|decoder --corpus DIR --tokenizer FILE --out DIR [sizes and settings]
//
// It tokenizes DIR/train.txt and DIR/valid.txt once (kept in --out), then
// trains from the checkpoint in --out when there is one, writing a new one
// at least every --save-every and when interrupted (Ctrl-C, SIGTERM).
func runPretrain(args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("pretrain", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg pretrain.Config
	kind := fs.String("kind", "encoder", "encoder (BERT, masked language modelling) or decoder (Llama, next token)")
	corpus := fs.String("corpus", "build/corpus", "folder with train.txt and valid.txt, one document per line")
	tokFile := fs.String("tokenizer", "", "vocab.txt (encoder) or tokenizer.bin (decoder)")
	out := fs.String("out", "", "folder for the token streams and the checkpoint")
	fs.IntVar(&cfg.Dim, "dim", 256, "model width")
	fs.IntVar(&cfg.Layers, "layers", 4, "layers")
	fs.IntVar(&cfg.Heads, "heads", 4, "attention heads")
	fs.IntVar(&cfg.KVHeads, "kv-heads", 0, "key/value heads of the decoder (0: as many as heads)")
	fs.IntVar(&cfg.Hidden, "hidden", 1024, "feed-forward width")
	fs.IntVar(&cfg.SeqLen, "seq", 128, "tokens per sequence")
	fs.IntVar(&cfg.Batch, "batch", 32, "sequences per micro-batch")
	fs.IntVar(&cfg.Accum, "accum", 1, "micro-batches per step")
	fs.IntVar(&cfg.Steps, "steps", 10000, "optimisation steps")
	fs.IntVar(&cfg.Warmup, "warmup", 500, "warm-up steps")
	fs.Float64Var(&cfg.PeakLR, "lr", 5e-4, "peak learning rate")
	fs.Float64Var(&cfg.MinLR, "min-lr", 5e-5, "learning rate at the last step")
	fs.Float64Var(&cfg.WeightDecay, "weight-decay", 0.01, "AdamW weight decay")
	fs.Float64Var(&cfg.ClipNorm, "clip", 1, "largest global gradient norm")
	seed := fs.Uint64("seed", 1, "seed of the weights, the data order and the masking")
	fs.IntVar(&cfg.EvalEvery, "eval-every", 500, "steps between held-out evaluations")
	fs.IntVar(&cfg.EvalWindows, "eval-windows", 256, "held-out sequences per evaluation")
	saveEvery := fs.Duration("save-every", 10*time.Minute, "most time between two checkpoints")
	stopAfter := fs.Duration("stop-after", 0, "end this sitting after this much training (0: run to the last step)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *tokFile == "" || *out == "" {
		return fmt.Errorf("%w: --tokenizer and --out are required", errUsage)
	}
	cfg.Kind, cfg.Seed, cfg.Special = pretrain.Kind(*kind), *seed, pretrain.DefaultSpecial
	encode, vocab, err := pretrainTokenizer(cfg.Kind, *tokFile)
	if err != nil {
		return err
	}
	cfg.Vocab = vocab
	if err := cfg.Validate(); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	inputs := map[string]string{}
	for _, f := range []string{filepath.Join(*corpus, "train.txt"), filepath.Join(*corpus, "valid.txt"), *tokFile} {
		sum, _, err := pretrain.FileSHA256(f)
		if err != nil {
			return err
		}
		inputs[filepath.Base(f)] = sum
	}
	// A finished run with the same settings and inputs is left as it is
	// (so `make models` can be run again without touching it).
	if st, err := pretrain.ReadState(*out); err == nil && st.Config == cfg && st.Step >= cfg.Steps && maps.Equal(st.Inputs, inputs) {
		fmt.Fprintf(stderr, "pretrain: the run in %s is complete (%d steps, %.0f s of training in %d sittings)\n", *out, st.Step, st.Seconds, st.Sittings)
		return json.NewEncoder(stdout).Encode(map[string]any{"step": st.Step, "steps": cfg.Steps, "seconds": st.Seconds, "evals": st.Evals})
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	trainData, validData, err := pretrainStreams(ctx, cfg, *corpus, *out, encode, inputs, stderr)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "pretrain: %s, %d training and %d held-out tokens; %d steps of %d tokens (%.1f passes)\n",
		cfg.Kind, len(trainData), len(validData), cfg.Steps, cfg.TokensPerStep(),
		float64(cfg.Steps*cfg.TokensPerStep())/float64(len(trainData)))
	last := time.Now()
	st, err := pretrain.Run(ctx, cfg, trainData, validData, pretrain.Options{
		Dir: *out, SaveEvery: *saveEvery, StopAfter: *stopAfter, Inputs: inputs,
		Progress: func(s pretrain.Status) {
			if s.Eval != nil {
				fmt.Fprintf(stderr, "step %d: held-out loss %.4f\n", s.Eval.Step, s.Eval.Loss)
			}
			if time.Since(last) >= 30*time.Second || s.Step == s.Steps || s.Saved {
				last = time.Now()
				saved := ""
				if s.Saved {
					saved = ", checkpoint saved"
				}
				fmt.Fprintf(stderr, "step %d/%d (%.1f%%) loss %.4f lr %.2e, %.0f tokens/s, %s left%s\n",
					s.Step, s.Steps, 100*float64(s.Step)/float64(s.Steps), s.Loss, s.LR, s.TokensPerSec, s.Left.Round(time.Second), saved)
			}
		},
	})
	if errors.Is(err, context.Canceled) {
		fmt.Fprintf(stderr, "pretrain: stopped at step %d with a checkpoint in %s; run the same command to go on\n", st.Step, *out)
		return nil
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "pretrain: checkpoint at step %d of %d in %s (%.0f s of training in %d sittings)\n", st.Step, cfg.Steps, *out, st.Seconds, st.Sittings)
	return json.NewEncoder(stdout).Encode(map[string]any{"step": st.Step, "steps": cfg.Steps, "seconds": st.Seconds, "evals": st.Evals})
}

// pretrainTokenizer loads the tokenizer of a kind of model and returns its
// encoder of one line (ids without special tokens) and its vocabulary size.
func pretrainTokenizer(kind pretrain.Kind, path string) (func(string) ([]int, error), int, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	if kind == pretrain.Encoder {
		tok, err := wordpiece.LoadVocab(f, wordpiece.Options{})
		if err != nil {
			return nil, 0, fmt.Errorf("%s: %w", path, err)
		}
		return func(s string) ([]int, error) {
			enc, err := tok.EncodeWith(s, wordpiece.EncodeOptions{NoSpecial: true})
			return enc.IDs, err
		}, tok.VocabSize(), nil
	}
	tok, err := llama2c.ReadTokenizer(f)
	if err != nil {
		return nil, 0, fmt.Errorf("%s: %w", path, err)
	}
	return pretrain.WordCache(func(w string) ([]int, error) {
		enc, err := tok.Encode(w, false)
		return enc.IDs, err
	}), tok.VocabSize(), nil
}

// pretrainStreams returns the token streams of the corpus, from the files
// in out when they were made from the same inputs, else tokenizing anew.
func pretrainStreams(ctx context.Context, cfg pretrain.Config, corpus, out string, encode func(string) ([]int, error), inputs map[string]string, stderr io.Writer) (pretrain.Stream, pretrain.Stream, error) {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return nil, nil, err
	}
	key, _ := json.Marshal(inputs)
	stamp := filepath.Join(out, "streams.json")
	if b, err := os.ReadFile(stamp); err == nil && string(b) == string(key) {
		tr, err1 := readStream(filepath.Join(out, "train.u16"))
		va, err2 := readStream(filepath.Join(out, "valid.u16"))
		if err := errors.Join(err1, err2); err == nil {
			return tr, va, nil
		}
	}
	sep, first := []int{cfg.Special.SEP}, false
	if cfg.Kind == pretrain.Decoder {
		sep, first = []int{cfg.Special.BOS}, true
	}
	var streams [2]pretrain.Stream
	for i, name := range []string{"train", "valid"} {
		f, err := os.Open(filepath.Join(corpus, name+".txt"))
		if err != nil {
			return nil, nil, err
		}
		info, _ := f.Stat()
		start := time.Now()
		last := time.Now()
		s, err := pretrain.Tokenize(ctx, f, info.Size(), encode, sep, first, func(p float64) {
			if time.Since(last) > 10*time.Second {
				last = time.Now()
				fmt.Fprintf(stderr, "tokenizing %s.txt: %.0f%%\n", name, 100*p)
			}
		})
		f.Close()
		if err != nil {
			return nil, nil, fmt.Errorf("%s.txt: %w", name, err)
		}
		fmt.Fprintf(stderr, "tokenized %s.txt: %d tokens in %s\n", name, len(s), time.Since(start).Round(time.Second))
		if err := writeStream(filepath.Join(out, name+".u16"), s); err != nil {
			return nil, nil, err
		}
		streams[i] = s
	}
	if err := os.WriteFile(stamp, key, 0o644); err != nil {
		return nil, nil, err
	}
	return streams[0], streams[1], nil
}

func readStream(path string) (pretrain.Stream, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return pretrain.ReadStream(b)
}

func writeStream(path string, s pretrain.Stream) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := s.WriteTo(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
