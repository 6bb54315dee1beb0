package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"textlab/core/decoder"
	"textlab/core/llama2c"
	"textlab/core/sample"
)

// defaultSeed is generate's --seed default. run.c seeds with the time;
// Textlab prefers runs that repeat.
const defaultSeed = 42

func init() {
	register(command{
		name:    "generate",
		summary: "continue a prompt with a llama2.c model (run.c's sampler)",
		run:     runGenerate,
	})
}

// runGenerate implements
//
//	textlab generate --model FILE|DIR [--tokenizer FILE] [--prompt TEXT] [--steps N]
//	                 [--temperature F] [--top-k N] [--top-p F] [--seed N] [--ids]
//
// --model is a llama2.c checkpoint, or a folder holding model.bin and
// tokenizer.bin. The tokenizer defaults to tokenizer.bin beside the model;
// it is not read when --ids is given and the prompt is empty. Steps count
// positions, the prompt's included, as run.c's -n (0: the model's seq_len).
// Tokens are drawn by run.c's sampler (temperature, then top-p), so the
// same settings give run.c's tokens; setting --top-k switches to Textlab's
// teaching sampler (temperature → top-k → top-p). --ids prints the ids
// run.c prints (the prompt after BOS, then the generated ones) on one line.
func runGenerate(args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("generate", stderr)
	model := fs.String("model", "", "llama2.c checkpoint `FILE`, or a DIR with model.bin and tokenizer.bin")
	tokPath := fs.String("tokenizer", "", "llama2.c tokenizer.bin `FILE` (default: tokenizer.bin beside the model)")
	prompt := fs.String("prompt", "", "text to continue (empty: start from BOS)")
	steps := fs.Int("steps", 256, "positions to run, prompt included (0: the model's seq_len)")
	temp := fs.Float64("temperature", 1.0, "sampling temperature; 0 is greedy")
	topK := fs.Int("top-k", 0, "keep the K most likely tokens (0: off; setting it switches to the teaching sampler)")
	topP := fs.Float64("top-p", 0.9, "nucleus sampling threshold in [0, 1]; 0 or 1 switches it off")
	seed := fs.Uint64("seed", defaultSeed, "random seed (run.c's xorshift64*), at least 1")
	ids := fs.Bool("ids", false, "print the token ids on one line instead of the text")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	switch {
	case *model == "":
		return fmt.Errorf("%w: --model is required", errUsage)
	case *temp < 0:
		return fmt.Errorf("%w: --temperature %v is negative", errUsage, *temp)
	case *topP < 0 || *topP > 1:
		return fmt.Errorf("%w: --top-p %v outside [0, 1]", errUsage, *topP)
	case *topK < 0:
		return fmt.Errorf("%w: --top-k %d is negative", errUsage, *topK)
	case *steps < 0:
		return fmt.Errorf("%w: --steps %d is negative", errUsage, *steps)
	case *seed == 0:
		return fmt.Errorf("%w: --seed must be at least 1", errUsage)
	}

	modelFile := *model
	if st, err := os.Stat(modelFile); err == nil && st.IsDir() {
		modelFile = filepath.Join(*model, "model.bin")
	}
	if *tokPath == "" {
		*tokPath = filepath.Join(filepath.Dir(modelFile), "tokenizer.bin")
	}
	f, err := os.Open(modelFile)
	if err != nil {
		return err
	}
	ck, err := llama2c.ReadCheckpoint(bufio.NewReader(f))
	f.Close()
	if err != nil {
		return fmt.Errorf("%s: %w", modelFile, err)
	}
	m, err := ck.Model()
	if err != nil {
		return fmt.Errorf("%s: %w", modelFile, err)
	}

	var tok *llama2c.Tokenizer
	if !*ids || *prompt != "" {
		data, err := os.ReadFile(*tokPath)
		if err != nil {
			return err
		}
		if tok, err = llama2c.ReadTokenizer(bytes.NewReader(data)); err != nil {
			return fmt.Errorf("%s: %w", *tokPath, err)
		}
		if tok.VocabSize() != m.VocabSize() {
			return fmt.Errorf("%s has %d pieces but the model's vocabulary has %d: pass the model's own tokenizer with --tokenizer",
				*tokPath, tok.VocabSize(), m.VocabSize())
		}
	}
	promptIDs := []int{llama2c.BOS}
	if tok != nil {
		enc, err := tok.Encode(*prompt, true)
		if err != nil {
			return err
		}
		promptIDs = enc.IDs
	}

	next := sample.NewRunC(float32(*temp), float32(*topP), *seed).Sample
	if *topK > 0 {
		next = sample.New(sample.Config{Temperature: *temp, TopK: *topK, TopP: *topP, Seed: *seed}).Sample
	}
	w := bufio.NewWriter(stdout)
	defer w.Flush()
	prev := promptIDs[0]
	var sep string
	emit := func(_, id int) {
		if *ids {
			w.WriteString(sep + strconv.Itoa(id))
			sep = " "
		} else {
			writeSafe(w, tok.Piece(prev, id))
		}
		prev = id
	}
	if _, err := decoder.Generate(context.Background(), m, promptIDs, *steps, next, emit); err != nil {
		return err
	}
	w.WriteString("\n")
	return w.Flush()
}

// writeSafe writes piece unless it is a single byte that is neither
// printable nor white space, as run.c's safe_printf skips such raw bytes.
func writeSafe(w io.StringWriter, piece string) {
	if len(piece) == 1 {
		c := piece[0]
		if (c < 0x20 || c > 0x7e) && !strings.ContainsRune(" \t\n\v\f\r", rune(c)) {
			return
		}
	}
	w.WriteString(piece)
}
