package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"

	"textlab/core/decoder"
	"textlab/core/llama2c"
	"textlab/core/sample"
	"textlab/core/tokenize/bpe"
)

// defaultSeed is generate's --seed default. run.c seeds with the time;
// Textlab prefers runs that repeat.
const defaultSeed = 42

func init() {
	register(command{
		name:    "generate",
		summary: "continue a prompt with a llama2.c or GPT-2 model",
		run:     runGenerate,
	})
}

// runGenerate implements
//
//	textlab generate --model FILE|DIR [--tokenizer FILE] [--prompt TEXT] [--steps N]
//	                 [--temperature F] [--top-k N] [--top-p F] [--seed N] [--ids] [--int8]
//
// --model is one of
//   - a llama2.c checkpoint, or a folder holding model.bin and
//     tokenizer.bin (the tokenizer defaults to tokenizer.bin beside the model);
//   - a Hugging Face GPT-2 folder: config.json, model.safetensors (float,
//     or Textlab's int8), and vocab.json + merges.txt or tokenizer.json
//     (--tokenizer may name a tokenizer.json elsewhere);
//   - a folder written by Textlab for a Llama model: config.json with
//     model_type "llama2c", model.safetensors (float or int8), and
//     tokenizer.bin.
//
// The tokenizer is not read when --ids is given and the prompt is empty.
// Steps count positions, the prompt's included, as run.c's -n (0: the
// model's longest sequence). A GPT-2 prompt is preceded by <|endoftext|>,
// as the empty prompt is, and generation stops when <|endoftext|> is sampled.
//
// Llama models draw tokens with run.c's sampler (temperature, then top-p),
// so the same settings give run.c's tokens; setting --top-k switches to
// Textlab's teaching sampler (temperature → top-k → top-p), which GPT-2
// models always use. --ids prints the ids after the start token (the
// prompt's, then the generated ones) on one line instead of the text.
// --int8 quantizes the model's projections to int8 after loading.
func runGenerate(args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("generate", stderr)
	model := fs.String("model", "", "llama2.c checkpoint `FILE`, or a DIR with model.bin and tokenizer.bin, or with config.json and model.safetensors (GPT-2 or Textlab's Llama)")
	tokPath := fs.String("tokenizer", "", "tokenizer `FILE`: llama2.c tokenizer.bin, or a GPT-2 tokenizer.json (default: beside the model)")
	prompt := fs.String("prompt", "", "text to continue (empty: start from BOS or <|endoftext|>)")
	steps := fs.Int("steps", 256, "positions to run, prompt included (0: the model's longest sequence)")
	temp := fs.Float64("temperature", 1.0, "sampling temperature; 0 is greedy")
	topK := fs.Int("top-k", 0, "keep the K most likely tokens (0: off; for Llama, setting it switches to the teaching sampler)")
	topP := fs.Float64("top-p", 0.9, "nucleus sampling threshold in [0, 1]; 0 or 1 switches it off")
	seed := fs.Uint64("seed", defaultSeed, "random seed (run.c's xorshift64*), at least 1")
	ids := fs.Bool("ids", false, "print the token ids on one line instead of the text")
	quantize := fs.Bool("int8", false, "quantize the model's projections to int8 after loading")
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

	needTok := !*ids || *prompt != ""
	var lm *loadedModel
	var err error
	if st, statErr := os.Stat(filepath.Join(*model, "config.json")); statErr == nil && !st.IsDir() {
		lm, err = loadSafetensorsModel(*model, *tokPath, needTok)
	} else {
		lm, err = loadLlama2c(*model, *tokPath, needTok)
	}
	if err != nil {
		return err
	}
	if *quantize {
		switch m := lm.model.(type) {
		case *decoder.Llama:
			m.Quantize()
		case *decoder.GPT2:
			m.Quantize()
		}
	}

	start := lm.bos()
	promptIDs := []int{start}
	if *prompt != "" {
		if promptIDs, err = lm.encode(*prompt); err != nil {
			return err
		}
	}

	var next func([]float32) int
	if lm.isGPT || *topK > 0 {
		next = sample.New(sample.Config{Temperature: *temp, TopK: *topK, TopP: *topP, Seed: *seed}).Sample
	} else {
		next = sample.NewRunC(float32(*temp), float32(*topP), *seed).Sample
	}
	w := bufio.NewWriter(stdout)
	defer w.Flush()
	var emit func(pos, id int)
	var finish func()
	switch {
	case *ids:
		var sep string
		emit = func(_, id int) {
			w.WriteString(sep + strconv.Itoa(id))
			sep = " "
		}
	case lm.gpt2 != nil:
		emit, finish = gpt2Printer(w, lm.gpt2)
	default:
		prev := promptIDs[0]
		emit = func(_, id int) {
			writeSafe(w, lm.llama.Piece(prev, id))
			prev = id
		}
	}
	if _, err := decoder.Generate(context.Background(), lm.model, promptIDs, *steps, next, emit); err != nil {
		return err
	}
	if finish != nil {
		finish()
	}
	w.WriteString("\n")
	return w.Flush()
}

// loadedModel is a decoder with the tokenizer that goes with it (llama or
// gpt2; neither when the tokenizer was not needed).
type loadedModel struct {
	model decoder.Model
	llama *llama2c.Tokenizer
	gpt2  *bpe.Tokenizer
	isGPT bool // a GPT-2 model (its prompts start with <|endoftext|>)
}

// bos returns the id sequences start with.
func (lm *loadedModel) bos() int {
	if b, ok := lm.model.(decoder.BOSer); ok {
		return b.BOS()
	}
	return decoder.BOS
}

// encode returns the prompt's ids, starting with the start token.
func (lm *loadedModel) encode(text string) ([]int, error) {
	if lm.llama != nil {
		enc, err := lm.llama.Encode(text, true)
		return enc.IDs, err
	}
	enc, err := lm.gpt2.Encode(text, false)
	if err != nil {
		return nil, err
	}
	return append([]int{lm.bos()}, enc.IDs...), nil
}

// gpt2Printer returns an emit function that prints the text of the ids so
// far as it grows, holding back bytes until they form whole UTF-8
// characters (a character may span tokens), and a finish function that
// prints what is left.
func gpt2Printer(w *bufio.Writer, tok *bpe.Tokenizer) (emit func(pos, id int), finish func()) {
	var all []int
	shown := 0
	emit = func(_, id int) {
		all = append(all, id)
		text := tok.Decode(all)
		if utf8.ValidString(text[shown:]) {
			w.WriteString(text[shown:])
			shown = len(text)
		}
	}
	finish = func() { w.WriteString(tok.Decode(all)[shown:]) }
	return emit, finish
}

// loadLlama2c reads a llama2.c checkpoint (a file, or DIR/model.bin) and,
// when needed, its tokenizer.
func loadLlama2c(model, tokPath string, needTok bool) (*loadedModel, error) {
	modelFile := model
	if st, err := os.Stat(modelFile); err == nil && st.IsDir() {
		modelFile = filepath.Join(model, "model.bin")
	}
	f, err := os.Open(modelFile)
	if err != nil {
		return nil, err
	}
	ck, err := llama2c.ReadCheckpoint(bufio.NewReader(f))
	f.Close()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", modelFile, err)
	}
	m, err := ck.Model()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", modelFile, err)
	}
	if tokPath == "" {
		tokPath = filepath.Join(filepath.Dir(modelFile), "tokenizer.bin")
	}
	return withLlamaTokenizer(m, tokPath, needTok)
}

func withLlamaTokenizer(m *decoder.Llama, tokPath string, needTok bool) (*loadedModel, error) {
	lm := &loadedModel{model: m}
	if !needTok {
		return lm, nil
	}
	data, err := os.ReadFile(tokPath)
	if err != nil {
		return nil, err
	}
	if lm.llama, err = llama2c.ReadTokenizer(bytes.NewReader(data)); err != nil {
		return nil, fmt.Errorf("%s: %w", tokPath, err)
	}
	if lm.llama.VocabSize() != m.VocabSize() {
		return nil, fmt.Errorf("%s has %d pieces but the model's vocabulary has %d: pass the model's own tokenizer with --tokenizer",
			tokPath, lm.llama.VocabSize(), m.VocabSize())
	}
	return lm, nil
}

// loadSafetensorsModel reads DIR/config.json and DIR/model.safetensors: a
// Textlab Llama when model_type is "llama2c", else a GPT-2.
func loadSafetensorsModel(dir, tokPath string, needTok bool) (*loadedModel, error) {
	cfgPath, wPath := filepath.Join(dir, "config.json"), filepath.Join(dir, "model.safetensors")
	cfg, err := os.ReadFile(cfgPath)
	if err != nil {
		return nil, err
	}
	weights, err := os.ReadFile(wPath)
	if err != nil {
		return nil, err
	}
	var kind struct {
		ModelType string `json:"model_type"`
	}
	if err := json.Unmarshal(cfg, &kind); err != nil {
		return nil, fmt.Errorf("%s: %w", cfgPath, err)
	}
	if kind.ModelType == decoder.LlamaModelType {
		m, err := decoder.LoadLlama(cfg, weights)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", dir, err)
		}
		if tokPath == "" {
			tokPath = filepath.Join(dir, "tokenizer.bin")
		}
		return withLlamaTokenizer(m, tokPath, needTok)
	}
	if kind.ModelType != "" && kind.ModelType != "gpt2" {
		return nil, fmt.Errorf("%s: model_type %q is not supported (want \"gpt2\" or %q)", cfgPath, kind.ModelType, decoder.LlamaModelType)
	}
	m, err := decoder.LoadGPT2(cfg, weights)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	lm := &loadedModel{model: m, isGPT: true}
	if !needTok {
		return lm, nil
	}
	if lm.gpt2, err = loadBPE(dir, tokPath); err != nil {
		return nil, err
	}
	if lm.gpt2.VocabSize() > m.VocabSize() {
		return nil, fmt.Errorf("the tokenizer has %d tokens but the model's vocabulary has %d", lm.gpt2.VocabSize(), m.VocabSize())
	}
	return lm, nil
}

// loadBPE reads a GPT-2 tokenizer: tokPath (a tokenizer.json), else
// DIR/vocab.json with DIR/merges.txt, else DIR/tokenizer.json.
func loadBPE(dir, tokPath string) (*bpe.Tokenizer, error) {
	if tokPath == "" {
		vocab, merges := filepath.Join(dir, "vocab.json"), filepath.Join(dir, "merges.txt")
		if _, err := os.Stat(vocab); err == nil {
			vb, err := os.ReadFile(vocab)
			if err != nil {
				return nil, err
			}
			mb, err := os.ReadFile(merges)
			if err != nil {
				return nil, err
			}
			t, err := bpe.Load(bytes.NewReader(vb), bytes.NewReader(mb), bpe.Options{})
			if err != nil {
				return nil, fmt.Errorf("%s: %w", dir, err)
			}
			return t, nil
		}
		tokPath = filepath.Join(dir, "tokenizer.json")
	}
	data, err := os.ReadFile(tokPath)
	if err != nil {
		return nil, fmt.Errorf("no GPT-2 tokenizer (vocab.json + merges.txt, or tokenizer.json): %w", err)
	}
	t, err := bpe.LoadTokenizerJSON(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", tokPath, err)
	}
	return t, nil
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
