package decoder_test

import (
	"bytes"
	"context"
	"fmt"
	"os"

	"textlab/core/decoder"
	"textlab/core/llama2c"
	"textlab/core/sample"
)

// ExampleLoadGPT2 writes a small random GPT-2 as a Hugging Face checkpoint
// (config.json and model.safetensors), reads it back, and continues
// <|endoftext|> greedily, reading the attention of the last position.
func ExampleLoadGPT2() {
	cfg := decoder.GPT2Config{VocabSize: 97, NEmbd: 32, NHead: 4, NLayer: 2, NPositions: 64}
	m, err := decoder.NewRandomGPT2(cfg, 1, 0.2)
	if err != nil {
		fmt.Println(err)
		return
	}
	configJSON, err := m.Config.JSON()
	if err != nil {
		fmt.Println(err)
		return
	}
	var weights bytes.Buffer
	if err := m.WriteSafetensors(&weights); err != nil {
		fmt.Println(err)
		return
	}

	loaded, err := decoder.LoadGPT2(configJSON, weights.Bytes())
	if err != nil {
		fmt.Println(err)
		return
	}
	loaded.RecordAttention = true
	greedy := sample.New(sample.Config{}) // temperature 0
	ids, err := decoder.Generate(context.Background(), loaded, nil, 6, greedy.Sample, nil)
	att := loaded.Attention()
	fmt.Println("start:", loaded.BOS(), "ids:", ids, err)
	fmt.Printf("attention: %d layers × %d heads × %d positions\n", len(att), len(att[0]), len(att[0][0]))
	// Output:
	// start: 96 ids: [13 53 53 36 36 36] <nil>
	// attention: 2 layers × 4 heads × 6 positions
}

// ExampleLlama_Quantize runs stories260K with int8 projections and
// continues BOS greedily. ExampleGenerate gives the float32 ids: the first
// two most likely tokens are 0.11 apart in float32 logits, and int8 already
// swaps them at the first step.
func ExampleLlama_Quantize() {
	f, err := os.Open("../../../shared/reference/llama2c/stories260K.bin")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer f.Close()
	ck, err := llama2c.ReadCheckpoint(f)
	if err != nil {
		fmt.Println(err)
		return
	}
	m, err := ck.Model()
	if err != nil {
		fmt.Println(err)
		return
	}
	m.Quantize()
	s := sample.NewRunC(0, 0.9, 42) // temperature 0: greedy
	ids, err := decoder.Generate(context.Background(), m, nil, 8, s.Sample, nil)
	fmt.Println(m.Quantized(), ids, err)
	// Output: true [306 461 465 466 305 446 400 444] <nil>
}
