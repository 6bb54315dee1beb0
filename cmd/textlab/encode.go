package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"textlab/core/bert"
	"textlab/core/tokenize"
	"textlab/core/tokenize/wordpiece"
)

func init() {
	register(command{
		name:    "encode",
		summary: "run a BERT encoder over a text: token vectors, pooled vector, attentions",
		run:     runEncode,
	})
}

// bertDir is a BERT model folder loaded for the command line.
type bertDir struct {
	model *bert.Model
	tok   *wordpiece.Tokenizer
}

// loadBERTDir reads config.json, model.safetensors and vocab.txt (or
// tokenizer.json) from dir.
func loadBERTDir(dir string) (*bertDir, error) {
	cfg, err := os.ReadFile(filepath.Join(dir, "config.json"))
	if err != nil {
		return nil, err
	}
	weights, err := os.ReadFile(filepath.Join(dir, "model.safetensors"))
	if err != nil {
		return nil, err
	}
	m, err := bert.Load(cfg, weights)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	var tok *wordpiece.Tokenizer
	vocabPath := filepath.Join(dir, "vocab.txt")
	f, err := os.Open(vocabPath)
	if errors.Is(err, fs.ErrNotExist) {
		vocabPath = filepath.Join(dir, "tokenizer.json")
		f, err = os.Open(vocabPath)
		if err != nil {
			return nil, fmt.Errorf("%s: no vocab.txt or tokenizer.json: %w", dir, err)
		}
		defer f.Close()
		tok, err = wordpiece.LoadTokenizerJSON(f)
	} else if err == nil {
		defer f.Close()
		tok, err = wordpiece.LoadVocab(f, wordpiece.Options{})
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", vocabPath, err)
	}
	if tok.VocabSize() != m.Config.VocabSize {
		return nil, fmt.Errorf("%s has %d tokens but config.json says vocab_size %d", vocabPath, tok.VocabSize(), m.Config.VocabSize)
	}
	return &bertDir{m, tok}, nil
}

// tokenize encodes text as [CLS] text [SEP], truncated to the model's length.
func (d *bertDir) tokenize(text string) (tokenize.Encoding, bert.Input, error) {
	enc, err := d.tok.EncodeWith(text, wordpiece.EncodeOptions{MaxLength: d.model.Config.MaxPositionEmbeddings})
	if err != nil {
		return enc, bert.Input{}, err
	}
	return enc, bert.Input{IDs: enc.IDs, TypeIDs: enc.TypeIDs, Mask: enc.Mask}, nil
}

// encodeOutput is the JSON that `textlab encode --json` prints.
type encodeOutput struct {
	Tokens     []string        `json:"tokens"`
	Hidden     [][]float32     `json:"hidden"` // last layer, [token][hidden]
	Pool       string          `json:"pool"`   // "cls" or "mean"
	Pooled     []float32       `json:"pooled"`
	Attentions [][][][]float32 `json:"attentions,omitempty"` // [layer][head][query][key]
}

func runEncode(args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fl := newFlags("encode", stderr)
	dir := fl.String("model", "", "model folder: config.json, model.safetensors, vocab.txt or tokenizer.json")
	text := fl.String("text", "", "text to encode")
	pool := fl.String("pool", "cls", "pooled vector: cls (the [CLS] token's last state) or mean (masked mean over tokens)")
	atts := fl.Bool("attentions", false, "also output attention probabilities [layer][head][query][key]")
	asJSON := fl.Bool("json", false, "print JSON instead of text")
	if err := parseFlags(fl, args); err != nil {
		return err
	}
	if *dir == "" || *text == "" {
		return fmt.Errorf("%w: --model and --text are required", errUsage)
	}
	if *pool != "cls" && *pool != "mean" {
		return fmt.Errorf("%w: --pool %q: want cls or mean", errUsage, *pool)
	}
	d, err := loadBERTDir(*dir)
	if err != nil {
		return err
	}
	enc, in, err := d.tokenize(*text)
	if err != nil {
		return err
	}
	rs, err := d.model.Encode(context.Background(), []bert.Input{in}, bert.Options{Attentions: *atts}, nil)
	if err != nil {
		return err
	}
	r := rs[0]
	out := encodeOutput{Tokens: enc.Tokens, Hidden: r.Hidden, Pool: *pool, Pooled: r.CLS, Attentions: r.Attentions}
	if *pool == "mean" {
		out.Pooled = r.Mean
	}
	if *asJSON {
		return json.NewEncoder(stdout).Encode(out)
	}
	fmt.Fprintf(stdout, "tokens (%d): %s\n", len(out.Tokens), strings.Join(out.Tokens, " "))
	fmt.Fprintf(stdout, "pooled (%s, %d values):", out.Pool, len(out.Pooled))
	for _, v := range out.Pooled {
		fmt.Fprintf(stdout, " %.6g", v)
	}
	fmt.Fprintln(stdout)
	if *atts {
		c := d.model.Config
		fmt.Fprintf(stdout, "attentions: %d layers × %d heads × %d × %d (use --json for the values)\n",
			c.NumHiddenLayers, c.NumAttentionHeads, len(out.Tokens), len(out.Tokens))
	}
	return nil
}
