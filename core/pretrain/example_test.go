package pretrain_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"

	"textlab/core/decoder"
	"textlab/core/pretrain"
	"textlab/core/tokentrain"
	"textlab/core/train"
)

// Export a decoder checkpoint for the browser: int8 projections and
// embedding table, the tied classifier written once, and the tokenizer
// beside it; core/decoder loads the folder as it is.
func ExampleExport() {
	dir, _ := os.MkdirTemp("", "example-export")
	defer os.RemoveAll(dir)

	// A tokenizer.bin trained on one sentence.
	c := tokentrain.Counter{Split: tokentrain.SplitLlama}
	c.Add("the cat sat on the mat")
	v, _ := tokentrain.TrainLlama(context.Background(), c.Words(), tokentrain.LlamaConfig{VocabSize: tokentrain.LlamaFirstPiece + 20, Alphabet: " "}, nil)
	var tok bytes.Buffer
	v.WriteTo(&tok)
	tokPath := filepath.Join(dir, "tokenizer.bin")
	os.WriteFile(tokPath, tok.Bytes(), 0o644)

	// A checkpoint of an untrained tiny decoder (pretrain.Run writes real ones).
	cfg := pretrain.Config{Kind: pretrain.Decoder, Dim: 16, Layers: 1, Heads: 2, Hidden: 32, Vocab: len(v.Pieces), SeqLen: 16,
		Batch: 1, Accum: 1, Steps: 1, PeakLR: 1e-3, Seed: 1, Special: pretrain.DefaultSpecial}
	m, _ := cfg.NewModel()
	ckDir := filepath.Join(dir, "run")
	if err := pretrain.Save(ckDir, m, &train.AdamW{}, pretrain.State{Config: cfg}); err != nil {
		fmt.Println(err)
		return
	}

	out := filepath.Join(dir, "textlab-decoder")
	ex, err := pretrain.Export(ckDir, out, pretrain.ExportOptions{Tokenizer: tokPath})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range ex.Files {
		fmt.Println(f.Name, f.Bytes)
	}
	cj, _ := os.ReadFile(filepath.Join(out, "config.json"))
	st, _ := os.ReadFile(filepath.Join(out, "model.safetensors"))
	d, err := decoder.LoadLlama(cj, st)
	fmt.Println("int8:", d.Quantized(), err)
	// Output:
	// config.json 190
	// model.safetensors 10524
	// tokenizer.bin 3757
	// int8: true <nil>
}
