package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"textlab/core/llama2c"
	"textlab/core/tokenize"
	"textlab/core/tokenize/bpe"
	"textlab/core/tokenize/wordpiece"
)

func init() {
	register(command{
		name:    "tokenize",
		summary: "print the token ids of each line with a BERT, GPT-2 or llama2.c vocabulary",
		run:     runTokenize,
	})
}

// maxTokenizeLine is the longest stdin line `textlab tokenize` accepts.
const maxTokenizeLine = 16 << 20

func runTokenize(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("tokenize", stderr)
	vocab := fs.String("vocab", "", "vocab.txt, tokenizer.json, GPT-2 vocab.json/encoder.json (with --merges) or llama2.c tokenizer.bin")
	merges := fs.String("merges", "", "GPT-2 merges.txt or vocab.bpe, for a vocab.json")
	special := fs.Bool("special", false, "add the special tokens ([CLS] ... [SEP] for BERT, BOS for llama2.c)")
	pair := fs.Bool("pair", false, "each line holds two texts separated by a TAB (BERT only)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *vocab == "" {
		return fmt.Errorf("%w: --vocab is required", errUsage)
	}
	tok, err := loadTokenizer(*vocab, *merges)
	if err != nil {
		return err
	}
	wp, isWordPiece := tok.(*wordpiece.Tokenizer)
	if *pair && !isWordPiece {
		return fmt.Errorf("%w: --pair needs a WordPiece (BERT) vocabulary", errUsage)
	}
	out := bufio.NewWriter(stdout)
	sc := bufio.NewScanner(stdin)
	sc.Buffer(make([]byte, 0, 64*1024), maxTokenizeLine)
	for line := 1; sc.Scan(); line++ {
		var enc tokenize.Encoding
		if *pair {
			a, b, ok := strings.Cut(sc.Text(), "\t")
			if !ok {
				return fmt.Errorf("line %d: no TAB between the two texts", line)
			}
			enc, err = wp.EncodePair(a, b, wordpiece.EncodeOptions{NoSpecial: !*special})
		} else {
			enc, err = tok.Encode(sc.Text(), *special)
		}
		if err != nil {
			return fmt.Errorf("line %d: %w", line, err)
		}
		buf := make([]byte, 0, 8*len(enc.IDs))
		for i, id := range enc.IDs {
			if i > 0 {
				buf = append(buf, ' ')
			}
			buf = strconv.AppendInt(buf, int64(id), 10)
		}
		buf = append(buf, '\n')
		if _, err := out.Write(buf); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("reading standard input: %w", err)
	}
	return out.Flush()
}

// loadTokenizer opens a vocabulary file and picks its loader: by extension
// for llama2.c's tokenizer.bin, by --merges for GPT-2's vocab.json, by the
// model type for a tokenizer.json, and vocab.txt otherwise.
func loadTokenizer(path, mergesPath string) (tokenize.Tokenizer, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	wrap := func(t tokenize.Tokenizer, err error) (tokenize.Tokenizer, error) {
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return t, nil
	}
	if strings.EqualFold(filepath.Ext(path), ".bin") {
		if mergesPath != "" {
			return nil, fmt.Errorf("%w: --merges does not go with a llama2.c tokenizer.bin", errUsage)
		}
		return wrap(llama2c.ReadTokenizer(bytes.NewReader(data)))
	}
	if mergesPath != "" {
		m, err := os.ReadFile(mergesPath)
		if err != nil {
			return nil, err
		}
		return wrap(bpe.Load(bytes.NewReader(data), bytes.NewReader(m), bpe.Options{}))
	}
	if trimmed := bytes.TrimLeft(data, " \t\r\n"); len(trimmed) > 0 && trimmed[0] == '{' {
		var probe struct {
			Model *struct {
				Type string `json:"type"`
			} `json:"model"`
		}
		if err := json.Unmarshal(data, &probe); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		switch {
		case probe.Model == nil:
			return nil, fmt.Errorf("%w: %s has no \"model\": a GPT-2 vocab.json needs --merges", errUsage, path)
		case probe.Model.Type == "WordPiece":
			return wrap(wordpiece.LoadTokenizerJSON(bytes.NewReader(data)))
		case probe.Model.Type == "BPE":
			return wrap(bpe.LoadTokenizerJSON(bytes.NewReader(data)))
		default:
			return nil, fmt.Errorf("%s: model type %q is not supported (WordPiece or BPE)", path, probe.Model.Type)
		}
	}
	return wrap(wordpiece.LoadVocab(bytes.NewReader(data), wordpiece.Options{}))
}
