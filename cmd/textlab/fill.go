package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
)

func init() {
	register(command{
		name:    "fill",
		summary: "predict the tokens behind each [MASK] in a text with a BERT MLM head",
		run:     runFill,
	})
}

// fillCandidate is one predicted token of `textlab fill --json`.
type fillCandidate struct {
	Token string  `json:"token"`
	ID    int     `json:"id"`
	Prob  float32 `json:"prob"`
}

// fillMask is the predictions for one [MASK] of `textlab fill --json`.
type fillMask struct {
	Position int             `json:"position"` // token index, [CLS] = 0
	Top      []fillCandidate `json:"top"`
}

func runFill(args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fl := newFlags("fill", stderr)
	dir := fl.String("model", "", "model folder: config.json, model.safetensors (with cls.predictions), vocab.txt or tokenizer.json")
	text := fl.String("text", "", `text with one or more [MASK] tokens, e.g. "the cat [MASK] on the mat"`)
	top := fl.Int("top", 5, "candidates per [MASK]")
	asJSON := fl.Bool("json", false, "print JSON instead of text")
	if err := parseFlags(fl, args); err != nil {
		return err
	}
	if *dir == "" || *text == "" {
		return fmt.Errorf("%w: --model and --text are required", errUsage)
	}
	if *top < 1 {
		return fmt.Errorf("%w: --top %d: want at least 1", errUsage, *top)
	}
	d, err := loadBERTDir(*dir)
	if err != nil {
		return err
	}
	maskID, ok := d.tok.ID("[MASK]")
	if !ok {
		return fmt.Errorf("the vocabulary has no [MASK] token")
	}
	_, in, err := d.tokenize(*text)
	if err != nil {
		return err
	}
	preds, err := d.model.FillMask(context.Background(), in, maskID, *top)
	if err != nil {
		return err
	}
	out := make([]fillMask, len(preds))
	for i, p := range preds {
		out[i].Position = p.Position
		for _, c := range p.Top {
			out[i].Top = append(out[i].Top, fillCandidate{Token: d.tok.Token(c.ID), ID: c.ID, Prob: c.Prob})
		}
	}
	if *asJSON {
		return json.NewEncoder(stdout).Encode(out)
	}
	for i, m := range out {
		if i > 0 {
			fmt.Fprintln(stdout)
		}
		fmt.Fprintf(stdout, "[MASK] at token %d:\n", m.Position)
		for _, c := range m.Top {
			fmt.Fprintf(stdout, "  %-16s %.4f\n", c.Token, c.Prob)
		}
	}
	return nil
}
